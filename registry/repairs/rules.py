"""Credit-repair rules (SPEC §5): eligibility of a record and the workflow's one transition table.

Pure: no Flask and no database. Services hand in plain facts and the day, and act on the answer.
"""

from dataclasses import dataclass
from datetime import date, timedelta

from ..domain.errors import BilingualError
from ..domain.periods import add_months

# --------------------------------------------------------------------------- eligibility

# Record statuses from which a repair can take a record off display (or out of reports).
REPAIRABLE_STATUSES = frozenset({"published", "not_published"})
# The kinds of record a repair applies to, each with its mode in the applicant's words: a penalty is
# taken off display; a list entry is removed from its list early (移出, SPEC §5). Honours and
# commitments are not repaired (a broken commitment is corrected by its department).
REPAIR_MODES_ZH = {"penalty": "行政处罚信息信用修复", "dishonesty": "移出严重失信主体名单", "abnormal": "移出经营异常名录"}
_STATUS_LABELS_ZH = {"expired": "公示期已满", "withdrawn": "已被撤销", "repaired": "已完成信用修复"}


@dataclass(frozen=True)
class RecordFacts:
    """What eligibility needs to know about a record."""

    kind: str
    status: str
    repairable_from: date | None  # None: a rule marks the record as not repairable
    obligations_until: date | None = None  # 处罚有效期, unless it is the 长期 sentinel: obligations run until this day


@dataclass(frozen=True)
class Eligibility:
    eligible: bool
    reason: str | None = None
    earliest: date | None = None  # the first day an application can succeed, when one is known
    message_zh: str = ""
    message_en: str = ""


ELIGIBLE = Eligibility(True, message_zh="符合信用修复申请条件", message_en="the record may be repaired")


def _no(reason: str, zh: str, en: str, earliest: date | None = None) -> Eligibility:
    return Eligibility(False, reason, earliest, zh, en)


def eligibility(record: RecordFacts, today: date, *, locked_out_until: date | None = None) -> Eligibility:
    """Whether a repair of `record` may be applied for on `today`, and if not why and from when.

    `locked_out_until` is the last day of the applicant's lock-out after a revoked repair.
    Checks run from the permanent reasons to the ones that pass with time, so the answer names
    the reason that matters most and the earliest date is the latest of those still running.
    """
    if record.kind not in REPAIR_MODES_ZH:
        return _no("kind_not_repairable", "只有行政处罚信息、严重失信主体名单和经营异常名录可以申请信用修复",
                   "only penalties and serious-dishonesty or abnormal-operations list entries can be repaired")
    if record.repairable_from is None:
        return _no("not_repairable", "该信息依规定不予修复（如欺诈、非法集资等）",
                   "the rules mark this record as not repairable")
    if record.status not in REPAIRABLE_STATUSES:
        return _no(f"status_{record.status}", f"该记录{status_label_zh(record.status)}，无需或不能申请信用修复",
                   f"a record in status {record.status} cannot be repaired")
    waits = []
    if today < record.repairable_from:
        period = "最短列入期" if record.kind != "penalty" else "最短公示期"
        waits.append(("too_early", record.repairable_from, f"{period}未满，{record.repairable_from}起可申请",
                      f"the minimum publicity period runs until {record.repairable_from - timedelta(days=1)}"))
    if record.obligations_until is not None and today <= record.obligations_until:
        after = record.obligations_until + timedelta(days=1)
        waits.append(("obligations_pending", after, f"处罚决定尚未履行完毕（有效期至{record.obligations_until}）",
                      f"the penalty is in force until {record.obligations_until}"))
    if locked_out_until is not None and today <= locked_out_until:
        after = locked_out_until + timedelta(days=1)
        waits.append(("locked_out", after, f"曾被撤销信用修复，{after}前不得再次申请",
                      f"a repair of this applicant was revoked; no application before {after}"))
    if not waits:
        return ELIGIBLE
    reason, _, zh, en = waits[0]
    return _no(reason, zh, en, max(w[1] for w in waits))


def status_label_zh(status: str) -> str:
    return _STATUS_LABELS_ZH.get(status, status)


def lockout_end(revoked_on: date, months: int) -> date:
    """The last day of a lock-out of `months` calendar months starting on the revocation day."""
    return add_months(revoked_on, months) - timedelta(days=1)


# --------------------------------------------------------------------------- states

SUBMITTED = "submitted"
AWAITING_MATERIALS = "awaiting_materials"  # 容缺受理: accepted on a commitment to supply items
ACCEPTED = "accepted"
NOT_ACCEPTED = "not_accepted"
LAPSED = "lapsed"
FORWARDED = "forwarded"
APPROVED = "approved"
REJECTED = "rejected"
DONE = "done"
REVOKED = "revoked"

