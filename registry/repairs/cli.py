"""`registry repairs`, `registry calendar` and `registry notices send`: the repair workflow's daily jobs."""

import json
from datetime import UTC, datetime
from pathlib import Path

import click

from ..calendars import load_schedule
from ..clitools import as_of, date_option, with_app
from ..domain.workdays import CalendarDataError
from ..notices.webhooks import deliver
from .demo import load_demo_repairs
from .jobs import lapse_overdue, recompute_provisional
from .notices import produce_arrival_notices, send_repairable_letters


@click.group(help="The working-day calendar (State Council holiday schedules).")
def calendar():
    pass


@calendar.command("load", help="Load a year's holiday schedule (JSON) and recompute provisional deadlines.")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@with_app
def calendar_load(file):
    try:
        schedule = load_schedule(file)
    except CalendarDataError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(json.dumps({"year": schedule.year, "holidays": len(schedule.holidays),
                           "workdays": len(schedule.workdays), "recomputed": recompute_provisional()}))


@click.group(help="Credit repair (信用修复) jobs.")
def repairs():
    pass


@repairs.command("lapse", help="Lapse applications whose missing materials are overdue (run daily).")
@date_option
@with_app
def repairs_lapse(day):
    lapsed = lapse_overdue(as_of(day))
    click.echo(json.dumps({"lapsed": len(lapsed), "applications": lapsed, "date": as_of(day).isoformat()}))


@repairs.command("demo", help="File demo applications for repairable penalties and decide them on past days.")
@click.option("--count", default=600, show_default=True, type=click.IntRange(min=1))
@click.option("--seed", default=20261127, show_default=True)
@with_app
def repairs_demo(count, seed):
    click.echo(json.dumps(load_demo_repairs(count, seed)))


@click.command("send", help="Produce new notices (两书同达, 一企一函) and deliver webhooks (run daily or often).")
@date_option
@with_app
def notices_send(day):
    today = as_of(day)
    now = datetime.now(UTC) if day is None else datetime.combine(today, datetime.now(UTC).timetz())
    summary = {"date": today.isoformat(), "repair_notices": produce_arrival_notices(today),
               "letters": send_repairable_letters(today), "webhooks": deliver(now)}
    click.echo(json.dumps(summary))
