"""The `registry` command: set-up, demo data, serving, reference data and principals."""

import json
import os
import sys

import click

from search.engine import SearchUnavailable

from .access.cli import principals
from .clitools import build_app, with_app
from .config import ConfigError
from .departments.cli import departments
from .imports.cli import import_file
from .notices.cli import notices
from .publicsearch.cli import reindex, search_group
from .records.cli import publicity
from .repairs.cli import calendar, notices_send, repairs


@click.group(help="Credit Registry: collect, publish and search enterprise credit records.")
def main():
    pass


@main.command(help="Create or upgrade the database schema and load the shipped reference data.")
@with_app
def init():
    from .bootstrap import initialise
    from .publicsearch.engines import configured_engine
    from .reports.services import keyring

    summary = initialise()
    click.echo(f"database ready; loaded {summary['domains']} domains, {summary['districts']} districts, "
               f"{summary['departments']} departments")
    click.echo(f"report signing key {keyring().active_key_id()}")
    try:
        configured_engine().ensure_index()
        click.echo(f"search index ready ({configured_engine().name})")
    except SearchUnavailable as exc:
        click.echo(f"warning: the search engine does not answer ({exc}); run `registry init` again once it does",
                   err=True)


@main.command(help="Load the realistic demo data set for Tongliao (deterministic for a seed).")
@click.option("--seed", default=20261127, show_default=True)
@click.option("--entities", default=5000, show_default=True, type=click.IntRange(min=1))
@click.option("--records", default=20000, show_default=True, type=click.IntRange(min=0))
@with_app
def demo(seed, entities, records):
    from .bootstrap import initialise
    from .demo.loader import load_demo

    initialise()
    summary = load_demo(seed=seed, entity_count=entities, record_count=records)
    click.echo(f"demo loaded: {summary['entities']} entities, {summary['records']} records "
               f"({summary['inserted']} new) over {summary['domains']} domains and "
               f"{summary['departments']} departments; example: {summary['example_uscc']}")


@main.command(help="Serve the application with gunicorn.")
@click.option("--bind", default="127.0.0.1:8000", show_default=True)
@click.option("--workers", default=2, show_default=True, type=click.IntRange(min=1))
def serve(bind, workers):
    try:
        build_app()  # fail here, in one line, on a bad setting rather than in every worker
    except ConfigError as exc:
        raise click.ClickException(str(exc)) from None
    args = [sys.executable, "-m", "gunicorn", "--bind", bind, "--workers", str(workers),
            "--access-logfile", "-", "registry:create_app()"]
    os.execvp(args[0], args)


@main.group("reports", help="Special credit reports: signing keys.")
def reports_group():
    pass


@reports_group.command("rotate-key", help="Make a new active signing key; old keys stay to verify old reports.")
@with_app
def reports_rotate_key():
    from .reports.services import keyring

    key_id = keyring().rotate()
    click.echo(json.dumps({"active": key_id, "keys": keyring().key_ids()}))


@reports_group.command("keys", help="List the public signing keys (as GET /api/v1/reports/keys).")
@with_app
def reports_keys():
    from .reports.services import published_keys

    click.echo(json.dumps(published_keys(), ensure_ascii=False, indent=2))


for feature_command in (departments, principals, import_file, publicity, search_group, reindex,
                        calendar, repairs, notices):
    main.add_command(feature_command)
# Sending notices is the repair workflow's job (its notices sit above the notices mailbox), so the
# command lives with repairs and only its place in the `notices` group is set here.
notices.add_command(notices_send)


if __name__ == "__main__":
    main()
