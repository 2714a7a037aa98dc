"""Collection statistics (归集统计) and data quality (数据质量): the records departments submitted, by
department and month; the timeliness of 双公示 data (submitted within SUBMISSION_WORKDAYS working
days of the decision); and the rows their imports rejected, by import and by field.

A record's submission day is the day, in Beijing time, it first reached the platform (its
`created_at`: a re-sent or corrected record keeps its first submission). It is on time when the
working days in (decision day, submission day] are at most the limit, so a record submitted on the
7th working day after its decision is on time and one on the 8th is late.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import Date, and_, cast, false, func, or_, select, true

from ..access.services import Viewer
from ..calendars import calendar
from ..departments.models import Department
from ..domain.masking import mask_person_name
from ..domain.periods import BEIJING
from ..extensions import db
from ..records.models import Record
from ..records.visibility import sees_personal_ids
from ..runtime import settings
from .models import ImportJob, ImportRejection


@dataclass(frozen=True)
class Scope:
    """What the figures cover: submissions from `start` to `end` (Beijing days, both included), of
    one department, of the departments of one district, or of all."""

    start: date
    end: date
    department_id: int | None = None
    district: str | None = None

    def instants(self) -> tuple[datetime, datetime]:
        """The UTC instants the period runs between (from the first midnight to the one after the end)."""
        return _midnight(self.start), _midnight(self.end + timedelta(days=1))

    def departments(self, column):
        """The condition on a department id column that keeps this scope's departments."""
        conditions = []
        if self.department_id is not None:
            conditions.append(column == self.department_id)
        if self.district:
            conditions.append(column.in_(select(Department.id).where(Department.district_code == self.district)))
        return and_(true(), *conditions)

    def submitted(self, moment_column, department_column):
        since, until = self.instants()
        return and_(moment_column >= since, moment_column < until, self.departments(department_column))


def _midnight(day: date) -> datetime:
    """The start of a Beijing day, in UTC (as records' times are stored)."""
    return datetime.combine(day, time(), BEIJING).astimezone(UTC)


def submission_day(column):
    """SQL for the Beijing day of a stored UTC time (a date, or ISO text on SQLite)."""
    if db.engine.dialect.name == "postgresql":
        return cast(func.timezone("Asia/Shanghai", column), Date)
    return func.date(column, "+8 hours")


def _day(value) -> date:
    return value if isinstance(value, date) else date.fromisoformat(value)


@dataclass
class Timeliness:
    """Records submitted and how many of them late."""

    submitted: int = 0
    late: int = 0

    @property
    def on_time(self) -> int:
        return self.submitted - self.late

    @property
    def on_time_rate(self) -> float | None:
        return self.on_time / self.submitted if self.submitted else None


@dataclass
class Collection:
    """What a scope's submissions add up to; `late_from` is, for each decision day with late records,
    the first submission day that is late (what `late_records` looks for)."""

    limit: int
    total: Timeliness = field(default_factory=Timeliness)
    by_month: dict[str, Timeliness] = field(default_factory=lambda: defaultdict(Timeliness))
    by_department: dict[int, Timeliness] = field(default_factory=lambda: defaultdict(Timeliness))
    by_department_month: dict[tuple[int, str], int] = field(default_factory=lambda: defaultdict(int))
    late_from: dict[date, date] = field(default_factory=dict)


def collection(scope: Scope) -> Collection:
    """Submissions of the scope by month and department, each with how many came late."""
    limit = settings().SUBMISSION_WORKDAYS
    days = calendar()
    day = submission_day(Record.created_at)
    groups = db.session.execute(
        select(Record.department_id, Record.decision_date, day, func.count())
        .where(scope.submitted(Record.created_at, Record.department_id))
        .group_by(Record.department_id, Record.decision_date, day)).all()
    figures = Collection(limit)
    for department_id, decided, submitted, count in groups:
        submitted = _day(submitted)
        late = count if days.workdays_between(decided, submitted) > limit else 0
        if late:
            figures.late_from[decided] = days.add_workdays(decided, limit + 1).due
        month = f"{submitted:%Y-%m}"
        for tally in (figures.total, figures.by_month[month], figures.by_department[department_id]):
            tally.submitted += count
            tally.late += late
        figures.by_department_month[department_id, month] += count
    figures.by_month = dict(sorted(figures.by_month.items()))
    return figures


@dataclass(frozen=True)
class LateRecord:
    id: int
    kind: str
    decision_no: str
    party_name: str
    department: str
    decision_date: date
    submitted_on: date
    workdays: int


