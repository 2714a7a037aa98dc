"""Import jobs: a department's file streamed through validation and the bulk writer in batches.

Each batch commits together with the job's counters and `rows_committed` (the last file row it
covers), so a job killed at any point resumes after its last committed batch and counts every
row exactly once. Rejected rows are stored with their file row number, field, value and reason.
"""

import hashlib
import logging
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import insert, select, text
from sqlalchemy.exc import DBAPIError, OperationalError

from .. import metrics
from ..access.models import Principal
from ..access.services import Viewer
from ..db import utcnow
from ..departments.models import Department
from ..errors import Conflict, FieldError, NotFound
from ..extensions import db
from ..pagination import decode_id_cursor, encode_cursor
from ..publicsearch.engines import import_pace, index_in_bulk
from ..records import set_aside
from ..records.bulk import writer_for
from ..records.prepare import DepartmentRef
from ..records.publicity import rules
from ..records.writer import AUDITED
from ..runtime import runtime, settings
from ..runtime import today as clock_today
from ..stages import StageTimes
from ..uow import UnitOfWork, transactional
from .limits import RejectionLimit, TooManyRejections, check_daily_quota
from .locks import JobLock
from .models import DONE, FAILED, QUEUED, RUNNING, STOPPED, ImportJob, ImportRejection
from .pipeline import FORKSERVER, FileMeta, read_batches
from .readers import ArchiveLimits, ImportFileError

log = logging.getLogger(__name__)
COUNTERS = ("inserted", "updated", "unchanged", "rejected")
WARNINGS_KEPT = 100  # a job's report keeps its first warnings, not one a row of a million
BULK_CACHE_KB = 32 * 1024
BULK_CHECKPOINT_PAGES = 16384  # of 4 KB
# What a connection has otherwise: SQLite's defaults (the registry sets neither).
USUAL_CACHE_KB, USUAL_CHECKPOINT_PAGES = 2000, 1000
# How long a job cut by a lost database connection waits for the database to say so in the job: a
# restart takes seconds. Past that the job stays running until the schedule offers it again.
DATABASE_RETURN_SECONDS = 30


@dataclass
class Tally:
    """What a run has done so far: a job's counters, or a dry run's."""

    rows_read: int = 0
    rows_committed: int = 0
    bytes_read: int = 0
    counts: dict = field(default_factory=lambda: dict.fromkeys(COUNTERS, 0))
    seconds: StageTimes = field(default_factory=StageTimes)  # this run's time by stage (workers' summed)
    unknown_column_count: int = 0  # a dry run's (a job keeps its own)
    warnings: list = field(default_factory=list)  # the first WARNINGS_KEPT, as the job reports them
    # A dry run's first rejections, (row number, FieldError), kept up to `keep_rejections` (a job stores them all).
    rejections: list = field(default_factory=list)
    keep_rejections: int = 0

    def warn(self, mismatches) -> None:
        self.warnings += [m.warning() for m in mismatches][:WARNINGS_KEPT - len(self.warnings)]


def file_checksum(path: Path) -> tuple[str, int]:
    digest, size = hashlib.sha256(), 0
    with open(path, "rb") as stream:
        while chunk := stream.read(1 << 20):
            digest.update(chunk)
            size += len(chunk)
    return digest.hexdigest(), size


