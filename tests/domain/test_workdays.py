"""Working-day calendar: expected dates are worked out by hand from the State Council notices.

Official schedules used below (国务院办公厅关于20xx年部分节假日安排的通知):
  2025 春节 01-28 (Tue) .. 02-04 (Tue), make-up working days Sun 01-26 and Sat 02-08.
  2025 国庆节、中秋节 10-01 (Wed) .. 10-08 (Wed), make-up working days Sun 09-28 and Sat 10-11.
  2026 春节 02-15 (Sun) .. 02-23 (Mon), make-up working days Sat 02-14 and Sat 02-28.
"""

import copy
import json
import subprocess
import sys
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest

from registry.domain.workdays import (
    CALENDAR_DIR,
    Calendar,
    CalendarDataError,
    Deadline,
    YearSchedule,
    qingming,
    statutory_holidays,
)

D = date.fromisoformat

# A 2027 schedule in the notice's shape, INVENTED for these tests (the real notice is not in the
# repository): New Year 01-01..01-03, Spring Festival 02-05..02-12 with make-up Saturday 02-20.
FIXTURE_2027 = {
    "year": 2027,
    "source": "test fixture, not an official notice",
    "holidays": [
        {"name": "元旦", "from": "2027-01-01", "to": "2027-01-03"},
        {"name": "春节", "from": "2027-02-05", "to": "2027-02-12"},
        {"name": "国庆节", "from": "2027-10-01", "to": "2027-10-07"},
    ],
    "workdays": ["2027-02-20"],
}


@pytest.fixture(scope="module")
def shipped():
    return Calendar.load()


@pytest.fixture
def cal():
    return Calendar.load()


def due(calendar, start, n):
    return calendar.add_workdays(D(start), n)


# --- shipped data ------------------------------------------------------------------------------


def test_shipped_years(shipped):
    assert shipped.years == (2024, 2025, 2026)
    assert shipped.schedule(2025).source == "国务院办公厅关于2025年部分节假日安排的通知"


@pytest.mark.parametrize(
    "day, working",
    [
        ("2025-01-27", True),  # Monday before the break
        ("2025-01-28", False),  # eve, first day of the break
        ("2025-02-04", False),  # last day of the break (Tuesday)
        ("2025-02-05", True),
        ("2025-01-26", True),  # make-up Sunday
        ("2025-02-08", True),  # make-up Saturday
        ("2025-02-09", False),  # ordinary Sunday
        ("2025-09-28", True),  # make-up Sunday
        ("2025-10-06", False),  # Mid-Autumn inside the National Day break
        ("2025-10-08", False),
        ("2025-10-09", True),
        ("2025-10-11", True),  # make-up Saturday
        ("2026-01-02", False),  # Friday off for New Year 2026
        ("2026-01-04", True),  # make-up Sunday
        ("2026-02-14", True),  # make-up Saturday
        ("2026-02-23", False),  # Monday, last day of the 2026 break
        ("2026-02-24", True),
        ("2026-02-28", True),  # make-up Saturday
        ("2024-06-10", False),  # Dragon Boat 2024 (Monday)
        ("2024-02-18", True),  # make-up Sunday 2024
    ],
)
def test_official_days(shipped, day, working):
    assert shipped.is_workday(D(day)) is working


def test_every_statutory_holiday_is_off_in_the_official_2025_and_2026_schedules(shipped):
    # Cross-check of the computed statutory days against the published schedules.
    for year in (2025, 2026):
        holidays = statutory_holidays(year)
        assert len(holidays) == 13
        for day in holidays:
            assert not shipped.is_workday(day), day


def test_shipped_files_round_trip():
    paths = sorted(CALENDAR_DIR.glob("*.json"))
    assert paths, f"no schedule in {CALENDAR_DIR}"
    for path in paths:
        data = json.loads(path.read_text(encoding="utf-8"))
        assert YearSchedule.from_dict(data).to_dict() == data, path.name


