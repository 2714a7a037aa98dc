"""Record use cases: push (one or a batch), look up, list an entity's records."""

from collections.abc import Callable
from datetime import date

from sqlalchemy import and_, func, or_, select

from ..access.services import Viewer
from ..changes import STATUS_EVENTS
from ..db import utcnow
from ..departments.models import Department
from ..errors import Conflict, FieldError, Forbidden, NotFound, ValidationFailed
from ..extensions import db
from ..pagination import InvalidCursor, cursor_id, decode_cursor, encode_cursor
from ..runtime import settings
from ..runtime import today as clock_today
from ..uow import UnitOfWork, transactional, unit_of_work
from . import layout
from .bulk import writer_for
from .models import WITHDRAWN, Record, RecordVersion, of_entity
from .presenters import present_record, present_row
from .publicity import rules
from .validation import sender_error, validate_record
from .visibility import serves_personal_ids, visible_condition
from .writer import AUDITED, snapshot

ACCEPTED_KEYS = frozenset(layout.FIELDS_BY_KEY) | {"kind"}
# Which of these record ids are under objection (registry.repairs.objections.under_objection).
Disputed = Callable[[list[int]], set[int]]
MAX_REASON = 2000  # characters of a withdrawal's reason


@transactional
def push_records(viewer: Viewer, payload, today: date | None = None, *, uow: UnitOfWork) -> dict:
    """Validate a batch as a whole, then upsert it: every row error is reported, or nothing is written.
    `today` is the day of intake, which sets the records' status (the API's is the current day)."""
    rows = _rows_of(payload)
    limit = settings().BATCH_MAX
    if not 1 <= len(rows) <= limit:
        raise ValidationFailed(message_en=f"a batch holds 1 to {limit} records, got {len(rows)}",
                               message_zh=f"每批应包含1至{limit}条记录，实际{len(rows)}条", code="batch_size")
    department = db.session.get(Department, viewer.department_id)
    today = today or clock_today()
    clean_rows, errors = validate_batch(rows, department, today)
    if errors:
        bad = len({e.index for e in errors})
        raise ValidationFailed(message_en=f"{bad} of {len(rows)} records are invalid; nothing was saved",
                               message_zh=f"{len(rows)}条记录中有{bad}条不合格，均未保存", errors=errors)
    writer = writer_for(uow, department, rules(), today, viewer)
    result = writer.write_clean(clean_rows)
    for outcome, record_id in result.outcomes:  # one entry a record (an import's, one a batch)
        if outcome in AUDITED:
            uow.audit(AUDITED[outcome], viewer, "record", record_id)
    return {
        "counts": result.counts,
        "results": [{"index": i, "id": rid, "outcome": outcome} for i, (outcome, rid) in enumerate(result.outcomes)],
        "warnings": _name_warnings(clean_rows, writer.name_warnings),
    }


def _name_warnings(clean_rows: list[dict], mismatches) -> list[dict]:
    """Each row naming its entity otherwise than the registration does: saved, but the department is told."""
    by_name = {(m.uscc, m.given): m for m in mismatches}
    return [by_name[key].warning(i) for i, row in enumerate(clean_rows)
            if (key := (row.get("uscc"), row.get("party_name"))) in by_name]


def _rows_of(payload) -> list:
    if isinstance(payload, dict) and isinstance(payload.get("records"), list):
        return payload["records"]
    if isinstance(payload, list):
        return payload
    if isinstance(payload, dict):
        return [payload]
    raise ValidationFailed(message_en="the body must be a record, a list of records or {\"records\": [...]}",
                           message_zh="请求体应为一条记录、记录数组或 {\"records\": [...]}", code="invalid_body")