def late_records(scope: Scope, figures: Collection, viewer: Viewer, *, offset: int = 0,
                 limit: int = 50) -> list[LateRecord]:
    """The scope's late records, the latest submitted first (`figures` are the scope's collection); a
    natural person's name masked as on a record's page for a viewer who may not read it."""
    late = or_(false(), *(and_(Record.decision_date == decided, Record.created_at >= _midnight(first_late))
                          for decided, first_late in figures.late_from.items()))
    rows = db.session.execute(
        select(Record.id, Record.kind, Record.decision_no, Record.party_name, Department.name.label("department"),
               Record.decision_date, submission_day(Record.created_at).label("submitted"), Record.department_id,
               Record.uscc, Record.party_category)
        .join(Department, Department.id == Record.department_id)
        .where(scope.submitted(Record.created_at, Record.department_id), late)
        .order_by(Record.created_at.desc(), Record.id.desc()).offset(offset).limit(limit)).all()
    days = calendar()
    return [LateRecord(row.id, row.kind, row.decision_no, _party_name(row, viewer), row.department, row.decision_date,
                       _day(row.submitted), days.workdays_between(row.decision_date, _day(row.submitted)))
            for row in rows]


def _party_name(row, viewer: Viewer) -> str:
    if row.party_category == "natural_person" and not sees_personal_ids(viewer, row):
        return mask_person_name(row.party_name)
    return row.party_name


@dataclass
class Rejections:
    """Rows read and rejected by the scope's imports."""

    rows_read: int = 0
    rejected: int = 0

    @property
    def rate(self) -> float | None:
        return self.rejected / self.rows_read if self.rows_read else None


@dataclass(frozen=True)
class ImportFigures:
    id: int
    filename: str
    department: str
    created_at: datetime
    state: str
    rows: Rejections


def imports(scope: Scope) -> list[ImportFigures]:
    """The scope's import jobs (started in its period), newest first, with their rejection counts."""
    rows = db.session.execute(
        select(ImportJob.id, ImportJob.filename, Department.name, ImportJob.created_at, ImportJob.state,
               ImportJob.rows_read, ImportJob.rejected)
        .join(Department, Department.id == ImportJob.department_id)
        .where(scope.submitted(ImportJob.created_at, ImportJob.department_id))
        .order_by(ImportJob.id.desc())).all()
    return [ImportFigures(*row[:5], Rejections(row.rows_read, row.rejected)) for row in rows]


def rejections_by_department(jobs: list[ImportFigures]) -> dict[str, Rejections]:
    totals: dict[str, Rejections] = defaultdict(Rejections)
    for job in jobs:
        totals[job.department].rows_read += job.rows.rows_read
        totals[job.department].rejected += job.rows.rejected
    return dict(totals)


def rejections_by_field(scope: Scope) -> dict[str, int]:
    """For each field, how many rows the scope's imports rejected for it (a row counted once a field),
    the most frequent first."""
    rows = (select(ImportRejection.job_id, ImportRejection.row_number, ImportRejection.field).distinct()
            .join(ImportJob, ImportJob.id == ImportRejection.job_id)
            .where(scope.submitted(ImportJob.created_at, ImportJob.department_id)).subquery())
    counted = db.session.execute(select(rows.c.field, func.count()).group_by(rows.c.field)
                                 .order_by(func.count().desc(), rows.c.field)).all()
    return dict(counted)


def department_names() -> dict[int, str]:
    """Every department's name by id, in the order of the names."""
    return dict(db.session.execute(select(Department.id, Department.name).order_by(Department.name)).all())


def overview(scope: Scope, viewer: Viewer, *, offset: int = 0, limit: int = 50) -> dict:
    """A scope's collection quality as one answer (the API's): records received per month with how
    many came late, rows rejected by field, and one page of the late records."""
    figures = collection(scope)
    jobs = imports(scope)
    rejected = Rejections(sum(job.rows.rows_read for job in jobs), sum(job.rows.rejected for job in jobs))
    by_field = [{"field": name, "rows": rows} for name, rows in rejections_by_field(scope).items()]
    return {
        "from": scope.start, "to": scope.end, "department": scope.department_id, "workday_limit": figures.limit,
        "received": figures.total, "months": [{"month": month, "submitted": tally.submitted, "late": tally.late,
                                               "on_time": tally.on_time, "on_time_rate": tally.on_time_rate}
                                              for month, tally in figures.by_month.items()],
        "rejections": {"rows_read": rejected.rows_read, "rejected": rejected.rejected, "rate": rejected.rate,
                       "by_field": by_field},
        "late": {"total": figures.total.late, "offset": offset, "limit": limit,
                 "items": late_records(scope, figures, viewer, offset=offset, limit=limit)},
    }
