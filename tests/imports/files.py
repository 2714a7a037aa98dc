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
