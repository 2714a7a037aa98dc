"""Reading, validating and preparing a file in a worker process while the caller writes batches.

Per-row Python work (parsing, validation, publicity, hashing) is most of an import's cost; doing
it in a second process lets the database writes of one batch overlap the preparation of the
next. The worker runs from a forkserver (single-threaded, so safe to fork even when the import
was started from a web server thread) and never touches the database.
"""

import multiprocessing
import queue as queues
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from ..errors import FieldError
from ..records.prepare import DepartmentRef, prepare
from ..records.publicity import rules
from ..records.validation import source_unit_error, validate_record
from .readers import ImportFileError, RowProblem, open_rows

QUEUE_DEPTH = 3  # batches in flight: bounds memory whatever the file size


@dataclass
class FileMeta:
    format: str
    kind: str | None
    unknown_columns: list


@dataclass
class Batch:
    """Consecutive file rows up to `last_row`: what to write, and what was rejected and why."""

    last_row: int
    bytes_read: int
    rows_read: int = 0
    rejected_rows: int = 0
    prepared: list = field(default_factory=list)
    rejections: list = field(default_factory=list)  # (row number, FieldError)


@dataclass
class Failure:
    message_en: str
    message_zh: str
    code: str
    unexpected: bool = False


def _context():
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload([__name__])
    return context


def read_batches(path: Path, options: dict, skip_through: int, department: DepartmentRef, today: date,
                 batch_rows: int) -> Iterator[FileMeta | Batch]:
    """Yield the file's FileMeta, then its batches; raise ImportFileError if it cannot be read."""
    context = _context()
    channel = context.Queue(maxsize=QUEUE_DEPTH)
    worker = context.Process(target=_produce, daemon=True,
                             args=(str(path), options, skip_through, department, today, batch_rows, channel))
    worker.start()
    try:
        while True:
            try:
                item = channel.get(timeout=1)
            except queues.Empty:
                if worker.is_alive():
                    continue
                raise RuntimeError(f"the reading process ended unexpectedly (exit code {worker.exitcode})") from None
            if item is None:
                return
            if isinstance(item, Failure):
                if item.unexpected:
                    raise RuntimeError(item.message_en)
                raise ImportFileError(item.message_en, item.message_zh, code=item.code)
            yield item
    finally:
        if worker.is_alive():
            worker.terminate()
        worker.join()


def _produce(path, options, skip_through, department, today, batch_rows, channel) -> None:
    try:
        _read(path, options, skip_through, department, today, batch_rows, channel)
    except ImportFileError as exc:
        channel.put(Failure(exc.message_en, exc.message_zh, exc.code))
    except Exception as exc:  # a bug must reach the job as a failure, not hang it
        channel.put(Failure(f"{exc.__class__.__name__}: {exc}", "导入过程出现内部错误", "internal_error", True))
    else:
        channel.put(None)


def _read(path, options, skip_through, department, today, batch_rows, channel) -> None:
    book = rules()
    with open_rows(path, **options) as source:
        channel.put(FileMeta(source.format, source.kind, source.unknown_columns))
        batch = Batch(last_row=skip_through, bytes_read=0)
        for row_number, raw in source:
            if row_number <= skip_through:
                continue  # committed by an earlier, interrupted run
            batch.last_row = row_number
            batch.rows_read += 1
            clean, errors = _check(raw, source.kind, department, today)
            if errors:
                batch.rejected_rows += 1
                batch.rejections += [(row_number, error) for error in errors]
            else:
                batch.prepared.append(prepare(clean, department, book, today))
            if len(batch.prepared) >= batch_rows or len(batch.rejections) >= batch_rows:
                batch.bytes_read = source.bytes_read
                channel.put(batch)
                batch = Batch(last_row=row_number, bytes_read=0)
        batch.bytes_read = source.bytes_read
        channel.put(batch)


def _check(raw, kind, department: DepartmentRef, today: date) -> tuple[dict | None, list[FieldError]]:
    """The clean row, or every problem it has."""
    if isinstance(raw, RowProblem):
        return None, [FieldError(raw.field or "", raw.code, raw.message_zh, raw.message_en)]
    clean, errors = validate_record(raw, kind=kind, today=today)
    if errors:
        return None, errors
    if foreign := source_unit_error(clean, department.uscc):
        return None, [foreign]
    return clean, []
