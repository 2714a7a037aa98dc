"""The XLSX template a department fills in: the national headers of one kind of record, built from the
layout (records/layout.py) the validator reads, so the two never drift apart."""

import io

from ..domain.penalty_types import PENALTY_TYPES
from ..records import layout

REQUIRED_MARK = "*"  # the header reader drops it (readers/headers.py), so a filled template imports as is
ROWS_WITH_LISTS = 5000  # data rows the drop-down lists cover
LIST_SHEET = "选项"


def choices_of(field: layout.Field) -> tuple:
    """The values a coded field takes, as a department writes them (Chinese labels)."""
    if field.type == layout.PENALTY_TYPES:
        return PENALTY_TYPES
    if field.type == layout.CHOICE:
        labels = {"party_category": layout.PARTY_CATEGORIES, "severity": layout.SEVERITIES}.get(field.key)
        return tuple(labels.values()) if labels else field.choices
    return ()


_KIND_WORDS = {layout.PENALTY: "处罚", layout.LICENCE: "许可", layout.DISHONESTY: "列入", layout.ABNORMAL: "列入",
               layout.HONOUR: "认定", layout.COMMITMENT: "承诺"}


def national_header(field: layout.Field, kind: str) -> str:
    """The field's header in the national layout (SPEC §3): the kind's own wording where the layout has
    one (处罚决定日期, 许可机关), the numbered party code (行政相对人代码_1（统一社会信用代码）), else its label."""
    for header in field.headers:
        if header.startswith("行政相对人代码") or _KIND_WORDS[kind] in header:
            return header
    return field.label_zh


def header_of(field: layout.Field, kind: str) -> str:
    header = national_header(field, kind)
    return f"{REQUIRED_MARK}{header}" if kind in field.required else header


def _hint(field: layout.Field, kind: str) -> str:
    parts = ["必填" if kind in field.required else "选填"]
    if field.type == layout.DATE:
        parts.append("日期，如 2026-03-05")
    elif field.type == layout.AMOUNT:
        parts.append("单位万元，最多6位小数")
    elif field.type == layout.USCC:
        parts.append("18位统一社会信用代码")
    elif field.type == layout.PENALTY_TYPES:
        parts.append("可从列表选择；多个类别用“;”或“、”分隔")
    elif field.type == layout.CHOICE:
        parts.append("从列表选择")
    elif field.max_length:
        parts.append(f"不超过{field.max_length}字")
    return "，".join(parts)


def template_workbook(kind: str) -> bytes:
    """The template of `kind` (penalty or licence): one header row, required columns marked with *,
    drop-down lists on the coded columns, an instructions sheet after the data sheet."""
    from openpyxl import Workbook
    from openpyxl.comments import Comment
    from openpyxl.styles import Font, PatternFill
    from openpyxl.utils import get_column_letter, quote_sheetname
    from openpyxl.worksheet.datavalidation import DataValidation

    fields = layout.KIND_FIELDS[kind]
    book = Workbook()
    sheet = book.active
    sheet.title = layout.KIND_LABELS[kind]
    lists = book.create_sheet(LIST_SHEET)
    lists.sheet_state = "hidden"
    guide = book.create_sheet("填写说明")
    guide.append(("字段", "英文键", "说明"))
    required_fill = PatternFill("solid", fgColor="FDE8E8")
    list_column = 0
    for number, field in enumerate(fields, 1):
        letter = get_column_letter(number)
        cell = sheet.cell(row=1, column=number, value=header_of(field, kind))
        cell.font = Font(bold=True, color="9B1C1C" if kind in field.required else "1F2933")
        if kind in field.required:
            cell.fill = required_fill
        cell.comment = Comment(_hint(field, kind), "信用信息平台")
        sheet.column_dimensions[letter].width = max(12, min(40, len(national_header(field, kind)) * 2 + 4))
        guide.append((header_of(field, kind), field.key, _hint(field, kind)))
        if choices := choices_of(field):
            list_column += 1
            source = get_column_letter(list_column)
            for row, value in enumerate(choices, 1):
                lists.cell(row=row, column=list_column, value=value)
            cells = f"{quote_sheetname(LIST_SHEET)}!${source}$1:${source}${len(choices)}"
            check = DataValidation(type="list", formula1=cells, allow_blank=True, showDropDown=False)
            # Several penalty types go in one cell: the list helps, the validator has the last word.
            check.showErrorMessage = field.type != layout.PENALTY_TYPES
            check.error, check.errorTitle = f"请从列表中选择{national_header(field, kind)}", "取值不在列表中"
            check.prompt, check.promptTitle = _hint(field, kind), national_header(field, kind)[:32]
            check.showInputMessage = True
            check.add(f"{letter}2:{letter}{ROWS_WITH_LISTS + 1}")
            sheet.add_data_validation(check)
    sheet.freeze_panes = "A2"
    guide.column_dimensions["A"].width, guide.column_dimensions["C"].width = 36, 60
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
