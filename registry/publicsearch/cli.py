"""`registry search` and `registry reindex`: keeping the search engine in step with the database."""

import json
import time

import click

from search.engine import SearchUnavailable

from ..clitools import with_app
from ..extensions import db
from ..tasks import enqueue
from .engines import sync_search
from .reindex import rebuild_index

FOLLOW_SLEEP_SECONDS = 1  # the outbox lag a follower allows once it has caught up


@click.group("search", help="The search index.")
def search_group():
    pass


@search_group.command("drain", help="Send pending changes to the search engine (run as a worker for an external one).")
@click.option("--follow", is_flag=True, help="Keep running, polling every few seconds.")
@click.option("--for", "seconds", type=click.FloatRange(min=0), default=None,
              help="With --follow: stop after this many seconds (the task queue's drain runs a minute at a time).")
@with_app
def search_drain(follow, seconds):
    until = None if seconds is None else time.monotonic() + seconds
    while True:
        try:
            sent = sync_search()
        except SearchUnavailable as exc:
            if not follow:
                raise click.ClickException(f"the search engine does not answer: {exc}") from None
            click.echo(f"warning: the search engine does not answer ({exc}); the changes wait", err=True)
            sent = 0
        click.echo(json.dumps({"sent": sent}))
        if not follow or (until is not None and time.monotonic() >= until):
            return
        db.session.rollback()  # no transaction stays open while it waits
        time.sleep(FOLLOW_SLEEP_SECONDS)


@click.command(help="Rebuild the search index from the database and swap it in atomically.")
@click.option("--queue", "queued", is_flag=True, help="Put the rebuild on the task queue; a worker runs it "
                                                      "(default: run it here, now).")
@with_app
def reindex(queued):
    if queued:
        enqueue("reindex")
        click.echo(json.dumps({"queued": "reindex"}))
        return
    click.echo(json.dumps(rebuild_index()))
