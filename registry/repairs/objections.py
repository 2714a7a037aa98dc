"""异议申诉: an enterprise disputes a record; it is "under objection" until it is resolved."""

from datetime import date
from pathlib import Path

from sqlalchemy import exists, select
from sqlalchemy.exc import IntegrityError

from ..access.services import Viewer
from ..calendars import calendar
from ..changes import OBJECTION_OPENED, OBJECTION_RESOLVED
from ..db import among, as_utc, utcnow
from ..domain.periods import BEIJING
from ..errors import Conflict, FieldError, Forbidden, NotFound, ValidationFailed
from ..extensions import db
from ..pagination import decode_id_cursor, encode_cursor
from ..records import layout
from ..records.bulk import writer_for
from ..records.models import COLUMN_FOR_KEY, WITHDRAWN, Record
from ..records.publicity import rules as publicity_rules
from ..records.services import validate_batch, withdraw
from ..records.writer import AUDITED, UPDATED
from ..runtime import settings, today
from ..uow import UnitOfWork, transactional
from .materials import open_case_file, safe_name, store
from .models import Objection, ObjectionAttachment
from .notices import notify_objection_outcome
from .presenters import clock
from .services import applicable_record

OPEN = "open"
STATE_LABELS_ZH = {OPEN: "处理中", "upheld": "维持原记录", "corrected": "已更正", "withdrawn": "记录已撤销"}


@transactional
def file_objection(viewer: Viewer, record_id: int, reason: str, attachments=(), *, uow: UnitOfWork) -> Objection:
    """The enterprise disputes one of its records (SPEC §5); one open objection per record, with the
    files it attaches (`attachments`: uploaded files, PDF or images) and the department's clock.

    A withdrawn record is off display already: there is nothing left to mark as disputed.
    """
    if not (reason or "").strip():
        raise ValidationFailed(message_en="an objection needs a reason", message_zh="请填写异议理由",
                               code="reason_required", errors=[FieldError("reason", "required",
                                                                          message_zh="异议理由必填",
                                                                          message_en="reason is required")])
    record = applicable_record(viewer, record_id)
    if record.status == WITHDRAWN:
        raise Conflict(message_en="the record is withdrawn; there is nothing to dispute",
                       message_zh="该记录已撤销，无需提出异议",
                       code="record_withdrawn")
    objection = Objection(record_id=record.id, open_record_id=record.id, applicant_uscc=record.uscc,
                          filed_by=viewer.principal_id, reason=reason.strip(), state=OPEN)
    uow.session.add(objection)
    try:
        uow.session.flush()
    except IntegrityError:
        raise Conflict(message_en="the record is already under objection", message_zh="该记录已有处理中的异议申诉",
                       code="objection_open") from None
    _attach(uow, viewer, objection, attachments)
    uow.audit("objection.file", viewer, "objection", objection.id, {"record_id": record.id})
    uow.event(OBJECTION_OPENED, records=[record.id])
    return objection


def open_objection():
    """A SQL expression over `records`: whether the record is disputed and nobody has resolved it yet."""
    return exists().where(Objection.open_record_id == Record.id)


def under_objection(record_ids: list[int]) -> set[int]:
    """The ids among `record_ids` an enterprise disputes (异议申诉) and nobody has resolved yet."""
    return set(db.session.scalars(select(Objection.record_id).where(
        among(Objection.open_record_id, record_ids, db.engine.dialect.name))))


def visible_objection(viewer: Viewer, objection_id: int) -> Objection:
    objection = db.session.get(Objection, objection_id)
    allowed = objection is not None and (
        viewer.is_credit_centre
        or (viewer.role == "enterprise" and objection.applicant_uscc == viewer.uscc)
        or (viewer.role == "department" and objection.record_id is not None
            and _department_of(objection) == viewer.department_id))
    if not allowed:
        raise NotFound(message_en=f"no objection {objection_id}", message_zh=f"异议申诉 {objection_id} 不存在",
                       code="objection_not_found")
    return objection


def _department_of(objection: Objection) -> int:
    return db.session.scalar(select(Record.department_id).where(Record.id == objection.record_id))