@transactional
def start_job(department: Department, path: Path, filename: str, options: dict,
              principal_id: int | None = None, *, uow: UnitOfWork) -> ImportJob:
    """A job for this file: the unfinished one of the same department, content and options, read from
    `path` now (the file may have moved), or a new one: other options are another import. A new
    upload (a principal's) counts against its department's daily quota."""
    checksum, size = file_checksum(path)
    unfinished = db.session.scalars(
        select(ImportJob).where(ImportJob.department_id == department.id, ImportJob.checksum == checksum,
                                ImportJob.state.in_((QUEUED, RUNNING, FAILED))).order_by(ImportJob.id.desc())
    )
    resumed = next((job for job in unfinished if job.options == options), None)
    if resumed:
        resumed.path = str(path)
        if resumed.state == FAILED:  # queued again: until it runs, it must not still read as failed
            resumed.state, resumed.finished_at, resumed.message_en, resumed.message_zh = QUEUED, None, None, None
        uow.session.flush()
        return resumed  # resumed by run_job, unless a live process still holds it
    if principal_id is not None:  # an upload; a file imported at the terminal is the platform's own
        check_daily_quota(department.id, size)
    job = ImportJob(department_id=department.id, principal_id=principal_id, filename=filename, path=str(path),
                    checksum=checksum, size=size, options=options, state=QUEUED, unknown_columns=[])
    uow.session.add(job)
    uow.session.flush()  # its id is the job's number
    return job


class JobBusy(Conflict):
    code = "import_running"


def run_job(job_id: int, progress=None, seconds: StageTimes | None = None, worker_start: str = FORKSERVER) -> ImportJob:
    """Process (or resume) a job to the end of its file; never raises for a bad file or bad rows.
    `seconds`, when given, gets this run's time by stage; `worker_start`: how its worker processes
    start (registry.imports.pipeline: SPAWN for a process that ends after the job).

    Raises JobBusy when another live process is running the same job.
    """
    lock = JobLock(job_id, settings().INSTANCE_DIR)
    if not lock.acquire():
        raise JobBusy(message_en=f"import job {job_id} is being run by another process",
                      message_zh=f"导入任务 {job_id} 正在运行")
    try:
        return _run_job(job_id, progress, StageTimes() if seconds is None else seconds, worker_start)
    finally:
        lock.release()


def _run_job(job_id: int, progress, seconds: StageTimes, worker_start: str) -> ImportJob:
    """The job's unit of work commits after every batch, with the job's counters: each batch is a
    transaction of its own. The built-in engine indexes what they changed in bulk, in the last
    transaction, once the workers are done: indexed every few batches instead, the entities that
    recur from batch to batch were indexed again each time (CPU to index 200,000 rows: 36 s per batch
    of 2,500, 27 s in fives, 18 s in one go), and the search dictionaries (pypinyin's 54 MB) were
    loaded beside the workers (peak PSS 480 MB instead of 360). The job is done when its records
    are searchable; the hooks run with the last commit. With an external engine and a bound, the
    job waits after a batch while that engine is further behind (registry/publicsearch/pace.py)."""
    uow = UnitOfWork(db.session, runtime().after_commit)
    job = uow.session.get(ImportJob, job_id)
    department = uow.session.get(Department, job.department_id)
    job.state, job.started_at, job.message_en, job.message_zh = RUNNING, job.started_at or utcnow(), None, None
    uow.commit()
    before = {name: getattr(job, name) for name in COUNTERS}
    tally = Tally(job.rows_read, job.rows_committed, job.bytes_read, dict(before), seconds, list(job.warnings or ()))
    pace = import_pace(uow.session.get_bind())
    try:
        with _explained():
            for meta_or_tally in _run(uow, Path(job.path), job.options, department, tally, job.id,
                                      _uploader(job.principal_id), worker_start):
                if isinstance(meta_or_tally, FileMeta):
                    job.format, job.kind = meta_or_tally.format, meta_or_tally.kind
                    job.unknown_columns = meta_or_tally.unknown_columns
                    job.unknown_column_count = meta_or_tally.unknown_column_count
                    continue
                _save_progress(job, meta_or_tally)
                uow.commit(tally.seconds, run_hooks=False)
                if progress:
                    progress(job)
                if pace:
                    with tally.seconds.timing("search_pace"):
                        pace.wait()
            index_in_bulk(tally.seconds)  # what the batches changed, in the last one's transaction
            uow.commit(tally.seconds)  # now the hooks: on the embedded default, done means searchable
        job.state, job.finished_at = DONE, utcnow()
    except TooManyRejections as exc:
        # The rejections of the batch that crossed the limit are kept (the first errors are the
        # report); none of its rows is written, and the batches committed before it stay.
        _save_progress(job, tally)
        job.state, job.finished_at = STOPPED, utcnow()
        job.message_en, job.message_zh = _failure_messages(exc.message_en, exc.message_zh, job.rows_committed)
    except ImportFileError as exc:
        job = _reread(uow, job_id)
        job.state, job.finished_at = FAILED, utcnow()
        job.message_en, job.message_zh = _failure_messages(exc.message_en, exc.message_zh, job.rows_committed)
    _usual_settings(uow)
    if broken := _restore_set_aside(uow, tally.seconds):
        job.state, job.finished_at = FAILED, utcnow()
        job.message_en, job.message_zh = _failure_messages(
            f"records name a department, domain or entity that does not exist ({broken}), found when the "
            "checks set aside for a bulk load were added again; the next import checks again",
            f"有记录引用了不存在的部门、领域或主体（{broken}），在大批量导入结束恢复外键检查时发现；下次导入时将再次检查",
            job.rows_committed)
    uow.commit(tally.seconds)
    metrics.count_import_rows({name: getattr(job, name) - before[name] for name in COUNTERS})  # this run's
    return job


