"""Streaming file readers: undecodable bytes, files that cannot be imported, and reading in constant memory."""

import csv
import json
import tracemalloc

import openpyxl
import pytest

from registry.imports.readers import ImportFileError, RowProblem, open_rows
from tests.imports.reader_files import (
    PENALTY_HEADERS,
    assert_messages,
    csv_line,
    penalty,
    read_all,
    write_csv,
    write_penalties,
)

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
