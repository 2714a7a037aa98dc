"""`registry audit`: walk the audit trail's hash chain, list its entries."""

import json

import click

from ..clitools import with_app
from ..extensions import db
from .chain import utc_text
from .models import AuditEntry
from .services import matching, verify


@click.group("audit", help="The audit trail: verify its hash chain, list its entries.")
def audit_group():
    pass


@audit_group.command("verify", help="Recompute the hash chain from the first entry; exit 1 naming the first "
                                    "entry that does not match (edited, deleted or inserted).")
@click.option("--head", "known_head", metavar="HASH",
              help="A head printed before (kept where the database's administrators cannot write): exit 1 "
                   "unless the chain still holds it.")
@with_app
def audit_verify(known_head):
    verdict = verify(db.session, known_head)
    if verdict.broken:
        entry = verdict.broken
        raise click.ClickException(f"audit entry #{entry['id']} ({entry['action']} at {utc_text(entry['at'])}) "
                                   f"does not match: {verdict.reason}; the {verdict.intact} entries before it hold")
    if not verdict.holds_known_head:
        raise click.ClickException(f"the audit trail no longer holds the head {known_head}: its newest entries "
                                   "were dropped, or it was recomputed after an entry was changed")
    click.echo(f"audit trail intact: {verdict.intact} entries, head {verdict.head}")


@audit_group.command("list", help="List the entries, oldest first, one a line.")
@click.option("--action", help="Only this action, e.g. record.withdraw.")
@click.option("--actor", type=click.IntRange(min=1), help="Only what this principal (id) did.")
@click.option("--since", type=click.DateTime(formats=["%Y-%m-%d"]), help="From this day on (UTC).")
@with_app
def audit_list(action, actor, since):
    query = matching(actor=actor, action=action, since=since).order_by(AuditEntry.id)
    for entry in db.session.scalars(query.execution_options(yield_per=1000)):
        click.echo(_line(entry))


def _line(entry: AuditEntry) -> str:
    who = entry.actor_role if entry.principal_id is None else f"{entry.actor_role}#{entry.principal_id}"
    if entry.account_id is not None:
        who += f" (account {entry.account_id})"
    what = f"{entry.object_type}:{entry.object_id}" if entry.object_id else entry.object_type or "-"
    return "\t".join([f"#{entry.id}", utc_text(entry.at), who, entry.action, what,
                      json.dumps(entry.details, ensure_ascii=False, sort_keys=True)])
