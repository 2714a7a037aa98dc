"""The `registry` command: setting up and serving the registry; each feature's commands live beside it."""

import os
import sys

import click

from search.engine import SearchUnavailable

from .access.cli import principals
from .audit.cli import audit_group
from .bootstrap import initialise
from .clitools import build_app, with_app
from .config import ConfigError
from .demo.cli import demo
from .departments.cli import departments
from .front import nginx_available, serve_behind_nginx
from .imports.cli import import_file
from .notices.cli import notices
from .publicsearch.cli import reindex, search_group
from .publicsearch.engines import configured_engine
from .records.cli import publicity
from .repairs.cli import calendar, notices_send, repairs
from .reports.cli import reports_group
from .reports.services import keyring

FEATURE_COMMANDS = (demo, departments, principals, import_file, publicity, calendar, repairs, notices,
                    search_group, reindex, reports_group, audit_group)


@click.group(help="Credit Registry: collect, publish and search enterprise credit records.")
def main():
    pass


@main.command(help="Create or upgrade the database schema and load the shipped reference data.")
@with_app
def init():
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


@main.command(help="Serve the application with gunicorn, behind nginx where it is installed.")
@click.option("--bind", default="127.0.0.1:8000", show_default=True)
@click.option("--workers", default=2, show_default=True, type=click.IntRange(min=1))
@click.option("--timeout", default=30, show_default=True, type=click.IntRange(min=1),
              help="Seconds a worker may spend on one request before it is restarted.")
@click.option("--front/--no-front", default=None,
              help="Put nginx before gunicorn, buffering slow requests and uploads [default: when installed].")
def serve(bind, workers, timeout, front):
    try:
        app = build_app()  # fail here, in one line, on a bad setting rather than in every worker
    except ConfigError as exc:
        raise click.ClickException(str(exc)) from None
    gunicorn = [sys.executable, "-m", "gunicorn", "--workers", str(workers), "--timeout", str(timeout),
                "--access-logfile", "-", "registry:create_app()"]
    if front is None:
        front = nginx_available()
    if front and not nginx_available():
        raise click.ClickException("nginx is not installed (make system installs it); serve with --no-front")
    if not front:
        os.execvp(gunicorn[0], [*gunicorn, "--bind", bind])
    sys.exit(serve_behind_nginx(bind, gunicorn, app.config["REGISTRY"].INSTANCE_DIR))


for feature_command in FEATURE_COMMANDS:
    main.add_command(feature_command)
# Sending notices is the repair workflow's job (its notices sit above the notices mailbox), so the
# command lives with repairs and only its place in the `notices` group is set here.
notices.add_command(notices_send)


if __name__ == "__main__":
    main()
