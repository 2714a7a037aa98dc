"""Reading, validating and preparing a file in worker processes while the caller writes batches.

Per-row Python work (parsing, validation, publicity, hashing) is most of an import's cost; doing
it in other processes lets the database writes of one batch overlap the preparation of the
next. Workers run from a forkserver (single-threaded, so safe to fork even when the import was
started from a web server thread) and never touch the database.

With several workers, each reads the whole file (reading is the cheap part) and validates and
prepares every n-th batch; the caller takes the batches back in file order, so batches, their
boundaries and what a resumed job skips are the same whatever the number of workers.
"""

import multiprocessing
import os
import queue as queues
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from time import perf_counter

from ..errors import FieldError
from ..records.prepare import DepartmentRef, prepare_batch
from ..records.publicity import rules
from ..records.validation import sender_error, validate_record
from ..stages import StageTimes
from .models import UNKNOWN_COLUMNS_SHOWN
from .readers import ImportFileError, RowProblem, open_rows

# Valid rows prepared together: enough for whole columns to pay, few enough that a worker holds the
# encoded form of its batch's records rather than their values.
PREPARED_TOGETHER = 500
QUEUE_DEPTH = 1  # finished batches waiting per worker (each several MB): bounds memory whatever the file size
# Workers yield the processor to the writer and the database server, which are an import's critical
# path: the workers are ahead of them whenever the processors are contended.
WORKER_NICENESS = 10


@dataclass
class FileMeta:
    format: str
    kind: str | None
    unknown_columns: list  # the first UNKNOWN_COLUMNS_SHOWN: a job's answer stays small whatever the header
    unknown_column_count: int


@dataclass
class Batch:
    """Consecutive file rows up to `last_row`: what to write, and what was rejected and why."""

    last_row: int
    bytes_read: int
    rows_read: int = 0
    rejected_rows: int = 0
    encoder: object = None  # takes the rows to write, prepared, until the batch is sent (the writer's `encoder`)
    clean: list = field(default_factory=list)  # the valid rows taken since the encoder was last given some
    encoded: object = None  # then the rows to write in the writer's form (what the encoder made of them)
    rejections: list = field(default_factory=list)  # (row number, FieldError)
    seconds: StageTimes = field(default_factory=StageTimes)  # the worker's time on these rows, by stage


@dataclass
class Failure:
    message_en: str
    message_zh: str
    code: str
    unexpected: bool = False


# How the workers start. From a forkserver (the default), which preloads this module once and forks
# each worker in milliseconds, and which a server shares with its exports and report batches; it stays
# when the workers are gone, holding what it preloaded (~45 MB). A process that imports once and ends
# (`registry import`) spawns them instead: each starts in about half a second, and nothing outlives them.
FORKSERVER, SPAWN = "forkserver", "spawn"


def _context(start: str):
    context = multiprocessing.get_context(start)
    if start == FORKSERVER:
        context.set_forkserver_preload([__name__])
    return context


def read_batches(path: Path, options: dict, skip_through: int, department: DepartmentRef, today: date,
                 batch_rows: int, encoder, workers: int = 1, start: str = FORKSERVER) -> Iterator[FileMeta | Batch]:
    """Yield the file's FileMeta, then its batches of `batch_rows` rows each, in file order, their
    prepared rows turned into the writer's form by an `encoder` (a module-level class) per batch;
    raise ImportFileError if it cannot be read. `start`: how the worker processes start (above)."""
    context = _context(start)
    channels = [context.Queue(maxsize=QUEUE_DEPTH) for _ in range(workers)]
    processes = [
        context.Process(target=_produce, daemon=True, args=(str(path), options, skip_through, department, today,
                                                            batch_rows, encoder, (number, workers), channel))
        for number, channel in enumerate(channels)
    ]
    for process in processes:
        process.start()
    try:
        yield [_receive(process, channel) for process, channel in zip(processes, channels, strict=True)][0]
        index = 0
        while (batch := _receive(processes[index % workers], channels[index % workers])) is not None:
            yield batch
            index += 1
    finally:
        for process in processes:
            if process.is_alive():
                process.terminate()
            process.join()


def _receive(process, channel):
    """The worker's next item (None once it has no more), raising what it failed with."""
    while True:
        try:
            item = channel.get(timeout=1)
            break
        except queues.Empty:
            if not process.is_alive():
                raise RuntimeError(f"a reading process ended unexpectedly (exit code {process.exitcode})") from None
    if isinstance(item, Failure):
        if item.unexpected:
            raise RuntimeError(item.message_en)
        raise ImportFileError(message_en=item.message_en, message_zh=item.message_zh, code=item.code)
    return item


