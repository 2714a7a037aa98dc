"""`registry demo`: the realistic Tongliao data set, loaded into a ready database."""

import json

import click

from ..bootstrap import initialise
from ..clitools import with_app
from ..repairs.demo import any_applications, any_objections, load_demo_objections, load_demo_repairs
from ..web.labels import ROLE_LABELS
from .accounts import demo_accounts
from .loader import load_demo


@click.command(help="Load the realistic demo data set for Tongliao (deterministic for a seed).")
@click.option("--seed", default=20261127, show_default=True)
@click.option("--entities", default=5000, show_default=True, type=click.IntRange(min=1))
@click.option("--records", default=20000, show_default=True, type=click.IntRange(min=0))
@click.option("--repairs", default=100, show_default=True, type=click.IntRange(min=0),
              help="Repair applications walked through the workflow, for the reviewers' queue (first load only).")
@click.option("--objections", default=30, show_default=True, type=click.IntRange(min=0),
              help="Objections filed on published penalties, most of them answered (first load only).")
@with_app
def demo(seed, entities, records, repairs, objections):
    initialise()
    summary = load_demo(seed=seed, entity_count=entities, record_count=records)
    click.echo(f"demo loaded: {summary['entities']} entities, {summary['records']} records and "
               f"{summary['list_entries']} list entries and commitments ({summary['inserted']} new) over {summary['domains']} domains and "
               f"{summary['departments']} departments; example: {summary['example_uscc']}")
    if repairs and not any_applications():
        filed = load_demo_repairs(repairs, seed)
        click.echo(f"demo repair applications: {json.dumps(filed, ensure_ascii=False)}")
    if objections and not any_objections():
        filed = load_demo_objections(objections, seed)
        click.echo(f"demo objections: {json.dumps(filed, ensure_ascii=False)}")
    click.echo("demo accounts (passwords made now; the reviewer, department and admin set up an authenticator "
               "app at first sign-in):")
    for person in demo_accounts(summary["example_uscc"]):
        click.echo(f"  {person['email']:<34} {person['password']}  {ROLE_LABELS[person['role']]} {person['binding']}")
