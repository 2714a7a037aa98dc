"""The PDF rendering: fpdf2 with a CJK font cut down to the characters of each report.

fpdf2 parses and subsets the whole font for every document, which for a 5 MB CJK font takes most
of a second. The font is therefore parsed once per process, and each report embeds a small font
built from just its own characters (then fpdf2's own subsetting has little left to do). Lines are
broken here with the cached advance widths: fpdf2's multi_cell is slow on long CJK paragraphs.
"""

import io
import tempfile
import threading
from functools import lru_cache

import segno
from fontTools import ttLib
from fontTools.fontBuilder import FontBuilder
from fpdf import FPDF

from ..errors import RegistryError
from .presentation import report_view

FAMILY = "report-cjk"
MARGIN, LINE, BODY, SMALL = 18, 6, 10.5, 9
LABEL_WIDTH = 42


class FontMissing(RegistryError):
    status = 503
    code = "pdf_font_missing"
    title = "PDF font missing"


class CJKFont:
    """One parsed TrueType CJK font: character widths, and small fonts holding only some characters."""

    def __init__(self, path: str):
        try:
            font = ttLib.TTFont(path, fontNumber=0, lazy=True, recalcTimestamp=False)
        except OSError:
            raise FontMissing(f"the report font {path} is not installed", f"缺少报告字体 {path}") from None
        self._font = font
        self._cmap = font.getBestCmap()
        self._glyf = font["glyf"]
        self._metrics = font["hmtx"].metrics
        self.units_per_em = font["head"].unitsPerEm
        self._lock = threading.Lock()  # fontTools decompiles glyphs lazily

    def advance(self, char: str) -> float:
        """Width of a character in em."""
        glyph = self._cmap.get(ord(char))
        return (self._metrics[glyph][0] if glyph else self.units_per_em) / self.units_per_em

    def subset(self, text: str) -> bytes:
        """A TrueType font with the glyphs of `text` only."""
        with self._lock:
            chars = {ord(c): self._cmap[ord(c)] for c in set(text) if ord(c) in self._cmap}
            order = [".notdef"]
            for name in chars.values():
                self._add_glyph(name, order)
            glyphs = {name: self._glyf[name] for name in order}
            builder = FontBuilder(self.units_per_em, isTTF=True)
            builder.setupGlyphOrder(order)
            builder.setupCharacterMap(chars)
            builder.setupGlyf(glyphs)
            builder.setupHorizontalMetrics({name: self._metrics[name] for name in order})
            hhea, os2 = self._font["hhea"], self._font["OS/2"]
            builder.setupHorizontalHeader(ascent=hhea.ascent, descent=hhea.descent)
            builder.setupNameTable({"familyName": "RegistryReport", "styleName": "Regular"})
            builder.setupOS2(sTypoAscender=os2.sTypoAscender, sTypoDescender=os2.sTypoDescender,
                             usWinAscent=os2.usWinAscent, usWinDescent=os2.usWinDescent)
            builder.setupPost()
            out = io.BytesIO()
            builder.save(out)
            return out.getvalue()

    def _add_glyph(self, name: str, order: list) -> None:
        if name in order:
            return
        order.append(name)
        glyph = self._glyf[name]
        if glyph.isComposite():
            for component in glyph.getComponentNames(self._glyf):
                self._add_glyph(component, order)


@lru_cache(maxsize=2)
def cjk_font(path: str) -> CJKFont:
    return CJKFont(path)


def wrap(font: CJKFont, text: str, width_mm: float, size_pt: float) -> list[str]:
    """Greedy line breaks by width; Chinese text may break between any two characters."""
    limit = width_mm / (size_pt * 25.4 / 72)  # in em
    lines = []
    for paragraph in str(text).split("\n"):
        line, used = "", 0.0
        for char in paragraph:
            advance = font.advance(char)
            if line and used + advance > limit:
                lines.append(line)
                line, used = "", 0.0
            line += char
            used += advance
        lines.append(line)
    return lines


class ReportPDF(FPDF):
    def footer(self):
        self.set_y(-12)
        self.set_font(FAMILY, size=SMALL)
        self.cell(0, 6, f"第 {self.page_no()} 页 共 {{nb}} 页", align="C")


