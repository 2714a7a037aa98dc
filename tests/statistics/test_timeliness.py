"""The 7-working-day rule for 双公示 data, counted at its boundaries: working days from the decision to
the first submission (a Beijing day), across weekends, holidays and make-up working days."""

from datetime import UTC, date, datetime

from registry.access.services import Viewer
from registry.imports.quality import Scope, collection, late_records
from tests.statistics.data import beijing

# Decided Monday 28 September 2026: 29 and 30 September are working days 1 and 2, 1-7 October is
# National Day, 8 and 9 October are 3 and 4, Saturday 10 October is a make-up working day (5),
# Monday 12 and Tuesday 13 are 6 and 7: the 7th working day is 13 October, the 8th 14 October.
DECIDED = date(2026, 9, 28)
SEVENTH, EIGHTH = date(2026, 10, 13), date(2026, 10, 14)
REVIEWER = Viewer("reviewer", principal_id=1)
OCTOBER = Scope(date(2026, 10, 1), date(2026, 10, 31))


def figures(app, scope=OCTOBER):
    with app.app_context():
        found = collection(scope)
        return found, late_records(scope, found, REVIEWER)


def test_the_seventh_working_day_is_on_time_and_the_eighth_late(app, submit):
    on_time = submit(DECIDED, SEVENTH)
    late = submit(DECIDED, EIGHTH)
    found, listed = figures(app)
    assert (found.total.submitted, found.total.late, found.total.on_time) == (2, 1, 1)
    assert [(r.id, r.workdays, r.submitted_on) for r in listed] == [(late, 8, EIGHTH)]
    assert on_time not in [r.id for r in listed]


def test_a_weekend_is_not_counted(app, submit):
    """Decided Friday 16 October: the 7th working day is Tuesday 27 October, the 8th Wednesday 28."""
    submit(date(2026, 10, 16), date(2026, 10, 27))
    submit(date(2026, 10, 16), date(2026, 10, 28))
    found, listed = figures(app)
    assert found.total.late == 1 and [r.submitted_on for r in listed] == [date(2026, 10, 28)]


def test_the_submission_day_is_the_day_in_beijing(app, submit):
    """15:59:59 UTC is still 13 October in Beijing (on time); 16:00 UTC is 14 October there (late)."""
    submit(DECIDED, datetime(2026, 10, 13, 15, 59, 59, tzinfo=UTC))
    late = submit(DECIDED, datetime(2026, 10, 13, 16, 0, tzinfo=UTC))
    found, listed = figures(app)
    assert found.total.late == 1 and [r.id for r in listed] == [late]


def test_the_period_holds_what_was_submitted_in_it_by_beijing_day_and_month(app, submit):
    submit(DECIDED, beijing(date(2026, 9, 30)))
    submit(DECIDED, datetime(2026, 9, 30, 16, 0, tzinfo=UTC))  # 1 October in Beijing
    submit(date(2026, 10, 20), date(2026, 11, 2))
    found, _ = figures(app)
    assert found.total.submitted == 1 and list(found.by_month) == ["2026-10"]
    whole, _ = figures(app, Scope(date(2026, 9, 1), date(2026, 11, 30)))
    assert {m: t.submitted for m, t in whole.by_month.items()} == {"2026-09": 1, "2026-10": 1, "2026-11": 1}


def test_a_department_or_a_district_keeps_only_its_own(app, submit, departments):
    submit(DECIDED, EIGHTH, "transport")
    submit(DECIDED, EIGHTH, "tax")
    submit(DECIDED, SEVENTH, "tax")
    tax = departments["tax"]["id"]
    found, listed = figures(app, Scope(OCTOBER.start, OCTOBER.end, department_id=tax))
    assert set(found.by_department) == {tax} and (found.total.submitted, found.total.late) == (2, 1)
    assert [r.department for r in listed] == [departments["tax"]["name"]]
    nowhere, _ = figures(app, Scope(OCTOBER.start, OCTOBER.end, district="150581"))
    assert nowhere.total.submitted == 0


def test_late_records_are_paged_latest_submission_first(app, submit):
    ids = [submit(DECIDED, datetime(2026, 10, 20, hour, tzinfo=UTC)) for hour in range(3)]
    with app.app_context():
        found = collection(OCTOBER)
        pages = [late_records(OCTOBER, found, REVIEWER, offset=offset, limit=2) for offset in (0, 2)]
    assert [[r.id for r in page] for page in pages] == [[ids[2], ids[1]], [ids[0]]]
