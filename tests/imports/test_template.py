"""The XLSX template is the layout's: its headers are read back as the layout's fields, its required
marks are the layout's, and every value of its drop-down lists passes the row validator."""

import io

import openpyxl
import pytest

from registry.imports.readers.headers import match_header
from registry.imports.template import choices_of, template_workbook
from registry.records import layout
from registry.records.validation import validate_record

# Each kind's decision number under the national layout's wording for it.
DECISION_NO_HEADERS = {"penalty": "*行政处罚决定书文号", "licence": "*行政许可决定文书号",
                       "dishonesty": "*列入决定文书号", "abnormal": "*列入决定文书号", "honour": "*认定文书号",
                       "commitment": "*承诺书编号"}


@pytest.mark.parametrize("kind", layout.KINDS)
def test_the_headers_are_the_layouts_fields_with_the_required_ones_marked(kind):
    sheet = openpyxl.load_workbook(io.BytesIO(template_workbook(kind))).worksheets[0]
    headers = [cell.value for cell in sheet[1]]
    assert [match_header(h) for h in headers] == [f.key for f in layout.KIND_FIELDS[kind]]
    assert {h.lstrip("*") for h in headers if h.startswith("*")} == {
        h.lstrip("*") for h, f in zip(headers, layout.KIND_FIELDS[kind], strict=True) if kind in f.required}
    assert DECISION_NO_HEADERS[kind] in headers


@pytest.mark.parametrize("kind", layout.KINDS)
def test_each_coded_column_has_its_list(kind):
    book = openpyxl.load_workbook(io.BytesIO(template_workbook(kind)))
    sheet, lists = book.worksheets[0], book["选项"]
    coded = {f.key: tuple(choices_of(f)) for f in layout.KIND_FIELDS[kind] if choices_of(f)}
    found = {}
    for check in sheet.data_validations.dataValidation:
        column = str(check.sqref)[0]
        source = check.formula1.split("!")[1].replace("$", "").split(":")
        found[match_header(sheet[f"{column}1"].value)] = tuple(c.value for row in lists[source[0]:source[1]]
                                                               for c in row)
    assert found == coded
    assert {"party_category"} <= set(found) and ("penalty_types" in found) == (kind == "penalty")


def test_every_listed_value_passes_the_validator():
    for field in layout.FIELDS:
        for value in choices_of(field):
            _, errors = validate_record({"kind": next(iter(field.kinds)), field.key: value})
            assert field.key not in {e.field for e in errors}, (field.key, value)
