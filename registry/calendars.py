"""The working-day calendar of this deployment: shipped schedules, then configured and loaded ones."""

import shutil
from pathlib import Path

from flask import Flask

from .config import ConfigError
from .domain.workdays import Calendar, CalendarDataError, YearSchedule
from .runtime import runtime, settings


def loaded_dir() -> Path:
    """Where `registry calendar load` keeps the schedules it was given."""
    return Path(settings().INSTANCE_DIR) / "calendar"


def _override_files() -> list[Path]:
    configured = settings().CALENDAR_DIR
    dirs = [Path(configured)] if configured else []
    dirs.append(loaded_dir())
    return [path for d in dirs if d.is_dir() for path in sorted(d.glob("*.json"))]


def calendar() -> Calendar:
    """The shipped schedules, each replaced by a configured or loaded one for the same year."""
    holder = runtime()
    if holder.calendar is None:
        loaded = Calendar.load()
        for path in _override_files():
            loaded.load_file(path)
        holder.calendar = loaded
    return holder.calendar


def forget_calendar() -> None:
    """Read the schedules again on next use (another process loaded one)."""
    runtime().calendar = None


def init_app(app: Flask) -> None:
    """Load the calendar at start-up. A schedule file that cannot be read stops the start with one
    clear line: found later, it would fail every request that counts a deadline (SPEC §5), and
    skipping it would silently count wrong statutory deadlines."""
    with app.app_context():
        try:
            calendar()
        except CalendarDataError as exc:
            raise ConfigError(f"a holiday schedule cannot be loaded; correct or remove the file: {exc}") from None


def load_schedule(path: Path) -> YearSchedule:
    """Validate a year's schedule, keep a copy under the instance directory and use it from now on."""
    schedule = Calendar().load_file(path)  # validated before anything is kept
    target = loaded_dir()
    target.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(path, target / f"{schedule.year}.json")
    calendar().load_year(schedule)
    return schedule
