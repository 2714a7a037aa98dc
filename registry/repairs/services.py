"""Repair use cases: check eligibility, file, follow, decide; each owns its transaction."""

import secrets
from datetime import date

from sqlalchemy import and_, false, func, select, true, update
from sqlalchemy.exc import IntegrityError

from ..access.services import Viewer, hash_key
from ..calendars import calendar
from ..db import utcnow
from ..domain.text import typed_code
from ..errors import Conflict, FieldError, Forbidden, NotFound, ValidationFailed
from ..extensions import db
from ..notices.letters import commitment_letter, text_sha256
from ..notices.services import record_line
from ..records.models import EXPIRED, PUBLISHED, REPAIRED, Record
from ..records.publicity import rules as publicity_rules
from ..records.services import change_record_status, record_not_found, visible_record
from ..runtime import settings
from ..uow import UnitOfWork, transactional
from . import notices, rules
from .models import RepairApplication, RepairMaterial, RepairTransition
from .presenters import present_application


def record_facts(record: Record) -> rules.RecordFacts:
    obligations_until = publicity_rules().rulebook.obligations_until(record.penalty_valid_until)
    return rules.RecordFacts(record.kind, record.status, record.repairable_from, obligations_until)


def lockout_of(uscc: str | None) -> date | None:
    """The last day of the applicant's lock-out after a revoked repair, if any."""
    if not uscc:
        return None
    return db.session.scalar(select(func.max(RepairApplication.lockout_until))
                             .where(RepairApplication.applicant_uscc == uscc))


def eligibility_of(record: Record, today: date) -> rules.Eligibility:
    return rules.eligibility(record_facts(record), today, locked_out_until=lockout_of(record.uscc))


def applicable_record(viewer: Viewer, record_id: int) -> Record:
    """The record an applicant may apply for: an enterprise its own, an agent any enterprise's it may see
    (the same 404 as for no record, so that neither learns of records hidden from it)."""
    record = visible_record(viewer, record_id)
    if not record.uscc or (viewer.role == "enterprise" and record.uscc != viewer.uscc):
        raise record_not_found(record_id)
    return record


def check_eligibility(viewer: Viewer, record_id: int, today: date) -> dict:
    """Eligibility of a record for the applicant (the same answer filing would give)."""
    record = applicable_record(viewer, record_id)
    verdict = eligibility_of(record, today)
    return {"record_id": record.id, "eligible": verdict.eligible, "reason": verdict.reason,
            "earliest": verdict.earliest, "message_zh": verdict.message_zh, "message_en": verdict.message_en}


@transactional
def file_application(viewer: Viewer, record_id, sign_commitment, today: date, *, uow: UnitOfWork) -> dict:
    """File an application (enterprise or agent); the signed commitment letter is part of it.

    Returns the application with its query code, shown this once.
    """
    if sign_commitment is not True:
        raise ValidationFailed(message_en="the commitment letter must be signed (sign_commitment: true)",
                               message_zh="须签署信用修复承诺书（sign_commitment: true）", code="commitment_required",
                               errors=[FieldError("sign_commitment", "required", message_zh="须签署信用修复承诺书",
                                                  message_en="the commitment letter must be signed")])
    record = applicable_record(viewer, record_id)
    verdict = eligibility_of(record, today)
    if not verdict.eligible:
        raise ValidationFailed(message_en=verdict.message_en, message_zh=verdict.message_zh, code="not_eligible",
                               errors=[FieldError("record_id", verdict.reason, message_zh=verdict.message_zh,
                                                  message_en=verdict.message_en,
                                                  value=verdict.earliest.isoformat() if verdict.earliest else None)])
    if db.session.scalar(select(RepairApplication.id).where(RepairApplication.open_record_id == record.id)):
        raise _already_open(record.id)
    letter = commitment_letter(record_line(record))
    query_code = secrets.token_hex(4).upper()
    due = calendar().add_workdays(today, settings().REPAIR_RESULT_WORKDAYS)
    application = RepairApplication(
        number=f"XF{today:%Y%m%d}{secrets.token_hex(4).upper()}", query_code_hash=_hash_code(query_code),
        record_id=record.id, open_record_id=record.id, department_id=record.department_id,
        applicant_uscc=record.uscc, applicant_name=record.party_name, district_code=record.uscc[2:8],
        filed_by=viewer.principal_id, filed_by_role=viewer.role, state=rules.SUBMITTED,
        commitment_text=letter, commitment_sha256=text_sha256(letter), commitment_signed_by=viewer.principal_id,
        commitment_signed_at=utcnow(), submitted_on=today, result_due=due.due, result_due_provisional=due.provisional,
    )
    uow.session.add(application)
    try:
        uow.session.flush()
    except IntegrityError:  # a concurrent application for the same record won
        raise _already_open(record.id) from None
    _log(uow, application, "submit", None, viewer, None, today)
    return {**present_application(application, viewer, today), "query_code": query_code}


