"""Loading the generated demo city into the database through the same writer as the API."""

from collections import defaultdict
from datetime import date

from sqlalchemy import distinct, func, insert, select

from ..departments.models import Department
from ..domain.names import normalise_name
from ..enterprises.models import Entity
from ..enterprises.services import note_entities_of
from ..extensions import db
from ..records.bulk import writer_for
from ..records.models import PUBLISHED, Record
from ..records.publicity import rules
from ..records.validation import validate_record
from ..runtime import today as clock_today
from ..uow import UnitOfWork, transactional, unit_of_work
from .generator import generate_entities, generate_records
from .lists import generate_list_entries

BATCH = 2000


def load_demo(seed: int, entity_count: int, record_count: int, today: date | None = None) -> dict:
    """Insert the demo entities and records (idempotent: a second run changes nothing)."""
    today = today or clock_today()
    entities = generate_entities(entity_count, seed)
    _insert_missing_entities(entities)
    departments = {d.uscc: d for d in db.session.scalars(select(Department))}
    shipped = [
        {"uscc": d.uscc, "name": d.name, "domain": d.domain_key, "district": d.district_code, "code": d.code}
        for d in departments.values()
    ]
    totals = {"inserted": 0, "updated": 0, "unchanged": 0}
    _load_rows(generate_records(entities, shipped, record_count, seed, today), departments, today, totals)
    entries = 0
    if record_count:  # list entries and commitments in the proportions of a city of this size
        entries = _load_rows(generate_list_entries(entities, shipped, seed, today), departments, today, totals)
    return {"entities": len(entities), "records": record_count, "list_entries": entries, **totals, **_spread(),
            "example_uscc": _example_uscc()}


def _load_rows(rows, departments: dict, today: date, totals: dict) -> int:
    """Validate and write generated rows, per department in batches; returns how many there were."""
    pending, count = defaultdict(list), 0
    for count, raw in enumerate(rows, 1):
        clean, errors = validate_record(raw, today=today)
        if errors:
            raise ValueError(f"the demo generator produced an invalid record: {errors[0]}")
        batch = pending[clean["source_unit_uscc"]]
        batch.append(clean)
        if len(batch) >= BATCH:
            _write(departments[clean["source_unit_uscc"]], batch, today, totals)
    for code, batch in pending.items():
        if batch:
            _write(departments[code], batch, today, totals)
    return count


def _write(department: Department, batch: list, today: date, totals: dict) -> None:
    with unit_of_work() as uow:  # a batch at a time
        counts = writer_for(uow, department, rules(), today).write_clean(batch).counts
    for key, value in counts.items():
        totals[key] += value
    batch.clear()


@transactional
def _insert_missing_entities(entities: list[dict], *, uow: UnitOfWork) -> None:
    known = set(db.session.scalars(select(Entity.uscc)))
    rows = [
        {
            "uscc": e["uscc"],
            "name": e["name"],
            "name_normalised": normalise_name(e["name"]),
            "former_names": e.get("former_names") or [],
            "party_category": e["party_category"],
            "district_code": e["district"],
            "legal_rep": e.get("legal_rep"),
            "legal_rep_id_type": e.get("legal_rep_id_type"),
            "legal_rep_id_no": e.get("legal_rep_id_no"),
            "version": 1,
        }
        for e in entities
        if e["uscc"] not in known
    ]
    for start in range(0, len(rows), BATCH):
        uow.session.execute(insert(Entity), rows[start : start + BATCH])
    note_entities_of(uow, [row["uscc"] for row in rows])


def _spread() -> dict:
    """How many domains and departments the loaded records cover."""
    row = db.session.execute(
        select(func.count(distinct(Record.domain_key)), func.count(distinct(Record.department_id)))
    ).one()
    return {"domains": row[0], "departments": row[1]}


def _example_uscc() -> str | None:
    """An entity with several published records, to try the API with."""
    return db.session.scalar(
        select(Record.uscc)
        .where(Record.status == PUBLISHED, Record.uscc.is_not(None))
        .group_by(Record.uscc)
        .order_by(func.count().desc(), Record.uscc)
        .limit(1)
    )
