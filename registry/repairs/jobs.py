"""Daily repair jobs: lapse overdue 容缺 applications, recompute provisional clocks. Idempotent."""

from datetime import date

from flask import current_app
from sqlalchemy import or_, select

from ..calendars import calendar
from ..errors import Conflict
from ..extensions import db
from . import rules
from .models import RepairApplication
from .services import take_step

LAPSE_REASON = "容缺受理后逾期未补正材料，申请失效"


def lapse_overdue(today: date) -> list[str]:
    """Applications whose missing materials were not supplied in time lapse; returns their numbers."""
    overdue = db.session.scalars(select(RepairApplication).where(
        RepairApplication.state == rules.AWAITING_MATERIALS, RepairApplication.materials_due < today)
        .order_by(RepairApplication.id)).all()
    lapsed = []
    for application in overdue:
        step = rules.transition(application.state, "lapse", rules.SYSTEM, LAPSE_REASON)
        try:
            take_step(application, step, {}, None, LAPSE_REASON, application.version, today)
        except Conflict:
            continue  # supplied or decided meanwhile
        lapsed.append(application.number)
    return lapsed


def recompute_provisional() -> int:
    """Count again every due date that was provisional (after a year's schedule is loaded)."""
    cal, changed = calendar(), 0
    pending = db.session.scalars(select(RepairApplication).where(or_(
        RepairApplication.result_due_provisional, RepairApplication.department_due_provisional,
        RepairApplication.materials_due_provisional))).all()
    for application in pending:
        for column, start, days in (("result_due", application.submitted_on, "REPAIR_RESULT_WORKDAYS"),
                                    ("department_due", application.forwarded_on, "REPAIR_DEPARTMENT_WORKDAYS"),
                                    ("materials_due", application.accepted_on, "REPAIR_MATERIALS_WORKDAYS")):
            if getattr(application, f"{column}_provisional") and start is not None:
                deadline = cal.add_workdays(start, getattr(current_app.config["REGISTRY"], days))
                setattr(application, column, deadline.due)
                setattr(application, f"{column}_provisional", deadline.provisional)
        changed += 1
    db.session.commit()
    return changed
