"""The working-day calendar as the credit centre keeps it: which years' schedules are loaded, a new
year's schedule uploaded (then every provisional deadline recounted, the moves in the audit trail),
and the warning from 1 November while next year's is missing."""

import tempfile
from datetime import date
from pathlib import Path

from sqlalchemy import or_, select

from ..access.services import Viewer
from ..audit import services as audit_trail
from ..calendars import calendar, load_schedule
from ..domain.workdays import CalendarDataError
from ..errors import Forbidden, ValidationFailed
from ..extensions import db
from ..uow import UnitOfWork, transactional
from . import rules
from .jobs import recount_provisional
from .models import RepairApplication

WARN_FROM_MONTH = 11  # the State Council publishes next year's schedule in November or December
MAX_BYTES = 64 * 1024
LOADED = "calendar.load"


def _reviewer(viewer: Viewer) -> None:
    if viewer.role != "reviewer":
        raise Forbidden(message_en="only the credit centre's reviewers keep the calendar",
                        message_zh="只有信用中心审核人员可以维护工作日日历", code="role_forbidden")


def missing_years(today: date) -> list[int]:
    """The years whose schedule deadlines counted today need and lack: this year, and from
    1 November next year."""
    wanted = [today.year] + ([today.year + 1] if today.month >= WARN_FROM_MONTH else [])
    return [year for year in wanted if not calendar().has_schedule(year)]


def calendar_overview(viewer: Viewer, today: date) -> dict:
    """The loaded years, the years missing now, the open cases counted provisionally, recent loads."""
    _reviewer(viewer)
    cal, a = calendar(), RepairApplication
    provisional = a.state.in_(rules.OPEN_STATES) & or_(
        a.result_due_provisional, a.department_due_provisional, a.materials_due_provisional)
    return {
        "years": [{"year": y, "source": cal.schedule(y).source, "holidays": len(cal.schedule(y).holidays),
                   "workdays": len(cal.schedule(y).workdays)} for y in reversed(cal.years)],
        "missing": missing_years(today),
        "provisional": db.session.execute(select(a.id, a.number, a.state, a.result_due)
                                          .where(provisional).order_by(a.result_due, a.id).limit(100)).all(),
        "loads": audit_trail.entries_page({"action": LOADED}, limit=10)["items"],
    }


@transactional
def load_uploaded_schedule(viewer: Viewer, content: bytes, *, uow: UnitOfWork) -> dict:
    """Validate and load an uploaded year's schedule (the JSON of `registry calendar load`), then
    recount every provisional deadline; the audit entry names each due date that moved."""
    _reviewer(viewer)
    if len(content) > MAX_BYTES:
        raise _refused(f"文件过大（不超过{MAX_BYTES // 1024}KB）")
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "uploaded.json"
        path.write_bytes(content)
        try:
            schedule = load_schedule(path)
        except CalendarDataError as exc:
            raise _refused(f"节假日安排文件有误：{str(exc).replace(str(path) + ': ', '')}") from None
    moved = recount_provisional(uow)
    uow.audit(LOADED, viewer, "calendar", schedule.year,
              {"year": schedule.year, "source": schedule.source, "recomputed": moved})
    return {"year": schedule.year, "recomputed": moved}


def _refused(message_zh: str) -> ValidationFailed:
    return ValidationFailed(message_en=message_zh, message_zh=message_zh, code="invalid_calendar")
