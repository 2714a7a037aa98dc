"""A department's own records: the list it works through (filtered, keyset-paged) and a record's history."""

from dataclasses import dataclass
from datetime import date

from sqlalchemy import and_, or_, select, tuple_

from ..access.services import Viewer
from ..errors import Forbidden
from ..extensions import db
from ..pagination import InvalidCursor, cursor_id, decode_cursor, encode_cursor
from ..runtime import today
from ..uow import UnitOfWork, transactional
from .models import EXPIRED, PUBLISHED, STATUSES, Record, RecordVersion
from .services import Disputed, note_personal_id_reads, present_records, record_not_found, visible_record


@dataclass(frozen=True)
class RecordFilters:
    """What a department narrows its list by; None leaves a filter out."""

    kind: str | None = None
    decided_from: date | None = None
    decided_to: date | None = None
    status: str | None = None  # one of STATUSES, as shown (a published record past its end reads expired)
    domain: str | None = None
    decision_no: str | None = None  # the number's beginning


def _own(viewer: Viewer) -> int:
    if viewer.role != "department" or viewer.department_id is None:
        raise Forbidden(message_en="only a department lists its own records",
                        message_zh="只有数据报送单位可以查看本单位记录", code="role_forbidden")
    return viewer.department_id


def _status_condition(status: str, day: date):
    """The status as the pages show it (presenters.shown_status): expiry is read at the day asked."""
    ended = and_(Record.publicity_end.is_not(None), Record.publicity_end <= day)
    if status == PUBLISHED:
        return and_(Record.status == PUBLISHED, ~ended)
    if status == EXPIRED:
        return or_(Record.status == EXPIRED, and_(Record.status == PUBLISHED, ended))
    return Record.status == status


def department_records_query(department_id: int, filters: RecordFilters, day: date):
    """The department's records matching the filters, newest decision first (the index's order)."""
    query = select(Record).where(Record.department_id == department_id)
    if filters.kind:
        query = query.where(Record.kind == filters.kind)
    if filters.decided_from:
        query = query.where(Record.decision_date >= filters.decided_from)
    if filters.decided_to:
        query = query.where(Record.decision_date <= filters.decided_to)
    if filters.status in STATUSES:
        query = query.where(_status_condition(filters.status, day))
    if filters.domain:
        query = query.where(Record.domain_key == filters.domain)
    if filters.decision_no:
        query = query.where(Record.decision_no.startswith(filters.decision_no, autoescape=True))
    return query.order_by(Record.decision_date.desc(), Record.id.desc())


def page_query(department_id: int, filters: RecordFilters, cursor: str | None, day: date, limit: int):
    """The statement of one page (one row more than `limit`, to tell whether another page follows)."""
    query = department_records_query(department_id, filters, day)
    if cursor:
        last_date, last_id = _decoded(cursor)
        # A row comparison, which PostgreSQL answers from the index (an OR of the two halves it scans).
        query = query.where(tuple_(Record.decision_date, Record.id) < tuple_(last_date, last_id))
    return query.limit(limit + 1)


def list_department_records(viewer: Viewer, filters: RecordFilters, cursor: str | None = None,
                            limit: int = 20) -> dict:
    """One page of the department's own records (withdrawn and repaired ones too), and the next page's cursor."""
    found = db.session.scalars(page_query(_own(viewer), filters, cursor, today(), limit)).all()
    page = found[:limit]
    next_cursor = encode_cursor(page[-1].decision_date.isoformat(), page[-1].id) if len(found) > limit else None
    return {"items": page, "next_cursor": next_cursor}


def _decoded(cursor: str) -> tuple[date, int]:
    last_date, last_id = decode_cursor(cursor, 2)
    try:
        return date.fromisoformat(last_date), cursor_id(last_id)
    except (TypeError, ValueError):
        raise InvalidCursor(message_en="the cursor is not valid; start again without it",
                            message_zh="分页游标无效，请重新查询") from None


def own_record(viewer: Viewer, record_id: int) -> Record:
    """One of the department's own records; the same 404 as for no record otherwise."""
    record = visible_record(viewer, record_id)
    if record.department_id != _own(viewer):
        raise record_not_found(record_id)
    return record


@transactional
def department_record(viewer: Viewer, record_id: int, disputed: Disputed, *,
                      uow: UnitOfWork) -> tuple[dict, list[RecordVersion]]:
    """One of the department's own records as it sees it (ID numbers in full, so the read is noted),
    with its earlier versions."""
    record = own_record(viewer, record_id)
    note_personal_id_reads(uow, viewer, [record])
    [shown] = present_records([record], viewer, disputed)
    return shown, record_versions(record.id)


def record_versions(record_id: int) -> list[RecordVersion]:
    """A record's earlier states, newest first: each says what replaced it, when, by whom and why."""
    return db.session.scalars(select(RecordVersion).where(RecordVersion.record_id == record_id)
                              .order_by(RecordVersion.version.desc())).all()
