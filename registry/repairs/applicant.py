"""What an applicant (the enterprise itself, or a service-window agent) sees and does in its workspace:
its records' repair standing, the letter it signs, filing with materials in one go, what is still missing.

The rules are the repair services' own: eligibility through `rules.eligibility` with the facts the API
uses, filing through `file_application`, files through `add_materials`.
"""

from datetime import date

from sqlalchemy import and_, func, select

from ..access.services import Viewer
from ..errors import FieldError, ValidationFailed
from ..extensions import db
from ..notices.letters import commitment_letter, text_sha256
from ..notices.services import record_line
from ..records.models import Record
from ..uow import UnitOfWork, transactional
from . import rules
from .materials import add_materials
from .models import RepairApplication
from .services import (
    applicable_record,
    check_eligibility,
    file_application,
    missing_of,
    record_facts,
    visible_application,
    visible_condition,
)


def repair_standing(viewer: Viewer, record_ids: list[int], today: date) -> dict[int, dict]:
    """Per record: whether a penalty or list entry can be repaired today (else why and from when), and the
    latest application for it the viewer may follow. The caller has checked the viewer may see the records.
    One query: each record with its applicant's lock-out and that latest application beside it."""
    if not record_ids:
        return {}
    lockout = (select(func.max(RepairApplication.lockout_until))
               .where(RepairApplication.applicant_uscc == Record.uscc).correlate(Record).scalar_subquery())
    newest_first = func.row_number().over(partition_by=RepairApplication.record_id,
                                          order_by=RepairApplication.id.desc()).label("newest_first")
    followed = select(RepairApplication.id, RepairApplication.number, RepairApplication.state,
                      RepairApplication.record_id, newest_first).where(
        RepairApplication.record_id.in_(record_ids), visible_condition(viewer)).subquery()
    latest = and_(followed.c.record_id == Record.id, followed.c.newest_first == 1)
    rows = db.session.execute(select(Record, lockout, followed.c.id, followed.c.number, followed.c.state)
                              .outerjoin(followed, latest).where(Record.id.in_(record_ids))).all()
    return {r.id: {"decision_no": r.decision_no, "application": _brief(*application),
                   "eligibility": rules.eligibility(record_facts(r), today, locked_out_until=locked_out_until)
                   if r.kind in rules.REPAIR_MODES_ZH else None} for r, locked_out_until, *application in rows}


def _brief(application_id: int | None, number: str | None, state: str | None) -> dict | None:
    if application_id is None:
        return None
    return {"id": application_id, "number": number, "state": state, "state_zh": rules.STATE_LABELS_ZH[state],
            "open": state in rules.OPEN_STATES}


def commitment_for(viewer: Viewer, record_id: int, today: date) -> dict:
    """The commitment letter filing would sign for this record (the same generated text), and whether
    the record can be applied for today."""
    record = applicable_record(viewer, record_id)
    return {"letter": commitment_letter(record_line(record)), "party_name": record.party_name, "uscc": record.uscc,
            "eligibility": check_eligibility(viewer, record_id, today),
            "kinds": required_kinds(viewer)}


def required_kinds(viewer: Viewer) -> list[rules.MaterialKind]:
    """The kinds of material this applicant supplies, in catalogue order (an agent's power of attorney too)."""
    return [m for m in rules.MATERIAL_KINDS.values() if viewer.role == "agent" or not m.agents_only]


@transactional
def apply_with_materials(viewer: Viewer, record_id: int, signed_name: str, signer_name: str, confirmed: bool,
                         uploads: list, today: date, *, uow: UnitOfWork) -> dict:
    """File an application signing its commitment letter on the page, with the files chosen, all or none.

    The person signs by typing their own name (`signer_name`, their account's) and confirming. An
    agent attaches the power of attorney at once: without it the application could never be accepted.
    """
    errors = []
    if not confirmed:
        errors.append(FieldError("confirm", "required", message_zh="请勾选确认已阅读并同意承诺书内容",
                                 message_en="the commitment must be confirmed"))
    if (signed_name or "").strip() != (signer_name or "").strip():
        errors.append(FieldError("signed_name", "mismatch", message_zh=f"签署人姓名应为“{signer_name}”",
                                 message_en="the signature must be the signer's own name"))
    if viewer.role == "agent" and "power_of_attorney" not in {kind for kind, _ in uploads}:
        errors.append(FieldError("power_of_attorney", "required", message_zh="代办须上传授权委托书",
                                 message_en="an agent must attach the power of attorney"))
    if errors:
        raise ValidationFailed(message_en="the commitment letter is not signed",
                               message_zh="；".join(e.message_zh for e in errors), code="commitment_required",
                               errors=errors)
    filed = file_application(viewer, record_id, True, today, uow=uow)
    if uploads:
        filed = {**add_materials(viewer, filed["id"], uploads, today, uow=uow), "query_code": filed["query_code"]}
    uow.audit("repair.commitment_signed", viewer, "repair", filed["id"],
              {"signed_name": signed_name.strip(), "commitment_sha256": text_sha256(filed["commitment"]["text"])})
    return filed


def still_missing(viewer: Viewer, application_id: int) -> list[rules.MaterialKind]:
    """The materials the application still lacks, whatever its state (一次性告知: all of them at once)."""
    application = visible_application(viewer, application_id)
    return [rules.MATERIAL_KINDS[k] for k in missing_of(application)]
