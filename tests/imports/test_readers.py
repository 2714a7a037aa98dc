"""Streaming file readers: formats, encodings, header matching, kinds and row numbers (errors: test_reader_errors)."""

import json
from datetime import date, datetime

import openpyxl
import pytest

from registry.imports.readers import ImportFileError, RowProblem, match_header, open_rows
from registry.records.validation import validate_record
from tests.factories import TODAY
from tests.imports.reader_files import (
    DECIDED,
    LICENCE_HEADERS,
    PENALTY_HEADERS,
    assert_messages,
    csv_line,
    licence,
    penalty,
    read_all,
    write_csv,
    write_penalties,
)

# --- formats and encodings -------------------------------------------------------------------------


def test_utf8_csv_with_chinese_headers(tmp_path):
    source, rows = read_all(write_penalties(tmp_path / "penalties.csv"))
    assert (source.format, source.encoding, source.delimiter, source.kind) == ("csv", "utf-8", ",", "penalty")
    assert source.header_row == 1
    assert [key for _, key in source.columns] == list(PENALTY_HEADERS)
    assert source.columns[2] == ("行政相对人代码_1（统一社会信用代码）", "uscc")
    assert source.unknown_columns == []
    assert [number for number, _ in rows] == [2, 3, 4]
    assert rows[0][1] == penalty(0)


def test_utf8_with_bom(tmp_path):
    source, rows = read_all(write_penalties(tmp_path / "bom.csv", encoding="utf-8-sig"))
    assert source.encoding == "utf-8-sig"
    assert source.columns[0] == ("行政相对人名称*", "party_name")
    assert rows[1][1] == penalty(1)


def test_explicit_utf8_on_a_bom_file_still_matches_the_first_header(tmp_path):
    source, rows = read_all(write_penalties(tmp_path / "bom.csv", encoding="utf-8-sig"), encoding="utf-8")
    assert source.columns[0] == ("行政相对人名称*", "party_name")
    assert rows[0][1]["party_name"] == penalty(0)["party_name"]


def test_gb18030_is_detected(tmp_path):
    source, rows = read_all(write_penalties(tmp_path / "gbk.csv", encoding="gb18030"))
    assert source.encoding == "gb18030"
    assert [raw for _, raw in rows] == [penalty(i) for i in range(3)]


def test_explicit_encoding_is_used(tmp_path):
    source, rows = read_all(write_penalties(tmp_path / "gbk.csv", encoding="gb18030"), encoding="GBK")
    assert source.encoding == "GBK"
    assert rows[2][1] == penalty(2)


def test_detection_looks_past_an_ascii_start(tmp_path, monkeypatch):
    """English headers and ASCII first rows: the decision is made on the first non-ASCII block."""
    monkeypatch.setattr("registry.imports.readers.encoding.SNIFF_BLOCK", 64)
    rows = [[penalty(i)[key] if i > 5 else "x" for key in PENALTY_HEADERS] for i in range(10)]
    path = write_csv(tmp_path / "late.csv", list(PENALTY_HEADERS), rows, encoding="gb18030")
    source, read = read_all(path)
    assert source.encoding == "gb18030"
    assert read[-1][1] == penalty(9)


@pytest.mark.parametrize("delimiter", ["\t", ";", "|"])
def test_other_delimiters(tmp_path, delimiter):
    source, rows = read_all(write_penalties(tmp_path / "penalties.txt", delimiter=delimiter))
    assert source.delimiter == delimiter
    assert [raw for _, raw in rows] == [penalty(i) for i in range(3)]


def test_tab_delimited_utf16_text_as_excel_saves_it(tmp_path):
    source, rows = read_all(write_penalties(tmp_path / "unicode.txt", encoding="utf-16", delimiter="\t"))
    assert (source.encoding, source.delimiter) == ("utf-16", "\t")
    assert rows[0][1] == penalty(0)


