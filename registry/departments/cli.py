"""`registry departments`: the source departments an operator adds by hand."""

import click

from ..clitools import with_app
from .services import add_department


@click.group(help="Source departments (reference data).")
def departments():
    pass


@departments.command("add", help="Add or update a source department.")
@click.option("--uscc", required=True, help="The department's own unified social credit code.")
@click.option("--name", required=True)
@click.option("--domain", required=True, help="Domain key, e.g. market_supervision.")
@click.option("--district", required=True, help="Administrative division code, e.g. 150502.")
@click.option("--code", default=None, help="Short code; derived from the USCC when omitted.")
@with_app
def departments_add(uscc, name, domain, district, code):
    department = add_department(uscc, name, domain, district, code)
    click.echo(f"department {department.uscc} {department.name} ({department.domain_key}, {department.district_code})")
