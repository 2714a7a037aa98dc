"""Repair eligibility at its boundaries (the day before and the day of) and the workflow table."""

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from registry.domain.publicity import assess
from registry.domain.rulebook import RuleBook
from registry.repairs import rules

D = date.fromisoformat


def facts(decided: str, domain="transport", types="罚款", violation="未按规定办理道路运输经营许可", **kw):
    publicity = assess(RuleBook.default(), decision_date=D(decided), penalty_types=types, domain=domain,
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


# What an applicant reads when a repair is refused (the API answers both languages), one row per reason.
REFUSALS = [
    (rules.RecordFacts("honour", "published", D("2025-01-01")), {}, "kind_not_repairable",
     "只有行政处罚信息、严重失信主体名单和经营异常名录可以申请信用修复",
     "only penalties and serious-dishonesty or abnormal-operations list entries can be repaired"),
    (rules.RecordFacts("penalty", "published", None), {}, "not_repairable",
     "该信息依规定不予修复（如欺诈、非法集资等）", "the rules mark this record as not repairable"),
    (rules.RecordFacts("penalty", "expired", D("2025-01-01")), {}, "status_expired",
     "该记录公示期已满，无需或不能申请信用修复", "a record in status expired cannot be repaired"),
    (rules.RecordFacts("penalty", "published", D("2026-06-05")), {}, "too_early",
     "最短公示期未满，2026-06-05起可申请", "the minimum publicity period runs until 2026-06-04"),
    (rules.RecordFacts("penalty", "published", D("2025-01-01"), D("2026-03-31")), {}, "obligations_pending",
     "处罚决定尚未履行完毕（有效期至2026-03-31）", "the penalty is in force until 2026-03-31"),
    (rules.RecordFacts("abnormal", "published", D("2025-01-01")), {"locked_out_until": D("2026-03-09")}, "locked_out",
     "曾被撤销信用修复，2026-03-10前不得再次申请",
     "a repair of this applicant was revoked; no application before 2026-03-10"),
]


@pytest.mark.parametrize("record, lockout, reason, message_zh, message_en", REFUSALS)
def test_each_refusal_tells_the_applicant_why_in_both_languages(record, lockout, reason, message_zh, message_en):
    verdict = rules.eligibility(record, D("2026-03-01"), **lockout)
    assert (verdict.eligible, verdict.reason, verdict.message_zh, verdict.message_en) == (
        False, reason, message_zh, message_en)


def test_an_eligible_record_is_told_so():
    verdict = rules.eligibility(rules.RecordFacts("penalty", "published", D("2026-03-01")), D("2026-03-01"))
    assert (verdict.eligible, verdict.reason, verdict.earliest, verdict.message_zh) == (
        True, None, None, "符合信用修复申请条件")


@pytest.mark.parametrize("state, action, role, code, message_zh, message_en", [
    ("accepted", "approve", "bank", "role_forbidden", "当前角色（bank）无权执行“approve”",
     "the bank role may not approve an application"),
    ("accepted", "fly", "reviewer", "role_forbidden", "当前角色（reviewer）无权执行“fly”",
     "the reviewer role may not fly an application"),
    ("accepted", "approve", "department", "transition_not_allowed", "当前状态（已受理）不能执行“approve”",
     "'approve' is not possible in state 'accepted'"),
    ("forwarded", "reject", "department", "reason_required", "该决定须说明理由", "'reject' needs a reason"),
])
def test_a_refused_decision_names_its_code_and_says_why(state, action, role, code, message_zh, message_en):
    with pytest.raises(rules.TransitionRefused) as refused:
        rules.transition(state, action, role, None)
    assert (refused.value.code, refused.value.message_zh, refused.value.message_en) == (code, message_zh, message_en)


@pytest.mark.parametrize("state", sorted(rules.STATE_LABELS_ZH))
@pytest.mark.parametrize("role", ROLES)
def test_the_next_actions_shown_are_those_the_role_may_take_in_the_state(state, role):
    expected = sorted(action for (source, action), (_, actor, _) in ALLOWED.items()
                      if source == state and actor == role)
    assert sorted(rules.actions_for(state, role)) == expected


# 三单一函: the reminder may go at once, each later step only once the deadline has passed.
@pytest.mark.parametrize("taken, overdue, step", [
    (0, False, "提醒单"), (0, True, "提醒单"), (1, False, None), (1, True, "催办单"), (2, True, "督办单"),
    (3, False, None), (3, True, "移交函"), (4, True, None),
])
def test_an_overdue_objection_is_escalated_one_step_at_a_time(taken, overdue, step):
    assert rules.next_escalation(taken, overdue) == step
