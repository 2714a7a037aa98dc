"""The daily bulk export: the public record as gzip'd NDJSON and CSV (UTF-8 with BOM, for Excel),
with a manifest naming each file's rows and SHA-256, the schema version and the feed cursor the
snapshot is consistent with.

The export reads one snapshot of the database (a repeatable-read transaction on PostgreSQL, one
read transaction on SQLite), the cursor first: event ids follow the order of commits, so the
snapshot holds exactly the changes of the events up to that cursor, and a partner that applies the
events after it has the current record. Records and entities are read in id ranges and written as
they come: memory does not grow with the registry.
"""

import csv
import gzip
import hashlib
import io
import json
import shutil
from contextlib import contextmanager
from datetime import date
from pathlib import Path

from sqlalchemy import func, select

from ..access.services import PUBLIC
from ..changes import FeedEvent
from ..db import utcnow
from ..enterprises.models import Entity
from ..errors import NotFound
from ..extensions import db
from ..jsonout import json_bytes
from ..records import layout
from ..records.models import Record
from ..records.services import present_records
from ..records.visibility import public_condition
from ..repairs.objections import under_objection
from ..runtime import settings, today
from .presenting import entity_view

SCHEMA_VERSION = 1
CHUNK = 2000
MANIFEST = "manifest.json"
# The CSV columns of a record: its own fields (of every kind), then what the registry adds.
RECORD_COLUMNS = ("id", "kind", *dict.fromkeys(layout.ANSWER_KEYS.get(f.key, f.key) for f in layout.FIELDS),
                  "status", "domain.key", "domain.name_zh", "department.uscc", "department.name",
                  "department.district", "publicity.severity", "publicity.rule_set", "publicity.start",
                  "publicity.repairable_from", "publicity.end", "withdrawal.at", "withdrawal.reason",
                  "under_objection", "version", "updated_at")
ENTITY_COLUMNS = ("id", "uscc", "name", "former_names", "party_category", "district", "legal_rep", "updated_at")


def export_root() -> Path:
    return Path(settings().EXPORT_DIR)


def build_export(day: date | None = None) -> dict:
    """Write the export of `day` (default today), replacing one of the same day; its manifest."""
    day = day or today()
    root = export_root()
    root.mkdir(parents=True, exist_ok=True)
    building = root / f".{day.isoformat()}.building"
    shutil.rmtree(building, ignore_errors=True)
    building.mkdir()
    with snapshot() as session:
        cursor = session.scalar(select(func.max(FeedEvent.id))) or 0
        files = [
            _write(building, "records", _record_views(session), RECORD_COLUMNS),
            _write(building, "entities", _entity_views(session), ENTITY_COLUMNS),
        ]
    manifest = {"schema_version": SCHEMA_VERSION, "day": day.isoformat(), "built_at": utcnow(), "cursor": cursor,
                "audience": "public", "files": [f for pair in files for f in pair]}
    (building / MANIFEST).write_bytes(json_bytes(manifest))
    final = root / day.isoformat()
    if final.exists():
        shutil.rmtree(final)
    building.rename(final)
    _purge_old(root, day)
    return json.loads(json_bytes(manifest))


@contextmanager
def snapshot():
    """The application's session reading one snapshot of the database until the block ends."""
    session = db.session
    session.rollback()
    if db.engine.dialect.name == "postgresql":
        session.connection(execution_options={"isolation_level": "REPEATABLE READ"})
    else:
        session.connection().exec_driver_sql("BEGIN")
    try:
        yield session
    finally:
        session.rollback()


def _record_views(session):
    public = public_condition(settings().PUBLISH_NATURAL_PERSONS, today())
    last = 0
    while chunk := list(session.scalars(
            select(Record).where(public, Record.id > last).order_by(Record.id).limit(CHUNK))):
        yield from present_records(chunk, PUBLIC, under_objection)
        last = chunk[-1].id
        session.expunge_all()  # the chunk's objects go: memory stays one chunk's worth


def _entity_views(session):
    query = select(Entity)
    if not settings().PUBLISH_NATURAL_PERSONS:
        query = query.where(Entity.party_category != "natural_person")
    last = 0
    while chunk := list(session.scalars(query.where(Entity.id > last).order_by(Entity.id).limit(CHUNK))):
        yield from map(entity_view, chunk)
        last = chunk[-1].id
        session.expunge_all()


def _write(directory: Path, name: str, views, columns: tuple) -> list[dict]:
    """Write `<name>.ndjson.gz` and `<name>.csv.gz` from the views as they come; their manifest entries."""
    ndjson_path, csv_path = directory / f"{name}.ndjson.gz", directory / f"{name}.csv.gz"
    rows = 0
    with gzip.open(ndjson_path, "wb") as ndjson, gzip.open(csv_path, "wb") as packed, \
            io.TextIOWrapper(packed, encoding="utf-8-sig", newline="") as text:
        table = csv.writer(text)
        table.writerow(columns)
        for view in views:
            ndjson.write(json_bytes(view) + b"\n")
            flat = _flat(json.loads(json_bytes(view)))
            table.writerow([flat.get(column, "") for column in columns])
            rows += 1
    return [_entry(ndjson_path, rows), _entry(csv_path, rows)]


def _flat(view: dict, prefix: str = "") -> dict:
    """A view's values by dotted key (domain.key); lists as JSON, absent values empty."""
    flat = {}
    for key, value in view.items():
        if isinstance(value, dict):
            flat.update(_flat(value, f"{prefix}{key}."))
        elif isinstance(value, list):
            flat[f"{prefix}{key}"] = json.dumps(value, ensure_ascii=False)
        else:
            flat[f"{prefix}{key}"] = "" if value is None else value
    return flat


def _entry(path: Path, rows: int) -> dict:
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        while block := stream.read(1 << 20):
            digest.update(block)
    return {"name": path.name, "rows": rows, "bytes": path.stat().st_size, "sha256": digest.hexdigest()}


def _purge_old(root: Path, day: date) -> None:
    """Exports older than EXPORT_KEEP_DAYS go."""
    keep = settings().EXPORT_KEEP_DAYS
    for directory in root.iterdir():
        try:
            built = date.fromisoformat(directory.name)
        except ValueError:
            continue
        if (day - built).days >= keep:
            shutil.rmtree(directory, ignore_errors=True)


def export_days() -> list[str]:
    """The days whose export is complete (its manifest written), newest first."""
    root = export_root()
    if not root.is_dir():
        return []
    return sorted((d.name for d in root.iterdir() if (d / MANIFEST).is_file() and not d.name.startswith(".")),
                  reverse=True)


def manifest_of(day: str | None = None) -> dict:
    """The manifest of the export of `day` (ISO date), or of the latest one."""
    days = export_days()
    day = day or (days[0] if days else None)
    if day not in days:
        raise NotFound(message_en="no export of that day", message_zh="没有该日期的批量导出", code="export_not_found")
    return json.loads((export_root() / day / MANIFEST).read_bytes())


def export_file(day: str, name: str) -> Path:
    """The path of one file of an export, if the manifest names it."""
    manifest = manifest_of(day)
    if name not in {entry["name"] for entry in manifest["files"]}:
        raise NotFound(message_en=f"no file {name} in the export of {day}",
                       message_zh=f"{day} 的批量导出中没有文件 {name}", code="export_not_found")
    return export_root() / day / name