def test_runtime_does_not_need_chinesecalendar():
    code = (
        "import sys\n"
        "sys.modules['chinese_calendar'] = None  # any import of it would now fail\n"
        "from registry.domain.workdays import Calendar\n"
        "from datetime import date\n"
        "print(Calendar.load().add_workdays(date(2025, 9, 30), 10).due)\n"
    )
    root = Path(__file__).resolve().parents[2]
    out = subprocess.run([sys.executable, "-c", code], cwd=root, capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "2025-10-21"


# --- deadlines across the breaks -----------------------------------------------------------------


def test_2025_spring_festival(shipped):
    # Submitted Monday 01-27, the day before the break: the next working day is Wed 02-05.
    assert due(shipped, "2025-01-27", 1) == Deadline(D("2025-02-05"), False)
    # 02-05 (1), 02-06 (2), 02-07 (3), Sat 02-08 make-up (4), 02-10..02-14 (5..9), Mon 02-17 (10).
    assert due(shipped, "2025-01-27", 10) == Deadline(D("2025-02-17"), False)
    # The make-up Saturday is a working day of its own: 4 days after 01-27 is Sat 02-08.
    assert due(shipped, "2025-01-27", 4).due == D("2025-02-08")
    # A make-up Sunday counts too: Fri 01-24 -> Sun 01-26 (1), Mon 01-27 (2), Wed 02-05 (3).
    assert due(shipped, "2025-01-24", 1).due == D("2025-01-26")
    assert due(shipped, "2025-01-24", 3).due == D("2025-02-05")


def test_2026_spring_festival(shipped):
    # Submitted Friday 02-13: Sat 02-14 is a make-up working day.
    assert due(shipped, "2026-02-13", 1) == Deadline(D("2026-02-14"), False)
    # 02-14 (1), 02-24..02-27 (2..5), Sat 02-28 (6), 03-02..03-05 (7..10).
    assert due(shipped, "2026-02-13", 10) == Deadline(D("2026-03-05"), False)
    # Submitted on the make-up Saturday itself: day 0, the break follows.
    assert due(shipped, "2026-02-14", 1).due == D("2026-02-24")


def test_2025_national_day(shipped):
    # Tue 09-30, day before the break: 10-09 (1), 10-10 (2), Sat 10-11 (3), 10-13..10-17 (4..8),
    # 10-20 (9), Tue 10-21 (10).
    assert due(shipped, "2025-09-30", 10) == Deadline(D("2025-10-21"), False)
    assert due(shipped, "2025-09-30", 1).due == D("2025-10-09")
    # Fri 09-26: Sun 09-28 (1), 09-29 (2), 09-30 (3), 10-09 (4).
    assert due(shipped, "2025-09-26", 1).due == D("2025-09-28")
    assert due(shipped, "2025-09-26", 3).due == D("2025-09-30")
    assert due(shipped, "2025-09-26", 4).due == D("2025-10-09")


def test_deadline_starting_on_a_holiday(shipped):
    # Submitted during the break (Fri 10-03): counting starts after it.
    assert due(shipped, "2025-10-03", 1).due == D("2025-10-09")
    assert due(shipped, "2025-10-03", 3).due == D("2025-10-11")
    # Submitted on Sat 02-01 2025 inside the Spring Festival break.
    assert due(shipped, "2025-02-01", 3).due == D("2025-02-07")
    assert due(shipped, "2025-02-01", 4).due == D("2025-02-08")
    # Submitted on Wed 02-18 2026 inside the break; Tue 02-24 is the first working day.
    assert due(shipped, "2026-02-18", 1).due == D("2026-02-24")
    # Submitted on an ordinary Saturday.
    assert due(shipped, "2025-03-08", 1).due == D("2025-03-10")


def test_zero_and_invalid_counts(shipped):
    assert shipped.add_workdays(D("2025-10-03"), 0) == Deadline(D("2025-10-03"), False)
    with pytest.raises(ValueError):
        shipped.add_workdays(D("2025-10-03"), -1)
    with pytest.raises(TypeError):
        shipped.add_workdays(D("2025-10-03"), 1.5)
    with pytest.raises(TypeError):
        shipped.add_workdays("2025-10-03", 1)


def test_datetime_start_is_treated_as_its_date(shipped):
    result = shipped.add_workdays(datetime(2025, 9, 30, 17, 45), 10)
    assert result.due == D("2025-10-21") and type(result.due) is date


def test_workdays_between(shipped):
    assert shipped.workdays_between(D("2025-09-30"), D("2025-10-21")) == 10
    assert shipped.workdays_between(D("2025-10-21"), D("2025-09-30")) == -10
    assert shipped.workdays_between(D("2025-09-30"), D("2025-09-30")) == 0
    assert shipped.workdays_between(D("2025-09-30"), D("2025-10-08")) == 0  # all holiday
    assert shipped.workdays_between(D("2025-01-27"), D("2025-02-08")) == 4
    # The 2026 official year: 365 days, 104 weekend days (Jan 1 2026 is a Thursday, so 52
    # Saturdays + 52 Sundays), 6 make-up days, and 19 weekdays inside the breaks
    # (元旦 2, 春节 6, 清明 1, 劳动节 3, 端午 1, 中秋 1, 国庆 5): 365 - 104 + 6 - 19 = 248.
    assert shipped.workdays_between(D("2025-12-31"), D("2026-12-31")) == 248


def test_round_trip_add_then_count(shipped):
    start = D("2024-12-01")
    for offset in range(0, 800, 7):
        s = start + timedelta(days=offset)
        for n in (1, 3, 5, 10, 20):
            assert shipped.workdays_between(s, shipped.add_workdays(s, n).due) == n


def test_is_overdue(shipped):
    deadline = shipped.add_workdays(D("2025-09-30"), 10)  # due Tue 10-21
    assert not shipped.is_overdue(deadline, D("2025-10-20"))
    assert not shipped.is_overdue(deadline, D("2025-10-21"))  # the due day is still in time
    assert shipped.is_overdue(deadline, D("2025-10-22"))
    assert shipped.is_overdue(D("2025-10-21"), D("2025-10-22"))  # a plain date works too


# --- years without a schedule --------------------------------------------------------------------


def test_deadline_crossing_into_2027_is_provisional(cal):
    # Sun 2026-12-20: 12-21..12-25 (1..5), 12-28..12-31 (6..9), Fri 2027-01-01 is New Year,
    # so the 10th working day is Mon 2027-01-04.
    result = cal.add_workdays(D("2026-12-20"), 10)
    assert result == Deadline(D("2027-01-04"), True)
    assert not cal.is_workday(D("2027-01-01"))
    assert cal.holiday_name(D("2027-01-01")) == "元旦"
    # Days counted entirely within 2026 are not provisional, even though 2027 is missing.
    assert cal.add_workdays(D("2026-12-20"), 5) == Deadline(D("2026-12-25"), False)
    # Thu 12-31 + 1 lands in 2027 and is provisional.
    assert cal.add_workdays(D("2026-12-31"), 1) == Deadline(D("2027-01-04"), True)
    # Counted from a provisional year into a scheduled one.
    assert cal.add_workdays(D("2023-12-29"), 1) == Deadline(D("2024-01-02"), True)


def test_loading_2027_makes_deadlines_final(cal):
    before_new_year = cal.add_workdays(D("2026-12-20"), 10)
    # Fri 2027-01-29, provisional count: 02-01..02-04 (1..4), eve Fri 02-05 and 初三 Mon 02-08
    # are statutory holidays, 02-09..02-12 (5..8), 02-15 (9), Tue 02-16 (10).
    before_spring = cal.add_workdays(D("2027-01-29"), 10)
    assert before_spring == Deadline(D("2027-02-16"), True)

    cal.load_year(FIXTURE_2027)
    assert cal.has_schedule(2027)
    # New Year: same date, no longer provisional.
    assert cal.add_workdays(D("2026-12-20"), 10) == Deadline(before_new_year.due, False)
    # Spring Festival per the fixture: 02-01..02-04 (1..4), break 02-05..02-12,
    # 02-15..02-19 (5..9), make-up Saturday 02-20 (10).
    assert cal.add_workdays(D("2027-01-29"), 10) == Deadline(D("2027-02-20"), False)
    # Only the years touched matter: counting into 2028 is provisional again.
    assert cal.add_workdays(D("2027-12-24"), 10).provisional is True


def test_loading_2027_from_a_file(tmp_path):
    path = tmp_path / "2027.json"
    path.write_text(json.dumps(FIXTURE_2027, ensure_ascii=False), encoding="utf-8")
    calendar = Calendar.load([CALENDAR_DIR, path])
    assert calendar.years == (2024, 2025, 2026, 2027)
    assert calendar.add_workdays(D("2027-01-29"), 10) == Deadline(D("2027-02-20"), False)

    other = Calendar.load()
    assert other.load_file(path).year == 2027
    assert other.add_workdays(D("2027-01-29"), 10) == Deadline(D("2027-02-20"), False)

    # A directory is read for *.json only (the shipped directory may hold other files).
    (tmp_path / "README.txt").write_text("not a schedule", encoding="utf-8")
    assert Calendar.load(tmp_path).years == (2027,)


def test_statutory_holidays_2027():
    # 2027: 春节 (正月初一) is Sat 02-06, 端午 Wed 06-09, 中秋 Wed 09-15, 清明 Mon 04-05.
    assert statutory_holidays(2027) == {
        D("2027-01-01"): "元旦",
        D("2027-02-05"): "春节",  # 除夕
        D("2027-02-06"): "春节",
        D("2027-02-07"): "春节",
        D("2027-02-08"): "春节",
        D("2027-04-05"): "清明节",
        D("2027-05-01"): "劳动节",
        D("2027-05-02"): "劳动节",
        D("2027-06-09"): "端午节",
        D("2027-09-15"): "中秋节",
        D("2027-10-01"): "国庆节",
        D("2027-10-02"): "国庆节",
        D("2027-10-03"): "国庆节",
    }


def test_provisional_2027_days(cal):
    for day in ("2027-02-05", "2027-02-08", "2027-04-05", "2027-06-09", "2027-09-15", "2027-10-01"):
        assert not cal.is_workday(D(day)), day
    for day in ("2027-02-04", "2027-02-09", "2027-04-06", "2027-10-04"):
        assert cal.is_workday(D(day)), day
    assert not cal.is_workday(D("2027-02-13"))  # a Saturday, no make-up days are guessed


def test_qingming():
    # Known solar-term days: 2025-04-04, 2026-04-05, 2027-04-05, 2028-04-04.
    assert qingming(2025) == D("2025-04-04")
    assert qingming(2026) == D("2026-04-05")
    assert qingming(2027) == D("2027-04-05")
    assert qingming(2028) == D("2028-04-04")
    assert qingming(2150) is None


def test_far_years_never_crash(cal):
    # 2040 has no lunar dates in the table: only the fixed-date holidays (and Qingming) apply.
    # Fri 2040-09-28: National Day Mon 10-01..Wed 10-03, so the next working day is Thu 10-04.
    assert cal.add_workdays(D("2040-09-28"), 1) == Deadline(D("2040-10-04"), True)
    assert cal.is_workday(D("2040-01-02"))
    result = cal.add_workdays(D("2099-12-01"), 60)
    assert result.provisional and result.due.year == 2100
    assert cal.add_workdays(D("1999-12-31"), 1) == Deadline(D("2000-01-03"), True)


# --- validation ----------------------------------------------------------------------------------


def bad(mutate):
    data = copy.deepcopy(FIXTURE_2027)
    mutate(data)
    return data


@pytest.mark.parametrize(
    "data, message",
    [
        (bad(lambda d: d["workdays"].append("2027-02-17")), "not a Saturday or Sunday"),
        (
            bad(lambda d: d["holidays"].append({"name": "x", "from": "2027-02-12", "to": "2027-02-14"})),
            "overlap",
        ),
        (bad(lambda d: d["workdays"].append("2028-01-08")), "not in 2027"),
        (bad(lambda d: d["holidays"][0].update({"from": "2026-12-31"})), "not in 2027"),
        (bad(lambda d: d.update(year=2026)), "not in 2026"),
        (bad(lambda d: d["holidays"][1].update({"to": "2027-02-01"})), "before it starts"),
        (bad(lambda d: d["workdays"].append("2027-02-06")), "inside the holiday break"),
        (bad(lambda d: d["workdays"].append("2027-02-20")), "listed twice"),
        (bad(lambda d: d["workdays"].append("2027/02/27")), "YYYY-MM-DD"),
        (bad(lambda d: d["workdays"].append("2027-02-30")), "not a valid date"),
        (bad(lambda d: d.update(holidays=[])), "non-empty"),
        (bad(lambda d: d.update(workday=[])), "unknown key"),
        (bad(lambda d: d["holidays"][0].pop("name")), "missing"),
        (bad(lambda d: d.update(year="2027")), "'year' must be an integer"),
        (bad(lambda d: d.update(year=True)), "'year' must be an integer"),
        ([], "JSON object"),
    ],
)
def test_bad_data_is_rejected(cal, data, message):
    with pytest.raises(ValueError, match=message):
        cal.load_year(data)
    assert not cal.has_schedule(2027)  # nothing half-loaded
    assert cal.add_workdays(D("2027-01-29"), 10).provisional


def test_bad_files_are_rejected(tmp_path):
    misnamed = tmp_path / "2028.json"
    misnamed.write_text(json.dumps(FIXTURE_2027), encoding="utf-8")
    with pytest.raises(CalendarDataError, match="file name says 2028"):
        Calendar.load(misnamed)

    broken = tmp_path / "broken.json"
    broken.write_text("{not json", encoding="utf-8")
    with pytest.raises(CalendarDataError, match="not valid JSON"):
        Calendar.load(broken)

    gb18030 = tmp_path / "gb18030.json"
    gb18030.write_bytes(json.dumps(FIXTURE_2027, ensure_ascii=False).encode("gb18030"))
    with pytest.raises(CalendarDataError, match="gb18030.json: not UTF-8 text"):
        Calendar.load(gb18030)

    twice = tmp_path / "copy.json"
    twice.write_text(json.dumps(FIXTURE_2027), encoding="utf-8")
    first = tmp_path / "2027.json"
    first.write_text(json.dumps(FIXTURE_2027), encoding="utf-8")
    with pytest.raises(CalendarDataError, match="given twice"):
        Calendar.load([first, twice])


def test_load_year_replaces_a_year(cal):
    corrected = copy.deepcopy(FIXTURE_2027)
    cal.load_year(FIXTURE_2027)
    corrected["workdays"] = []
    cal.load_year(corrected)
    # Without the make-up Saturday the 10th day after 01-29 moves to Mon 02-22.
    assert cal.add_workdays(D("2027-01-29"), 10) == Deadline(D("2027-02-22"), False)


# --- speed ---------------------------------------------------------------------------------------


def test_shipped_files_agree_with_chinesecalendar(shipped):
    """The shipped years were built from chinesecalendar's data; it stays a test-only check."""
    import chinese_calendar

    day = D("2024-01-01")
    while day.year <= 2026:
        assert shipped.is_workday(day) == chinese_calendar.is_workday(day), day
        day += timedelta(days=1)
