"""The report's content as a pure function: period boundaries, kinds, statuses, masking, changes."""

from datetime import date, timedelta
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from registry.reports.content import (
    NO_RECORD_ZH,
    Finding,
    Scope,
    build_content,
    changes_since_issue,
    scope_key,
    years_before,
)

ISSUED_ON = date(2026, 11, 27)
SCOPE = Scope(date(2023, 11, 27), ISSUED_ON, (("market_supervision", "市场监管"), ("tax", "税务")))
IDENTITY = {"number": "SR-20261127-ABCDEFGH", "verification_code": "ABCDEFGH", "issued_at": "2026-11-27T02:00:00Z",
            "issuer": "公共信用信息平台"}
ENTITY = {"uscc": "91150502MA0N7XK12X", "name": "通辽市鑫源商贸有限公司", "party_category": "法人及非法人组织",
          "district": "科尔沁区", "legal_rep": "王建国", "legal_rep_id_no": "150502198003151234"}


def finding(ref, decided, status="published", kind="penalty", domain="market_supervision", **fields):
    return Finding(ref, kind, domain, status, f"通市监处罚〔2026〕{ref}号", decided, "通辽市市场监督管理局",
                   ("罚款",), "销售过期食品", "罚款五千元", fields.get("fine", Decimal("0.500000")))


def refs(content):
    return [r["ref"] for s in content["domains"] for r in s["records"]]


def test_the_period_includes_its_first_and_last_day_only():
    findings = [finding(1, date(2023, 11, 26)), finding(2, date(2023, 11, 27)), finding(3, ISSUED_ON),
                finding(4, ISSUED_ON + timedelta(days=1))]
    assert refs(build_content(IDENTITY, ENTITY, SCOPE, findings, False)) == [3, 2]


def test_statuses_and_kinds():
    findings = [finding(1, date(2025, 1, 1), "expired"), finding(2, date(2025, 1, 2), "not_published"),
                finding(3, date(2025, 1, 3), "withdrawn"), finding(4, date(2025, 1, 4), "repaired"),
                finding(5, date(2025, 1, 5), kind="licence")]
    assert refs(build_content(IDENTITY, ENTITY, SCOPE, findings, False)) == [2, 1]
    shown = build_content(IDENTITY, ENTITY, SCOPE, findings, True)
    assert refs(shown) == [4, 2, 1]
    assert shown["domains"][0]["records"][0]["mark"] == "已修复"


def test_conclusions_masking_and_amounts():
    content = build_content(IDENTITY, ENTITY, SCOPE, [finding(1, date(2025, 5, 1), domain="tax")], False)
    assert [(s["key"], s["conclusion_zh"]) for s in content["domains"]] == [("market_supervision", NO_RECORD_ZH),
                                                                           ("tax", "发现1条记录")]
    assert content["entity"]["legal_rep_id_no"] == "150***********1234"
    assert content["domains"][1]["records"][0]["fine_amount"] == "0.5"
    assert build_content(IDENTITY, ENTITY, SCOPE, [finding(1, date(2025, 5, 1), fine=Decimal("10.000000"))],
                         False)["domains"][0]["records"][0]["fine_amount"] == "10"


def test_years_back_and_scope_keys():
    assert years_before(date(2028, 2, 29), 3) == date(2025, 2, 28)
    assert years_before(ISSUED_ON, 5) == date(2021, 11, 27)
    assert scope_key(date(2023, 1, 1), ["tax", "fire"]) == scope_key(date(2023, 1, 1), ["fire", "tax"])
    assert scope_key(date(2023, 1, 1), None) == scope_key(date(2023, 1, 1), []) != scope_key(date(2023, 1, 1),
                                                                                              ["tax"])


def test_changes_since_issue():
    issued = build_content(IDENTITY, ENTITY, SCOPE, [finding(1, date(2025, 1, 1)), finding(2, date(2025, 2, 1)),
                                                      finding(3, date(2025, 3, 1))], False)
    now = [finding(1, date(2025, 1, 1), "withdrawn"), finding(2, date(2025, 2, 1), "repaired"),
           finding(3, date(2025, 3, 1)), finding(4, date(2024, 6, 1)), finding(5, ISSUED_ON + timedelta(days=3)),
           finding(6, date(2025, 4, 1), kind="licence"), finding(7, date(2025, 4, 1), domain="fire")]
    changes = {c["decision_no"]: c["change"] for c in changes_since_issue(issued, now, False)}
    assert changes == {"通市监处罚〔2026〕1号": "withdrawn", "通市监处罚〔2026〕2号": "repaired",
                       "通市监处罚〔2026〕4号": "added", "通市监处罚〔2026〕5号": "new_penalty"}
    assert changes_since_issue(issued, [finding(1, date(2025, 1, 1)), finding(2, date(2025, 2, 1)),
                                        finding(3, date(2025, 3, 1))], False) == []
    # Corrected out of the scope: decided before the period, or no longer found for this entity at all.
    moved = changes_since_issue(issued, [finding(1, SCOPE.period_from - timedelta(days=1)),
                                         finding(2, date(2025, 2, 1))], False)
    assert {(c["decision_no"], c["change"]) for c in moved} == {("通市监处罚〔2026〕1号", "left_scope"),
                                                                ("通市监处罚〔2026〕3号", "left_scope")}


statuses = st.sampled_from(["published", "not_published", "expired", "withdrawn", "repaired"])


@given(st.lists(st.tuples(st.dates(date(2020, 1, 1), date(2027, 12, 31)), statuses,
                          st.sampled_from(["penalty", "licence"]), st.sampled_from(["market_supervision", "tax"])),
                max_size=30), st.booleans())
def test_every_shown_record_is_a_negative_one_of_the_period_listed_once(rows, show_repaired):
    findings = [finding(i, d, s, k, dom) for i, (d, s, k, dom) in enumerate(rows)]
    content = build_content(IDENTITY, ENTITY, SCOPE, findings, show_repaired)
    expected = {f.ref for f in findings if f.kind == "penalty" and f.status != "withdrawn"
                and (show_repaired or f.status != "repaired") and SCOPE.period_from <= f.decision_date <= ISSUED_ON}
    assert sorted(refs(content)) == sorted(expected)
    assert content["summary"]["records"] == len(expected)
    assert all((s["conclusion_zh"] == NO_RECORD_ZH) == (not s["records"]) for s in content["domains"])
    later = {f"通市监处罚〔2026〕{f.ref}号" for f in findings if f.kind == "penalty" and f.decision_date > ISSUED_ON
             and f.status != "withdrawn" and (show_repaired or f.status != "repaired")}
    changes = changes_since_issue(content, findings, show_repaired)
    assert {c["decision_no"] for c in changes} == later and {c["change"] for c in changes} <= {"new_penalty"}