def _produce(path, options, skip_through, department, today, batch_rows, encoder, share, channel) -> None:
    os.nice(WORKER_NICENESS)
    sender = _Sender(channel)
    try:
        _read(path, options, skip_through, department, today, batch_rows, encoder, sender, share)
    except ImportFileError as exc:
        sender.put(Failure(exc.message_en, exc.message_zh, exc.code))
    except Exception as exc:  # a bug must reach the job as a failure, not hang it
        sender.put(Failure(f"{exc.__class__.__name__}: {exc}", "导入过程出现内部错误", "internal_error", True))
    else:
        sender.put(None)


class _Sender:
    """Puts FileMeta and finished batches, encoded for the writer, on the worker's channel; ends the
    worker when the importing process is gone (killed), instead of waiting for it for ever."""

    def __init__(self, channel):
        self.channel = channel
        self.importer = multiprocessing.parent_process()

    def put(self, item) -> None:
        while True:
            try:
                self.channel.put(item, timeout=1)
                return
            except queues.Full:
                if self.importer is not None and not self.importer.is_alive():
                    self.channel.cancel_join_thread()  # nobody will read what is queued
                    raise SystemExit(0) from None


def _read(path, options, skip_through, department, today, batch_rows, encoder, channel: _Sender, share) -> None:
    """Send FileMeta, then the batches this worker's share names: (worker number, worker count)."""
    number, workers = share
    book = rules()

    def send(batch: Batch) -> None:
        _prepare(batch, department, book, today)
        started = perf_counter()
        batch.encoded, batch.encoder = batch.encoder.finish(), None
        batch.seconds["encode"] += perf_counter() - started
        channel.put(batch)  # waits while the writer is behind: not reading time

    def mine(position: int) -> bool:
        return (position // batch_rows) % workers == number

    with open_rows(path, **options) as source:
        unknown = source.unknown_columns
        channel.put(FileMeta(source.format, source.kind, unknown[:UNKNOWN_COLUMNS_SHOWN], len(unknown)))
        batch, position, previous_row = None, 0, skip_through
        source.skipping = not mine(0)
        reading = perf_counter()
        for row_number, raw in source:
            if row_number <= skip_through:
                continue  # committed by an earlier, interrupted run
            if position % batch_rows == 0:
                if batch is not None:
                    batch.bytes_read = source.bytes_read
                    send(batch)
                    reading = perf_counter()
                batch = Batch(last_row=previous_row, bytes_read=0, encoder=encoder()) if mine(position) else None
            position += 1
            previous_row = row_number
            if position % batch_rows == 0:
                source.skipping = not mine(position)  # the next row starts a batch: read it whole if it is ours
            if batch is None:
                continue  # another worker's batch
            started = perf_counter()
            batch.seconds["read"] += started - reading
            _take(batch, row_number, raw, source.kind, department, today)
            if len(batch.clean) == PREPARED_TOGETHER:
                _prepare(batch, department, book, today)
            reading = perf_counter()
        if batch is not None or (position == 0 and number == 0):
            batch = batch or Batch(last_row=skip_through, bytes_read=0, encoder=encoder())  # nothing (left) to read
            batch.bytes_read = source.bytes_read
            send(batch)


def _take(batch: Batch, row_number: int, raw, kind, department: DepartmentRef, today: date) -> None:
    """Validate one row into the batch: kept for writing, or rejected with its reasons."""
    started = perf_counter()
    batch.last_row = row_number
    batch.rows_read += 1
    clean, errors = _check(raw, kind, department, today)
    batch.seconds["validate"] += perf_counter() - started
    if errors:
        batch.rejected_rows += 1
        batch.rejections += [(row_number, error) for error in errors]
        return
    batch.clean.append(clean)


def _prepare(batch: Batch, department: DepartmentRef, book, today: date) -> None:
    """Prepare the valid rows taken since the last call together and hand them to the batch's encoder."""
    started = perf_counter()
    prepared = prepare_batch(batch.clean, department, book, today)
    batch.clean = []
    encoding = perf_counter()
    batch.encoder.add(prepared)
    batch.seconds["prepare"] += encoding - started
    batch.seconds["encode"] += perf_counter() - encoding


def _check(raw, kind, department: DepartmentRef, today: date) -> tuple[dict | None, list[FieldError]]:
    """The clean row, or every problem it has."""
    if isinstance(raw, RowProblem):
        return None, [FieldError(raw.field or "", raw.code, message_zh=raw.message_zh, message_en=raw.message_en)]
    clean, errors = validate_record(raw, kind=kind, today=today)
    if errors:
        return None, errors
    if foreign := sender_error(clean, department):
        return None, [foreign]
    return clean, []
