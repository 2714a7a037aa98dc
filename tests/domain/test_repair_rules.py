"""Repair eligibility at its boundaries (the day before and the day of) and the workflow table."""

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from registry.domain.publicity import assess
from registry.domain.rulebook import RuleBook
from registry.repairs import rules

D = date.fromisoformat
BOOK = RuleBook.default()


def facts(decided: str, domain="transport", types="罚款", violation="未按规定办理道路运输经营许可", **kw):
    publicity = assess(BOOK, decision_date=D(decided), penalty_types=types, domain=domain,
                       violation_type=violation)
    status = "published" if publicity.published else "not_published"
    return rules.RecordFacts("penalty", status, publicity.repairable_from, **kw)


@pytest.mark.parametrize("decided, domain, types, first_day", [
    ("2024-03-05", "transport", "罚款", "2024-06-05"),  # order-58: 3 months
    ("2024-03-05", "fire", "罚款", "2025-03-05"),  # order-58, special sector: 1 year
    ("2024-03-05", "emergency_management", "罚款", "2025-03-05"),  # safety production: 1 year
    ("2025-07-01", "transport", "罚款", "2025-10-01"),  # gbf-2025-22 general: 3 months
    ("2025-07-01", "transport", "吊销许可证件", "2026-07-01"),  # gbf-2025-22 serious: 1 year
    ("2025-07-01", "transport", "警告", "2025-07-01"),  # gbf-2025-22 minor: at once (not published)
])
def test_eligible_on_the_earliest_repair_date_not_the_day_before(decided, domain, types, first_day):
    record = facts(decided, domain, types)
    day_before = rules.eligibility(record, D(first_day) - timedelta(days=1))
    if D(first_day) > D(decided):
        assert (day_before.eligible, day_before.reason, day_before.earliest) == (False, "too_early", D(first_day))
    assert rules.eligibility(record, D(first_day)).eligible


def test_what_a_rule_marks_is_never_repairable():
    record = facts("2024-03-05", violation="骗取国家出口退税")
    verdict = rules.eligibility(record, D("2030-01-01"))
    assert (verdict.eligible, verdict.reason, verdict.earliest) == (False, "not_repairable", None)


def test_obligations_not_yet_performed_wait_for_the_end_of_the_penalty():
    record = facts("2024-03-05", obligations_until=D("2024-12-31"))
    last_day = rules.eligibility(record, D("2024-12-31"))
    assert (last_day.reason, last_day.earliest) == ("obligations_pending", D("2025-01-01"))
    assert rules.eligibility(record, D("2025-01-01")).eligible


def test_the_lock_out_after_a_revoked_repair_ends_a_year_later():
    revoked_on = D("2025-03-10")
    until = rules.lockout_end(revoked_on, 12)
    assert until == D("2026-03-09")
    record = facts("2024-03-05")
    locked = rules.eligibility(record, until, locked_out_until=until)
    assert (locked.reason, locked.earliest) == ("locked_out", D("2026-03-10"))
    assert rules.eligibility(record, until + timedelta(days=1), locked_out_until=until).eligible


def test_the_earliest_date_is_the_latest_of_the_reasons_still_running():
    record = facts("2025-07-01", obligations_until=D("2025-12-31"))
    verdict = rules.eligibility(record, D("2025-08-01"))
    assert (verdict.reason, verdict.earliest) == ("too_early", D("2026-01-01"))


@pytest.mark.parametrize("status", ["expired", "withdrawn", "repaired"])
def test_records_off_display_for_another_reason_are_not_repaired(status):
    record = rules.RecordFacts("penalty", status, D("2024-06-05"))
    assert rules.eligibility(record, D("2025-01-01")).reason == f"status_{status}"


@given(decided=st.dates(D("2023-05-01"), D("2030-12-31")), offset=st.integers(-800, 800))
def test_eligible_exactly_from_the_earliest_repair_date(decided, offset):
    record = facts(decided.isoformat())
    today = decided + timedelta(days=offset)
    assert rules.eligibility(record, today).eligible == (today >= record.repairable_from)


# The workflow of SPEC §5, written out independently of the module's table.
ALLOWED = {
    ("submitted", "accept"): ("accepted", "reviewer", False),
    ("submitted", "accept_with_missing"): ("awaiting_materials", "reviewer", False),
    ("submitted", "not_accept"): ("not_accepted", "reviewer", True),
    ("awaiting_materials", "complete"): ("accepted", "system", False),
    ("awaiting_materials", "lapse"): ("lapsed", "system", True),
    ("accepted", "forward"): ("forwarded", "reviewer", False),
    ("forwarded", "approve"): ("approved", "department", False),
    ("forwarded", "reject"): ("rejected", "department", True),
    ("approved", "close"): ("done", "reviewer", False),
    ("approved", "revoke"): ("revoked", "reviewer", True),
    ("done", "revoke"): ("revoked", "reviewer", True),
}
ROLES = ("enterprise", "agent", "department", "reviewer", "admin", "bank", "system")
ACTIONS = sorted({action for _, action in ALLOWED})


@pytest.mark.parametrize("state", sorted(rules.STATE_LABELS_ZH))
@pytest.mark.parametrize("action", ACTIONS)
@pytest.mark.parametrize("role", ROLES)
def test_each_transition_is_allowed_to_its_role_only(state, action, role):
    """A role that may never take the action is told so in any state, before whether the state allows it."""
    expected = ALLOWED.get((state, action))
    if role not in {r for (_, a), (_, r, _) in ALLOWED.items() if a == action}:
        with pytest.raises(rules.TransitionRefused) as refused:
            rules.transition(state, action, role, "理由")
        assert refused.value.code == "role_forbidden"
    elif expected is None:
        with pytest.raises(rules.TransitionRefused) as refused:
            rules.transition(state, action, role, "理由")
        assert refused.value.code == "transition_not_allowed"
    else:
        assert rules.transition(state, action, role, "理由").target == expected[0]
        if expected[2]:
            with pytest.raises(rules.TransitionRefused, match="reason"):
                rules.transition(state, action, role, "  ")


def test_the_signed_letter_is_no_upload_and_agents_add_a_power_of_attorney():
    assert rules.missing_materials([], by_agent=False) == ["performance_proof", "correction_report",
                                                          "business_licence"]
    assert "power_of_attorney" in rules.missing_materials(["performance_proof"], by_agent=True)


@pytest.mark.parametrize("kind", ["licence", "honour", "commitment"])
def test_only_penalties_and_negative_list_entries_are_repaired(kind):
    record = rules.RecordFacts(kind, "published", D("2025-01-01"))
    assert rules.eligibility(record, D("2026-01-01")).reason == "kind_not_repairable"


def test_early_removal_from_the_dishonesty_list_opens_after_the_minimum_listing_period():
    entry = rules.RecordFacts("dishonesty", "published", D("2025-02-28"))  # listed 2024-02-29, P1Y
    day_before = rules.eligibility(entry, D("2025-02-27"))
    assert (day_before.reason, day_before.earliest, day_before.message_zh) == (
        "too_early", D("2025-02-28"), "最短列入期未满，2025-02-28起可申请")
    assert rules.eligibility(entry, D("2025-02-28")).eligible
