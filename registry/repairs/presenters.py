"""What an application looks like to its applicant, its department and the credit centre."""

from datetime import date

from sqlalchemy import select

from ..access.services import Viewer
from ..calendars import calendar
from ..extensions import db
from . import rules
from .models import RepairApplication, RepairMaterial, RepairTransition


def clock(due: date | None, provisional: bool, running: bool, today: date) -> dict | None:
    """A due date with its working days left; `overdue` only while the clock still runs."""
    if due is None:
        return None
    return {"due": due, "provisional": provisional, "running": running,
            "workdays_left": calendar().workdays_between(today, due) if running else None,
            "overdue": running and calendar().is_overdue(due, today)}


def clocks_of(application: RepairApplication, today: date) -> dict:
    state = application.state
    return {
        "result": clock(application.result_due, application.result_due_provisional,
                        state in rules.OPEN_STATES, today),
        "department": clock(application.department_due, application.department_due_provisional,
                            state == rules.FORWARDED, today),
        "materials": clock(application.materials_due, application.materials_due_provisional,
                           state == rules.AWAITING_MATERIALS, today),
    }


def present_application(application: RepairApplication, viewer: Viewer, today: date, *,
                        materials=None, log=None) -> dict:
    """The application as the viewer sees it; a list page hands in `materials` and `log` it loaded at once."""
    record = application.record
    if materials is None:
        materials = db.session.scalars(select(RepairMaterial).where(
            RepairMaterial.application_id == application.id).order_by(RepairMaterial.id)).all()
    if log is None:
        log = db.session.scalars(select(RepairTransition).where(
            RepairTransition.application_id == application.id).order_by(RepairTransition.id)).all()
    return {
        "id": application.id,
        "number": application.number,
        "state": application.state,
        "state_zh": rules.STATE_LABELS_ZH[application.state],
        "version": application.version,
        "record": {"id": record.id, "kind": record.kind, "decision_no": record.decision_no,
                   "authority": record.authority, "decision_date": record.decision_date, "status": record.status},
        "mode_zh": rules.REPAIR_MODES_ZH[record.kind],
        "applicant": {"uscc": application.applicant_uscc, "name": application.applicant_name,
                      "filed_by_role": application.filed_by_role},
        "submitted_on": application.submitted_on,
        "clocks": clocks_of(application, today),
        "missing_materials": [{"kind": k, "name_zh": rules.MATERIAL_KINDS[k].name_zh}
                              for k in application.missing_materials or ()],
        "materials": [{"id": m.id, "kind": m.kind, "filename": m.filename, "content_type": m.content_type,
                       "size": m.size, "sha256": m.sha256, "uploaded_at": m.uploaded_at} for m in materials],
        "commitment": {"text": application.commitment_text, "sha256": application.commitment_sha256,
                       "signed_at": application.commitment_signed_at},
        "lockout_until": application.lockout_until,
        "transitions": [{"action": t.action, "from": t.from_state, "to": t.to_state, "by_role": t.actor_role,
                         "reason": t.reason, "on": t.on_day, "at": t.at} for t in log],
        "next_actions": rules.actions_for(application.state, viewer.role),
    }