def _sqlite_settings(uow: UnitOfWork, cache_kb: int, checkpoint_pages: int) -> None:
    uow.session.execute(text(f"PRAGMA cache_size=-{cache_kb}"))
    uow.session.execute(text(f"PRAGMA wal_autocheckpoint={checkpoint_pages}"))


def _usual_settings(uow: UnitOfWork) -> None:
    """The connection's usual page cache and checkpoints back once the job's batches and index are
    written: before the records' indexes are made again, whose sorts would take their memory beside
    a full cache (a million-row import's peak), and before the connection goes back to the pool."""
    if _sqlite(uow):
        _sqlite_settings(uow, USUAL_CACHE_KB, USUAL_CHECKPOINT_PAGES)


def _restore_set_aside(uow: UnitOfWork, seconds: StageTimes) -> str | None:
    """Make the records' indexes and foreign keys that a bulk load set aside again, whatever the job's
    end: this one's, or an earlier job's killed before its end. The names of the foreign keys that
    records break, if any (those stay missing)."""
    with seconds.timing("indexes"):
        try:
            made = set_aside.restore(uow.session.connection())
        except set_aside.BrokenReferences as exc:
            log.error("records break foreign keys set aside for a bulk load, left missing: %s", exc)
            return str(exc)
    if made:
        log.info("records' indexes made again after a bulk load: %s", ", ".join(made))
    return None


def _sqlite(uow: UnitOfWork) -> bool:
    return uow.session.get_bind().dialect.name == "sqlite"


def _reread(uow: UnitOfWork, job_id: int) -> ImportJob:
    """The job, after rolling its failed batch back; waits DATABASE_RETURN_SECONDS at most for a
    database that went away (the batch failed because it did)."""
    deadline = time.monotonic() + DATABASE_RETURN_SECONDS
    while True:
        try:
            uow.rollback()  # on a connection the server dropped without a word, this is what fails
            return uow.session.get(ImportJob, job_id)
        except OperationalError:
            if time.monotonic() > deadline:
                raise
            time.sleep(1)


def _uploader(principal_id: int | None) -> Viewer | None:
    """Who a job's batches are written by: the principal that uploaded the file (none for a file
    imported at the terminal: the platform itself)."""
    principal = db.session.get(Principal, principal_id) if principal_id else None
    return Viewer(principal.role, principal.id, principal.department_id) if principal else None


def _failure_messages(reason_en: str, reason_zh: str, rows_committed: int) -> tuple[str, str]:
    if not rows_committed:
        return f"{reason_en}; nothing was imported", f"{reason_zh}；未导入任何数据"
    return (f"{reason_en}; rows up to {rows_committed} were committed",
            f"{reason_zh}；第{rows_committed}行及之前的数据已入库")