@transactional
def resolve_objection(viewer: Viewer, objection_id: int, outcome: str, resolution: str, *,
                      uow: UnitOfWork) -> Objection:
    """Uphold, correct or withdraw the disputed record, and tell the enterprise. Withdrawal is the source
    department's own act."""
    objection = visible_objection(viewer, objection_id)
    if viewer.role not in ("department", "reviewer"):
        raise Forbidden(message_en="only the source department or the credit centre resolves an objection",
                        message_zh="只有数据来源部门或信用中心可以处理异议", code="role_forbidden")
    if outcome == "withdrawn" and viewer.role != "department":
        raise Forbidden(message_en="only the source department withdraws a record",
                        message_zh="只有数据来源部门可以撤销该记录",
                        code="not_source_department")
    if objection.state != OPEN:
        raise Conflict(message_en="the objection is already resolved", message_zh="该异议申诉已处理",
                       code="objection_resolved")
    objection.state, objection.resolution = outcome, resolution.strip()
    objection.resolved_by, objection.resolved_at, objection.open_record_id = viewer.principal_id, utcnow(), None
    if outcome == "withdrawn":
        withdraw(uow, viewer, objection.record_id, f"异议申诉成立：{objection.resolution}")
    notify_objection_outcome(objection, uow.session.get(Record, objection.record_id), STATE_LABELS_ZH[outcome],
                             today())
    uow.audit("objection.resolve", viewer, "objection", objection.id,
              {"record_id": objection.record_id, "outcome": outcome})
    uow.event(OBJECTION_RESOLVED, records=[objection.record_id])
    uow.session.flush()
    return objection



def _attach(uow: UnitOfWork, viewer: Viewer, objection: Objection, attachments) -> None:
    """Keep the files in the repair materials' store (same limits, type told from the bytes)."""
    for upload in attachments:
        sha256, size, content_type = store(upload.stream, settings().REPAIR_UPLOAD_MAX_BYTES)
        uow.session.add(ObjectionAttachment(objection_id=objection.id, filename=safe_name(upload.filename),
                                            content_type=content_type, size=size, sha256=sha256,
                                            uploaded_by=viewer.principal_id))
    uow.session.flush()


def objections_of(viewer: Viewer, day: date, record_id: int | None = None) -> list[dict]:
    """The enterprise's objections (of one record, if given), newest first, each with its clock and files."""
    query = select(Objection).where(Objection.applicant_uscc == viewer.uscc)
    if record_id is not None:
        query = query.where(Objection.record_id == record_id)
    found = db.session.scalars(query.order_by(Objection.id.desc())).all()
    numbers = dict(db.session.execute(select(Record.id, Record.decision_no).where(
        Record.id.in_([o.record_id for o in found]))).all()) if found else {}
    files = attachments_of([o.id for o in found])
    return [{**present_objection(o, files.get(o.id, []), day), "decision_no": numbers.get(o.record_id)}
            for o in found]


def attachments_of(objection_ids: list[int]) -> dict[int, list[ObjectionAttachment]]:
    """The files attached to each of these objections, in the order they came. The caller has checked
    the viewer may see the objections."""
    files: dict[int, list] = {}
    if objection_ids:
        for attachment in db.session.scalars(select(ObjectionAttachment).where(
                ObjectionAttachment.objection_id.in_(objection_ids)).order_by(ObjectionAttachment.id)):
            files.setdefault(attachment.objection_id, []).append(attachment)
    return files


@transactional
def open_attachment(viewer: Viewer, objection_id: int, attachment_id: int, *,
                    uow: UnitOfWork) -> tuple[ObjectionAttachment, Path]:
    """A file attached to an objection the viewer may see (the enterprise that filed it, the source
    department, the credit centre's reviewers), and where it is; each opening is logged."""
    objection = visible_objection(viewer, objection_id)
    return open_case_file(uow, viewer, ObjectionAttachment, attachment_id, "objection_id", objection.id,
                          NotFound(message_en=f"no attachment {attachment_id} to objection {objection_id}",
                                   message_zh="该异议申诉没有这份附件", code="attachment_not_found"),
                          "objection_attachment", lambda _: {"objection": objection.id})


def present_objection(objection: Objection, attachments: list, day: date) -> dict:
    return {"id": objection.id, "record_id": objection.record_id, "reason": objection.reason,
            "state": objection.state, "state_zh": STATE_LABELS_ZH.get(objection.state, objection.state),
            "resolution": objection.resolution, "resolved_at": objection.resolved_at,
            "created_at": objection.created_at,
            "clock": answer_clock(objection, day),
            "attachments": [{"id": a.id, "filename": a.filename, "content_type": a.content_type, "size": a.size}
                            for a in attachments]}