def test_xlsx_keeps_native_cell_values(tmp_path):
    path = tmp_path / "penalties.xlsx"
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(list(PENALTY_HEADERS.values()))
    decided = datetime.combine(DECIDED, datetime.min.time())
    for i in range(2):
        values = penalty(i) | {
            "decision_date": decided,
            "fine_amount": 0.25,
            "penalty_valid_until": 47000,
            "legal_rep": "  王建国 ",
        }
        sheet.append([values[key] for key in PENALTY_HEADERS])
    workbook.save(path)

    source, rows = read_all(path)
    assert (source.format, source.kind, source.sheet, source.encoding) == ("xlsx", "penalty", "Sheet", None)
    assert [number for number, _ in rows] == [2, 3]
    raw = rows[0][1]
    assert raw["decision_date"] == decided and isinstance(raw["decision_date"], datetime)
    assert raw["fine_amount"] == 0.25
    assert raw["penalty_valid_until"] == 47000  # an Excel serial number, left to the validator
    assert raw["legal_rep"] == "王建国"
    assert raw["business_reg_no"] == ""  # an empty cell
    clean, errors = validate_record(raw, source.kind, today=TODAY)
    assert errors == []
    assert clean["decision_date"] == DECIDED and clean["penalty_valid_until"] == date(2028, 9, 4)
    assert str(clean["fine_amount"]) == "0.25"


def test_xlsx_title_rows_blank_rows_and_a_notes_sheet(tmp_path):
    path = tmp_path / "penalties.xlsx"
    workbook = openpyxl.Workbook()
    notes = workbook.active
    notes.title = "填报说明"
    notes.append(["请按模板填写，带*为必填项"])
    data = workbook.create_sheet("数据")
    data.append(["2024年行政处罚信息公示表"])
    data.append(list(PENALTY_HEADERS.values()))
    data.append([penalty(0)[key] for key in PENALTY_HEADERS])
    data.append([None] * len(PENALTY_HEADERS))
    data.append([])
    data.append(["  "] + [None] * 3)
    data.append([penalty(1)[key] for key in PENALTY_HEADERS])
    workbook.save(path)

    source, rows = read_all(path)
    assert (source.sheet, source.header_row) == ("数据", 2)
    assert [number for number, _ in rows] == [3, 7]
    assert rows[1][1]["party_name"] == penalty(1)["party_name"]


