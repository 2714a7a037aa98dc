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


def entry(ref, kind, listed, end=None, status="published", negative=True, domain="market_supervision", **fields):
    """A list entry or commitment listed on `listed`, out of force from `end` (its publicity end)."""
    disputed = fields.pop("objection", False)
    return Finding(ref, kind, domain, status, f"通列〔2025〕{ref}号", listed, "通辽市市场监督管理局",
                   negative=negative, publicity_end=end,
                   entry={"list_name": "严重违法失信主体名单", "reason": "拒不履行行政处罚决定", "basis": "办法第十条",
                          "valid_to": None, "removed_on": end.isoformat() if end else None, "removal_reason": None,
                          **fields}, under_objection=disputed)


def test_an_entry_counts_while_in_force_during_the_period():
    start, end = SCOPE.period_from, SCOPE.period_to
    findings = [entry(1, "dishonesty", end + timedelta(days=1)),  # listed the day after the period: not
                entry(2, "dishonesty", end),  # listed on its last day
                entry(3, "abnormal", date(2022, 3, 1), end=start - timedelta(days=1)),  # ended the day before
                entry(4, "abnormal", date(2022, 3, 1), end=start),  # removed on the period's first day
                entry(5, "dishonesty", date(2020, 5, 1)),  # listed long before, never ended
                entry(6, "dishonesty", date(2025, 1, 1), status="withdrawn"),
                entry(7, "dishonesty", date(2025, 1, 2), status="repaired")]
    content = build_content(IDENTITY, ENTITY, SCOPE, findings, False)
    assert refs(content) == [2, 4, 5]
    record = content["domains"][0]["records"][1]
    assert record["category"] == "经营异常名录" and record["removed_on"] == start.isoformat()
    assert record["reason"] == "拒不履行行政处罚决定" and record["decision_date"] == "2022-03-01"
    assert content["summary"]["records"] == 3
    assert refs(build_content(IDENTITY, ENTITY, SCOPE, findings, True)) == [2, 7, 4, 5]


def test_honours_are_positive_facts_and_only_broken_commitments_negative():
    findings = [entry(1, "honour", date(2025, 1, 1), negative=False, domain="tax"),
                entry(2, "honour", date(2022, 1, 1), end=SCOPE.period_from - timedelta(days=1), negative=False),
                entry(3, "commitment", date(2025, 2, 1), state="未履约"),
                entry(4, "commitment", date(2025, 2, 2), negative=False, state="已履约")]
    content = build_content(IDENTITY, ENTITY, SCOPE, findings, False)
    assert refs(content) == [3]
    assert content["domains"][0]["records"][0]["category"] == "未履行信用承诺"
    assert [s["conclusion_zh"] for s in content["domains"]] == ["发现1条记录", NO_RECORD_ZH]  # tax: an honour only
    assert [(r["ref"], r["category"], r["domain_zh"]) for r in content["positive"]["records"]] == [
        (1, "守信激励（红名单）", "税务")]
    assert content["summary"]["positive_records"] == 1


def test_a_record_under_objection_is_marked_and_its_resolution_is_a_change():
    issued = build_content(IDENTITY, ENTITY, SCOPE, [entry(1, "dishonesty", date(2025, 1, 1), objection=True),
                                                      finding(2, date(2025, 2, 1))], False)
    assert [(r["ref"], r.get("objection")) for s in issued["domains"] for r in s["records"]] == [
        (2, None), (1, "异议处理中")]
    now = [entry(1, "dishonesty", date(2025, 1, 1)), finding(2, date(2025, 2, 1))]
    assert [c["change"] for c in changes_since_issue(issued, now, False)] == ["objection_resolved"]


def test_removal_and_new_entries_after_issue_are_changes_but_not_to_a_report_of_penalties_only():
    issued = build_content(IDENTITY, ENTITY, SCOPE, [entry(1, "dishonesty", date(2025, 1, 1))], False)
    removed = entry(1, "dishonesty", date(2025, 1, 1), end=date(2026, 12, 1), removal_reason="已履行义务")
    later = entry(2, "abnormal", ISSUED_ON + timedelta(days=2))
    assert [c["change"] for c in changes_since_issue(issued, [removed, later], False)] == ["removed", "new_entry"]
    penalties_only = {**issued, "version": 1, "domains": [{**s, "records": []} for s in issued["domains"]]}
    assert changes_since_issue(penalties_only, [entry(3, "dishonesty", date(2025, 1, 1)), later], False) == []


@given(st.lists(st.tuples(st.dates(date(2019, 1, 1), date(2027, 12, 31)), st.one_of(st.none(), st.integers(0, 2000)),
                          st.sampled_from(["dishonesty", "abnormal", "honour", "commitment"]), statuses, st.booleans()),
                max_size=30), st.booleans())
def test_entries_in_force_are_listed_once_negative_per_domain_or_positive_apart(rows, show_repaired):
    findings = [entry(i, kind, listed, listed + timedelta(days=days) if days is not None else None, status,
                      negative=kind in ("dishonesty", "abnormal") or (kind == "commitment" and broken))
                for i, (listed, days, kind, status, broken) in enumerate(rows)]
    content = build_content(IDENTITY, ENTITY, SCOPE, findings, show_repaired)
    in_force = {f.ref for f in findings if f.decision_date <= SCOPE.period_to
                and (f.publicity_end is None or f.publicity_end >= SCOPE.period_from)}
    counted = {f.ref: f for f in findings if f.ref in in_force and f.status != "withdrawn"
               and (show_repaired or f.status != "repaired")}
    assert sorted(refs(content)) == sorted(ref for ref, f in counted.items() if f.negative)
    assert sorted(r["ref"] for r in content["positive"]["records"]) == sorted(
        ref for ref, f in counted.items() if f.kind == "honour")
    assert all((s["conclusion_zh"] == NO_RECORD_ZH) == (not s["records"]) for s in content["domains"])
