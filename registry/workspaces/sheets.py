"""A statistics page's tables as an XLSX workbook: one sheet a table, the figures as numbers (shares
formatted as percentages), the period and scope on each sheet's first line."""

from io import BytesIO

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

from .statistics_tables import EMPTY, Ratio, Table

BOLD = Font(bold=True)


def workbook(tables: list[Table], heading: str) -> bytes:
    """The tables, each on a sheet named by its title: the heading, the title, the columns, the rows."""
    book = Workbook(write_only=True)
    for table in tables:
        sheet = book.create_sheet(_sheet_name(table.title))
        sheet.append([heading])
        sheet.append([_bold(sheet, table.title)])
        sheet.append([_bold(sheet, column) for column in table.columns])
        for row in table.rows:
            sheet.append([_cell(sheet, value) for value in row])
        if table.note:
            sheet.append([])
            sheet.append([table.note])
    out = BytesIO()
    book.save(out)
    return out.getvalue()


def _sheet_name(title: str) -> str:
    """Excel's rules: at most 31 characters, none of []:*?/\\."""
    return "".join("_" if c in "[]:*?/\\" else c for c in title)[:31]


def _bold(sheet, text: str) -> WriteOnlyCell:
    cell = WriteOnlyCell(sheet, value=text)
    cell.font = BOLD
    return cell


def _cell(sheet, value) -> WriteOnlyCell:
    cell = WriteOnlyCell(sheet, value=EMPTY if value is None else value)
    if isinstance(value, Ratio):
        cell.value, cell.number_format = float(value), "0.0%"
    return cell
