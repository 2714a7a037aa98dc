"""Producing notices (idempotent: a unique key per notice and per record named) and listing them."""

from datetime import date

from sqlalchemy import and_, exists, insert, select
from sqlalchemy.exc import IntegrityError

from ..access.services import Viewer, sees_own
from ..db import utcnow
from ..errors import NotFound
from ..extensions import db
from ..pagination import decode_id_cursor, encode_cursor
from ..records.models import NOT_PUBLISHED, PUBLISHED, Record
from ..repairs.models import RepairApplication
from ..repairs.rules import STATE_LABELS_ZH
from ..uow import unit_of_work
from . import letters
from .models import (
    COMMITMENT_TEMPLATE,
    DEPARTMENT,
    ENTERPRISE,
    REPAIR_FORWARDED,
    REPAIR_NOTICE,
    REPAIR_PROGRESS,
    REPAIRABLE_LETTER,
    Notice,
    NoticeRecord,
)

BATCH = 500


def record_line(record) -> letters.RecordLine:
    """The facts a letter states, from a record or a row with the same names."""
    return letters.RecordLine(record.id, record.party_name, record.uscc, record.decision_no, record.authority,
                              record.decision_date, record.publicity_start, record.publicity_end,
                              record.repairable_from)


def _add(kind, recipient_kind, recipient, dedup_key, title, body, today) -> Notice:
    notice = Notice(kind=kind, recipient_kind=recipient_kind, recipient=recipient, dedup_key=dedup_key,
                    title=title, body=body, issued_on=today)
    db.session.add(notice)
    return notice


def notify_progress(application, transition, today: date) -> None:
    """Tell the applicant each step of its application (in the caller's transaction)."""
    reason = f"理由：{transition.reason}" if transition.reason else ""
    body = (f"{application.applicant_name}：您的信用修复申请（编号{application.number}，"
            f"处罚决定书文号{application.record.decision_no}）当前状态：{STATE_LABELS_ZH[application.state]}。{reason}")
    _add(REPAIR_PROGRESS, ENTERPRISE, application.applicant_uscc, f"{REPAIR_PROGRESS}:{transition.id}",
         "信用修复办理进度通知", body, today)


def notify_forwarded(application, today: date) -> None:
    """Tell the source department it has an application to decide, and by when."""
    record = application.record
    body = (f"{record.department.name}：信用修复申请{application.number}（{application.applicant_name}，"
            f"{record.decision_no}）已转至贵单位认定，请于{application.department_due}前作出决定。")
    _add(REPAIR_FORWARDED, DEPARTMENT, record.department.uscc,
         f"{REPAIR_FORWARDED}:{application.id}:{application.version}", "信用修复申请待认定", body, today)


def _without_notice(kind: str):
    return ~exists().where(and_(NoticeRecord.kind == kind, NoticeRecord.record_id == Record.id))


def _enterprise_penalties():
    """What a letter says about each penalty of an enterprise (plain rows: these jobs read many)."""
    return select(Record.id, Record.party_name, Record.uscc, Record.decision_no, Record.authority,
                  Record.decision_date, Record.publicity_start, Record.publicity_end, Record.repairable_from).where(
        Record.kind == "penalty", Record.uscc.is_not(None), Record.uscc != "",
        Record.party_category != "natural_person")


def _notice(kind: str, uscc: str, dedup_key: str, text: tuple[str, str], today: date) -> dict:
    return {"kind": kind, "recipient_kind": ENTERPRISE, "recipient": uscc, "dedup_key": dedup_key,
            "title": text[0], "body": text[1], "issued_on": today, "created_at": utcnow()}


def _insert_batch(notices: list[dict], named: list[list[int]]) -> int:
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


def produce_arrival_notices(today: date) -> int:
    """两书同达: the repair notice and the commitment-letter template for every penalty lacking them."""
    produced, last_id = 0, 0
    query = (_enterprise_penalties().where(Record.status.in_((PUBLISHED, NOT_PUBLISHED)),
                                           _without_notice(REPAIR_NOTICE)).order_by(Record.id).limit(BATCH))
    while rows := db.session.execute(query.where(Record.id > last_id)).all():
        notices, named = [], []
        for row in rows:
            line = record_line(row)
            for kind, text in ((REPAIR_NOTICE, letters.repair_notice(line)),
                               (COMMITMENT_TEMPLATE, letters.commitment_template(line))):
                notices.append(_notice(kind, row.uscc, f"{kind}:{row.id}", text, today))
                named.append([row.id])
        if not _insert_batch(notices, named):
            break  # another run is producing the same notices; the next run picks up the rest
        produced, last_id = produced + len(rows), rows[-1].id
    return produced


def send_repairable_letters(today: date) -> int:
    """一企一函: one letter per enterprise listing all its records repairable today and never named before."""
    no_application = ~exists().where(RepairApplication.record_id == Record.id)
    due = (_enterprise_penalties()
           .where(Record.status == PUBLISHED, Record.repairable_from <= today, Record.publicity_end > today,
                  _without_notice(REPAIRABLE_LETTER), no_application)
           .order_by(Record.uscc, Record.id))
    by_enterprise: dict[str, list] = {}
    for row in db.session.execute(due).all():
        by_enterprise.setdefault(row.uscc, []).append(row)
    sent, enterprises = 0, list(by_enterprise.items())
    for start in range(0, len(enterprises), BATCH):
        chunk = enterprises[start:start + BATCH]
        # A letter is keyed by the first record it names: a record is named by one letter only, so
        # a later run (the same day too) can write again about records that became repairable since.
        sent += _insert_batch([_notice(REPAIRABLE_LETTER, uscc, f"{REPAIRABLE_LETTER}:{uscc}:{rows[0].id}",
                                       letters.repairable_letter(rows[-1].party_name, uscc,
                                                                 [record_line(r) for r in rows]), today)
                               for uscc, rows in chunk], [[r.id for r in rows] for _, rows in chunk])
    return sent


def list_notices(viewer: Viewer, uscc: str, kind: str | None = None, cursor: str | None = None,
                 limit: int = 20) -> dict:
    """One page of an enterprise's notices, newest first (the enterprise itself or the credit centre)."""
    if not sees_own(viewer, uscc):
        raise NotFound(f"no notices for {uscc}", f"未找到 {uscc} 的通知", code="enterprise_not_found")
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