def render_pdf(document: dict, font_path: str) -> bytes:
    """The PDF of a served report document (signed content, signature, verify URL)."""
    view = report_view(document)
    font = cjk_font(font_path)
    with tempfile.NamedTemporaryFile(suffix=".ttf") as subset_file:
        subset_file.write(font.subset(_all_text(view) + "第页共 {nb}0123456789"))
        subset_file.flush()
        pdf = ReportPDF(format="A4")
        pdf.set_margins(MARGIN, MARGIN, MARGIN)
        pdf.set_auto_page_break(True, margin=18)
        pdf.add_font(FAMILY, fname=subset_file.name)
        pdf.set_title(f"{view['title']} {document['report']['number']}")
        pdf.add_page()
        _write(pdf, font, view, document["verify_url"])
        return bytes(pdf.output())


def _all_text(view: dict) -> str:
    parts = [view["title"], view["subtitle"], view["summary"], view["statement"], view["verify_url"],
             "查询主体查询范围查询结论其他领域签名与验证扫描二维码或访问以下地址核验本报告："]
    for key in ("identity", "entity", "scope", "signature"):
        parts += [f"{label}{value}" for label, value in view[key]]
    for section in view["domains"]:
        parts += [section["name"], section["conclusion"], "第条"]
        parts += [f"{label}{value}" for rows in section["records"] for label, value in rows]
    return "".join(parts)


def _write(pdf: ReportPDF, font: CJKFont, view: dict, verify_url: str) -> None:
    pdf.set_font(FAMILY, size=18)
    pdf.cell(0, 10, view["title"], align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(FAMILY, size=BODY)
    pdf.cell(0, LINE, view["subtitle"], align="C", new_x="LMARGIN", new_y="NEXT")
    qr_top = pdf.get_y() + 2
    pdf.image(_qr_png(verify_url), x=pdf.w - MARGIN - 30, y=qr_top, w=30, h=30)
    pdf.ln(4)
    _rows(pdf, font, view["identity"], right_gap=34)
    _heading(pdf, "查询主体")
    _rows(pdf, font, view["entity"])
    _heading(pdf, "查询范围")
    _rows(pdf, font, view["scope"])
    _heading(pdf, "查询结论")
    _paragraph(pdf, font, view["summary"])
    clear = [(s["name"], s["conclusion"]) for s in view["domains"] if not s["records"]]
    for section in view["domains"]:
        if section["records"]:
            _heading(pdf, f"{section['name']}：{section['conclusion']}", size=BODY + 0.5)
            for number, rows in enumerate(section["records"], start=1):
                _paragraph(pdf, font, f"第{number}条")
                _rows(pdf, font, rows)
    if clear:
        _heading(pdf, "其他领域", size=BODY + 0.5)
        _rows(pdf, font, clear)
    _heading(pdf, "签名与验证")
    _rows(pdf, font, view["signature"])
    _paragraph(pdf, font, "扫描二维码或访问以下地址核验本报告：")
    _paragraph(pdf, font, verify_url)
    pdf.ln(2)
    pdf.set_font(FAMILY, size=SMALL)
    _paragraph(pdf, font, view["statement"], size=SMALL)


def _heading(pdf: ReportPDF, text: str, size: float = 12) -> None:
    pdf.ln(2)
    pdf.set_font(FAMILY, size=size)
    pdf.set_fill_color(238, 242, 247)
    pdf.cell(0, LINE + 1, text, fill=True, new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(FAMILY, size=BODY)


def _rows(pdf: ReportPDF, font: CJKFont, rows, right_gap: float = 0) -> None:
    value_width = pdf.w - 2 * MARGIN - LABEL_WIDTH - right_gap
    for label, value in rows:
        lines = wrap(font, value, value_width, BODY)
        if pdf.get_y() + LINE * len(lines) > pdf.page_break_trigger:
            pdf.add_page()
        pdf.set_text_color(82, 96, 109)
        pdf.cell(LABEL_WIDTH, LINE, label)
        pdf.set_text_color(0, 0, 0)
        for line in lines:
            pdf.set_x(MARGIN + LABEL_WIDTH)
            pdf.cell(value_width, LINE, line, new_x="LMARGIN", new_y="NEXT")


def _paragraph(pdf: ReportPDF, font: CJKFont, text: str, size: float = BODY) -> None:
    for line in wrap(font, text, pdf.w - 2 * MARGIN, size):
        pdf.cell(0, LINE, line, new_x="LMARGIN", new_y="NEXT")


def _qr_png(url: str) -> io.BytesIO:
    out = io.BytesIO()
    segno.make(url, error="m").save(out, kind="png", scale=6, border=2)
    out.seek(0)
    return out
