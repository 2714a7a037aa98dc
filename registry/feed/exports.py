"""The daily bulk export: the record as gzip'd NDJSON and CSV (UTF-8 with BOM, for Excel), one file set
per audience (`AUDIENCES`: the public, data-sharing partners), each with a manifest naming each file's
rows and SHA-256, the schema version and the feed cursor the snapshot is consistent with.

The export reads one snapshot of the database (a repeatable-read transaction on PostgreSQL, one
read transaction on SQLite), the cursor first: event ids follow the order of commits, so the
snapshot holds exactly the changes of the events up to that cursor, and a partner that applies the
events after it has the current record.

A table is read in parts (ranges of `PART_IDS` ids), each part's views encoded once for the audiences
that share them and compressed into one gzip member per file: a file is its parts' members one after
the other, which gzip reads as one stream (RFC 1952, 2.2). On PostgreSQL `EXPORT_WORKERS` processes
that join the export's snapshot (`pg_export_snapshot`) read and encode n of every n + 1 parts beside
the building process, so the export uses every core; elsewhere the building process encodes them
all. Either way the files are the same, and memory is bounded by the parts in flight, not by the
registry's size.
"""

import csv
import hashlib
import io
import json
import multiprocessing
import shutil
import zlib
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from datetime import date
from pathlib import Path

import orjson
from sqlalchemy import create_engine, func, select, text
from sqlalchemy.pool import NullPool

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
CHUNK = 500  # rows a statement reads
PART_IDS = 5_000  # ids a part covers: a gzip member of about half a MB per audience and format
# gzip's level: 1 compresses the NDJSON 2.4 times as fast as 6 (zlib's default), for files 40% larger;
# 9 took several times as long as 6 for a few % of size.
COMPRESSION = 1
GZIP_WBITS = 31  # zlib's gzip format: header and trailer around the deflate stream
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
TABLES = {"records": (Record, RECORD_COLUMNS), "entities": (Entity, ENTITY_COLUMNS)}


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
    files = {audience: [] for audience in AUDIENCES}
    with snapshot() as session:
        cursor = session.scalar(select(func.max(FeedEvent.id))) or 0
        with _encoder(session, day) as encoded:
            for name, (model, columns) in TABLES.items():
                for audience, entries in _write(building, name, columns, encoded(_parts(session, name, model))).items():
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


def _parts(session, name: str, model) -> list[tuple[str, int, int]]:
    """The parts of a table to encode, in id order: (table, after id, up to id)."""
    first, last = session.execute(select(func.min(model.id), func.max(model.id))).one()
    if first is None:
        return []
    return [(name, after, min(after + PART_IDS, last)) for after in range(first - 1, last, PART_IDS)]


@contextmanager
def _encoder(session, day: date) -> Iterator[Callable]:
    """A function from parts to their encodings (`encode_part`), in order. On PostgreSQL, `EXPORT_WORKERS`
    processes that join the session's snapshot encode n of every n + 1 parts, this one the rest; elsewhere,
    all here."""
    publish, connection = settings().PUBLISH_NATURAL_PERSONS, session.connection()
    workers = settings().EXPORT_WORKERS if db.engine.dialect.name == "postgresql" else 0
    if not workers:
        yield lambda parts: (encode_part(connection, *part, day, publish) for part in parts)
        return
    shared = session.scalar(text("SELECT pg_export_snapshot()"))
    url = db.engine.url.render_as_string(hide_password=False)
    # A forkserver: safe to start from a web server's or a task worker's thread, as an import's readers are.
    pool = ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("forkserver"),
                               initializer=_join_snapshot, initargs=(url, shared))
    try:
        yield lambda parts: _shared(parts, workers, lambda part: encode_part(connection, *part, day, publish),
                                    lambda part: pool.submit(_encode_in_worker, *part, day, publish))
    finally:
        pool.shutdown(cancel_futures=True)


def _shared(parts: list, workers: int, here: Callable, submit: Callable) -> Iterator[dict]:
    """The parts' encodings in order, in groups of `workers` + 1 parts: the workers encode the first of
    each group, submitted a group ahead (they never wait for this process), and this process the last,
    besides writing the files."""
    size = workers + 1
    groups = [parts[start:start + size] for start in range(0, len(parts), size)]
    submitted = [submit(part) for part in groups[0][:workers]] if groups else []
    for number, group in enumerate(groups):
        upcoming = [submit(part) for part in groups[number + 1][:workers]] if number + 1 < len(groups) else []
        mine = [here(part) for part in group[workers:]]
        yield from (future.result() for future in submitted)
        yield from mine
        submitted = upcoming


_reader = None  # a worker's connection, inside the export's snapshot


def _join_snapshot(url: str, shared: str) -> None:
    global _reader
    _reader = create_engine(url, poolclass=NullPool).connect().execution_options(isolation_level="REPEATABLE READ")
    _reader.exec_driver_sql(f"SET TRANSACTION SNAPSHOT '{shared}'")  # the server's own id, not input


def _encode_in_worker(*task) -> dict:
    return encode_part(_reader, *task)


