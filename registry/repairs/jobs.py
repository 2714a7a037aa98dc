"""Daily repair jobs: lapse overdue 容缺 applications, recompute provisional clocks. Idempotent."""

from datetime import date

from sqlalchemy import or_, select

from ..calendars import calendar
from ..errors import Conflict
from ..extensions import db
from ..runtime import settings
from ..uow import UnitOfWork, transactional, unit_of_work
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
            with unit_of_work() as uow:  # each lapse is its own transaction
                take_step(uow, application, step, {}, None, LAPSE_REASON, application.version, today)
        except Conflict:
            continue  # supplied or decided meanwhile
        lapsed.append(application.number)
    return lapsed


@transactional
def recompute_provisional(*, uow: UnitOfWork) -> int:
    """Count again every due date that was provisional (after a year's schedule is loaded); returns how
    many applications had a due date moved by it."""
    return len({moved["number"] for moved in recount_provisional(uow)})


def recount_provisional(uow: UnitOfWork) -> list[dict]:
    """Recount the provisional due dates in the caller's unit of work: each due date that moved, with
    its application's number, which clock, and the day before and after."""
    cal, config, moved = calendar(), settings(), []
    pending = uow.session.scalars(select(RepairApplication).where(or_(
        RepairApplication.result_due_provisional, RepairApplication.department_due_provisional,
        RepairApplication.materials_due_provisional)).order_by(RepairApplication.id)).all()
    for application in pending:
        moved += _recount(application, cal, config)
    return moved


def _recount(application: RepairApplication, cal, config) -> list[dict]:
    """Recount the application's provisional due dates; the ones that moved."""
    moved = []
    for column, start, days in (("result_due", application.submitted_on, config.REPAIR_RESULT_WORKDAYS),
                                ("department_due", application.forwarded_on, config.REPAIR_DEPARTMENT_WORKDAYS),
                                ("materials_due", application.accepted_on, config.REPAIR_MATERIALS_WORKDAYS)):
        if getattr(application, f"{column}_provisional") and start is not None:
            deadline, before = cal.add_workdays(start, days), getattr(application, column)
            if deadline.due != before:
                moved.append({"number": application.number, "clock": column, "before": before.isoformat(),
                              "after": deadline.due.isoformat()})
            setattr(application, column, deadline.due)
            setattr(application, f"{column}_provisional", deadline.provisional)
    return moved
