"""What a record looks like to a given viewer: the layout's fields, publicity, masking."""

from ..access.services import Viewer
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
    data = {"id": record.id, "kind": record.kind}
    for key, column in _ANSWERED[record.kind]:
        data[key] = getattr(record, column)
    if not sees_personal_ids(viewer, record):
        for key in _PERSONAL_ID_KEYS:
            data[key] = mask_id(data.get(key))
        if record.party_category == "natural_person" and not sees_person_names(viewer, record):
            data["party_name"] = mask_person_name(data["party_name"])
    department = record.department
    data.update(
        status=shown_status(record, today()),
        domain={"key": department.domain.key, "name_zh": department.domain.name_zh},
        department={"uscc": department.uscc, "name": department.name, "district": department.district_code},
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
