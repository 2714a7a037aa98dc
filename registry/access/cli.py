"""`registry principals`: API principals, created with a key shown only once."""

import click

from ..clitools import with_app
from .services import create_principal


@click.group(help="API principals and their keys.")
def principals():
    pass


@principals.command("create", help="Create a principal; its API key is printed once, on the last line.")
@click.option("--role", required=True, type=click.Choice(["enterprise", "bank", "department", "agent",
                                                           "reviewer", "admin"]))
@click.option("--department", "department_uscc", default=None, help="Department USCC (role department).")
@click.option("--uscc", default=None, help="Own USCC (role enterprise; role bank, to be authorised by enterprises).")
@click.option("--district", default=None, help="District code (role agent).")
@click.option("--name", default=None)
@with_app
def principals_create(role, department_uscc, uscc, district, name):
    principal, key = create_principal(role, name, department_uscc, uscc, district)
    click.echo(f"created {principal.role} principal #{principal.id} ({principal.name}); "
               "the key below is shown only once:", err=True)
    click.echo(key)