def test_ndjson_with_english_keys(tmp_path):
    path = tmp_path / "records.ndjson"
    lines = [
        json.dumps({"kind": "penalty", **penalty(0), "fine_amount": 0.1, "extra": 1}, ensure_ascii=False),
        "",
        "   ",
        json.dumps({**penalty(1), "penalty_types": ["警告", "罚款"], "remarks": None}, ensure_ascii=False),
        "[1, 2]",
        '{"party_name": "broken',
        json.dumps(
            {"Party_Name": "x", "PARTY-CATEGORY": "自然人", "uscc": "", "统一社会信用代码": "y"}, ensure_ascii=False
        ),
        json.dumps({"party_name": "   ", "remarks": None}),
        json.dumps({**penalty(2), "new_key": "z"}, ensure_ascii=False),
    ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")

    source, rows = read_all(path, fmt="jsonl")
    assert (source.format, source.kind, source.encoding, source.header_row) == ("ndjson", "penalty", "utf-8", None)
    assert [number for number, _ in rows] == [1, 4, 5, 6, 7, 9]
    first = rows[0][1]
    assert first["kind"] == "penalty" and str(first["fine_amount"]) == "0.1"  # exact, not a binary float
    assert rows[1][1]["penalty_types"] == ["警告", "罚款"] and rows[1][1]["remarks"] == ""
    assert rows[2][1].code == "not_an_object" and rows[3][1].code == "invalid_json"
    assert rows[4][1].code == "duplicate_key" and rows[4][1].field == "uscc"
    assert all(p.message_en and p.message_zh for _, p in rows[2:5])
    assert source.unknown_columns == ["extra", "new_key"]  # grows as keys appear
    for _, raw in (rows[0], rows[1], rows[5]):
        assert validate_record(raw, source.kind)[1] == []


def test_ndjson_problems_before_the_first_object_are_replayed(tmp_path):
    path = tmp_path / "records.jsonl"
    path.write_text("\ufeff" + "not json\n" + json.dumps(penalty(0), ensure_ascii=False) + "\n", encoding="utf-8")
    source, rows = read_all(path)
    assert source.encoding == "utf-8-sig"
    assert [(number, type(item)) for number, item in rows] == [(1, RowProblem), (2, dict)]


def test_a_zip_named_csv_is_read_as_a_workbook(tmp_path):
    path = tmp_path / "upload.csv"
    workbook = openpyxl.Workbook()
    workbook.active.append(list(LICENCE_HEADERS.values()))
    workbook.active.append(list(licence(0).values()))
    workbook.save(path)
    source, rows = read_all(path)
    assert (source.format, source.kind) == ("xlsx", "licence")
    assert rows[0][1] == licence(0)


# --- header matching -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "header, key",
    [
        ("罚款金额（万元）", "fine_amount"),
        ("罚款金额(万元)", "fine_amount"),
        ("罚款金额 ( 万元 )", "fine_amount"),
        ("罚款金额（单位：万元）", "fine_amount"),
        ("行政相对人代码_1（统一社会信用代码）", "uscc"),
        ("行政相对人代码_1(统一社会信用代码)", "uscc"),
        ("行政相对人代码_1", "uscc"),
        ("统一社会信用代码", "uscc"),
        ("＊统一社会信用代码＊", "uscc"),
        ("统一社会信用代码（必填）", "uscc"),
        ("统一社会信用代码(必填)*", "uscc"),
        ("行政相对人代码_3（组织机构代码）", "org_code"),
        ("行政相对人名称\u3000", "party_name"),
        ("\ufeff行政相对人名称", "party_name"),
        ("行政处罚决定书文号", "decision_no"),
        ("决定文书号", "decision_no"),
        ("许可机关统一社会信用代码", "authority_uscc"),
        ("USCC", "uscc"),
        ("Party_Name", "party_name"),
        ("party-name", "party_name"),
        ("Ｐａｒｔｙ_ｎａｍｅ", "party_name"),
        ("kind", "kind"),
        ("记录类型", "kind"),
        ("罚款金额（元）", None),  # yuan is not 10,000 yuan: never guessed
        ("序号", None),
        ("证件", None),
        ("", None),
    ],
)
def test_match_header(header, key):
    assert match_header(header) == key


def test_unknown_columns_are_reported_and_left_out(tmp_path):
    headers = ["序号", *PENALTY_HEADERS.values(), "", "经办人"]
    rows = [[str(i + 1), *[penalty(i)[key] for key in PENALTY_HEADERS], "", "张三"] for i in range(2)]
    source, read = read_all(write_csv(tmp_path / "extra.csv", headers, rows))
    assert source.unknown_columns == ["序号", "经办人"]
    assert source.columns[0] == ("序号", None) and source.columns[-2] == ("", None)
    assert read[0][1] == penalty(0)


def test_kind_column_is_passed_through(tmp_path):
    headers = ["记录类型", *PENALTY_HEADERS.values()]
    rows = [["行政处罚", *[penalty(0)[key] for key in PENALTY_HEADERS]]]
    source, read = read_all(write_csv(tmp_path / "kind.csv", headers, rows))
    assert source.kind == "penalty"
    assert read[0][1]["kind"] == "行政处罚"


# --- kind detection --------------------------------------------------------------------------------


def test_licence_file(tmp_path):
    path = write_csv(tmp_path / "licences.csv", list(LICENCE_HEADERS.values()), [list(licence(0).values())])
    source, rows = read_all(path)
    assert source.kind == "licence"
    assert validate_record(rows[0][1], source.kind)[1] == []


def test_explicit_kind_wins(tmp_path):
    source, _ = read_all(write_penalties(tmp_path / "p.csv"), kind="行政许可")
    assert source.kind == "licence"


def test_common_fields_only_cannot_tell_the_kind(tmp_path):
    common = ["行政相对人名称", "统一社会信用代码", "决定文书号", "决定日期"]
    path = write_csv(tmp_path / "common.csv", common, [["a", "b", "c", "2024-01-01"]])
    with pytest.raises(ImportFileError) as info:
        open_rows(path)
    assert_messages(info.value, "unknown_kind")
    assert "--kind" in info.value.message_en
    with open_rows(path, kind="penalty") as source:
        assert source.kind == "penalty"


