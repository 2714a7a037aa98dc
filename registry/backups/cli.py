"""`registry backup DIR` and `registry restore DIR`."""

import json
from pathlib import Path

import click

from ..clitools import with_app
from ..runtime import settings
from .archive import Refused
from .archive import backup as write_backup
from .archive import restore as read_backup
from .database import DatabaseToolFailed

DIRECTORY = click.Path(file_okay=False, path_type=Path)


@click.command(help="Back up the database and the instance's files (signing keys, repair materials, uploads, "
                    "calendars) into DIR, a new directory, with a manifest of SHA-256 checksums.")
@click.argument("directory", type=DIRECTORY)
@with_app
def backup(directory):
    click.echo(json.dumps(_refusals_explained(write_backup, directory)))


@click.command(help="Restore a backup from DIR into this instance, which must be new: an empty database "
                    "(no `registry init` before) and no files. The manifest is checked before anything changes.")
@click.argument("directory", type=DIRECTORY)
@with_app
def restore(directory):
    summary = _refusals_explained(read_backup, directory)
    click.echo(json.dumps(summary))
    click.echo("restored; run `registry init` (it upgrades the schema if this code is newer)"
               + ("" if settings().SEARCH_URL == "builtin" else " and `registry reindex` (the search engine)"),
               err=True)


def _refusals_explained(step, directory: Path) -> dict:
    try:
        return step(directory)
    except (Refused, DatabaseToolFailed) as exc:
        raise click.ClickException(str(exc)) from None
