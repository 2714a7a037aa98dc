"""The `registry` command: set-up, demo data, serving, reference data and principals."""

import json
import os
import sys
from pathlib import Path

import click

from search.engine import SearchUnavailable

from .access.cli import principals
from .clitools import as_of, build_app, date_option, with_app
from .config import ConfigError
from .departments.cli import departments
from .imports.cli import import_file
from .publicsearch.cli import reindex, search_group
from .records.cli import publicity


@click.group(help="Credit Registry: collect, publish and search enterprise credit records.")
def main():
    pass


@main.command(help="Create or upgrade the database schema and load the shipped reference data.")
@with_app
def init():
    from .bootstrap import initialise
    from .publicsearch.engines import configured_engine
    from .reports.services import keyring

    summary = initialise()
    click.echo(f"database ready; loaded {summary['domains']} domains, {summary['districts']} districts, "
               f"{summary['departments']} departments")
    click.echo(f"report signing key {keyring().active_key_id()}")
    try:
        configured_engine().ensure_index()
        click.echo(f"search index ready ({configured_engine().name})")
    except SearchUnavailable as exc:
        click.echo(f"warning: the search engine does not answer ({exc}); run `registry init` again once it does",
                   err=True)


@main.command(help="Load the realistic demo data set for Tongliao (deterministic for a seed).")
@click.option("--seed", default=20261127, show_default=True)
@click.option("--entities", default=5000, show_default=True, type=click.IntRange(min=1))
@click.option("--records", default=20000, show_default=True, type=click.IntRange(min=0))
@with_app
def demo(seed, entities, records):
    from .bootstrap import initialise
    from .demo.loader import load_demo

    initialise()
    summary = load_demo(seed=seed, entity_count=entities, record_count=records)
    click.echo(f"demo loaded: {summary['entities']} entities, {summary['records']} records "
               f"({summary['inserted']} new) over {summary['domains']} domains and "
               f"{summary['departments']} departments; example: {summary['example_uscc']}")


@main.command(help="Serve the application with gunicorn.")
@click.option("--bind", default="127.0.0.1:8000", show_default=True)
@click.option("--workers", default=2, show_default=True, type=click.IntRange(min=1))
def serve(bind, workers):
    try:
        build_app()  # fail here, in one line, on a bad setting rather than in every worker
    except ConfigError as exc:
        raise click.ClickException(str(exc)) from None
    args = [sys.executable, "-m", "gunicorn", "--bind", bind, "--workers", str(workers),
            "--access-logfile", "-", "registry:create_app()"]
    os.execvp(args[0], args)


@main.group(help="The working-day calendar (State Council holiday schedules).")
def calendar():
    pass


@calendar.command("load", help="Load a year's holiday schedule (JSON) and recompute provisional deadlines.")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@with_app
def calendar_load(file):
    from .calendars import load_schedule
    from .domain.workdays import CalendarDataError
    from .repairs.jobs import recompute_provisional

    try:
        schedule = load_schedule(file)
    except CalendarDataError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(json.dumps({"year": schedule.year, "holidays": len(schedule.holidays),
                           "workdays": len(schedule.workdays), "recomputed": recompute_provisional()}))


@main.group(help="Credit repair (信用修复) jobs.")
def repairs():
    pass


@repairs.command("lapse", help="Lapse applications whose missing materials are overdue (run daily).")
@date_option
@with_app
def repairs_lapse(day):
    from .repairs.jobs import lapse_overdue

    lapsed = lapse_overdue(as_of(day))
    click.echo(json.dumps({"lapsed": len(lapsed), "applications": lapsed, "date": as_of(day).isoformat()}))


@repairs.command("demo", help="File demo applications for repairable penalties and decide them on past days.")
@click.option("--count", default=600, show_default=True, type=click.IntRange(min=1))
@click.option("--seed", default=20261127, show_default=True)
@with_app
def repairs_demo(count, seed):
    from .repairs.demo import load_demo_repairs

    click.echo(json.dumps(load_demo_repairs(count, seed)))


@main.group(help="Notices to enterprises and departments.")
def notices():
    pass


@notices.command("send", help="Produce new notices (两书同达, 一企一函) and deliver webhooks (run daily or often).")
@date_option
@with_app
def notices_send(day):
    from datetime import UTC, datetime

    from .notices.webhooks import deliver
    from .repairs.notices import produce_arrival_notices, send_repairable_letters

    today = as_of(day)
    now = datetime.now(UTC) if day is None else datetime.combine(today, datetime.now(UTC).timetz())
    summary = {"date": today.isoformat(), "repair_notices": produce_arrival_notices(today),
               "letters": send_repairable_letters(today), "webhooks": deliver(now)}
    click.echo(json.dumps(summary))


@notices.command("webhook", help="Call URL with every notice of an enterprise or a department.")
@click.option("--enterprise", "enterprise_uscc", default=None, help="Enterprise USCC.")
@click.option("--department", "department_uscc", default=None, help="Department USCC.")
@click.option("--url", required=True)
@with_app
def notices_webhook(enterprise_uscc, department_uscc, url):
    from .notices.webhooks import set_webhook

    if bool(enterprise_uscc) == bool(department_uscc):
        raise click.UsageError("give exactly one of --enterprise and --department")
    kind = "enterprise" if enterprise_uscc else "department"
    hook = set_webhook(kind, enterprise_uscc or department_uscc, url)
    click.echo(json.dumps({"webhook": hook.id, "recipient": hook.recipient, "url": hook.url}))


@main.group("reports", help="Special credit reports: signing keys.")
def reports_group():
    pass


@reports_group.command("rotate-key", help="Make a new active signing key; old keys stay to verify old reports.")
@with_app
def reports_rotate_key():
    from .reports.services import keyring

    key_id = keyring().rotate()
    click.echo(json.dumps({"active": key_id, "keys": keyring().key_ids()}))


@reports_group.command("keys", help="List the public signing keys (as GET /api/v1/reports/keys).")
@with_app
def reports_keys():
    from .reports.services import published_keys

    click.echo(json.dumps(published_keys(), ensure_ascii=False, indent=2))


for feature_command in (departments, principals, import_file, publicity, search_group, reindex):
    main.add_command(feature_command)


if __name__ == "__main__":
    main()
