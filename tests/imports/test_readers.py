"""Streaming file readers: formats, encodings, header matching, kinds, row numbers and every error."""

import csv
import io
import json
import tracemalloc
from datetime import date, datetime, timedelta

import openpyxl
import pytest

from registry.domain import uscc
from registry.imports import readers
from registry.imports.readers import ImportFileError, RowProblem, match_header, open_rows
from registry.records.validation import validate_record

AUTHORITY = uscc.make("11", "150500", "MB1234567")
DECIDED = date.today() - timedelta(days=30)

# Chinese headers as departments write them: full-width and half-width brackets, the national
# template's 行政相对人代码_N（…） form, a required marker.
PENALTY_HEADERS = {
    "party_name": "行政相对人名称*",
    "party_category": "行政相对人类别",
    "uscc": "行政相对人代码_1（统一社会信用代码）",
    "business_reg_no": "行政相对人代码_2(工商注册号)",
    "legal_rep": "法定代表人",
    "decision_no": "行政处罚决定书文号（必填）",
    "violation_type": "违法行为类型",
    "facts": "违法事实",
    "legal_basis": "处罚依据",
    "penalty_types": "处罚类别",
    "penalty_content": "处罚内容",
    "fine_amount": "罚款金额(万元)",
    "confiscated_amount": "没收违法所得、没收非法财物的金额（万元）",
    "decision_date": "处罚决定日期",
    "penalty_valid_until": "处罚有效期",
    "authority": "处罚机关",
    "authority_uscc": "处罚机关统一社会信用代码",
    "source_unit": "数据来源单位",
    "source_unit_uscc": "数据来源单位统一社会信用代码",
    "remarks": "备注",
}
LICENCE_HEADERS = {
    "party_name": "行政相对人名称",
    "party_category": "行政相对人类别",
    "uscc": "统一社会信用代码",
    "decision_title": "行政许可决定文书名称",
    "decision_no": "行政许可决定文书号",
    "license_category": "许可类别",
    "certificate_name": "许可证书名称",
    "license_no": "许可编号",
    "content": "许可内容",
    "decision_date": "许可决定日期",
    "valid_from": "有效期自",
    "valid_to": "有效期至",
    "authority": "许可机关",
    "authority_uscc": "许可机关统一社会信用代码",
    "source_unit": "数据来源单位",
    "source_unit_uscc": "数据来源单位统一社会信用代码",
}


def penalty(i: int) -> dict:
    return {
        "party_name": f"通辽市鑫源商贸有限公司{i}",
        "party_category": "法人及非法人组织",
        "uscc": uscc.make("91", "150502", f"MA{i:07d}"),
        "business_reg_no": "",
        "legal_rep": "王建国",
        "decision_no": f"通市监处罚〔2024〕{i}号",
        "violation_type": "销售不符合食品安全标准的食品",
        "facts": "经查，当事人销售超过保质期的食品，违反了《食品安全法》的规定。",
        "legal_basis": "《中华人民共和国食品安全法》第一百二十四条第一款",
        "penalty_types": "警告;罚款",
        "penalty_content": "给予警告，并处罚款人民币五千元",
        "fine_amount": "1,234.5",
        "confiscated_amount": "",
        "decision_date": DECIDED.isoformat(),
        "penalty_valid_until": "",
        "authority": "通辽市市场监督管理局",
        "authority_uscc": AUTHORITY,
        "source_unit": "通辽市市场监督管理局",
        "source_unit_uscc": AUTHORITY,
        "remarks": "",
    }


def licence(i: int) -> dict:
    return {
        "party_name": f"通辽市恒通餐饮有限公司{i}",
        "party_category": "legal_person",
        "uscc": uscc.make("91", "150502", f"MB{i:07d}"),
        "decision_title": "食品经营许可决定书",
        "decision_no": f"JY115050200{i}",
        "license_category": "普通",
        "certificate_name": "食品经营许可证",
        "license_no": f"JY115050200{i}",
        "content": "预包装食品销售",
        "decision_date": DECIDED.isoformat(),
        "valid_from": DECIDED.isoformat(),
        "valid_to": (DECIDED + timedelta(days=1800)).isoformat(),
        "authority": "通辽市市场监督管理局",
        "authority_uscc": AUTHORITY,
        "source_unit": "通辽市市场监督管理局",
        "source_unit_uscc": AUTHORITY,
    }


