"""`registry reports`: the keys that sign special credit reports, rotated and listed."""

import json

import click

from ..clitools import with_app
from .batch_upkeep import fail_stalled, purge_batch_files
from .services import keyring, published_keys


@click.group("reports", help="Special credit reports: signing keys, bulk batches.")
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


@reports_group.command("purge-batches", help="Mark failed the bulk batches stalled for REGISTRY_REPORT_BATCH_STALL_"
                                             "MINUTES (10), then delete the PDFs of batches finished more than "
                                             "REGISTRY_REPORT_BATCH_RETENTION_DAYS (30) ago; run it daily.")
@click.option("--days", type=click.IntRange(min=0), default=None, help="Another retention, in days.")
@with_app
def reports_purge_batches(days):
    failed = fail_stalled()
    purged = purge_batch_files(days)
    click.echo(json.dumps({"failed": failed, "deleted": purged}))
