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
from fontTools.ttLib import newTable
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
            raise FontMissing(message_en=f"the report font {path} is not installed",
                              message_zh=f"缺少报告字体 {path}") from None
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
        """A TrueType font with the glyphs of `text` only, their outlines copied byte for byte."""
        with self._lock:
            chars = {ord(c): self._cmap[ord(c)] for c in set(text) if ord(c) in self._cmap}
            order = [".notdef"]
            for name in chars.values():
                self._add_glyph(name, order)
            builder = FontBuilder(self.units_per_em, isTTF=True)
            builder.font.recalcBBoxes = False  # recompiling outlines is what makes fontTools slow
            builder.setupGlyphOrder(order)
            builder.setupCharacterMap(chars)
            glyf = newTable("glyf")
            # The raw glyphs (not glyf[name], which decompiles them): FontBuilder.setupGlyf would too.
            glyf.glyphs, glyf.glyphOrder = {name: self._glyf.glyphs[name] for name in order}, order
            builder.font["loca"], builder.font["glyf"] = newTable("loca"), glyf
            builder.setupHorizontalMetrics({name: self._metrics[name] for name in order})
            hhea, os2 = self._font["hhea"], self._font["OS/2"]
            builder.setupHorizontalHeader(ascent=hhea.ascent, descent=hhea.descent)
            builder.setupNameTable({"familyName": "RegistryReport", "styleName": "Regular"})
            builder.setupOS2(sTypoAscender=os2.sTypoAscender, sTypoDescender=os2.sTypoDescender,
                             usWinAscent=os2.usWinAscent, usWinDescent=os2.usWinDescent)
            builder.setupPost()
            self._copy_bounds(builder.font)
            out = io.BytesIO()
            builder.save(out)
            return out.getvalue()

    def _copy_bounds(self, font) -> None:
        """Without recalculation, the whole font's bounds and maxima are safe upper bounds for a subset."""
        for attr in ("xMin", "yMin", "xMax", "yMax"):
            setattr(font["head"], attr, getattr(self._font["head"], attr))
        for attr in ("maxPoints", "maxContours", "maxCompositePoints", "maxCompositeContours", "maxZones",
                     "maxTwilightPoints", "maxStorage", "maxFunctionDefs", "maxInstructionDefs",
                     "maxStackElements", "maxSizeOfInstructions", "maxComponentElements", "maxComponentDepth"):
            setattr(font["maxp"], attr, getattr(self._font["maxp"], attr))
        for attr in ("advanceWidthMax", "minLeftSideBearing", "minRightSideBearing", "xMaxExtent"):
            setattr(font["hhea"], attr, getattr(self._font["hhea"], attr))

    def _add_glyph(self, name: str, order: list) -> None:
        if name in order:
            return
        order.append(name)
        if self._glyf.glyphs[name].isComposite():
            # Components are referred to by glyph id, which the subset renumbers: decompile the
            # (few) composites so that they are written back by component name.
            for component in self._glyf[name].getComponentNames(self._glyf):
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
        pdf.set_auto_page_break(False)  # the writer breaks pages itself, between rows
        pdf.add_font(FAMILY, fname=subset_file.name)
        pdf.fonts[FAMILY].ttfont.recalcBBoxes = False  # the same for fpdf2's own subsetting pass
        pdf.set_title(f"{view['title']} {document['report']['number']}")
        _Writer(pdf, font).write(view, document["verify_url"])
        return bytes(pdf.output())


def write_pdf(document: dict, font_path: str, path: str) -> None:
    """Render a report's PDF into a file (what a bank's batch hands its worker processes)."""
    with open(path, "wb") as out:
        out.write(render_pdf(document, font_path))


def _all_text(view: dict) -> str:
    parts = [view["title"], view["subtitle"], view["summary"], view["statement"], view["verify_url"],
             "查询主体查询范围查询结论其他领域签名与验证扫描二维码或访问以下地址核验本报告："]
    for key in ("identity", "entity", "scope", "signature"):
        parts += [f"{label}{value}" for label, value in view[key]]
    for section in view["domains"]:
        parts += [section["name"], section["conclusion"], "第条"]
        parts += [f"{label}{value}" for rows in section["records"] for label, value in rows]
    if view["positive"]:
        parts += [view["positive"]["title"], view["positive"]["none"]]
        parts += [f"{label}{value}" for rows in view["positive"]["records"] for label, value in rows]
    return "".join(parts)


