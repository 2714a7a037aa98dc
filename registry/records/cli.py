"""`registry publicity`: the daily end of publication for records whose period is over (SPEC §4)."""

import json

import click

from ..clitools import with_app
from ..runtime import today
from .sweep import end_expired_publicity


@click.group(help="Publicity periods (SPEC §4).")
def publicity():
    pass


@publicity.command("sweep", help="End the publication of every record whose period is over (run daily).")
@with_app
def publicity_sweep():
    ended = end_expired_publicity(today())
    click.echo(json.dumps({"ended": ended, "date": today().isoformat()}))
