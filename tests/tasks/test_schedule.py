"""The schedule's rules at their boundaries: Beijing minutes, hourly offers of daily tasks, the calendar warning."""

from datetime import UTC, date, datetime, time

from registry.domain.periods import BEIJING
from registry.tasks.schedule import SCHEDULE, Entry, beijing_day, calendar_missing

SWEEP = Entry("publicity_sweep", time(0, 5))


def test_a_daily_task_is_offered_at_its_beijing_minute_then_hourly_until_the_day_ends():
    assert not SWEEP.due(datetime(2026, 6, 22, 0, 4, 59, tzinfo=BEIJING))
    assert SWEEP.due(datetime(2026, 6, 22, 0, 5, tzinfo=BEIJING))
    assert SWEEP.due(datetime(2026, 6, 21, 16, 5, tzinfo=UTC))  # the same minute, read in UTC
    assert SWEEP.due(datetime(2026, 6, 22, 23, 5, tzinfo=BEIJING))
    assert not SWEEP.due(datetime(2026, 6, 22, 0, 6, tzinfo=BEIJING))
    late = Entry("notices_send", time(8, 0))
    assert not late.due(datetime(2026, 6, 22, 7, 0, tzinfo=BEIJING)) and late.due(datetime(2026, 6, 22, 9, 0,
                                                                                            tzinfo=BEIJING))


def test_every_minute_tasks_are_always_offered_and_the_day_is_beijing_s():
    minutely = [entry for entry in SCHEDULE if entry.daily_at is None]
    assert {entry.task for entry in minutely} == {"webhooks_deliver", "imports_recover", "search_drain",
                                                  "changes_deliver"}
    assert all(entry.due(datetime(2026, 1, 1, 3, 17, tzinfo=UTC)) for entry in minutely)
    assert beijing_day(datetime(2026, 6, 21, 16, 0, tzinfo=UTC)) == date(2026, 6, 22)
    assert beijing_day(datetime(2026, 6, 21, 15, 59, tzinfo=UTC)) == date(2026, 6, 21)


def test_next_year_s_calendar_is_asked_for_from_the_first_of_november():
    assert calendar_missing(date(2026, 10, 31), {2026}) is None
    assert calendar_missing(date(2026, 11, 1), {2026}) == 2027
    assert calendar_missing(date(2026, 12, 31), {2026}) == 2027
    assert calendar_missing(date(2026, 11, 1), {2026, 2027}) is None
    assert calendar_missing(date(2027, 1, 1), {2026}) is None  # its own year is another check's