def encode_part(connection, name: str, after: int, last: int, day: date, publish: bool) -> dict[str, tuple]:
    """One part of a table (ids after `after` up to `last`) as each audience's NDJSON and CSV gzip members
    and row count. A view two audiences share (most are) is encoded once."""
    views = (_record_views if name == "records" else _entity_views)(connection, after, last, day, publish)
    paths = [column.partition(".")[::2] for column in TABLES[name][1]]  # "publicity.end": ("publicity", "end")
    parts = {audience: _Part() for audience in AUDIENCES}
    for by_audience in views:
        encoded: list[tuple[dict, tuple]] = []
        for audience, view in by_audience.items():
            same = next((done for shown, done in encoded if shown == view), None)
            if same is None:
                same = _encode(view, paths)
                encoded.append((view, same))
            parts[audience].add(*same)
    return {audience: part.members() for audience, part in parts.items()}


def _sees(audience: str, party_category: str | None, publish: bool) -> bool:
    return party_category != "natural_person" or sees_natural_persons(AUDIENCES[audience], publish)


def _record_views(connection, after: int, last: int, day: date, publish: bool):
    """Each record the widest audience may see, as {audience: its view} for the audiences that see it."""
    widest = public_condition(True, day)
    while chunk := connection.execute(presentable_rows(open_objection()).where(widest, Record.id > after,
                                      Record.id <= last).order_by(Record.id).limit(CHUNK)).all():
        shown = {audience: {view["id"]: view for view in present_rows(
                    [row for row in chunk if _sees(audience, row.party_category, publish)], viewer, day)}
                 for audience, viewer in AUDIENCES.items()}
        for row in chunk:
            yield {audience: views[row.id] for audience, views in shown.items() if row.id in views}
        after = chunk[-1].id


def _entity_views(connection, after: int, last: int, day: date, publish: bool):
    columns = select(*Entity.__table__.c)
    while chunk := connection.execute(columns.where(Entity.id > after, Entity.id <= last)
                                      .order_by(Entity.id).limit(CHUNK)).all():
        for entity in chunk:
            view = entity_view(entity)
            yield {audience: view for audience in AUDIENCES if _sees(audience, entity.party_category, publish)}
        after = chunk[-1].id


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


class _Part:
    """One audience's NDJSON lines and CSV rows of a part, compressed every `CHUNK` rows as they come (a
    part's text is never held whole)."""

    def __init__(self):
        self.lines, self.text, self.rows = [], io.StringIO(), 0
        self.table = csv.writer(self.text)
        self.ndjson, self.csv = _Member(), _Member()

    def add(self, line: bytes, cells: list) -> None:
        self.lines.append(line)
        self.table.writerow(cells)
        self.rows += 1
        if self.rows % CHUNK == 0:
            self._compress()

    def _compress(self) -> None:
        self.ndjson.add(b"".join(self.lines))
        self.lines.clear()
        self.csv.add(self.text.getvalue().encode())
        self.text.seek(0)
        self.text.truncate()

    def members(self) -> tuple[bytes, bytes, int]:
        """The NDJSON and CSV members (none for no rows) and the row count."""
        if not self.rows:
            return b"", b"", 0
        self._compress()
        return self.ndjson.finish(), self.csv.finish(), self.rows


class _Member:
    """A gzip member compressed as its data comes; no time stamp, so the same records give the same file."""

    def __init__(self, data: bytes = b""):
        self.compressor, self.compressed = zlib.compressobj(COMPRESSION, zlib.DEFLATED, GZIP_WBITS), []
        self.add(data)

    def add(self, data: bytes) -> None:
        self.compressed.append(self.compressor.compress(data))

    def finish(self) -> bytes:
        return b"".join(self.compressed) + self.compressor.flush()


def _write(directory: Path, name: str, columns: tuple, parts: Iterator[dict]) -> dict[str, list[dict]]:
    """Write each audience's `<name>.ndjson.gz` and `<name>.csv.gz` from the encoded parts as they come;
    their manifest entries by audience."""
    header = io.StringIO()
    header.write("\ufeff")  # the CSV starts with a BOM: Excel reads it as UTF-8
    csv.writer(header).writerow(columns)
    # Each file starts with a member of its own (an empty one for the NDJSON): a valid gzip file even
    # when the table has no rows.
    starts = _Member().finish(), _Member(header.getvalue().encode()).finish()
    files = {audience: tuple(_File(directory / audience / f"{name}.{form}.gz", start)
                             for form, start in zip(("ndjson", "csv"), starts, strict=True)) for audience in AUDIENCES}
    rows = dict.fromkeys(AUDIENCES, 0)
    try:
        for part in parts:
            for audience, (lines, table, count) in part.items():
                files[audience][0].write(lines)
                files[audience][1].write(table)
                rows[audience] += count
    finally:
        for pair in files.values():
            for file in pair:
                file.close()
    return {audience: [file.entry(rows[audience]) for file in pair] for audience, pair in files.items()}


class _File:
    """An export file written member by member, its SHA-256 taken as it is written."""

    def __init__(self, path: Path, first: bytes = b""):
        self.path, self.digest, self.size = path, hashlib.sha256(), 0
        self.stream = path.open("wb")
        self.write(first)

    def write(self, member: bytes) -> None:
        self.stream.write(member)
        self.digest.update(member)
        self.size += len(member)

    def close(self) -> None:
        self.stream.close()

    def entry(self, rows: int) -> dict:
        return {"name": self.path.name, "rows": rows, "bytes": self.size, "sha256": self.digest.hexdigest()}


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
