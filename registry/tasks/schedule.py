"""The schedule, in one place and in Beijing time: which task the queue runs when.

A daily task is offered at its minute every hour from its hour on (00:05, 01:05, ... 23:05): the first
offer that finishes marks the day done (registry.tasks.once) and the later ones return at once, so
a worker that died mid-run leaves the day's run to the next hour rather than to the next day.
"""

from dataclasses import dataclass
from datetime import date, datetime, time

from ..domain.periods import BEIJING


@dataclass(frozen=True)
class Entry:
    task: str  # a name of registry.tasks.jobs.SCHEDULED
    daily_at: time | None = None  # Beijing time; None: every minute
    external_search_only: bool = False  # only where an external engine is fed from the outbox
    # Started by the worker's scheduler itself, not put on the queue: a task thread busy with a long
    # task (an import, the day's export) must never hold it up. Only for work that returns at once.
    by_scheduler: bool = False

    def due(self, moment: datetime) -> bool:
        """Whether the schedule offers this task in the minute of `moment` (an aware datetime)."""
        if self.daily_at is None:
            return True
        local = moment.astimezone(BEIJING)
        return local.minute == self.daily_at.minute and local.hour >= self.daily_at.hour


SCHEDULE = (
    Entry("publicity_sweep", time(0, 5)),  # just after midnight: records leave display on their end date
    Entry("repairs_lapse", time(0, 15)),
    Entry("notices_send", time(8, 0)),  # office hours: letters and notices arrive as the day starts
    Entry("uploads_purge", time(3, 0)),
    Entry("report_batches_upkeep", time(3, 10)),
    Entry("calendar_check", time(9, 0)),
    Entry("exports_build", time(1, 0)),  # after the sweep: the day's export shows what the public sees that day
    Entry("changes_purge", time(3, 20)),
    Entry("webhooks_deliver"),
    Entry("imports_recover"),
    Entry("changes_deliver"),  # the change feed's subscribers
    # Keeps draining for the minute it runs: a process the scheduler starts (with one task thread on an
    # import and the other on the day's export, no drain ran for 2.5 minutes, and search fell 57 s behind).
    Entry("search_drain", external_search_only=True, by_scheduler=True),
)

CALENDAR_WARNING_FROM = (11, 1)  # month, day: next year's working-day calendar should be loaded by now


def beijing_day(moment: datetime) -> date:
    return moment.astimezone(BEIJING).date()


def calendar_missing(day: date, loaded_years) -> int | None:
    """The next year, when `day` is on or after 1 November and its calendar is not among `loaded_years`."""
    if (day.month, day.day) >= CALENDAR_WARNING_FROM and day.year + 1 not in loaded_years:
        return day.year + 1
    return None
