"""`registry import`: a department's file from the terminal, with a progress bar, a JSON summary, an exit code."""

import json
import sys
from pathlib import Path

import click
from flask import current_app
from sqlalchemy import select

from ..clitools import with_app
from ..departments.models import Department
from ..domain import uscc as uscc_rules
from ..extensions import db
from ..records import layout
from ..stages import StageTimes
from ..tasks import enqueue
from . import services
from .limits import TooManyRejections, purge_uploads
from .models import FAILED, STOPPED
from .pipeline import SPAWN
from .readers import ImportFileError


@click.command("import", help="Import a department's file (CSV, XLSX, NDJSON) of penalties, licences, list entries "
                              "or commitments.")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--department", "department_uscc", required=True, help="USCC of the sending department.")
@click.option("--kind", type=click.Choice(layout.KINDS), default=None,
              help="Default: from the headers (a file whose columns fit several kinds needs it).")
@click.option("--encoding", type=click.Choice(["utf-8", "utf-8-sig", "gb18030"]), default=None,
              help="CSV encoding; default: detected.")
@click.option("--format", "fmt", type=click.Choice(["csv", "xlsx", "ndjson"]), default=None,
              help="Default: from the file name.")
@click.option("--dry-run", is_flag=True, help="Count what would be inserted, updated, unchanged and rejected; "
                                              "write nothing.")
@click.option("--queue", "queued", is_flag=True, help="Put the job on the task queue and print it; a worker runs "
                                                      "it (default: run it here, now).")
@with_app
def import_file(file, department_uscc, kind, encoding, fmt, dry_run, queued):
    code = run_import(file, department_uscc, {"kind": kind, "encoding": encoding, "fmt": fmt}, dry_run, queued)
    sys.exit(code)


def run_import(path: Path, department_uscc: str, options: dict, dry_run: bool, queued: bool = False) -> int:
    """Exit 0 when the file was processed (rejected rows included), 1 when it could not be read or
    was stopped for too many rejected rows."""
    department = db.session.scalar(select(Department).where(Department.uscc == uscc_rules.normalise(department_uscc)))
    if department is None:
        raise click.ClickException(f"no department with USCC {department_uscc} (部门不存在)")
    if not path.is_file():
        raise click.ClickException(f"cannot read {path}: no such file (文件不存在)")
    options = {k: v for k, v in options.items() if v}
    if dry_run:
        return _dry_run(department, path, options)
    job = services.start_job(department, path.resolve(), path.name, options)
    if queued:
        enqueue("import_job", job.id)
        click.echo(json.dumps({"job": job.id, "state": job.state, "file": str(path)}, ensure_ascii=False))
        return 0
    seconds = StageTimes()
    with _ProgressBar(job.size) as bar:
        # This process ends with the job: no forkserver to share, and none to outlive its workers.
        job = services.run_job(job.id, progress=bar.update, seconds=seconds, worker_start=SPAWN)
    summary = {"job": job.id, "state": job.state, "file": str(path), "rows": job.rows_read,
               **{name: getattr(job, name) for name in services.COUNTERS},
               "rows_committed": job.rows_committed, "unknown_columns": job.unknown_columns,
               "unknown_column_count": job.unknown_column_count,
               "errors": f"/api/v1/imports/{job.id}/errors", "seconds": seconds.rounded()}
    if job.state in (FAILED, STOPPED):
        summary["message"] = job.message_en
        click.echo(f"error: {job.message_en} ({job.message_zh})", err=True)
    click.echo(json.dumps(summary, ensure_ascii=False))
    return 1 if job.state in (FAILED, STOPPED) else 0


def _dry_run(department: Department, path: Path, options: dict) -> int:
    try:
        tally, unknown = services.dry_run(department, path, options)
    except ImportFileError as exc:
        state = STOPPED if isinstance(exc, TooManyRejections) else FAILED
        click.echo(f"error: {exc.message_en} ({exc.message_zh})", err=True)
        click.echo(json.dumps({"job": None, "dry_run": True, "state": state, "message": exc.message_en}))
        return 1
    click.echo(json.dumps({"job": None, "dry_run": True, "file": str(path), "rows": tally.rows_read,
                           **tally.counts, "unknown_columns": unknown,
                           "unknown_column_count": tally.unknown_column_count}, ensure_ascii=False))
    return 0


class _ProgressBar:
    """A bar by bytes read, on a terminal only: logs and pipes get just the summary line."""

    def __init__(self, size: int):
        self.bar = click.progressbar(length=max(size, 1), label="importing", file=sys.stderr) \
            if sys.stderr.isatty() else None
        self.done = 0

    def __enter__(self):
        if self.bar:
            self.bar.__enter__()
        return self

    def __exit__(self, *exc):
        if self.bar:
            self.bar.__exit__(*exc)

    def update(self, job) -> None:
        if self.bar:
            self.bar.update(job.bytes_read - self.done)
            self.done = job.bytes_read


@click.group("imports", help="Department files uploaded for import.")
def imports_group():
    pass


@imports_group.command("purge", help="Delete uploaded files older than REGISTRY_IMPORT_RETENTION_DAYS (30); "
                                     "run it daily. Files a queued or running import reads are kept.")
@click.option("--days", type=click.IntRange(min=0), default=None, help="Another retention, in days.")
@with_app
def purge(days):
    gone = purge_uploads(current_app.config["REGISTRY"].INSTANCE_DIR, days)
    click.echo(json.dumps({"deleted": len(gone), "files": [path.name for path in gone]}))