def _already_open(record_id: int) -> Conflict:
    return Conflict(message_en=f"record {record_id} already has an open application",
                    message_zh="该记录已有办理中的信用修复申请",
                    code="application_open")


def _hash_code(code: str) -> str:
    return hash_key(typed_code(code))


def visible_condition(viewer: Viewer):
    if viewer.is_credit_centre:
        return true()
    if viewer.role == "enterprise":
        return RepairApplication.applicant_uscc == viewer.uscc
    if viewer.role == "agent":
        return RepairApplication.filed_by == viewer.principal_id
    if viewer.role == "department":  # the cases forwarded to it, from then on
        return and_(RepairApplication.department_id == viewer.department_id,
                    RepairApplication.forwarded_on.is_not(None))
    return false()


def visible_application(viewer: Viewer, application_id: int) -> RepairApplication:
    """The application if the viewer may follow it; 404 otherwise, whether or not it exists."""
    application = db.session.scalar(select(RepairApplication).where(
        RepairApplication.id == application_id, visible_condition(viewer)))
    if application is None:
        raise NotFound(message_en=f"no repair application {application_id}",
                       message_zh=f"信用修复申请 {application_id} 不存在",
                       code="repair_not_found")
    return application


def get_application(viewer: Viewer, application_id: int, today: date) -> dict:
    return present_application(visible_application(viewer, application_id), viewer, today)


def find_by_number(number: str, query_code: str) -> RepairApplication | None:
    """The application for the progress page: number and query code must both match."""
    application = db.session.scalar(select(RepairApplication).where(RepairApplication.number == typed_code(number)))
    if application is None or not secrets.compare_digest(application.query_code_hash, _hash_code(query_code)):
        return None
    return application


def _log(uow: UnitOfWork, application, action, from_state, viewer: Viewer | None, reason, today) -> RepairTransition:
    """The step in the application's log and in the audit trail (filing, then each step of the workflow)."""
    entry = RepairTransition(application_id=application.id, action=action, from_state=from_state,
                             to_state=application.state, actor_id=viewer.principal_id if viewer else None,
                             actor_role=viewer.role if viewer else rules.SYSTEM, reason=reason, on_day=today)
    uow.session.add(entry)
    uow.session.flush()
    uow.audit("repair.file" if action == "submit" else "repair.decide", viewer, "repair", application.id,
              {"number": application.number, "step": action, "from": from_state, "to": application.state,
               "reason": reason})
    notices.notify_progress(application, entry, today)
    return entry


# --------------------------------------------------------------------------- decisions


@transactional
def decide(viewer: Viewer, application_id: int, action: str, reason: str | None, version: int | None,
           today: date, *, uow: UnitOfWork) -> dict:
    """Take one step of the workflow table; a concurrent step on the same version is a 409."""
    application = visible_application(viewer, application_id)
    try:
        rules.authorise(action, viewer.role)  # a role that may not decide hears so, not of versions or states
        if version is not None and version != application.version:
            raise _changed_meanwhile()
        step = rules.transition(application.state, action, viewer.role, reason)
    except rules.TransitionRefused as exc:
        error = {"role_forbidden": Forbidden, "reason_required": ValidationFailed}.get(exc.code, Conflict)
        raise error(message_zh=exc.message_zh, message_en=exc.message_en, code=exc.code) from None
    changes = _clock_changes(application, step, today)
    take_step(uow, application, step, changes, viewer, (reason or "").strip() or None,
               application.version if version is None else version, today)
    return present_application(application, viewer, today)


