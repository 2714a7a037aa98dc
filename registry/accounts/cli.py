"""`registry accounts`: people's accounts, made with a temporary password that is changed at first sign-in."""

import json

import click
from sqlalchemy import select

from ..access.models import ROLES
from ..clitools import with_app
from ..extensions import db
from . import services
from .models import Account


@click.group(help="People's accounts (sign-in at /signin).")
def accounts():
    pass


@accounts.command("create", help="Create an account; its temporary password is printed once, on the last line.")
@click.option("--role", required=True, type=click.Choice(ROLES))
@click.option("--name", required=True)
@click.option("--email", required=True)
@click.option("--department", "department_uscc", default=None, help="Department USCC (role department).")
@click.option("--uscc", default=None, help="Own USCC (role enterprise or bank).")
@click.option("--district", "district_code", default=None, help="District code (role agent).")
@with_app
def create(role, name, email, department_uscc, uscc, district_code):
    account, temporary = services.create_account(role, name, email, department_uscc=department_uscc, uscc=uscc,
                                                 district_code=district_code)
    click.echo(f"created {role} account {account.email}; sign in at /signin with the temporary password below "
               "(it must be changed at first sign-in):", err=True)
    click.echo(temporary)


@accounts.command("disable", help="Disable an account and end its sessions.")
@click.argument("email")
@with_app
def disable(email):
    click.echo(f"disabled {services.set_disabled(email, True).email}")


@accounts.command("enable", help="Enable a disabled account.")
@click.argument("email")
@with_app
def enable(email):
    click.echo(f"enabled {services.set_disabled(email, False).email}")


@accounts.command("reset-password", help="A new temporary password (printed on the last line); sessions end.")
@click.argument("email")
@with_app
def reset_password(email):
    account, temporary = services.reset_password(email)
    click.echo(f"new temporary password for {account.email}:", err=True)
    click.echo(temporary)


@accounts.command("list", help="Every account, one JSON object a line.")
@with_app
def list_accounts():
    for account in db.session.scalars(select(Account).order_by(Account.id)):
        click.echo(json.dumps({"email": account.email, "name": account.name, "role": account.principal.role,
                               "disabled": account.disabled_at is not None,
                               "second_factor": account.totp_secret is not None}, ensure_ascii=False))
