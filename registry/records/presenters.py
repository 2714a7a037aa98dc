"""What a record looks like to a given viewer: the layout's fields, publicity, masking."""

from operator import itemgetter

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
# Per kind: the answer's keys, and a getter of their columns' values at once (in C: many records a page).
_READ = {kind: (tuple(key for key, _ in answered), itemgetter(*(column for _, column in answered)))
         for kind, answered in _ANSWERED.items()}


def shown_status(record: Record, day) -> str:
    """The stored status, or expired once the publicity end has come, whether or not the daily sweep
    has stored it yet."""
    if record.status == PUBLISHED and record.publicity_end is not None and record.publicity_end <= day:
        return EXPIRED
    return record.status


def present_record(record: Record, viewer: Viewer) -> dict:
    department = record.department
    return _present(record, _Attributes(record), viewer, today(),
                    {"key": department.domain.key, "name_zh": department.domain.name_zh},
                    {"uscc": department.uscc, "name": department.name, "district": department.district_code})


class _Attributes:
    """A record's attributes read by name, as a row's values are."""

    __slots__ = ("record",)

    def __init__(self, record: Record):
        self.record = record

    def __getitem__(self, name: str):
        return getattr(self.record, name)


# What `present_row` reads: the record's columns it shows or decides by, its department's and domain's.
_ROW_COLUMNS = sorted({column for fields in _ANSWERED.values() for _, column in fields}
                      | {"id", "kind", "party_category", "uscc", "department_id", "status", "severity", "rule_set",
                         "publicity_start", "repairable_from", "publicity_end", "version", "updated_at",
                         "withdrawn_at", "withdrawal_reason", *_PERSONAL_ID_KEYS})


def presentable_rows(disputed):
    """A SELECT of plain rows that `present_row` shows (add the WHERE): no ORM object for each record,
    which reading many records (the feed, the exports) cannot afford. `disputed` is the SQL expression
    telling whether the record is under objection (objections are a use case above records)."""
    query = select(*presentable_columns(disputed))
    for table, on in PRESENTABLE_JOINS:
        query = query.join(table, on)
    return query


def presentable_columns(disputed) -> tuple:
    """The columns of `presentable_rows`, for a statement that joins records its own way (with the
    tables of `PRESENTABLE_JOINS`)."""
    return (*(getattr(Record, column) for column in _ROW_COLUMNS), disputed.label("under_objection"),
            Department.uscc.label("department_uscc"), Department.name.label("department_name"),
            Department.district_code.label("department_district"), Domain.key.label("domain_of_department"),
            Domain.name_zh.label("domain_name_zh"))


# The tables `presentable_columns` reads besides records, each with its join condition.
PRESENTABLE_JOINS = ((Department, Department.id == Record.department_id), (Domain, Domain.key == Department.domain_key))


def present_row(row, values: dict, viewer: Viewer, day) -> dict:
    """A row of `presentable_rows` (and its values by name) as `present_records` shows the record on `day`."""
    data = _present(row, values, viewer, day,
                    {"key": values["domain_of_department"], "name_zh": values["domain_name_zh"]},
                    {"uscc": values["department_uscc"], "name": values["department_name"],
                     "district": values["department_district"]})
    data["under_objection"] = bool(values["under_objection"])
    return data


def _present(record, values, viewer: Viewer, day, domain: dict, department: dict) -> dict:
    """The record (read by name from `values`, decided on by `record`) as the viewer sees it on `day`."""
    data = {"id": values["id"], "kind": values["kind"]}
    keys, columns = _READ[data["kind"]]
    data.update(zip(keys, columns(values)))
    if not sees_personal_ids(viewer, record):
        for key in _PERSONAL_ID_KEYS:
            data[key] = mask_id(data.get(key))
        if values["party_category"] == "natural_person" and not sees_person_names(viewer, record):
            data["party_name"] = mask_person_name(data["party_name"])
    data.update(
        status=shown_status(record, day),
        domain=domain,
        department=department,
        publicity={
            "severity": values["severity"],
            "rule_set": values["rule_set"],
            "start": values["publicity_start"],
            "repairable_from": values["repairable_from"],
            "end": values["publicity_end"],
        },
        version=values["version"],
        updated_at=values["updated_at"],
    )
    if values["withdrawn_at"]:
        data["withdrawal"] = {"at": values["withdrawn_at"], "reason": values["withdrawal_reason"]}
    return data
