"""Adding notices (idempotent: a unique key per notice and per record named) and listing them.

What a notice says is decided by the use case that sends it (repair notices: registry.repairs.notices).
"""

from sqlalchemy import insert, select
from sqlalchemy.exc import IntegrityError

from ..access.services import Viewer, sees_own
from ..errors import NotFound
from ..extensions import db
from ..pagination import decode_id_cursor, encode_cursor
from ..uow import unit_of_work
from . import letters
from .models import ENTERPRISE, Notice, NoticeRecord

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
    named = records_of(n.id for n in page)
    return {"items": [{"id": n.id, "kind": n.kind, "title": n.title, "body": n.body, "issued_on": n.issued_on,
                       "record_ids": named.get(n.id, [])} for n in page],
            "next_cursor": encode_cursor(found[limit - 1].id) if len(found) > limit else None}


def records_of(notice_ids) -> dict[int, list[int]]:
    rows = db.session.execute(select(NoticeRecord.notice_id, NoticeRecord.record_id)
                              .where(NoticeRecord.notice_id.in_(list(notice_ids))).order_by(NoticeRecord.id))
    named: dict[int, list[int]] = {}
    for notice_id, record_id in rows:
        named.setdefault(notice_id, []).append(record_id)
    return named