STATE_LABELS_ZH = {
    SUBMITTED: "已提交",
    AWAITING_MATERIALS: "容缺受理（待补正材料）",
    ACCEPTED: "已受理",
    NOT_ACCEPTED: "不予受理",
    LAPSED: "逾期未补正，申请失效",
    FORWARDED: "已转认定部门",
    APPROVED: "准予修复",
    REJECTED: "不予修复",
    DONE: "办结",
    REVOKED: "修复已撤销",
}
OPEN_STATES = frozenset({SUBMITTED, AWAITING_MATERIALS, ACCEPTED, FORWARDED})
DECIDED_STATES = frozenset({NOT_ACCEPTED, APPROVED, REJECTED})  # a result the applicant receives

APPLICANT = ("enterprise", "agent")
SYSTEM = "system"


@dataclass(frozen=True)
class Transition:
    source: str
    action: str
    target: str
    roles: tuple
    reason_required: bool


# The whole workflow. `system` transitions are made by the platform itself (a daily job, or the
# upload of the last missing item), never through the decisions endpoint.
TRANSITIONS = tuple(Transition(*row) for row in (
    (SUBMITTED, "accept", ACCEPTED, ("reviewer",), False),
    (SUBMITTED, "accept_with_missing", AWAITING_MATERIALS, ("reviewer",), False),
    (SUBMITTED, "not_accept", NOT_ACCEPTED, ("reviewer",), True),
    (AWAITING_MATERIALS, "complete", ACCEPTED, (SYSTEM,), False),
    (AWAITING_MATERIALS, "lapse", LAPSED, (SYSTEM,), True),
    (ACCEPTED, "forward", FORWARDED, ("reviewer",), False),
    (FORWARDED, "approve", APPROVED, ("department",), False),
    (FORWARDED, "reject", REJECTED, ("department",), True),
    (APPROVED, "close", DONE, ("reviewer",), False),
    (APPROVED, "revoke", REVOKED, ("reviewer",), True),
    (DONE, "revoke", REVOKED, ("reviewer",), True),
))
_BY_KEY = {(t.source, t.action): t for t in TRANSITIONS}
_ROLES_BY_ACTION = {action: {r for t in TRANSITIONS if t.action == action for r in t.roles}
                    for action in {t.action for t in TRANSITIONS}}
ACTIONS = tuple(sorted({t.action for t in TRANSITIONS if SYSTEM not in t.roles}))


class TransitionRefused(BilingualError):
    """A transition that is not in the table for this state or this role; `code` is stable."""


def authorise(action: str, role: str) -> None:
    """Refuse a role that may take `action` in no state at all: checked first, whatever the state."""
    if role not in _ROLES_BY_ACTION.get(action, ()):
        raise TransitionRefused(code="role_forbidden", message_zh=f"当前角色（{role}）无权执行“{action}”",
                                message_en=f"the {role} role may not {action} an application")


def transition(state: str, action: str, role: str, reason: str | None = None) -> Transition:
    """The transition `role` makes by taking `action` in `state`, or TransitionRefused (the role first)."""
    authorise(action, role)
    found = _BY_KEY.get((state, action))
    if found is None or role not in found.roles:
        label = STATE_LABELS_ZH.get(state, state)
        raise TransitionRefused(code="transition_not_allowed", message_zh=f"当前状态（{label}）不能执行“{action}”",
                                message_en=f"{action!r} is not possible in state {state!r}")
    if found.reason_required and not (reason or "").strip():
        raise TransitionRefused(code="reason_required", message_zh="该决定须说明理由",
                                message_en=f"{action!r} needs a reason")
    return found


def actions_for(state: str, role: str) -> list[str]:
    """The actions `role` may take in `state` (for showing what can happen next)."""
    return [t.action for t in TRANSITIONS if t.source == state and role in t.roles]


# --------------------------------------------------------------------------- materials

@dataclass(frozen=True)
class MaterialKind:
    key: str
    name_zh: str
    essential: bool  # an essential item can never be missing at acceptance (no 容缺)
    agents_only: bool = False


MATERIAL_KINDS = {m.key: m for m in (
    MaterialKind("performance_proof", "履行行政处罚义务的证明（罚款缴纳凭证或部门出具的整改确认材料）", True),
    MaterialKind("power_of_attorney", "授权委托书（代办时提供）", True, agents_only=True),
    MaterialKind("correction_report", "整改情况说明", False),
    MaterialKind("business_licence", "营业执照副本复印件", False),
)}


def missing_materials(supplied, *, by_agent: bool) -> list[str]:
    """The kinds of material still missing, in catalogue order (the signed letter is not an upload)."""
    have = set(supplied)
    return [m.key for m in MATERIAL_KINDS.values() if m.key not in have and (by_agent or not m.agents_only)]


# --------------------------------------------------------------------------- objections

OUTCOMES = ("upheld", "corrected", "withdrawn")  # how a reviewer resolves an objection (异议申诉)

# 三单一函: how the credit centre presses a source department late on an objection, one step after
# another. The first, a reminder, may go before the deadline; the others only once it has passed.
ESCALATION_STEPS = ("提醒单", "催办单", "督办单", "移交函")


def next_escalation(taken: int, overdue: bool) -> str | None:
    """The step that comes after `taken` steps, or None when none may be taken now."""
    if taken >= len(ESCALATION_STEPS) or (taken and not overdue):
        return None
    return ESCALATION_STEPS[taken]
