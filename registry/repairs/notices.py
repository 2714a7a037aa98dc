"""The notices of the repair workflow: 两书同达 and 一企一函 for repairable penalties, and each step of an
application told to its applicant and to the source department."""

from datetime import date

from sqlalchemy import and_, exists, select

from ..db import utcnow
from ..extensions import db
from ..notices import letters
from ..notices.models import (
    COMMITMENT_TEMPLATE,
    DEPARTMENT,
    ENTERPRISE,
    OBJECTION_OUTCOME,
    REPAIR_FORWARDED,
    REPAIR_NOTICE,
    REPAIR_PROGRESS,
    REPAIRABLE_LETTER,
    NoticeRecord,
)
from ..notices.services import BATCH, add_notice, insert_notices, record_line
from ..records.models import NOT_PUBLISHED, PUBLISHED, Record
from .models import RepairApplication
from .rules import STATE_LABELS_ZH


def notify_progress(application, transition, today: date) -> None:
    """Tell the applicant each step of its application (in the caller's transaction)."""
    reason = f"理由：{transition.reason}" if transition.reason else ""
    body = (f"{application.applicant_name}：您的信用修复申请（编号{application.number}，"
            f"处罚决定书文号{application.record.decision_no}）当前状态：{STATE_LABELS_ZH[application.state]}。{reason}")
    add_notice(REPAIR_PROGRESS, ENTERPRISE, application.applicant_uscc, f"{REPAIR_PROGRESS}:{transition.id}",
         "信用修复办理进度通知", body, today)


def notify_forwarded(application, today: date) -> None:
    """Tell the source department it has an application to decide, and by when."""
    record = application.record
    body = (f"{record.department.name}：信用修复申请{application.number}（{application.applicant_name}，"
            f"{record.decision_no}）已转至贵单位认定，请于{application.department_due}前作出决定。")
    add_notice(REPAIR_FORWARDED, DEPARTMENT, record.department.uscc,
         f"{REPAIR_FORWARDED}:{application.id}:{application.version}", "信用修复申请待认定", body, today)


# What the record becomes, told with an objection's outcome.
OUTCOME_EFFECTS_ZH = {"upheld": "原记录维持不变，继续公示。", "corrected": "记录已按更正后的内容公示。",
                      "withdrawn": "该记录已撤销，不再公示。"}


def notify_objection_outcome(objection, record, outcome_label: str, today: date) -> None:
    """Tell the enterprise that filed an objection how it was resolved (in the caller's transaction)."""
    if not objection.applicant_uscc:
        return
    body = (f"{record.party_name}：您对{record.decision_no}提出的异议申诉（编号{objection.id}）已处理完毕，"
            f"结果：{outcome_label}。{OUTCOME_EFFECTS_ZH.get(objection.state, '')}处理说明：{objection.resolution}")
    add_notice(OBJECTION_OUTCOME, ENTERPRISE, objection.applicant_uscc, f"{OBJECTION_OUTCOME}:{objection.id}",
               "异议申诉处理结果通知", body, today)


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
        if not insert_notices(notices, named):
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
        sent += insert_notices([_notice(REPAIRABLE_LETTER, uscc, f"{REPAIRABLE_LETTER}:{uscc}:{rows[0].id}",
                                       letters.repairable_letter(rows[-1].party_name, uscc,
                                                                 [record_line(r) for r in rows]), today)
                               for uscc, rows in chunk], [[r.id for r in rows] for _, rows in chunk])
    return sent
