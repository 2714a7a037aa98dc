"""Writing department files the way departments send them, for import tests."""

import csv
import json

from registry.records import layout

# The headers of the national penalty template where they differ from the layout's generic label.
PENALTY_HEADERS = {
    "uscc": "行政相对人代码_1（统一社会信用代码）",
    "decision_no": "行政处罚决定书文号",
    "decision_date": "处罚决定日期",
    "authority": "处罚机关",
    "authority_uscc": "处罚机关统一社会信用代码",
}


def headers_for(kind: str) -> list[tuple[str, str]]:
    """(key, Chinese header) of every field of the kind, in layout order."""
    fields = layout.KIND_FIELDS[kind]
    extra = PENALTY_HEADERS if kind == layout.PENALTY else {}
    return [(f.key, extra.get(f.key, f.label_zh)) for f in fields]


def write_csv(path, rows: list[dict], kind: str = "penalty", encoding: str = "utf-8", columns=None) -> None:
    """`columns`, (key, header) pairs, default to every field of the kind."""
    columns = columns or headers_for(kind)
    with open(path, "w", newline="", encoding=encoding) as out:
        writer = csv.writer(out)
        writer.writerow([header for _, header in columns])
        for row in rows:
            writer.writerow([row.get(key, "") for key, _ in columns])


def write_ndjson(path, rows: list[dict]) -> None:
    with open(path, "w", encoding="utf-8") as out:
        for row in rows:
            out.write(json.dumps(row, ensure_ascii=False) + "\n")


def write_xlsx(path, rows: list[dict], kind: str = "penalty") -> None:
    from openpyxl import Workbook

    columns = headers_for(kind)
    book = Workbook(write_only=True)
    sheet = book.create_sheet()
    sheet.append([header for _, header in columns])
    for row in rows:
        sheet.append([row.get(key, "") for key, _ in columns])
    book.save(path)


_BOMB_PARTS = {
    "[Content_Types].xml": '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/'
    'package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
    'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.'
    'xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override '
    'PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.'
    'worksheet+xml"/><Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-'
    'officedocument.spreadsheetml.sharedStrings+xml"/></Types>',
    "_rels/.rels": '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/'
    'package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/'
    '2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>',
    "xl/workbook.xml": '<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/'
    'spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets>'
    '<sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>',
    "xl/_rels/workbook.xml.rels": '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.'
    'openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/'
    'officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="'
    'http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/>'
    '</Relationships>',
}


def write_xlsx_bomb(path, string_bytes: int, filler: bytes = b"A") -> None:
    """A workbook whose one data cell is a shared string `string_bytes` long, repeating `filler`: a
    few kilobytes per 64 MB when the filler is one letter (Excel's own files pack about 15 to 1)."""
    import zipfile
    from xml.sax.saxutils import escape

    header = "".join(f'<c t="inlineStr"><is><t>{escape(label)}</t></is></c>' for _, label in headers_for("penalty"))
    sheet = ('<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/'
             f'2006/main"><sheetData><row r="1">{header}</row><row r="2"><c r="A2" t="s"><v>0</v></c></row>'
             '</sheetData></worksheet>')
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as book:
        for name, text in _BOMB_PARTS.items():
            book.writestr(name, text)
        book.writestr("xl/worksheets/sheet1.xml", sheet)
        with book.open("xl/sharedStrings.xml", "w", force_zip64=True) as strings:
            strings.write(b'<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.openxmlformats.org/'
                          b'spreadsheetml/2006/main" count="1" uniqueCount="1"><si><t>')
            chunk = filler * (1024 * 1024 // len(filler))
            for _ in range(string_bytes // len(chunk)):
                strings.write(chunk)
            strings.write(b"</t></si></sst>")
