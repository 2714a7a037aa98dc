"""A backup is a directory: the database's snapshot, the instance's files under files/<area>/, and
manifest.json naming every file with its size and SHA-256, written last (no manifest: no backup).

The database is copied first, then the files. Every file a row of the snapshot names was written before
that row was committed (materials and uploads are stored, then recorded; a key signs only once it is on
disk), and none is ever changed in place, so the files copied after it hold all the snapshot needs.
Files written meanwhile are copied too, and unused.
"""

import hashlib
import json
import shutil
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import inspect, text

from ..calendars import loaded_dir
from ..extensions import db
from ..repairs.materials import storage_dir
from ..runtime import settings
from . import database

FORMAT = 1
MANIFEST = "manifest.json"
FILES = "files"
CHUNK = 1 << 20


class Refused(Exception):
    """The backup or restore cannot go ahead; the message says why and what to do."""


@dataclass(frozen=True)
class Area:
    """A place of the instance whose files a backup keeps."""

    name: str
    path: Path
    replaced: bool = False  # made afresh by every new instance, so a restore overwrites it


def areas() -> list[Area]:
    """Where this instance keeps files (the key directory may be outside the instance directory)."""
    instance = Path(settings().INSTANCE_DIR)
    return [Area("report-keys", Path(settings().REPORTS_KEY_DIR)),
            Area("repair-materials", storage_dir()),  # objection attachments share the store
            Area("uploads", instance / "uploads"),  # department files, kept for a job to resume
            Area("calendar", loaded_dir()),
            Area("report-batches", instance / "report-batches"),
            Area("secret-key", instance / "secret-key", replaced=True)]


def backup(target: Path) -> dict:
    """Write a backup of this instance into `target` (a new or empty directory); returns its summary."""
    if target.exists() and any(target.iterdir()):
        raise Refused(f"{target} is not empty: give a new directory for each backup")
    target.mkdir(parents=True, exist_ok=True, mode=0o700)  # it holds the signing keys
    target.chmod(0o700)
    url = settings().DATABASE_URL
    snapshot = target / database.file_name(url)
    schema = _schema_revision()
    database.dump(url, snapshot)
    files = {snapshot.name: _entry(snapshot)}
    for area in areas():
        for source in _files_of(area.path):
            name = _archived_name(area, source)
            files[name] = _copy(source, target / name)
    manifest = {"format": FORMAT, "created_at": datetime.now(UTC).isoformat(timespec="seconds"),
                "database": {"engine": _engine_of(url), "file": snapshot.name, "schema": schema}, "files": files}
    (target / MANIFEST).write_text(json.dumps(manifest, indent=1, sort_keys=True), encoding="utf-8")
    return {"directory": str(target), "files": len(files), "bytes": sum(f["size"] for f in files.values()),
            "schema": schema}


def restore(source: Path) -> dict:
    """Bring the backup in `source` into this instance, which must be empty: checked first, changed last."""
    manifest = checked_manifest(source)
    url = settings().DATABASE_URL
    if manifest["database"]["engine"] != _engine_of(url):
        raise Refused(f"the backup is of a {manifest['database']['engine']} database and this instance uses "
                      f"{_engine_of(url)}: restore it into an instance of the same kind")
    _refuse_unless_empty()
    db.session.remove()
    db.engine.dispose()  # nothing of ours holds the database while the snapshot goes in
    database.load(url, source / manifest["database"]["file"])
    by_name = {area.name: area for area in areas()}
    for name in manifest["files"]:
        parts = Path(name).parts
        if parts[0] == FILES:
            area = by_name[parts[1]]
            destination = area.path.joinpath(*parts[2:]) if len(parts) > 2 else area.path
            _copy(source / name, destination)
    return {"files": len(manifest["files"]), "schema": manifest["database"]["schema"],
            "created_at": manifest["created_at"]}


def checked_manifest(source: Path) -> dict:
    """The backup's manifest once every file it names is there with its size and checksum."""
    try:
        manifest = json.loads((source / MANIFEST).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise Refused(f"{source} holds no {MANIFEST}: not a backup, or one that did not finish") from None
    if manifest.get("format") != FORMAT:
        raise Refused(f"{source} is a backup of format {manifest.get('format')}; this version reads {FORMAT}")
    damaged = [name for name, expected in sorted(manifest["files"].items())
               if not (source / name).is_file() or _entry(source / name) != expected]
    if damaged:
        raise Refused(f"{len(damaged)} file(s) of the backup are missing or differ from the manifest, "
                      f"first {damaged[0]}: nothing was restored")
    return manifest


def _refuse_unless_empty() -> None:
    if not database.is_empty(db.engine):
        raise Refused("this instance's database is not empty: restore into a new database (PostgreSQL: a new "
                      "database; SQLite: a new REGISTRY_INSTANCE_DIR), and do not run `registry init` before")
    for area in areas():
        if not area.replaced and any(_files_of(area.path)):
            raise Refused(f"this instance already has files in {area.path}: restore into a new instance")


def _files_of(path: Path) -> list[Path]:
    """The files of an area, without the hidden ones (locks, uploads still being written)."""
    if path.is_file():
        return [path]
    if not path.is_dir():
        return []
    return sorted(p for p in path.rglob("*") if p.is_file() and not any(part.startswith(".")
                                                                          for part in p.relative_to(path).parts))


def _archived_name(area: Area, source: Path) -> str:
    inside = source.relative_to(area.path).as_posix() if source != area.path else ""
    return "/".join(part for part in (FILES, area.name, inside) if part)


def _copy(source: Path, destination: Path) -> dict:
    """Copy a file, keeping its permissions; its manifest entry, hashed as it was copied."""
    destination.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    with open(destination, "wb") as writing:
        entry = _entry(source, writing.write)
    shutil.copymode(source, destination)
    return entry


def _entry(path: Path, also=None) -> dict:
    """The file's size and SHA-256 (read once; each chunk is given to `also` as well, if given)."""
    digest, size = hashlib.sha256(), 0
    with open(path, "rb") as reading:
        while chunk := reading.read(CHUNK):
            digest.update(chunk)
            size += len(chunk)
            if also:
                also(chunk)
    return {"sha256": digest.hexdigest(), "size": size}


def _engine_of(url: str) -> str:
    return "sqlite" if url.startswith("sqlite") else "postgresql"


def _schema_revision() -> str | None:
    if not inspect(db.engine).has_table("alembic_version"):
        raise Refused("the database has no registry schema: nothing to back up (run `registry init` first)")
    revision = db.session.execute(text("SELECT version_num FROM alembic_version")).scalar()
    db.session.rollback()  # no transaction of ours stays open while the snapshot is taken
    return revision