def dry_run(department: Department, path: Path, options: dict, keep_rejections: int = 0) -> tuple[Tally, list[str]]:
    """Everything an import would do, counted, then rolled back: nothing is written. The unknown
    columns are the first UNKNOWN_COLUMNS_SHOWN (the tally counts them all); the tally keeps the
    first `keep_rejections` rejected fields for showing."""
    tally, unknown, uow = Tally(keep_rejections=keep_rejections), [], UnitOfWork(db.session)
    try:
        with _explained():
            for item in _run(uow, path, options, department, tally, None, None):
                if isinstance(item, FileMeta):
                    unknown, tally.unknown_column_count = item.unknown_columns, item.unknown_column_count
    finally:
        uow.rollback()
        _usual_settings(uow)
    return tally, unknown


@contextmanager
def _explained():
    """Any failure of a run as an ImportFileError, which fails the job with a message instead of
    leaving it running; an unexpected one (a bug, a dead worker) is logged in full for the operator."""
    try:
        yield
    except ImportFileError:
        raise
    except Exception as exc:
        if isinstance(exc, DBAPIError) and _database_gone(exc):
            raise _connection_lost(exc) from exc
        # One readable line (a CLI user gets no traceback); the traceback too when debugging.
        cause = (str(exc).splitlines() or [exc.__class__.__name__])[0][:200]
        log.error("import stopped unexpectedly: %s", cause, exc_info=log.isEnabledFor(logging.DEBUG))
        raise ImportFileError(message_en=f"the import stopped unexpectedly ({cause})",
                              message_zh=f"导入意外中断（{cause}）",
                              code="internal_error") from exc


def _database_gone(exc: DBAPIError) -> bool:
    """The connection in use died (restarted, killed, failed over), or a new one could not be made: no
    statement was running (a crash seen first by the pool's pre-ping, while the server is still down)."""
    return exc.connection_invalidated or (isinstance(exc, OperationalError) and exc.statement is None)


def _connection_lost(exc: DBAPIError) -> ImportFileError:
    cause = (str(exc.orig or exc).splitlines() or ["?"])[0][:200]
    log.error("import cut: the database connection was lost (%s)", cause)
    return ImportFileError(message_en=f"the database connection was lost ({cause}); upload the same file again to "
                                      "resume after the last committed row",
                           message_zh=f"数据库连接中断（{cause}）；重新上传同一文件即可从最后入库的行之后继续",
                           code="database_unavailable")


def _save_progress(job: ImportJob, tally: Tally) -> None:
    job.rows_read, job.rows_committed, job.bytes_read = tally.rows_read, tally.rows_committed, tally.bytes_read
    for name in COUNTERS:
        setattr(job, name, tally.counts[name])
    job.warnings = list(tally.warnings)


