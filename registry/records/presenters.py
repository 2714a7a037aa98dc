"""What a record looks like to a given viewer: the layout's fields, publicity, masking."""

from sqlalchemy import select

from ..access.services import Viewer
from ..departments.models import Department, Domain
from ..domain.masking import mask_id, mask_person_name
from ..runtime import today
from . import layout
from .models import COLUMN_FOR_KEY, EXPIRED, PUBLISHED, Record
from .visibility import sees_person_names, sees_personal_ids

_PERSONAL_ID_KEYS = ("legal_rep_id_no", "id_no")
# Per kind: (the answer's key, the record's column) of each layout field.
_ANSWERED = {kind: tuple((layout.ANSWER_KEYS.get(f.key, f.key), COLUMN_FOR_KEY.get(f.key, f.key)) for f in fields)
             for kind, fields in layout.KIND_FIELDS.items()}


def shown_status(record: Record, day) -> str:
    """The stored status, or expired once the publicity end has come, whether or not the daily sweep
    has stored it yet."""
    if record.status == PUBLISHED and record.publicity_end is not None and record.publicity_end <= day:
        return EXPIRED
    return record.status


def present_record(record: Record, viewer: Viewer) -> dict:
    department = record.department
    return _present(record, viewer, today(), {"key": department.domain.key, "name_zh": department.domain.name_zh},
                    {"uscc": department.uscc, "name": department.name, "district": department.district_code})


# What `present_row` reads: the record's columns it shows or decides by, its department's and domain's.
_ROW_COLUMNS = sorted({column for fields in _ANSWERED.values() for _, column in fields}
                      | {"id", "kind", "party_category", "uscc", "department_id", "status", "severity", "rule_set",
                         "publicity_start", "repairable_from", "publicity_end", "version", "updated_at",
                         "withdrawn_at", "withdrawal_reason", *_PERSONAL_ID_KEYS})


def presentable_rows():
    """A SELECT of plain rows that `present_row` shows (add the WHERE): no ORM object for each record,
    which reading many records (the feed, the exports) cannot afford."""
    return (select(*(getattr(Record, column) for column in _ROW_COLUMNS),
                   Department.uscc.label("department_uscc"), Department.name.label("department_name"),
                   Department.district_code.label("department_district"), Domain.key.label("domain_of_department"),
                   Domain.name_zh.label("domain_name_zh"))
            .join(Department, Department.id == Record.department_id).join(Domain, Domain.key == Department.domain_key))


def present_row(row, viewer: Viewer, day) -> dict:
    """A row of `presentable_rows` as `present_record` shows the record on `day`."""
    return _present(row, viewer, day, {"key": row.domain_of_department, "name_zh": row.domain_name_zh},
                    {"uscc": row.department_uscc, "name": row.department_name, "district": row.department_district})


def _present(record, viewer: Viewer, day, domain: dict, department: dict) -> dict:
    data = {"id": record.id, "kind": record.kind}
    for key, column in _ANSWERED[record.kind]:
        data[key] = getattr(record, column)
    if not sees_personal_ids(viewer, record):
        for key in _PERSONAL_ID_KEYS:
            data[key] = mask_id(data.get(key))
        if record.party_category == "natural_person" and not sees_person_names(viewer, record):
            data["party_name"] = mask_person_name(data["party_name"])
    data.update(
        status=shown_status(record, day),
        domain=domain,
        department=department,
        publicity={
            "severity": record.severity,
            "rule_set": record.rule_set,
            "start": record.publicity_start,
            "repairable_from": record.repairable_from,
            "end": record.publicity_end,
        },
        version=record.version,
        updated_at=record.updated_at,
    )
    if record.withdrawn_at:
        data["withdrawal"] = {"at": record.withdrawn_at, "reason": record.withdrawal_reason}
    return data
