"""Adding notices (idempotent: a unique key per notice and per record named) and listing them.

What a notice says is decided by the use case that sends it (repair notices: registry.repairs.notices).
"""

from sqlalchemy import func, insert, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import IntegrityError

from ..access.services import Viewer, is_party, sees_own
from ..errors import NotFound
from ..extensions import db
from ..pagination import decode_id_cursor, encode_cursor
from ..uow import UnitOfWork, transactional, unit_of_work
from . import letters
from .models import ENTERPRISE, Notice, NoticeRead, NoticeRecord

BATCH = 500


def record_line(record) -> letters.RecordLine:
    """The facts a letter states, from a record or a row with the same names."""
    return letters.RecordLine(record.id, record.party_name, record.uscc, record.decision_no, record.authority,
                              record.decision_date, record.publicity_start, record.publicity_end,
                              record.repairable_from)


def add_notice(kind, recipient_kind, recipient, dedup_key, title, body, today) -> Notice:
    """Add a notice to the caller's transaction."""
    notice = Notice(kind=kind, recipient_kind=recipient_kind, recipient=recipient, dedup_key=dedup_key,
                    title=title, body=body, issued_on=today)
    db.session.add(notice)
    return notice


def insert_notices(notices: list[dict], named: list[list[int]]) -> int:
    """Insert notices and the records each names, in bulk, as a unit of work of their own; returns how
    many were inserted.

    A concurrent run that produced the same notices first violates a unique key as the rows are
    inserted, which makes this batch a no-op (0).
    """
    try:
        with unit_of_work() as uow:
            ids = uow.session.scalars(insert(Notice).returning(Notice.id, sort_by_parameter_order=True),
                                      notices).all()
            rows = [{"notice_id": notice_id, "record_id": record_id, "kind": notice["kind"]}
                    for notice_id, notice, record_ids in zip(ids, notices, named, strict=True)
                    for record_id in record_ids]
            if rows:
                uow.session.execute(insert(NoticeRecord), rows)
    except IntegrityError:
        return 0
    return len(notices)


def list_notices(viewer: Viewer, uscc: str, kind: str | None = None, cursor: str | None = None,
                 limit: int = 20) -> dict:
    """One page of an enterprise's notices, newest first (the enterprise itself or the credit centre)."""
    if not sees_own(viewer, uscc):
        raise NotFound(message_en=f"no notices for {uscc}", message_zh=f"未找到 {uscc} 的通知",
                       code="enterprise_not_found")
    query = select(Notice).where(Notice.recipient_kind == ENTERPRISE, Notice.recipient == uscc)
    if kind:
        query = query.where(Notice.kind == kind)
    if cursor:
        query = query.where(Notice.id < decode_id_cursor(cursor))
    found = db.session.scalars(query.order_by(Notice.id.desc()).limit(limit + 1)).all()
    page = found[:limit]
    named, read = records_of(n.id for n in page), _read_of([n.id for n in page])
    return {"items": [_present(n, named.get(n.id, []), n.id in read) for n in page],
            "next_cursor": encode_cursor(found[limit - 1].id) if len(found) > limit else None}


def _present(notice: Notice, record_ids: list[int], read: bool) -> dict:
    return {"id": notice.id, "kind": notice.kind, "title": notice.title, "body": notice.body,
            "issued_on": notice.issued_on, "record_ids": record_ids, "read": read}


def _read_of(notice_ids: list[int]) -> set[int]:
    return set(db.session.scalars(select(NoticeRead.notice_id).where(NoticeRead.notice_id.in_(notice_ids))))


def unread_count(uscc: str) -> int:
    """How many of the enterprise's notices nobody of it has opened yet."""
    read = select(NoticeRead.notice_id).where(NoticeRead.notice_id == Notice.id).exists()
    return db.session.scalar(select(func.count()).select_from(Notice).where(
        Notice.recipient_kind == ENTERPRISE, Notice.recipient == uscc, ~read))


@transactional
def open_notice(viewer: Viewer, notice_id: int, *, uow: UnitOfWork) -> dict:
    """One notice of an enterprise, marked read when the enterprise itself opens it (the credit centre
    reading it leaves it unread); the same 404 to anyone else, whether or not it exists."""
    notice = db.session.get(Notice, notice_id)
    if notice is None or notice.recipient_kind != ENTERPRISE or not sees_own(viewer, notice.recipient):
        raise NotFound(message_en=f"no notice {notice_id}", message_zh=f"通知 {notice_id} 不存在",
                       code="notice_not_found")
    was_read = notice.id in _read_of([notice.id])
    if not was_read and is_party(viewer, notice.recipient):
        # Two tabs opening it at once both mark it; the first one's mark stands.
        dialect = postgresql if uow.session.get_bind().dialect.name == "postgresql" else sqlite
        uow.session.execute(dialect.insert(NoticeRead).values(notice_id=notice.id, read_by=viewer.principal_id)
                            .on_conflict_do_nothing())
    return _present(notice, records_of([notice.id]).get(notice.id, []), was_read)


def records_of(notice_ids) -> dict[int, list[int]]:
    rows = db.session.execute(select(NoticeRecord.notice_id, NoticeRecord.record_id)
                              .where(NoticeRecord.notice_id.in_(list(notice_ids))).order_by(NoticeRecord.id))
    named: dict[int, list[int]] = {}
    for notice_id, record_id in rows:
        named.setdefault(notice_id, []).append(record_id)
    return named