def validate_batch(rows: list, department: Department, today: date) -> tuple[list, list[FieldError]]:
    """Validate every row; a department may only send rows whose source unit is itself."""
    clean_rows, errors, seen = [], [], {}
    for index, raw in enumerate(rows):
        if not isinstance(raw, dict):
            errors.append(FieldError("", "invalid_row", message_zh="每条记录应为 JSON 对象",
                                     message_en="each record must be an object",
                                     index=index))
            continue
        clean, row_errors = validate_record(raw, today=today)
        row_errors += [FieldError(k, "unknown_field", message_zh=f"未知字段“{k}”",
                                  message_en=f"unknown field {k!r}") for k in raw
                       if k not in ACCEPTED_KEYS]
        if clean and (foreign := sender_error(clean, department)):
            row_errors.append(foreign)
        if clean and not row_errors:
            key = (clean["decision_no"], clean["party_key"])
            if key in seen:
                row_errors.append(FieldError("decision_no", "duplicate_in_batch",
                                             message_zh=f"与第{seen[key]}条记录重复",
                                             message_en=f"same record as index {seen[key]}",
                                             value=clean["decision_no"]))
            seen[key] = index
        if row_errors:
            errors += [FieldError(e.field, e.code, message_zh=e.message_zh, message_en=e.message_en, value=e.value,
                                  index=index) for e in row_errors]
        else:
            clean_rows.append(clean)
    return clean_rows, errors


def _visible(viewer: Viewer):
    return visible_condition(viewer, settings().PUBLISH_NATURAL_PERSONS, clock_today())


def visible_record(viewer: Viewer, record_id: int, *, for_update: bool = False) -> Record:
    """The record if the viewer may see it (locked for the caller's transaction with `for_update`);
    the same 404 otherwise, whether or not it exists."""
    query = select(Record).where(Record.id == record_id, _visible(viewer))
    record = db.session.scalar(query.with_for_update(of=Record) if for_update else query)
    if record is None:
        raise record_not_found(record_id)
    return record


def record_not_found(record_id) -> NotFound:
    return NotFound(message_en=f"no record {record_id}", message_zh=f"记录 {record_id} 不存在", code="record_not_found")


def get_record(viewer: Viewer, record_id: int, disputed: Disputed, *, uow: UnitOfWork | None = None) -> dict:
    record = visible_record(viewer, record_id)
    [shown] = present_records([record], viewer, disputed)
    note_personal_id_reads(uow, viewer, [record])
    return shown


def note_personal_id_reads(uow: UnitOfWork | None, viewer: Viewer, records: list[Record]) -> None:
    """Each record shown with an ID number unmasked to someone other than the party goes into the audit
    trail: in the caller's unit of work, or (uow None) in one of its own opened only when there is
    something to note, so that a read nobody must log stays one read with no commit."""
    audited = [record.id for record in records if serves_personal_ids(viewer, record)]
    if not audited:
        return
    if uow is None:
        with unit_of_work() as own:
            note_personal_id_reads(own, viewer, records)
        return
    for record_id in audited:
        uow.audit("personal_id.read", viewer, "record", record_id)


def present_records(records: list[Record], viewer: Viewer, disputed: Disputed) -> list[dict]:
    """The records as the viewer sees them, each saying whether it is under objection (`disputed`
    tells which of their ids are: objections are a use case above records)."""
    under_objection = disputed([r.id for r in records]) if records else set()
    return [{**present_record(r, viewer), "under_objection": r.id in under_objection} for r in records]


def present_rows(rows: list, viewer: Viewer, day: date | None = None) -> list[dict]:
    """`present_records` of plain rows of `presenters.presentable_rows` on `day` (default today), as many
    as a feed's page or an export's chunk holds."""
    if not rows:
        return []
    day, names = day or clock_today(), rows[0]._fields
    return [present_row(row, dict(zip(names, row)), viewer, day) for row in rows]  # dicts built in C


def list_entity_records(viewer: Viewer, uscc: str, disputed: Disputed, *, kind=None, domain=None, cursor=None,
                        limit=20, uow: UnitOfWork | None = None) -> dict:
    """One page of the entity's records the viewer may see, newest decision first."""
    query = select(Record).where(of_entity(uscc), _visible(viewer))
    if kind:
        query = query.where(Record.kind == kind)
    if domain:
        query = query.where(Record.domain_key == domain)
    if cursor:
        last_date, last_id = decode_cursor(cursor, 2)
        try:
            last_date, last_id = date.fromisoformat(last_date), cursor_id(last_id)
        except (TypeError, ValueError):
            raise InvalidCursor(message_en="the cursor is not valid; start again without it",
                                message_zh="分页游标无效，请重新查询") from None
        query = query.where(or_(Record.decision_date < last_date,
                                and_(Record.decision_date == last_date, Record.id < last_id)))
    records = db.session.scalars(
        query.order_by(Record.decision_date.desc(), Record.id.desc()).limit(limit + 1)
    ).all()
    page = records[:limit]
    next_cursor = None
    if len(records) > limit:
        next_cursor = encode_cursor(page[-1].decision_date.isoformat(), page[-1].id)
    items = present_records(page, viewer, disputed)  # before a commit of the audit would expire them
    note_personal_id_reads(uow, viewer, page)
    return {"items": items, "next_cursor": next_cursor}


