"""The `registry` command: setting up and serving the registry; each feature's commands live beside it."""

import importlib
import os
import subprocess
import sys

import click

from .clitools import build_app, with_app
from .config import ConfigError
from .front import nginx_available, serve_behind_nginx

# Each feature's command, loaded when it is run (or listed): this module is imported again by every
# worker process an import starts, which should not carry the whole application.
FEATURE_COMMANDS = {
    "demo": "registry.demo.cli:demo",
    "departments": "registry.departments.cli:departments",
    "principals": "registry.access.cli:principals",
    "accounts": "registry.accounts.cli:accounts",
    "import": "registry.imports.cli:import_file",
    "imports": "registry.imports.cli:imports_group",
    "publicity": "registry.records.cli:publicity",
    "calendar": "registry.repairs.cli:calendar",
    "repairs": "registry.repairs.cli:repairs",
    "notices": "registry.notices.cli:notices",
    "search": "registry.publicsearch.cli:search_group",
    "reindex": "registry.publicsearch.cli:reindex",
    "reports": "registry.reports.cli:reports_group",
    "audit": "registry.audit.cli:audit_group",
    # Operations: backups.
    "backup": "registry.backups.cli:backup",
    "restore": "registry.backups.cli:restore",
    "worker": "registry.tasks.cli:worker",  # the task queue's workers
    # Open data: the change feed and bulk exports.
    "changes": "registry.feed.cli:changes",
    "exports": "registry.feed.cli:exports",
}


class FeatureCommands(click.Group):
    """The root group: its own commands, and the features' named in FEATURE_COMMANDS."""

    def list_commands(self, ctx):
        return sorted({*super().list_commands(ctx), *FEATURE_COMMANDS})

    def get_command(self, ctx, name):
        if name not in FEATURE_COMMANDS:
            return super().get_command(ctx, name)
        module, attribute = FEATURE_COMMANDS[name].split(":")
        command = getattr(importlib.import_module(module), attribute)
        if name == "notices":
            # Sending notices is the repair workflow's job (its notices sit above the notices mailbox),
            # so the command lives with repairs and only its place in the `notices` group is set here.
            from .repairs.cli import notices_send

            command.add_command(notices_send)
        return command


# gunicorn's access log without query strings and referrers: they carry report verification codes and
# repair query codes (`%(U)s` is the path alone).
ACCESS_LOG_FORMAT = '%(h)s %(l)s %(u)s %(t)s "%(m)s %(U)s %(H)s" %(s)s %(b)s "%(a)s" %(L)ss'


@click.group(cls=FeatureCommands, help="Credit Registry: collect, publish and search enterprise credit records.")
def main():
    pass


@main.command(help="Create or upgrade the database schema and load the shipped reference data.")
@with_app
def init():
    from search.engine import SearchUnavailable

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


@main.command(help="Serve the application with gunicorn, behind nginx where it is installed.")
@click.option("--bind", default="127.0.0.1:8000", show_default=True)
@click.option("--workers", default=2, show_default=True, type=click.IntRange(min=1))
@click.option("--timeout", default=30, show_default=True, type=click.IntRange(min=1),
              help="Seconds a worker may spend on one request before it is restarted.")
@click.option("--front/--no-front", default=None,
              help="Put nginx before gunicorn, buffering slow requests and uploads [default: when installed].")
@click.option("--worker/--no-worker", default=None,
              help="Run the queue's tasks and schedule beside the server [default: on the embedded queue, "
                   "without REGISTRY_QUEUE_URL; with Redis, start `registry worker` instead].")
def serve(bind, workers, timeout, front, worker):
    try:
        app = build_app()  # fail here, in one line, on a bad setting rather than in every worker
    except ConfigError as exc:
        raise click.ClickException(str(exc)) from None
    # --limit-request-line: gunicorn's most (its default, 4094, answers longer lines with an HTML 414
    # before the front's own limit, which answers problem+json).
    gunicorn = [sys.executable, "-m", "gunicorn", "--workers", str(workers), "--timeout", str(timeout),
                "--limit-request-line", "8190", *_operations_options(app.config["REGISTRY"]), "registry:create_app()"]
    # --- Task queue: the embedded default's worker and schedule run beside gunicorn, as a child that
    # ends with this process (which becomes gunicorn, or runs it behind nginx). ---
    if worker is None:
        worker = not app.config["REGISTRY"].QUEUE_URL
    if worker:
        subprocess.Popen([sys.executable, "-m", "registry.cli", "worker", "--parent", str(os.getpid())])
    # --- end of the task queue's part ---
    if front is None:
        front = nginx_available()
    if front and not nginx_available():
        raise click.ClickException("nginx is not installed (make system installs it); serve with --no-front")
    if not front:
        os.execvp(gunicorn[0], [*gunicorn, "--bind", bind])
    sys.exit(serve_behind_nginx(bind, gunicorn, app.config["REGISTRY"].INSTANCE_DIR))


# --- Operations (metrics and logs): gunicorn's workers share their metrics through files ---
def _operations_options(config) -> list[str]:
    """gunicorn's options for metrics and logs: PROMETHEUS_MULTIPROC_DIR set (and emptied) before the
    workers start; with JSON logs the application's request lines are the access log."""
    from .metrics import MULTIPROC_DIR, fresh_multiprocess_dir

    os.environ[MULTIPROC_DIR] = fresh_multiprocess_dir(config.INSTANCE_DIR)
    access_log = [] if config.LOG_FORMAT == "json" else ["--access-logfile", "-", "--access-logformat",
                                                         ACCESS_LOG_FORMAT]
    return ["--config", "python:registry.gunicorn_conf", *access_log]


if __name__ == "__main__":
    main()