def write_csv(path, headers, rows, *, encoding="utf-8", delimiter=",", lineterminator="\r\n"):
    with open(path, "w", encoding=encoding, newline="") as handle:
        writer = csv.writer(handle, delimiter=delimiter, lineterminator=lineterminator)
        writer.writerow(headers)
        writer.writerows(rows)
    return path


def write_penalties(path, count=3, **options):
    rows = [[penalty(i)[key] for key in PENALTY_HEADERS] for i in range(count)]
    return write_csv(path, list(PENALTY_HEADERS.values()), rows, **options)


def csv_line(values, delimiter=",") -> str:
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=delimiter, lineterminator="").writerow(values)
    return buffer.getvalue()


def read_all(path, **options):
    """The source and its rows; for CSV, also checks that a worker sharing the file with another
    (skipping every other pair of rows) numbers the rows alike and reads its own rows alike."""
    with open_rows(path, **options) as source:
        rows = list(source)
    if source.format == readers.CSV:
        shared = read_alternately(path, **options)
        assert [number for number, _ in shared] == [number for number, _ in rows]
        for position, ((_, mine), (_, whole)) in enumerate(zip(shared, rows, strict=True)):
            assert mine == whole if position // 2 % 2 == 0 else mine is None or isinstance(mine, RowProblem)
    return source, rows


def read_alternately(path, **options):
    with open_rows(path, **options) as source:
        rows = []
        for number, item in source:
            rows.append((number, item))
            source.skipping = len(rows) // 2 % 2 == 1
        return rows


def assert_messages(error: ImportFileError, code: str):
    assert error.code == code
    assert error.message_en.strip() and error.message_zh.strip()
    assert str(error) == error.message_en


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
    clean, errors = validate_record(raw, source.kind, today=date.today())
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


# --- undecodable bytes -----------------------------------------------------------------------------


def _bad_byte_file(tmp_path, encoding, count=50, bad_row=30):
    path = write_penalties(tmp_path / f"bad-{encoding}.csv", count=count, encoding=encoding)
    data = path.read_bytes()
    lines = data.split(b"\r\n")
    target = lines[bad_row - 1]
    good = penalty(bad_row - 2)["facts"].encode(encoding)
    lines[bad_row - 1] = target.replace(good, good[:6] + b"\xff\xfe" + good[6:])
    path.write_bytes(b"\r\n".join(lines))
    return path


@pytest.mark.parametrize("encoding", ["utf-8", "gb18030"])
@pytest.mark.parametrize("chunk_size", [None, 1, 7, 1000])
def test_a_bad_byte_mid_file_rejects_only_its_row(tmp_path, monkeypatch, encoding, chunk_size):
    if chunk_size:
        monkeypatch.setattr("registry.imports.readers.encoding.CHUNK_SIZE", chunk_size)
    path = _bad_byte_file(tmp_path, encoding)
    source, rows = read_all(path)
    assert source.encoding == encoding
    assert [number for number, _ in rows] == list(range(2, 52))
    problems = [(number, item) for number, item in rows if isinstance(item, RowProblem)]
    assert len(problems) == 1
    number, problem = problems[0]
    assert number == 30 and problem.code == "invalid_encoding"
    assert "违法事实" in problem.message_en and "违法事实" in problem.message_zh
    assert "FF FE" in problem.message_en if encoding == "utf-8" else "FF" in problem.message_en
    label = "UTF-8" if encoding == "utf-8" else "GB18030"
    assert label in problem.message_en and label in problem.message_zh
    assert [raw for n, raw in rows if n != 30] == [penalty(i) for i in range(50) if i != 28]


def test_a_bad_byte_in_ndjson(tmp_path):
    path = tmp_path / "bad.ndjson"
    lines = [json.dumps(penalty(i), ensure_ascii=False).encode() for i in range(3)]
    lines[1] = lines[1].replace("经查".encode(), b"\xc3\x28")
    path.write_bytes(b"\n".join(lines))
    source, rows = read_all(path)
    assert [type(item) for _, item in rows] == [dict, RowProblem, dict]
    assert rows[1][1].code == "invalid_encoding" and "C3" in rows[1][1].message_en


