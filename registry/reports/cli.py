"""`registry reports`: the keys that sign special credit reports, rotated and listed."""

import json

import click

from ..clitools import with_app
from .services import keyring, published_keys


@click.group("reports", help="Special credit reports: signing keys.")
def reports_group():
    pass


@reports_group.command("rotate-key", help="Make a new active signing key; old keys stay to verify old reports.")
@with_app
def reports_rotate_key():
    key_id = keyring().rotate()
    click.echo(json.dumps({"active": key_id, "keys": keyring().key_ids()}))


@reports_group.command("keys", help="List the public signing keys (as GET /api/v1/reports/keys).")
@with_app
def reports_keys():
    click.echo(json.dumps(published_keys(), ensure_ascii=False, indent=2))
