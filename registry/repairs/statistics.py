"""Lists and figures for reviewers: open cases with their clocks, overdue cases, statistics."""

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date
from statistics import median

from sqlalchemy import and_, case, or_, select

from ..access.services import Viewer
from ..calendars import calendar
from ..departments.models import Department
from ..extensions import db
from ..pagination import decode_id_cursor, encode_cursor
from . import rules
from .models import RepairApplication, RepairMaterial, RepairTransition
from .presenters import present_application
from .services import visible_condition


def overdue_condition(today: date):
    """Open cases past a running clock: the result, the department's decision, missing materials."""
    return or_(
        and_(RepairApplication.state.in_(rules.OPEN_STATES), RepairApplication.result_due < today),
        and_(RepairApplication.state == rules.FORWARDED, RepairApplication.department_due < today),
        and_(RepairApplication.state == rules.AWAITING_MATERIALS, RepairApplication.materials_due < today),
    )


def list_applications(viewer: Viewer, today: date, *, state=None, overdue=False, cursor=None, limit=20) -> dict:
    """The applications the viewer may follow, newest first; `overdue` keeps the late open ones."""
    query = select(RepairApplication).where(visible_condition(viewer))
    if state:
        query = query.where(RepairApplication.state == state)
    if overdue:
        query = query.where(overdue_condition(today))
    if cursor:
        query = query.where(RepairApplication.id < decode_id_cursor(cursor))
    found = db.session.scalars(query.order_by(RepairApplication.id.desc()).limit(limit + 1)).all()
    page = found[:limit]
    ids = [a.id for a in page]
    materials = _by_application(RepairMaterial, ids)
    log = _by_application(RepairTransition, ids)
    return {"items": [present_application(a, viewer, today, materials=materials.get(a.id, []),
                                          log=log.get(a.id, [])) for a in page],
            "next_cursor": encode_cursor(page[-1].id) if len(found) > limit else None}


def _by_application(model, ids: list[int]) -> dict[int, list]:
    """The rows of `model` (materials or transitions) for these applications in one query, by application."""
    grouped: dict[int, list] = {}
    if ids:
        for row in db.session.scalars(select(model).where(model.application_id.in_(ids)).order_by(model.id)):
            grouped.setdefault(row.application_id, []).append(row)
    return grouped


def statistics(today: date) -> dict:
    """Applications by state, department, district and month; median days to a decision; overdue count."""
    rows = db.session.execute(select(RepairApplication.state, Department.name, RepairApplication.district_code,
                                     RepairApplication.submitted_on, RepairApplication.decided_on)
                              .join(Department, Department.id == RepairApplication.department_id)).all()
    durations = [(decided - submitted).days for _, _, _, submitted, decided in rows if decided]
    overdue = db.session.scalar(select(db.func.count()).select_from(RepairApplication)
                                .where(overdue_condition(today)))
    completed = db.session.scalar(select(db.func.count(db.distinct(RepairTransition.application_id)))
                                  .where(RepairTransition.action == "approve"))
    return {
        "total": len(rows),
        "by_state": dict(Counter(r.state for r in rows)),
        "by_department": dict(Counter(r.name for r in rows)),
        "by_district": dict(Counter(r.district_code for r in rows)),
        "by_month": dict(sorted(Counter(f"{r.submitted_on:%Y-%m}" for r in rows).items())),
        "repaired": completed,
        "median_days_to_decision": median(durations) if durations else None,
        "overdue": overdue,
    }


@dataclass
class RepairGroup:
    """Applications of one month, department or district: how many, in which states, how many working
    days each decided one took, and how many ran late (open past a clock, or decided after it was due)."""

    applications: int = 0
    by_state: Counter = field(default_factory=Counter)
    workdays: list[int] = field(default_factory=list)
    overdue: int = 0

    @property
    def decided(self) -> int:
        return len(self.workdays)

    @property
    def median_workdays(self) -> float | None:
        return median(self.workdays) if self.workdays else None


@dataclass
class RepairFigures:
    total: RepairGroup = field(default_factory=RepairGroup)
    by_month: dict[str, RepairGroup] = field(default_factory=lambda: defaultdict(RepairGroup))
    by_department: dict[str, RepairGroup] = field(default_factory=lambda: defaultdict(RepairGroup))
    by_district: dict[str | None, RepairGroup] = field(default_factory=lambda: defaultdict(RepairGroup))


def period_statistics(start: date, end: date, today: date, district: str | None = None) -> RepairFigures:
    """The applications submitted from `start` to `end` (of applicants in `district`, if given), by
    month of submission, source department and district; working days to a decision by the calendar."""
    late = or_(overdue_condition(today), RepairApplication.decided_on > RepairApplication.result_due)
    query = (select(RepairApplication.state, Department.name, RepairApplication.district_code,
                    RepairApplication.submitted_on, RepairApplication.decided_on, case((late, 1), else_=0))
             .join(Department, Department.id == RepairApplication.department_id)
             .where(RepairApplication.submitted_on.between(start, end)))
    if district:
        query = query.where(RepairApplication.district_code == district)
    days = calendar()
    figures = RepairFigures()
    for state, department, district_code, submitted, decided, overdue in db.session.execute(query):
        for group in (figures.total, figures.by_month[f"{submitted:%Y-%m}"], figures.by_department[department],
                      figures.by_district[district_code]):
            group.applications += 1
            group.by_state[state] += 1
            group.overdue += overdue
            if decided:
                group.workdays.append(days.workdays_between(submitted, decided))
    figures.by_month = dict(sorted(figures.by_month.items()))
    return figures