@pytest.mark.parametrize("chunk_size", [1, 2, 3, 5, 64])
def test_chunk_boundaries_do_not_change_anything(tmp_path, monkeypatch, chunk_size):
    values = [penalty(i) for i in range(4)]
    values[1]["facts"] = "第一行\r\n第二行\r第三行\n第四行"
    path = write_csv(
        tmp_path / "multi.csv",
        list(PENALTY_HEADERS.values()),
        [[v[key] for key in PENALTY_HEADERS] for v in values],
        encoding="gb18030",
    )
    expected = read_all(path)[1]
    monkeypatch.setattr("registry.imports.readers.encoding.CHUNK_SIZE", chunk_size)
    assert read_all(path)[1] == expected
    assert expected[1][1]["facts"] == values[1]["facts"]


def test_old_mac_line_ends(tmp_path):
    source, rows = read_all(write_penalties(tmp_path / "mac.csv", lineterminator="\r"))
    assert [number for number, _ in rows] == [2, 3, 4]
    assert rows[2][1] == penalty(2)


# --- file errors -----------------------------------------------------------------------------------


def test_missing_file(tmp_path):
    with pytest.raises(ImportFileError) as info:
        open_rows(tmp_path / "nope.csv")
    assert_messages(info.value, "not_found")


def test_unreadable_file(tmp_path):
    (tmp_path / "folder.csv").mkdir()
    with pytest.raises(ImportFileError) as info:
        open_rows(tmp_path / "folder.csv")
    assert_messages(info.value, "unreadable")


@pytest.mark.parametrize("name, fmt", [("records.pdf", None), ("records", None), ("records.csv", "parquet")])
def test_unknown_format(tmp_path, name, fmt):
    (tmp_path / name).write_text("行政相对人名称\n", encoding="utf-8")
    with pytest.raises(ImportFileError) as info:
        open_rows(tmp_path / name, fmt=fmt)
    assert_messages(info.value, "unknown_format")


@pytest.mark.parametrize(
    "name, content",
    [
        ("empty.csv", b""),
        ("blank.csv", b"\r\n ,, \r\n\r\n"),
        ("bom.csv", b"\xef\xbb\xbf"),
        ("empty.ndjson", b"\n  \n"),
        ("empty.xlsx", b""),
    ],
)
def test_empty_files(tmp_path, name, content):
    (tmp_path / name).write_bytes(content)
    with pytest.raises(ImportFileError) as info:
        open_rows(tmp_path / name)
    assert_messages(info.value, "empty")


def test_empty_workbook(tmp_path):
    openpyxl.Workbook().save(tmp_path / "empty.xlsx")
    with pytest.raises(ImportFileError) as info:
        open_rows(tmp_path / "empty.xlsx")
    assert_messages(info.value, "empty")


def test_header_only_file_has_no_rows(tmp_path):
    source, rows = read_all(write_penalties(tmp_path / "header.csv", count=0))
    assert source.kind == "penalty" and rows == []


def test_no_header_row(tmp_path):
    path = tmp_path / "data.csv"
    path.write_text(csv_line(penalty(0)[k] for k in PENALTY_HEADERS) + "\n", encoding="utf-8")
    with pytest.raises(ImportFileError) as info:
        open_rows(path)
    assert_messages(info.value, "no_header")
    assert "通辽市鑫源商贸有限公司0" in info.value.message_en


def test_header_of_a_wrong_file(tmp_path):
    path = write_csv(tmp_path / "salaries.csv", ["姓名", "部门", "工资"], [["张三", "办公室", "5000元"]])
    with pytest.raises(ImportFileError) as info:
        open_rows(path)
    assert_messages(info.value, "unrecognised_header")
    assert "姓名" in info.value.message_zh


def test_duplicate_columns(tmp_path):
    headers = [*PENALTY_HEADERS.values(), "统一社会信用代码"]
    with pytest.raises(ImportFileError) as info:
        open_rows(write_csv(tmp_path / "dup.csv", headers, []))
    assert_messages(info.value, "duplicate_column")
    assert "C" in info.value.message_en and "U" in info.value.message_en  # the two column letters
    assert "统一社会信用代码" in info.value.message_zh