def filed_on(objection: Objection, today: date) -> date:
    """The day in China the objection was filed (its clock counts from it): never after `today`, the day
    the registry counts by, which REGISTRY_TODAY can hold behind the system clock's day in China."""
    return min(as_utc(objection.created_at).astimezone(BEIJING).date(), today)


def answer_clock(objection: Objection, today: date) -> dict:
    """The source department's clock: due OBJECTION_WORKDAYS working days after the filing day, running
    while the objection is open; counted when shown, so a calendar loaded later counts at once."""
    due = calendar().add_workdays(filed_on(objection, today), settings().OBJECTION_WORKDAYS)
    return clock(due.due, due.provisional, objection.state == OPEN, today)


def department_objections(viewer: Viewer, today: date, *, open_only: bool = False, cursor: str | None = None,
                          limit: int = 20) -> dict:
    """Objections against the department's own records, newest first, each with its record and clock."""
    if viewer.role != "department":
        raise Forbidden(message_en="only a department lists the objections to its records",
                        message_zh="只有数据报送单位可以查看针对本单位记录的异议", code="role_forbidden")
    query = (select(Objection, Record).join(Record, Record.id == Objection.record_id)
             .where(Record.department_id == viewer.department_id))
    if open_only:
        query = query.where(Objection.state == OPEN)
    if cursor:
        query = query.where(Objection.id < decode_id_cursor(cursor))
    found = db.session.execute(query.order_by(Objection.id.desc()).limit(limit + 1)).all()
    page = found[:limit]
    return {"items": [{"objection": o, "record": r, "clock": answer_clock(o, today)} for o, r in page],
            "next_cursor": encode_cursor(page[-1][0].id) if len(found) > limit else None}


# What a correction may change: everything but the record's identity (decision number and party) and its source.
FIXED_KEYS = frozenset({"decision_no", "uscc", "id_no", "source_unit", "source_unit_uscc"})


def correctable_fields(kind: str) -> tuple:
    return tuple(f for f in layout.KIND_FIELDS[kind] if f.key not in FIXED_KEYS)


def record_as_sent(record: Record) -> dict:
    """The record in the layout's keys, as a department would send it again (dates ISO, types joined)."""
    row = {"kind": record.kind}
    for field in layout.KIND_FIELDS[record.kind]:
        value = getattr(record, COLUMN_FOR_KEY.get(field.key, field.key))
        if value is None:
            continue
        row[field.key] = ";".join(value) if isinstance(value, list) else value if isinstance(value, str) else str(value)
    return row


@transactional
def correct_record(viewer: Viewer, objection_id: int, changes: dict, resolution: str, today: date, *,
                   uow: UnitOfWork) -> Objection:
    """The source department corrects the disputed record (a new version, the old one kept in its history)
    and resolves the objection as corrected, in one transaction; a change that changes nothing is refused."""
    objection = visible_objection(viewer, objection_id)
    if viewer.role != "department":
        raise Forbidden(message_en="only the source department corrects its record",
                        message_zh="只有数据来源部门可以更正该记录", code="not_source_department")
    record = uow.session.get(Record, objection.record_id)
    editable = {f.key for f in correctable_fields(record.kind)}
    row = record_as_sent(record) | {k: v for k, v in changes.items() if k in editable}
    clean, errors = validate_batch([row], record.department, today)
    if errors:
        raise ValidationFailed(message_en="the correction is invalid; nothing was saved",
                               message_zh="更正内容不合格，未保存：" + "；".join(e.message_zh for e in errors),
                               errors=errors)
    result = writer_for(uow, record.department, publicity_rules(), today, viewer).write_clean(clean)
    [(outcome, record_id)] = result.outcomes
    if outcome != UPDATED:
        raise ValidationFailed(message_en="the correction changes nothing",
                               message_zh="更正内容与原记录相同，请修改后再提交", code="nothing_changed")
    uow.audit(AUDITED[outcome], viewer, "record", record_id, {"objection": objection.id})
    return resolve_objection(viewer, objection.id, "corrected", resolution, uow=uow)