def take_step(uow: UnitOfWork, application, step: rules.Transition, changes: dict, viewer: Viewer | None, reason,
              version, today):
    """Guarded update (state and version unchanged since read), effects, log; in the caller's unit of work."""
    if step.target not in rules.OPEN_STATES:
        changes["open_record_id"] = None
    result = uow.session.execute(
        update(RepairApplication)
        .where(RepairApplication.id == application.id, RepairApplication.version == version,
               RepairApplication.state == step.source)
        .values(state=step.target, version=RepairApplication.version + 1, updated_at=utcnow(), **changes)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        raise _changed_meanwhile()
    uow.session.refresh(application)
    if step.action == "approve":
        _repair_record(uow, application, viewer)
    elif step.action == "revoke":
        _restore_record(uow, application, viewer, reason, today)
    _log(uow, application, step.action, step.source, viewer, reason, today)
    if step.action == "forward":
        notices.notify_forwarded(application, today)


def _changed_meanwhile() -> Conflict:
    return Conflict(message_en="the application was changed by someone else; reload it and decide again",
                    message_zh="该申请已被他人处理，请刷新后重新操作", code="conflict")


def _clock_changes(application: RepairApplication, step: rules.Transition, today: date) -> dict:
    """Column values a decision sets besides the state: the clocks it starts, the materials it awaits.

    Steps of the platform itself (complete, lapse) are taken with their own values, never through here.
    """
    config, cal = settings(), calendar()
    if step.action in ("accept", "accept_with_missing"):
        missing = missing_of(application)
        essential = [k for k in missing if rules.MATERIAL_KINDS[k].essential]
        if missing and step.action == "accept":
            raise _materials_missing(missing, step.action)  # all at once (一次性告知)
        if essential:
            raise _materials_missing(essential, step.action)
        if step.action == "accept":
            return {"accepted_on": today}
        if not missing:
            raise ValidationFailed(message_en="nothing is missing: accept the application instead",
                                   message_zh="材料齐全，请直接受理", code="nothing_missing")
        due = cal.add_workdays(today, config.REPAIR_MATERIALS_WORKDAYS)
        return {"accepted_on": today, "missing_materials": missing, "materials_due": due.due,
                "materials_due_provisional": due.provisional}
    if step.action == "forward":
        due = cal.add_workdays(today, config.REPAIR_DEPARTMENT_WORKDAYS)
        return {"forwarded_on": today, "department_due": due.due, "department_due_provisional": due.provisional}
    if step.target in rules.DECIDED_STATES:
        return {"decided_on": today}
    if step.action == "revoke":
        return {"revoked_on": today, "lockout_until": rules.lockout_end(today, config.REPAIR_LOCKOUT_MONTHS)}
    return {}


def _materials_missing(kinds: list[str], action: str) -> ValidationFailed:
    names = "；".join(rules.MATERIAL_KINDS[k].name_zh for k in kinds)
    hint = "（不可容缺）" if action == "accept_with_missing" else ""
    return ValidationFailed(message_en=f"materials missing: {', '.join(kinds)}", message_zh=f"尚缺材料{hint}：{names}",
                            code="materials_missing",
                            errors=[FieldError("materials", k, message_zh=rules.MATERIAL_KINDS[k].name_zh,
                                               message_en=f"{k} is missing")
                                    for k in kinds])


def missing_of(application: RepairApplication) -> list[str]:
    supplied = db.session.scalars(select(RepairMaterial.kind).where(
        RepairMaterial.application_id == application.id)).all()
    return rules.missing_materials(supplied, by_agent=application.filed_by_role == "agent")


def _repair_record(uow: UnitOfWork, application: RepairApplication, viewer: Viewer) -> None:
    """Approval takes the record off every public channel (Order 36); it is kept, never deleted.

    The record may have been withdrawn or have expired since filing: then there is nothing to repair.
    """
    record = _locked_record(application.record_id)
    if record.status not in rules.REPAIRABLE_STATUSES:  # the unit of work undoes the step taken
        raise Conflict(message_en=f"the record is {record.status} now and can no longer be repaired; "
                                  "reject the application",
                       message_zh=f"该记录{rules.status_label_zh(record.status)}，无法修复，请作出不予修复决定",
                       code="record_not_repairable")
    application.record_status_before = record.status
    change_record_status(uow, record, REPAIRED, "repair", f"信用修复 {application.number}", viewer.principal_id)


def _restore_record(uow: UnitOfWork, application: RepairApplication, viewer: Viewer, reason: str, today: date) -> None:
    """Revocation publishes the record again, unless its window closed meanwhile; a record withdrawn
    since the repair stays withdrawn."""
    record = _locked_record(application.record_id)
    if record.status != REPAIRED:
        return
    status = application.record_status_before or PUBLISHED
    if status == PUBLISHED and record.publicity_end is not None and record.publicity_end <= today:
        status = EXPIRED
    change_record_status(uow, record, status, "repair_revoked", f"撤销信用修复 {application.number}：{reason}",
                         viewer.principal_id)


def _locked_record(record_id: int) -> Record:
    return db.session.scalar(select(Record).where(Record.id == record_id).with_for_update(of=Record))
