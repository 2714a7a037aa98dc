"""`registry changes` (the feed's webhooks and retention) and `registry exports` (the daily bulk export)."""

import json

import click

from ..clitools import with_app
from ..jsonout import json_bytes


@click.group(help="The open-data change feed.")
def changes():
    pass


@changes.command("deliver", help="POST due events to every feed subscriber (run every minute).")
@with_app
def changes_deliver():
    from .webhooks import deliver_changes

    click.echo(json.dumps(deliver_changes()))


@changes.command("purge", help="Delete events older than REGISTRY_FEED_RETENTION_DAYS (run daily).")
@with_app
def changes_purge():
    from .retention import purge_events

    click.echo(json.dumps({"deleted": purge_events()}))


@click.group(help="Bulk exports of the public record.")
def exports():
    pass


@exports.command("build", help="Write the export of the public record (run daily).")
@click.option("--day", type=click.DateTime(formats=["%Y-%m-%d"]), default=None, help="Its date (default: today).")
@with_app
def exports_build(day):
    from .exports import build_export

    manifest = build_export(day.date() if day else None)
    click.echo(json_bytes(manifest).decode())

