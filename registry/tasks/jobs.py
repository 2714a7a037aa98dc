"""The tasks: thin wrappers of the services, each run in an application context by a queue worker.

TASKS are what requests and commands put on the queue; SCHEDULED are what the schedule
(registry.tasks.schedule) offers, each called with the moment it runs at.
"""

import logging
import subprocess
import sys
from datetime import datetime, timedelta

from sqlalchemy import or_, select

from ..calendars import calendar
from ..extensions import db
from ..feed.exports import build_export
from ..feed.retention import purge_events
from ..feed.webhooks import deliver_changes
from ..imports.limits import purge_uploads
from ..imports.locks import JobLock
from ..imports.models import QUEUED, RUNNING, ImportJob
from ..imports.services import JobBusy, run_job
from ..notices.webhooks import deliver
from ..publicsearch.reindex import rebuild_index
from ..records.sweep import end_expired_publicity
from ..repairs.jobs import lapse_overdue
from ..repairs.notices import produce_arrival_notices, send_repairable_letters
from ..reports.batch_upkeep import fail_stalled, purge_batch_files
from ..reports.batches import run_batch
from ..runtime import settings
from .once import once_a_day, while_held
from .queue import enqueue, waiting
from .schedule import beijing_day, calendar_missing

log = logging.getLogger(__name__)
# A drain keeps draining for the minute until the schedule's next offer, which waits for it to let go
# (a follower may overrun its minute by a few seconds of sending): the drains follow each other without a gap.
DRAIN_SECONDS = 60
DRAIN_HANDOVER_SECONDS = 15
RECOVER_QUEUED_AFTER = timedelta(minutes=5)  # a queued import no worker has taken by then is offered again


def import_job(job_id: int) -> str | None:
    """Run (or resume) an import job; nothing when it is finished or another worker runs it."""
    job = db.session.get(ImportJob, job_id)
    if job is None or job.state not in (QUEUED, RUNNING):
        return None
    try:
        return run_job(job_id).state
    except JobBusy:
        return None


def report_batch(batch_id: int, base_url: str) -> None:
    run_batch(batch_id, base_url)


def reindex() -> dict:
    return rebuild_index()


def publicity_sweep(now: datetime):
    return once_a_day("publicity_sweep", beijing_day(now), lambda day: {"ended": end_expired_publicity(day)})


def repairs_lapse(now: datetime):
    return once_a_day("repairs_lapse", beijing_day(now), lambda day: {"lapsed": lapse_overdue(day)})


def notices_send(now: datetime):
    """The day's notices and letters, then their webhooks at once (not at the next minute's delivery)."""
    return once_a_day("notices_send", beijing_day(now), lambda day: {
        "repair_notices": produce_arrival_notices(day), "letters": send_repairable_letters(day),
        "webhooks": webhooks_deliver(now)})


def uploads_purge(now: datetime):
    """Uploaded files past REGISTRY_IMPORT_RETENTION_DAYS go (`registry imports purge`)."""
    return once_a_day("uploads_purge", beijing_day(now),
                      lambda day: {"deleted": len(purge_uploads(settings().INSTANCE_DIR, None))})


def report_batches_upkeep(now: datetime):
    """Stalled report batches fail, and old batches' PDFs go (`registry reports purge-batches`)."""
    return once_a_day("report_batches_upkeep", beijing_day(now),
                      lambda day: {"failed": fail_stalled(), "purged": purge_batch_files()})


def calendar_check(now: datetime):
    """From 1 November, a warning a day until next year's working-day calendar is loaded."""
    missing = calendar_missing(beijing_day(now), calendar().years())
    if missing:
        log.warning("the working-day calendar of %s is not loaded: load the State Council's schedule with "
                    "`registry calendar load` (%s年工作日历尚未导入)", missing, missing)
    return {"missing_year": missing}


def webhooks_deliver(now: datetime):
    return while_held("webhooks_deliver", lambda: deliver(now))


def changes_deliver(now: datetime):
    """The change feed's signed deliveries to its subscribers (`registry changes deliver`)."""
    return while_held("changes_deliver", lambda: deliver_changes(now))


def changes_purge(now: datetime):
    """Feed events past REGISTRY_FEED_RETENTION_DAYS go (`registry changes purge`)."""
    return once_a_day("changes_purge", beijing_day(now), lambda day: {"deleted": purge_events(now)})


def exports_build(now: datetime):
    """The day's export of the public record (`registry exports build`), after the night's sweep."""
    return once_a_day("exports_build", beijing_day(now), lambda day: {"cursor": build_export(day).get("cursor")})


def search_drain(now: datetime) -> int:
    """Start `registry search drain --follow` for a minute, in a process of its own, and return its pid:
    it never competes with an import's writer for this worker's interpreter lock, and holds none of
    its threads. The process takes its turn once loaded, waiting for the drain before it to finish,
    so the next minute's drain is ready when this one lets go (loading a process took seconds, in
    which the engine fell behind an import). A drain outlives a killed worker by two minutes at most;
    one that overlaps the next is harmless (the engine keeps each document's newest version)."""
    command = [sys.executable, "-m", "registry.cli", "search", "drain", "--follow", "--for", str(DRAIN_SECONDS),
               "--wait-turn", str(DRAIN_SECONDS + DRAIN_HANDOVER_SECONDS)]
    return subprocess.Popen(command, stdout=subprocess.DEVNULL).pid


def imports_recover(now: datetime) -> list[int]:
    """Offer again the imports whose worker died (running, nobody holds them) or that no worker took."""
    stale = now - RECOVER_QUEUED_AFTER
    candidates = db.session.scalars(select(ImportJob.id).where(
        or_(ImportJob.state == RUNNING, (ImportJob.state == QUEUED) & (ImportJob.created_at < stale)))).all()
    db.session.rollback()
    already = waiting("import_job")  # a backlog's imports are not offered again every minute
    offered = [job_id for job_id in candidates if (job_id,) not in already and _free(job_id)]
    for job_id in offered:
        enqueue("import_job", job_id)
    return offered


def _free(job_id: int) -> bool:
    lock = JobLock(job_id, settings().INSTANCE_DIR)
    if not lock.acquire():
        return False
    lock.release()
    return True


TASKS = {
    "import_job": (import_job, {}),  # a dead worker's import is offered again by imports_recover
    "report_batch": (report_batch, {}),  # a dead worker's batch stalls and is failed (reports.batch_upkeep)
    "reindex": (reindex, {"retries": 2, "retry_delay": 60}),
}
SCHEDULED = {function.__name__: function for function in (
    publicity_sweep, repairs_lapse, notices_send, uploads_purge, report_batches_upkeep, calendar_check,
    webhooks_deliver, search_drain, imports_recover, changes_deliver, changes_purge, exports_build)}