def count_records_by_kind(viewer: Viewer, entity_id: int) -> dict[str, int]:
    """How many of the entity's records the viewer may see, per kind (every kind of the layout, 0 included)."""
    visible = _visible(viewer)
    counted = select(Record.kind, func.count()).where(Record.entity_id == entity_id, visible).group_by(Record.kind)
    return {kind: 0 for kind in layout.KINDS} | dict(db.session.execute(counted).all())


def count_records_by_domain(viewer: Viewer, uscc: str) -> dict[str, int]:
    """How many of the entity's records the viewer may see, per domain."""
    visible = _visible(viewer)
    counted = select(Record.domain_key, func.count()).where(of_entity(uscc), visible).group_by(Record.domain_key)
    return dict(db.session.execute(counted).all())


@transactional
def withdraw_record(viewer: Viewer, record_id: int, reason: str | None, *, uow: UnitOfWork) -> dict:
    """Take a record off display (撤销) at its source department's request, keeping its history;
    returns the record as the department now sees it."""
    record = withdraw(uow, viewer, record_id, reason)
    uow.session.flush()  # presented with its new version
    note_personal_id_reads(uow, viewer, [record])
    return present_record(record, viewer)


def withdraw(uow: UnitOfWork, viewer: Viewer, record_id: int, reason: str | None) -> Record:
    """Withdraw a record in the caller's unit of work (a request's, or an objection's upheld against it)."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed(message_en=f"a withdrawal needs a reason of at most {MAX_REASON:,} characters",
                               message_zh=f"撤销须填写原因（不超过{MAX_REASON}字）", code="reason_required",
                               errors=[FieldError("reason", "required", message_zh="撤销原因必填",
                                                  message_en="reason is required")])
    if len(reason) > MAX_REASON:
        raise ValidationFailed(message_en=f"the reason has {len(reason)} characters, at most {MAX_REASON}",
                               message_zh=f"撤销原因共{len(reason)}字，超过上限{MAX_REASON}字", code="reason_too_long",
                               errors=[FieldError("reason", "too_long", message_zh=f"撤销原因不能超过{MAX_REASON}字",
                                                  message_en=f"reason: at most {MAX_REASON} characters")])
    record = visible_record(viewer, record_id, for_update=True)
    if record.department_id != viewer.department_id:
        raise Forbidden(message_en="only the source department may withdraw a record",
                        message_zh="只有数据来源部门可以撤销该记录",
                        code="not_source_department")
    if record.status == WITHDRAWN:
        raise Conflict(message_en="the record is already withdrawn", message_zh="该记录已撤销",
                       code="already_withdrawn")
    change_record_status(uow, record, WITHDRAWN, "withdraw", reason, viewer.principal_id)
    record.withdrawn_at = utcnow()
    record.withdrawal_reason = reason
    uow.audit("record.withdraw", viewer, "record", record.id, {"reason": reason})
    return record


def change_record_status(uow: UnitOfWork, record: Record, status: str, change: str, reason: str,
                         changed_by: int | None) -> None:
    """Give a record a new status in the caller's transaction: its history keeps the state before.

    Snapshot the record as it was, then set the status as a change of the unit of work (version and
    search index). Callers set any other columns of the change themselves.
    """
    uow.session.add(RecordVersion(record_id=record.id, version=record.version, change=change,
                                  data=snapshot(record), reason=reason, changed_by=changed_by))
    record.status = status
    uow.changed_record(record)
    uow.event(STATUS_EVENTS[change], records=[record.id])