def test_a_kind_column_makes_the_kind_per_row(tmp_path):
    headers = ["kind", *PENALTY_HEADERS.values(), "许可类别", "许可内容", "行政许可决定文书名称"]
    rows = [
        ["penalty", *[penalty(0)[key] for key in PENALTY_HEADERS], "", "", ""],
        ["licence", *[""] * len(PENALTY_HEADERS), "普通", "预包装食品销售", "食品经营许可决定书"],
    ]
    source, read = read_all(write_csv(tmp_path / "mixed.csv", headers, rows))
    assert source.kind is None
    assert [raw["kind"] for _, raw in read] == ["penalty", "licence"]
    assert validate_record(read[0][1])[1] == []


def test_both_kinds_without_a_kind_column_is_ambiguous(tmp_path):
    headers = [*PENALTY_HEADERS.values(), "许可类别"]
    with pytest.raises(ImportFileError) as info:
        open_rows(write_csv(tmp_path / "both.csv", headers, []))
    assert_messages(info.value, "unknown_kind")


def test_an_invalid_kind_argument(tmp_path):
    with pytest.raises(ImportFileError) as info:
        open_rows(write_penalties(tmp_path / "p.csv"), kind="fine")
    assert_messages(info.value, "invalid_kind")


# --- rows: blanks, numbering, shapes ---------------------------------------------------------------


def test_blank_rows_are_skipped_and_numbers_stay_true(tmp_path):
    width = len(PENALTY_HEADERS)
    good = [[penalty(i)[key] for key in PENALTY_HEADERS] for i in range(3)]
    path = tmp_path / "blanks.csv"
    body = [
        csv_line(PENALTY_HEADERS.values()),
        "",
        csv_line(good[0]),
        "," * (width - 1),
        "  ,\t, ",
        csv_line(['a "quoted"\nmulti-line name', *good[1][1:]]),
        "",
        csv_line(good[2]),
        "",
        "",
    ]
    path.write_text("\n".join(body), encoding="utf-8")
    source, rows = read_all(path)
    assert [number for number, _ in rows] == [3, 6, 8]
    assert rows[1][1]["party_name"] == 'a "quoted"\nmulti-line name'
    assert rows[2][1] == penalty(2)
    with open_rows(path) as skipping:
        skipping.skipping = True  # what a worker does through another worker's batches
        assert [number for number, _ in skipping] == [3, 6, 8]


def test_title_rows_above_the_header(tmp_path):
    path = tmp_path / "titled.csv"
    lines = [
        "2024年行政处罚信息公示表",
        "",
        "填报单位：通辽市市场监督管理局,,,",
        csv_line(PENALTY_HEADERS.values()),
        csv_line(penalty(0)[k] for k in PENALTY_HEADERS),
    ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    source, rows = read_all(path)
    assert source.header_row == 4
    assert rows == [(5, penalty(0))]


def test_short_rows_are_padded_and_long_rows_flagged(tmp_path):
    values = [penalty(0)[key] for key in PENALTY_HEADERS]
    rows = [values[:5], values + ["", " "], values[:10] + ["unquoted", "comma"] + values[10:]]
    source, read = read_all(write_csv(tmp_path / "shapes.csv", list(PENALTY_HEADERS.values()), rows))
    assert read[0][1]["remarks"] == "" and read[0][1]["party_name"] == values[0]
    assert read[1][1] == penalty(0)
    problem = read[2][1]
    assert isinstance(problem, RowProblem) and problem.code == "too_many_cells"
    assert "','" in problem.message_en and "“,”" in problem.message_zh


def test_rows_of_a_good_file_validate(tmp_path):
    source, rows = read_all(write_penalties(tmp_path / "good.csv", count=20, encoding="gb18030", delimiter="\t"))
    assert len(rows) == 20
    for number, raw in rows:
        clean, errors = validate_record(raw, source.kind)
        assert errors == [], (number, errors)
        assert clean["fine_amount"] == 1234.5 and clean["penalty_types"][0] == "警告"