class _Writer:
    """Lays the report out line by line with FPDF.text (much cheaper than cell), breaking pages itself."""

    def __init__(self, pdf: ReportPDF, font: CJKFont):
        self.pdf, self.font = pdf, font
        self.width = pdf.w - 2 * MARGIN
        self.bottom = pdf.h - 20
        self.y = MARGIN

    def write(self, view: dict, verify_url: str) -> None:
        pdf = self.pdf
        pdf.add_page()
        self._line(view["title"], size=18, centred=True, height=11)
        self._line(view["subtitle"], centred=True)
        pdf.image(_qr_png(verify_url), x=pdf.w - MARGIN - 30, y=self.y + 2, w=30, h=30)
        self.y += 4
        self._rows(view["identity"], right_gap=34)
        self._heading("查询主体")
        self._rows(view["entity"])
        self._heading("查询范围")
        self._rows(view["scope"])
        self._heading("查询结论")
        self._paragraph(view["summary"])
        for section in view["domains"]:
            if section["records"]:
                self._heading(f"{section['name']}：{section['conclusion']}", size=BODY + 0.5)
                for number, rows in enumerate(section["records"], start=1):
                    self._paragraph(f"第{number}条")
                    self._rows(rows)
        clear = [(s["name"], s["conclusion"]) for s in view["domains"] if not s["records"]]
        if clear:
            self._heading("其他领域", size=BODY + 0.5)
            self._rows(clear)
        if view["positive"]:
            self._positive(view["positive"])
        self._heading("签名与验证")
        self._rows(view["signature"])
        self._paragraph("扫描二维码或访问以下地址核验本报告：")
        self._paragraph(verify_url)
        self.y += 2
        self._paragraph(view["statement"], size=SMALL)

    def _positive(self, positive: dict) -> None:
        self._heading(positive["title"])
        for number, rows in enumerate(positive["records"], start=1):
            self._paragraph(f"第{number}条")
            self._rows(rows)
        if not positive["records"]:
            self._paragraph(positive["none"])

    def _room(self, height: float) -> None:
        if self.y + height > self.bottom:
            self.pdf.add_page()
            self.y = MARGIN

    def _line(self, text: str, size: float = BODY, centred: bool = False, height: float = LINE,
              x: float = MARGIN) -> None:
        self._room(height)
        self.pdf.set_font(FAMILY, size=size)
        if centred:
            x = (self.pdf.w - self.pdf.get_string_width(text)) / 2
        self.pdf.text(x, self.y + height * 0.75, text)
        self.y += height

    def _heading(self, text: str, size: float = 12) -> None:
        self.y += 2
        self._room(LINE + 1)
        self.pdf.set_fill_color(238, 242, 247)
        self.pdf.rect(MARGIN, self.y, self.width, LINE + 1, style="F")
        self._line(text, size=size, height=LINE + 1, x=MARGIN + 1)

    def _rows(self, rows, right_gap: float = 0) -> None:
        value_width = self.width - LABEL_WIDTH - right_gap
        self.pdf.set_font(FAMILY, size=BODY)
        for label, value in rows:
            lines = wrap(self.font, value, value_width, BODY)
            self._room(LINE * len(lines))  # a value starts on a new page unless it fits on this one
            self.pdf.set_text_color(82, 96, 109)
            self.pdf.text(MARGIN, self.y + LINE * 0.75, label)
            self.pdf.set_text_color(0, 0, 0)
            for line in lines:
                self._room(LINE)  # one taller than a page runs on over the next
                self.pdf.text(MARGIN + LABEL_WIDTH, self.y + LINE * 0.75, line)
                self.y += LINE

    def _paragraph(self, text: str, size: float = BODY) -> None:
        for line in wrap(self.font, text, self.width, size):
            self._line(line, size=size)


def _qr_png(url: str) -> io.BytesIO:
    out = io.BytesIO()
    # A fixed mask skips scoring all eight, which is most of the encoding time; any mask scans.
    segno.make(url, error="m", mask=2).save(out, kind="png", scale=6, border=2)
    out.seek(0)
    return out