def test_not_a_workbook(tmp_path):
    path = tmp_path / "broken.xlsx"
    path.write_text("行政相对人名称,统一社会信用代码\n", encoding="utf-8")
    with pytest.raises(ImportFileError) as info:
        open_rows(path)
    assert_messages(info.value, "invalid_workbook")
    zipped = tmp_path / "other.xlsx"
    import zipfile

    with zipfile.ZipFile(zipped, "w") as archive:
        archive.writestr("hello.txt", "not a workbook")
    with pytest.raises(ImportFileError) as info:
        open_rows(zipped)
    assert_messages(info.value, "invalid_workbook")


def test_legacy_xls(tmp_path):
    path = tmp_path / "old.xls"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 512)
    with pytest.raises(ImportFileError) as info:
        open_rows(path)
    assert_messages(info.value, "legacy_xls")


def test_not_ndjson(tmp_path):
    path = tmp_path / "records.ndjson"
    path.write_text("行政相对人名称,统一社会信用代码\n张三,1\n", encoding="utf-8")
    with pytest.raises(ImportFileError) as info:
        open_rows(path)
    assert_messages(info.value, "not_ndjson")
    assert info.value.row == 1


def test_ndjson_without_layout_keys(tmp_path):
    path = tmp_path / "records.ndjson"
    path.write_text('{"name": "x"}\n', encoding="utf-8")
    with pytest.raises(ImportFileError) as info:
        open_rows(path)
    assert_messages(info.value, "unrecognised_header")


def test_unknown_encoding(tmp_path):
    with pytest.raises(ImportFileError) as info:
        open_rows(write_penalties(tmp_path / "p.csv"), encoding="klingon")
    assert_messages(info.value, "unknown_encoding")


def test_unclosed_quote_names_the_row(tmp_path, monkeypatch):
    monkeypatch.setattr(csv, "field_size_limit", csv.field_size_limit)
    csv.field_size_limit(1000)
    lines = [csv_line(PENALTY_HEADERS.values())]
    for i in range(40):
        values = penalty(i) | {"fine_amount": "0.5"}
        lines.append(('"' if i == 9 else "") + ",".join(values[key] for key in PENALTY_HEADERS))
    path = tmp_path / "quote.csv"
    path.write_text("\n".join(lines), encoding="utf-8")
    source = open_rows(path)
    with pytest.raises(ImportFileError) as info:
        list(source)
    assert_messages(info.value, "malformed_csv")
    assert info.value.row == 11 and "11" in info.value.message_zh


# --- streaming -------------------------------------------------------------------------------------


def test_memory_stays_flat(tmp_path, monkeypatch):
    monkeypatch.setattr("registry.imports.readers.encoding.CHUNK_SIZE", 128 * 1024)
    path = write_penalties(tmp_path / "big.csv", count=20000)
    assert path.stat().st_size > 8_000_000
    tracemalloc.start()
    try:
        with open_rows(path) as source:
            count = sum(1 for _ in source)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert count == 20000
    assert peak < 2_000_000  # a chunk or two in flight, not the 8+ MB file


def test_a_source_is_iterated_once_and_can_be_closed_early(tmp_path):
    source = open_rows(write_penalties(tmp_path / "p.csv"))
    iterator = iter(source)
    assert next(iterator)[0] == 2
    with pytest.raises(RuntimeError):
        iter(source)
    source.close()
    assert list(iterator) == []


@pytest.mark.parametrize("name", ["p.csv", "p.xlsx", "p.ndjson"])
def test_bytes_read_reports_progress(tmp_path, monkeypatch, name):
    monkeypatch.setattr("registry.imports.readers.encoding.CHUNK_SIZE", 4096)
    path = tmp_path / name
    if name.endswith(".csv"):
        write_penalties(path, count=200)
    elif name.endswith(".ndjson"):
        path.write_text("".join(json.dumps(penalty(i), ensure_ascii=False) + "\n" for i in range(200)), "utf-8")
    else:
        workbook = openpyxl.Workbook()
        workbook.active.append(list(PENALTY_HEADERS.values()))
        for i in range(200):
            workbook.active.append([penalty(i)[key] for key in PENALTY_HEADERS])
        workbook.save(path)
    size = path.stat().st_size
    with open_rows(path) as source:
        seen = []
        for number, _ in source:
            if number % 50 == 0:
                seen.append(source.bytes_read)
        assert seen == sorted(seen) and 0 < seen[0] < size
        assert source.bytes_read == size
