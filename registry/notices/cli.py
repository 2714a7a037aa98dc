"""`registry notices webhook`: where a recipient's notices are delivered (`send` is the repairs' own)."""

import json

import click

from ..clitools import with_app
from .webhooks import set_webhook


@click.group(help="Notices to enterprises and departments.")
def notices():
    pass


@notices.command("webhook", help="Call URL with every notice of an enterprise or a department.")
@click.option("--enterprise", "enterprise_uscc", default=None, help="Enterprise USCC.")
@click.option("--department", "department_uscc", default=None, help="Department USCC.")
@click.option("--url", required=True)
@with_app
def notices_webhook(enterprise_uscc, department_uscc, url):
    if bool(enterprise_uscc) == bool(department_uscc):
        raise click.UsageError("give exactly one of --enterprise and --department")
    kind = "enterprise" if enterprise_uscc else "department"
    hook = set_webhook(kind, enterprise_uscc or department_uscc, url)
    # The secret that signs each delivery (Registry-Signature): give it to the recipient.
    click.echo(json.dumps({"webhook": hook.id, "recipient": hook.recipient, "url": hook.url, "secret": hook.secret}))