def _run(uow: UnitOfWork, path: Path, options: dict, department: Department, tally: Tally, job_id: int | None,
         uploader: Viewer | None, worker_start: str = FORKSERVER):
    """Write the file's batches after `tally.rows_committed`; yields its FileMeta, then after each batch.
    The audit trail gets one entry a batch for its inserted records and one for its updated ones."""
    today = clock_today()
    config = settings()
    if _sqlite(uow):
        # The pages of the indexes a bulk job updates stay in memory (32 MB; SQLite's default is 2 MB),
        # and the log is copied back into the database every 64 MB, not every 4 MB: at a million rows
        # those copies were a sixth of the job (commit 24 s -> 15-18 s). Until `_usual_settings`.
        _sqlite_settings(uow, BULK_CACHE_KB, BULK_CHECKPOINT_PAGES)
    writer = writer_for(uow, department, rules(), today, uploader, stages=tally.seconds)
    options = {**options, "archive_limits": ArchiveLimits.of(config)}
    stop = RejectionLimit.of(config)
    bulk_load = _bulk_load(uow, path, tally, config) if job_id is not None else None
    batches = read_batches(path, options, tally.rows_committed, DepartmentRef.of(department), today,
                           config.IMPORT_BATCH_ROWS, writer.encoder, config.IMPORT_WORKERS, worker_start)
    while True:
        with tally.seconds.timing("wait_for_workers"):
            batch = next(batches, None)
        if batch is None:
            return
        if isinstance(batch, FileMeta):
            yield batch
            continue
        tally.seconds += batch.seconds
        if batch.rejections and job_id is not None:
            with tally.seconds.timing("rejections"):
                uow.session.execute(insert(ImportRejection),
                                   [_rejection(job_id, n, e) for n, e in batch.rejections])
        elif room := tally.keep_rejections - len(tally.rejections):
            tally.rejections += batch.rejections[:room]
        tally.rows_read += batch.rows_read
        tally.counts["rejected"] += batch.rejected_rows
        stop.check(tally.counts["rejected"], tally.rows_read)  # before the batch's rows are written
        for name, count in writer.write_encoded(batch.encoded).items():
            tally.counts[name] += count
            if count and name in AUDITED:
                uow.audit(AUDITED[name], uploader, "import_job", job_id,
                          {"count": count, "rows_through": batch.last_row})
        tally.warn(writer.name_warnings)
        writer.name_warnings.clear()
        tally.rows_committed, tally.bytes_read = batch.last_row, batch.bytes_read
        if bulk_load and bulk_load(batch):
            bulk_load = None
        yield tally


def _bulk_load(uow: UnitOfWork, path: Path, tally: Tally, config):
    """What to call after each of the job's batches until it returns True: it sets the records'
    secondary indexes aside once the rows the job is expected to bring (judged by the bytes its
    batches took) are many against those stored (registry/records/set_aside.py); the job makes them
    again at its end. None when no import would set them aside."""
    if not config.IMPORT_BULK_LOAD_ROWS:
        return None
    stored = set_aside.records_stored(uow.session.connection())
    size, resumed_after = path.stat().st_size, tally.rows_committed

    def set_aside_if_large(batch) -> bool:
        # The readers are a chunk ahead of their rows: a small file is read whole by its first batch.
        expected = max(batch.last_row, batch.last_row * size // max(batch.bytes_read, 1)) - resumed_after
        if not set_aside.pays(expected, stored, config.IMPORT_BULK_LOAD_ROWS):
            return False
        with tally.seconds.timing("indexes"):
            set_aside.set_aside(uow.session.connection())
        log.info("bulk load: about %d rows into %d records, the records' indexes set aside", expected, stored)
        return True

    return set_aside_if_large


def _rejection(job_id, row_number: int, error: FieldError) -> dict:
    # A NUL is shown, not stored: PostgreSQL's text cannot hold one.
    value = None if error.value is None else str(error.value)[:500].replace("\x00", "\\0")
    return {"job_id": job_id, "row_number": row_number, "field": error.field, "code": error.code, "value": value,
            "message_zh": error.message_zh, "message_en": error.message_en}


def list_jobs(department_id: int, cursor: str | None = None, limit: int = 20) -> dict:
    """A department's import jobs, newest first, one page at a time."""
    query = select(ImportJob).where(ImportJob.department_id == department_id)
    if cursor:
        query = query.where(ImportJob.id < decode_id_cursor(cursor))
    found = db.session.scalars(query.order_by(ImportJob.id.desc()).limit(limit + 1)).all()
    page = found[:limit]
    return {"items": page, "next_cursor": encode_cursor(page[-1].id) if len(found) > limit else None}


def get_job(department_id: int | None, job_id: int) -> ImportJob:
    """A job, for its own department (or the credit centre when department_id is None)."""
    job = db.session.get(ImportJob, job_id)
    if job is None or (department_id is not None and job.department_id != department_id):
        raise NotFound(message_en=f"no import job {job_id}", message_zh=f"导入任务 {job_id} 不存在",
                       code="import_not_found")
    return job


def department_of(viewer) -> Department:
    return db.session.get(Department, viewer.department_id)
