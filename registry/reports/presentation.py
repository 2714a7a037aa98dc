"""The facts of a signed report as labelled rows, shared by the HTML and PDF renderings."""

from datetime import datetime

import segno
from markupsafe import Markup

from ..domain.periods import BEIJING
from .signing import ALGORITHM

TITLE = "专项信用报告"
SUBTITLE = "（代替无违法违规证明）"


def report_view(document: dict) -> dict:
    """Labelled rows of every fact of `document` (the served JSON), in reading order."""
    report, signature = document["report"], document["signature"]
    entity = report["entity"]
    summary = report["summary"]
    return {
        "title": TITLE,
        "subtitle": SUBTITLE,
        "identity": [("报告编号", report["number"]), ("验证码", report["verification_code"]),
                     ("出具时间", _beijing_time(report["issued_at"])), ("出具机构", report["issuer"])],
        "entity": _present([("主体名称", entity["name"]), ("统一社会信用代码", entity["uscc"]),
                            ("主体类别", entity["party_category"]), ("所属地区", entity["district"]),
                            ("法定代表人", entity["legal_rep"]), ("法定代表人证件号码", entity["legal_rep_id_no"])]),
        "scope": [("查询期间", f"{report['period']['from']} 至 {report['period']['to']}"),
                  ("信息类别", "、".join(report["categories"])),
                  ("查询领域", f"{summary['domains']}个")],
        "summary": _summary(summary),
        "statement": report["statement_zh"],
        # Domains with records first; the rest read as one list of 无违法违规记录.
        "domains": [{"name": section["name_zh"], "conclusion": section["conclusion_zh"],
                     "records": [_record_rows(record) for record in section["records"]]}
                    for section in sorted(report["domains"], key=lambda s: not s["records"])],
        "positive": _positive(report),
        "signature": [("签名算法", f"{ALGORITHM}（{signature['canonicalization']}）"),
                      ("密钥编号", signature["key_id"]), ("签名值", signature["value"])],
        "verify_url": document["verify_url"],
    }


def _beijing_time(issued_at: str) -> str:
    """The signed UTC time as a reader in China reads it, the signed text kept beside it."""
    local = datetime.fromisoformat(issued_at.replace("Z", "+00:00")).astimezone(BEIJING)
    return f"{local.year}年{local.month}月{local.day}日 {local:%H:%M}（北京时间；{issued_at}）"


def _summary(summary: dict) -> str:
    checked, found = summary["domains"], summary["domains_with_records"]
    if not found:
        text = f"共查询{checked}个领域，均无违法违规记录。"
    else:
        text = f"共查询{checked}个领域，其中{found}个领域发现{summary['records']}条记录"
        text += "。" if found == checked else "，其余领域无违法违规记录。"
    if summary.get("positive_records"):
        text += f"另有{summary['positive_records']}条守信激励正面信息。"
    return text


def _positive(report: dict) -> dict | None:
    """The section of positive facts (honours); reports of version 1 have none."""
    positive = report.get("positive")
    if positive is None:
        return None
    return {"title": positive["title_zh"], "none": "查询期间内无守信激励信息。",
            "records": [[("领域", record["domain_zh"]), *_record_rows(record)] for record in positive["records"]]}


def _record_rows(record: dict) -> list[tuple[str, str]]:
    kind = record.get("kind", "penalty")  # reports of version 1 list penalties only, without their kind
    rows = {"penalty": _penalty_rows, "commitment": _commitment_rows}.get(kind, _entry_rows)(record)
    return _present([("信息类别", record["category"]), *rows, ("状态", record.get("mark")),
                     ("异议", record.get("objection")), ("记录编号", str(record["ref"]))])


_LISTING_LABELS = ("列入决定文书号", "列入日期", "列入机关")
_HONOUR_LABELS = ("认定文书号", "认定日期", "认定机关")


def _entry_rows(record: dict) -> list:
    # An honour is conferred (认定), an entry against a party listed (列入).
    number, day, authority = _HONOUR_LABELS if record.get("kind") == "honour" else _LISTING_LABELS
    return [
        ("名单名称", record["list_name"]),
        (number, record["decision_no"]),
        (day, record["decision_date"]),
        (authority, record["authority"]),
        ("列入事由", record["reason"]),
        ("列入依据", record["basis"]),
        ("有效期至", record["valid_to"]),
        ("移出日期", record["removed_on"]),
        ("移出原因", record["removal_reason"]),
    ]


def _commitment_rows(record: dict) -> list:
    return [
        ("承诺书编号", record["decision_no"]),
        ("承诺日期", record["decision_date"]),
        ("承诺受理单位", record["authority"]),
        ("承诺类型", record["commitment_type"]),
        ("承诺事项", record["matter"]),
        ("承诺内容", record["content"]),
        ("履约状态", record["state"]),
        ("承诺有效期至", record["valid_to"]),
    ]


def _penalty_rows(record: dict) -> list:
    return [
        ("决定文书号", record["decision_no"]),
        ("决定日期", record["decision_date"]),
        ("决定机关", record["authority"]),
        ("处罚类别", "、".join(record["penalty_types"])),
        ("违法行为类型", record["violation_type"]),
        ("处罚内容", record["content"]),
        ("罚款金额（万元）", record["fine_amount"]),
        ("处罚有效期", record.get("valid_until")),
    ]


def _present(rows):
    return [(label, value) for label, value in rows if value not in (None, "")]


def qr_svg(url: str) -> Markup:
    """The QR code of `url` as inline SVG (segno escapes nothing it is not given: the URL is ours)."""
    return Markup(segno.make(url, error="m").svg_inline(scale=4, title="报告核验二维码"))
