"""`registry principals`: API principals and their keys, made, listed, revoked and rotated; a key is shown once."""

import json

import click

from ..clitools import with_app
from ..pagination import MAX_ID
from . import keys
from .models import ROLES
from .schemas import PrincipalOut
from .services import create_principal

_PRINCIPAL_ID = click.IntRange(min=1, max=MAX_ID)  # the ids `principals list` shows
_EXPIRES = click.option("--expires", "expires", type=click.DateTime(formats=["%Y-%m-%d"]), default=None,
                        help="The key's last valid day, YYYY-MM-DD (default: no expiry).")


@click.group(help="API principals and their keys.")
def principals():
    pass


@principals.command("create", help="Create a principal; its API key is printed once, on the last line.")
@click.option("--role", required=True, type=click.Choice(ROLES))
@click.option("--department", "department_uscc", default=None, help="Department USCC (role department).")
@click.option("--uscc", default=None, help="Own USCC (role enterprise; role bank, to be authorised by enterprises).")
@click.option("--district", default=None, help="District code (role agent).")
@click.option("--name", default=None)
@_EXPIRES
@with_app
def principals_create(role, department_uscc, uscc, district, name, expires):
    principal, key = create_principal(role, name, department_uscc, uscc, district, expires_at=_day(expires))
    _show_key(key, f"created {principal.role} principal #{principal.id} ({principal.name})")


@principals.command("list", help="The principals that hold keys, oldest first, revoked and expired ones included.")
@click.option("--role", default=None, type=click.Choice(ROLES))
@click.option("--json", "as_json", is_flag=True, help="One JSON object a line, as GET /api/v1/principals.")
@with_app
def principals_list(role, as_json):
    listed = [keys.present_principal(principal) for principal in keys.list_principals(role)]
    if as_json:
        for principal in PrincipalOut(many=True).dump(listed):
            click.echo(json.dumps(principal, ensure_ascii=False))
        return
    click.echo(_ROW.format(*_COLUMNS))
    for principal in listed:
        click.echo(_ROW.format(*(_cell(principal[name]) for name in _FIELDS)))


@principals.command("revoke", help="Revoke a principal's key: it fails from the next request on.")
@click.argument("principal_id", type=_PRINCIPAL_ID)
@with_app
def principals_revoke(principal_id):
    principal = keys.revoke_principal(principal_id)
    click.echo(f"revoked the key of {principal.role} principal #{principal.id} ({principal.name})")


@principals.command("rotate", help="A new key for a principal, printed once on the last line; the old one fails.")
@click.argument("principal_id", type=_PRINCIPAL_ID)
@_EXPIRES
@with_app
def principals_rotate(principal_id, expires):
    principal, key = keys.rotate_principal(principal_id, _day(expires))
    _show_key(key, f"new key for {principal.role} principal #{principal.id} ({principal.name}); the old one is void")


def _show_key(key: str, what: str) -> None:
    """What was done on stderr, then the key alone on the last line of stdout, for scripts to take."""
    click.echo(f"{what}; the key below is shown only once:", err=True)
    click.echo(key)


def _day(moment):
    return moment.date() if moment else None


# The name last: Chinese names are twice as wide as the columns count them.
_FIELDS = ("id", "role", "key_prefix", "binding", "created_at", "expires_at", "last_used_at", "revoked_at", "name")
_COLUMNS = ("ID", "ROLE", "KEY", "BINDING", "CREATED", "EXPIRES", "LAST USED", "REVOKED", "NAME")
_ROW = "{:>5}  {:<10}  {:<12}  {:<18}  {:<16}  {:<10}  {:<16}  {:<16}  {}"


def _cell(value) -> str:
    """Times to the minute (UTC), days as they are, nothing as a dash."""
    if value is None:
        return "-"
    if hasattr(value, "hour"):
        return value.strftime("%Y-%m-%d %H:%M")
    return str(value)
