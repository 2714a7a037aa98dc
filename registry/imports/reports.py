"""The error report of an import job, as JSON pages or as one spreadsheet-safe CSV file."""

import csv
import io

from sqlalchemy import select

from ..domain.text import spreadsheet_safe
from ..extensions import db
from ..pagination import decode_id_cursor, encode_cursor
from .models import ImportRejection

CSV_COLUMNS = ("row_number", "field", "value", "code", "message_zh", "message_en")
# A cell starting with one of these is a formula to a spreadsheet (CSV injection).


def rejections_page(job_id: int, cursor: str | None, limit: int) -> dict:
    query = select(ImportRejection).where(ImportRejection.job_id == job_id)
    if cursor:
        query = query.where(ImportRejection.id > decode_id_cursor(cursor))
    rows = db.session.scalars(query.order_by(ImportRejection.id).limit(limit + 1)).all()
    page = rows[:limit]
    return {"items": page, "next_cursor": encode_cursor(page[-1].id) if len(rows) > limit else None}


def rejections_csv(job_id: int):
    """Yield the CSV report in chunks, in file order, with a BOM so spreadsheets read it as UTF-8."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(CSV_COLUMNS)
    yield "\ufeff" + buffer.getvalue()
    query = (select(*(getattr(ImportRejection, c) for c in CSV_COLUMNS))
             .where(ImportRejection.job_id == job_id).order_by(ImportRejection.id)
             .execution_options(yield_per=2000))
    for rows in db.session.execute(query).partitions():
        buffer.seek(0)
        buffer.truncate()
        writer.writerows([[spreadsheet_safe(v) for v in row] for row in rows])
        yield buffer.getvalue()


XLSX_HEADERS = ("行号", "字段", "取值", "错误代码", "原因", "reason")


def rejections_xlsx(job_id: int) -> bytes:
    """The whole report as one XLSX workbook, in file order, each cell text (never a formula)."""
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet("错误报告")
    sheet.append(XLSX_HEADERS)
    query = (select(*(getattr(ImportRejection, c) for c in CSV_COLUMNS))
             .where(ImportRejection.job_id == job_id).order_by(ImportRejection.id)
             .execution_options(yield_per=2000))
    for number, *texts in db.session.execute(query):
        sheet.append([number, *(spreadsheet_safe(text) for text in texts)])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
