"""The daily bulk export: the record as gzip'd NDJSON and CSV (UTF-8 with BOM, for Excel), one file set
per audience (`AUDIENCES`: the public, data-sharing partners), each with a manifest naming each file's
rows and SHA-256, the schema version and the feed cursor the snapshot is consistent with.

The export reads one snapshot of the database (a repeatable-read transaction on PostgreSQL, one
read transaction on SQLite), the cursor first: event ids follow the order of commits, so the
snapshot holds exactly the changes of the events up to that cursor, and a partner that applies the
events after it has the current record. Records and entities are read once, in id ranges, what the
widest audience sees, and each audience's files are written as they come: memory does not grow with
the registry nor with the audiences.
"""

import csv
import gzip
import hashlib
import io
import json
import shutil
from contextlib import ExitStack, contextmanager
from datetime import date
from pathlib import Path

import orjson
from sqlalchemy import func, select

from ..access.models import PARTNERS
from ..access.services import PUBLIC, Viewer
from ..changes import FeedEvent
from ..db import utcnow
from ..enterprises.models import Entity
from ..errors import NotFound
from ..extensions import db
from ..jsonout import json_bytes
from ..records import layout
from ..records.models import Record
from ..records.presenters import presentable_rows
from ..records.services import present_rows
from ..records.visibility import public_condition, sees_natural_persons
from ..repairs.objections import open_objection
from ..runtime import settings, today
from .presenting import entity_view

SCHEMA_VERSION = 1
CHUNK = 2000
# gzip's level: 1 compresses the NDJSON 2.4 times as fast as 6 (zlib's default), for files 40% larger;
# gzip.open's 9 took several times as long as 6 for a few % of size.
COMPRESSION = 1
BUFFER = 1 << 20  # bytes handed to zlib at once: Python 3.11's gzip compresses each write as it comes
MANIFEST = "manifest.json"
# Who gets which file set: the widest audience comes last (its records are the ones read).
AUDIENCES = {"public": PUBLIC, "partner": Viewer(PARTNERS[0])}
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
    """Write the export of `day` (default today) for every audience, replacing one of the same day; the
    public's manifest."""
    day = day or today()
    root = export_root()
    root.mkdir(parents=True, exist_ok=True)
    building = root / f".{day.isoformat()}.building"
    shutil.rmtree(building, ignore_errors=True)
    for audience in AUDIENCES:
        (building / audience).mkdir(parents=True)
    with snapshot() as session:
        cursor = session.scalar(select(func.max(FeedEvent.id))) or 0
        files = {audience: [] for audience in AUDIENCES}
        for name, views, columns in (("records", _record_views(session), RECORD_COLUMNS),
                                     ("entities", _entity_views(session), ENTITY_COLUMNS)):
            for audience, entries in _write(building, name, views, columns).items():
                files[audience] += entries
    for audience, entries in files.items():
        manifest = {"schema_version": SCHEMA_VERSION, "day": day.isoformat(), "built_at": utcnow(),
                    "cursor": cursor, "audience": audience, "files": entries}
        (building / audience / MANIFEST).write_bytes(json_bytes(manifest))
    final = root / day.isoformat()
    if final.exists():
        shutil.rmtree(final)
    building.rename(final)
    _purge_old(root, day)
    return manifest_of(day.isoformat())


def audience_of(viewer: Viewer) -> str:
    """The file set a caller downloads: a data-sharing partner's, or the public's."""
    return "partner" if viewer.role in PARTNERS else "public"


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


def _sees(audience: str, party_category: str | None) -> bool:
    return party_category != "natural_person" or sees_natural_persons(AUDIENCES[audience],
                                                                      settings().PUBLISH_NATURAL_PERSONS)


def _record_views(session):
    """Each record the widest audience may see, as {audience: its view} for the audiences that see it."""
    widest = public_condition(True, today())
    last = 0
    while chunk := session.connection().execute(presentable_rows(open_objection()).where(widest, Record.id > last)
                                   .order_by(Record.id).limit(CHUNK)).all():
        shown = {audience: {view["id"]: view for view in present_rows(
                    [row for row in chunk if _sees(audience, row.party_category)], viewer)}
                 for audience, viewer in AUDIENCES.items()}
        for row in chunk:
            yield {audience: views[row.id] for audience, views in shown.items() if row.id in views}
        last = chunk[-1].id


