"""Producing notices (idempotent: a unique key per notice and per record named) and listing them."""

from datetime import date

from sqlalchemy import and_, exists, select
from sqlalchemy.exc import IntegrityError

from ..access.services import Viewer
from ..errors import NotFound
from ..extensions import db
from ..records.models import NOT_PUBLISHED, PUBLISHED, Record
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


def record_line(record: Record) -> letters.RecordLine:
    return letters.RecordLine(record.id, record.party_name, record.uscc, record.decision_no, record.authority,
                              record.decision_date, record.publicity_start, record.publicity_end,
                              record.repairable_from)


def _add(kind, recipient_kind, recipient, dedup_key, title, body, today, record_ids=()) -> Notice:
    notice = Notice(kind=kind, recipient_kind=recipient_kind, recipient=recipient, dedup_key=dedup_key,
                    title=title, body=body, issued_on=today)
    db.session.add(notice)
    db.session.flush()
    db.session.add_all(NoticeRecord(notice_id=notice.id, record_id=r, kind=kind) for r in record_ids)
    return notice


def notify_progress(application, transition, today: date) -> None:
    """Tell the applicant each step of its application (in the caller's transaction)."""
    from ..repairs.rules import STATE_LABELS_ZH

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
    return select(Record).where(Record.kind == "penalty", Record.uscc.is_not(None), Record.uscc != "",
                                Record.party_category != "natural_person")


def produce_arrival_notices(today: date) -> int:
    """两书同达: the repair notice and the commitment-letter template for every penalty lacking them."""
    produced = 0
    query = _enterprise_penalties().where(Record.status.in_((PUBLISHED, NOT_PUBLISHED)),
                                          _without_notice(REPAIR_NOTICE)).order_by(Record.id).limit(BATCH)
    while records := db.session.scalars(query).all():
        for record in records:
            line = record_line(record)
            for kind, (title, body) in ((REPAIR_NOTICE, letters.repair_notice(line)),
                                        (COMMITMENT_TEMPLATE, letters.commitment_template(line))):
                _add(kind, ENTERPRISE, record.uscc, f"{kind}:{record.id}", title, body, today, [record.id])
        committed = _commit_batch(len(records))
        if not committed:
            break  # another run is producing the same notices; the next run picks up the rest
        produced += committed
    return produced


def send_repairable_letters(today: date) -> int:
    """一企一函: one letter per enterprise listing all its records repairable today and never named before."""
    from ..repairs.models import RepairApplication

    no_application = ~exists().where(RepairApplication.record_id == Record.id)
    due = (_enterprise_penalties()
           .where(Record.status == PUBLISHED, Record.repairable_from <= today, Record.publicity_end > today,
                  _without_notice(REPAIRABLE_LETTER), no_application)
           .order_by(Record.uscc, Record.id))
    by_enterprise: dict[str, list[Record]] = {}
    for record in db.session.scalars(due):
        by_enterprise.setdefault(record.uscc, []).append(record)
    sent = 0
    for uscc, records in by_enterprise.items():
        title, body = letters.repairable_letter(records[-1].party_name, uscc, [record_line(r) for r in records])
        _add(REPAIRABLE_LETTER, ENTERPRISE, uscc, f"{REPAIRABLE_LETTER}:{uscc}:{today}", title, body, today,
             [r.id for r in records])
        sent += _commit_batch(1)
    return sent


def _commit_batch(count: int) -> int:
    """Commit; a concurrent run that produced the same notices first makes this batch a no-op."""
    try:
        db.session.commit()
        return count
    except IntegrityError:
        db.session.rollback()
        return 0


def list_notices(viewer: Viewer, uscc: str, kind: str | None = None) -> list[Notice]:
    """An enterprise's notices, newest first: for the enterprise itself, its agents' centre, reviewers."""
    if not (viewer.role in ("reviewer", "admin") or (viewer.role == "enterprise" and viewer.uscc == uscc)):
        raise NotFound(f"no notices for {uscc}", f"未找到 {uscc} 的通知", code="enterprise_not_found")
    query = select(Notice).where(Notice.recipient_kind == ENTERPRISE, Notice.recipient == uscc)
    if kind:
        query = query.where(Notice.kind == kind)
    return db.session.scalars(query.order_by(Notice.id.desc())).all()


def records_of(notice_ids) -> dict[int, list[int]]:
    rows = db.session.execute(select(NoticeRecord.notice_id, NoticeRecord.record_id)
                              .where(NoticeRecord.notice_id.in_(list(notice_ids))).order_by(NoticeRecord.id))
    named: dict[int, list[int]] = {}
    for notice_id, record_id in rows:
        named.setdefault(notice_id, []).append(record_id)
    return named
