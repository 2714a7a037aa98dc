"""Record files for the reader tests: department headers as written in practice, and reading a file whole and shared."""

import csv
import io
from datetime import timedelta

from registry.domain import uscc
from registry.imports import readers
from registry.imports.readers import ImportFileError, RowProblem, open_rows
from tests.factories import TODAY

AUTHORITY = uscc.make("11", "150500", "MB1234567")
DECIDED = TODAY - timedelta(days=30)

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