def _entity_views(session):
    last = 0
    columns = select(*Entity.__table__.c)
    while chunk := session.connection().execute(columns.where(Entity.id > last).order_by(Entity.id).limit(CHUNK)).all():
        for entity in chunk:
            view = entity_view(entity)
            yield {audience: view for audience in AUDIENCES if _sees(audience, entity.party_category)}
        last = chunk[-1].id


def _write(directory: Path, name: str, views, columns: tuple) -> dict[str, list[dict]]:
    """Write each audience's `<name>.ndjson.gz` and `<name>.csv.gz` from the views as they come; their
    manifest entries by audience. A view two audiences share (most are) is encoded once."""
    paths = [column.partition(".")[::2] for column in columns]  # "publicity.end": ("publicity", "end")
    with ExitStack() as files:
        writers = {audience: _FileSet(files, directory / audience, name, columns) for audience in AUDIENCES}
        for by_audience in views:
            encoded: list[tuple[dict, tuple]] = []
            for audience, view in by_audience.items():
                same = next((done for shown, done in encoded if shown == view), None)
                if same is None:
                    same = _encode(view, paths)
                    encoded.append((view, same))
                writers[audience].add(*same)
    return {audience: writer.entries() for audience, writer in writers.items()}


def _encode(view: dict, paths: list[tuple[str, str]]) -> tuple[bytes, list]:
    """A view's NDJSON line and CSV cells: the line read back (values as the line writes them), nested
    values by dotted column (`publicity.end`), lists as JSON, absent values empty (as csv writes None).
    Comprehensions over the columns: this runs for every record of the export."""
    line = json_bytes(view)
    read = orjson.loads(line)
    cells = [read.get(outer) for outer, _ in paths]
    for index, (_, inner) in enumerate(paths):
        if inner:
            value = cells[index]
            cells[index] = value.get(inner) if isinstance(value, dict) else None
    return line + b"\n", [json.dumps(value, ensure_ascii=False) if type(value) is list else value for value in cells]


class _FileSet:
    """One audience's NDJSON and CSV file of one table, written a row at a time; `files` closes them."""

    def __init__(self, files: ExitStack, directory: Path, name: str, columns: tuple):
        self.ndjson_path, self.csv_path = directory / f"{name}.ndjson.gz", directory / f"{name}.csv.gz"
        self.rows = 0
        self.ndjson = _packed(files, self.ndjson_path)
        packed = _packed(files, self.csv_path)
        self.table = csv.writer(files.enter_context(io.TextIOWrapper(packed, encoding="utf-8-sig", newline="")))
        self.table.writerow(columns)

    def add(self, line: bytes, cells: list) -> None:
        self.ndjson.write(line)
        self.table.writerow(cells)
        self.rows += 1

    def entries(self) -> list[dict]:
        return [_entry(self.ndjson_path, self.rows), _entry(self.csv_path, self.rows)]


def _packed(files: ExitStack, path: Path) -> io.BufferedWriter:
    """A gzip file written through a buffer; `files` closes both."""
    return files.enter_context(io.BufferedWriter(
        files.enter_context(gzip.open(path, "wb", compresslevel=COMPRESSION)), buffer_size=BUFFER))


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
    """The days whose export is complete (its manifests written), newest first."""
    root = export_root()
    if not root.is_dir():
        return []
    return sorted((d.name for d in root.iterdir() if (d / "public" / MANIFEST).is_file()
                   and not d.name.startswith(".")), reverse=True)


def manifest_of(day: str | None = None, audience: str = "public") -> dict:
    """The manifest of an audience's export of `day` (ISO date), or of the latest one."""
    days = export_days()
    day = day or (days[0] if days else None)
    if day not in days:
        raise NotFound(message_en="no export of that day", message_zh="没有该日期的批量导出", code="export_not_found")
    return json.loads((export_root() / day / audience / MANIFEST).read_bytes())


def export_file(day: str, name: str, audience: str = "public") -> Path:
    """The path of one file of an audience's export, if its manifest names it."""
    manifest = manifest_of(day, audience)
    if name not in {entry["name"] for entry in manifest["files"]}:
        raise NotFound(message_en=f"no file {name} in the export of {day}",
                       message_zh=f"{day} 的批量导出中没有文件 {name}", code="export_not_found")
    return export_root() / day / audience / name
