"""Objections as the credit centre follows them: the source department's clock, and the reminders and
escalations (三单一函) it sends when the department is late, each a notice to it and an audit entry."""

from datetime import date

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from ..access.services import Viewer
from ..departments.models import Department
from ..errors import Conflict, Forbidden
from ..extensions import db
from ..notices.models import DEPARTMENT, OBJECTION_ESCALATION, Notice
from ..notices.services import add_notice
from ..records.models import Record
from ..uow import UnitOfWork, transactional
from . import rules
from .models import Objection
from .objections import OPEN, answer_clock, attachments_of, visible_objection


def _reviewer(viewer: Viewer) -> None:
    if viewer.role != "reviewer":
        raise Forbidden(message_en="only the credit centre's reviewers follow objections",
                        message_zh="只有信用中心审核人员可以督办异议申诉", code="role_forbidden")


def _key(objection_id: int, step: int) -> str:
    return f"{OBJECTION_ESCALATION}:{objection_id}:{step}"


def _steps_taken(objection_ids: list[int]) -> dict[int, list[Notice]]:
    """The escalation notices sent for each objection, in order (their keys are known in advance)."""
    keys = [_key(i, step) for i in objection_ids for step in range(1, len(rules.ESCALATION_STEPS) + 1)]
    taken: dict[int, list[Notice]] = {}
    for notice in db.session.scalars(select(Notice).where(Notice.dedup_key.in_(keys)).order_by(Notice.id)):
        taken.setdefault(int(notice.dedup_key.split(":")[1]), []).append(notice)
    return taken


def objection_queue(viewer: Viewer, today: date) -> list[dict]:
    """The open objections, the nearest deadline first, each with its department, clock and the steps
    the centre took so far."""
    _reviewer(viewer)
    rows = db.session.execute(
        select(Objection, Record, Department).join(Record, Record.id == Objection.record_id)
        .join(Department, Department.id == Record.department_id)
        .where(Objection.state == OPEN).order_by(Objection.id)).all()
    taken, files = _steps_taken([o.id for o, _, _ in rows]), attachments_of([o.id for o, _, _ in rows])
    items = []
    for objection, record, department in rows:
        due, steps = answer_clock(objection, today), taken.get(objection.id, [])
        items.append({"id": objection.id, "reason": objection.reason, "filed_at": objection.created_at,
                      "party_name": record.party_name, "uscc": objection.applicant_uscc,
                      "decision_no": record.decision_no, "department": department.name, "clock": due,
                      "attachments": files.get(objection.id, []),
                      "steps": [{"label": n.title.split("：")[0], "issued_on": n.issued_on} for n in steps],
                      "next_step": rules.next_escalation(len(steps), due["overdue"])})
    return sorted(items, key=lambda item: (item["clock"]["due"], item["id"]))


@transactional
def escalate(viewer: Viewer, objection_id: int, today: date, *, uow: UnitOfWork) -> str:
    """Send the source department the next step of 三单一函 on an open objection; returns its name.
    Two reviewers pressing at once send it once: the notice's key is the objection's and the step's."""
    _reviewer(viewer)
    objection = visible_objection(viewer, objection_id)
    if objection.state != OPEN:
        raise Conflict(message_en="the objection is already resolved", message_zh="该异议申诉已处理",
                       code="objection_resolved")
    due, taken = answer_clock(objection, today), len(_steps_taken([objection.id]).get(objection.id, []))
    step = rules.next_escalation(taken, due["overdue"])
    if step is None:
        raise Conflict(message_en="no further step may be taken now",
                       message_zh="部门办理期限未到，暂不能升级督办" if taken < len(rules.ESCALATION_STEPS)
                       else "已发出移交函，督办程序已走完", code="escalation_not_due")
    record = db.session.get(Record, objection.record_id)
    department = db.session.get(Department, record.department_id)
    body = (f"{department.name}：{record.party_name}（{objection.applicant_uscc}）对处罚决定书{record.decision_no}"
            f"提出的异议申诉，应于{due['due']}前办结。请尽快核查处理并反馈结果。")
    add_notice(OBJECTION_ESCALATION, DEPARTMENT, department.uscc, _key(objection.id, taken + 1),
               f"{step}：异议申诉待处理", body, today)
    try:
        uow.session.flush()
    except IntegrityError:
        raise Conflict(message_en="another reviewer sent this step first",
                       message_zh=f"其他审核人员已发出{step}", code="conflict") from None
    uow.audit("objection.escalate", viewer, "objection", objection.id,
              {"step": step, "department": department.uscc, "due": due["due"].isoformat()})
    return step
