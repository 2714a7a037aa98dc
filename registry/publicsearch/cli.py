"""`registry search` and `registry reindex`: keeping the search engine in step with the database."""

import json
import time

import click

from search.engine import SearchUnavailable

from ..clitools import with_app
from ..extensions import db
from ..tasks import enqueue
from ..tasks.once import while_held
from .engines import sync_search
from .reindex import rebuild_index

FOLLOW_SLEEP_SECONDS = 0.25  # the outbox lag a follower allows once it has caught up (a cheap query)
FOLLOW_CHUNK = 20000  # a few seconds of sending


@click.group("search", help="The search index.")
def search_group():
    pass


@search_group.command("drain", help="Send pending changes to the search engine (run as a worker for an external one).")
@click.option("--follow", is_flag=True, help="Keep running, polling every few seconds.")
@click.option("--for", "seconds", type=click.FloatRange(min=0), default=None,
              help="With --follow: stop after this many seconds (the task queue's drain runs a minute at a time).")
@click.option("--wait-turn", type=click.FloatRange(min=0), default=None,
              help="Drain only while no other drain of the deployment does, waiting up to this many seconds for "
                   "one to finish (the task queue's drains hand over so, each loaded before its turn).")
@with_app
def search_drain(follow, seconds, wait_turn):
    if wait_turn is None:
        _drain(follow, seconds)
    elif not while_held("search_drain", lambda: _drain(follow, seconds) or True, wait=wait_turn):
        click.echo(f"another drain of this deployment kept its turn for {wait_turn:g} s; this one sent nothing",
                   err=True)


def _drain(follow: bool, seconds: float | None) -> None:
    """Drain until nothing is pending or, following, until `seconds` have passed: a follower sends at
    most FOLLOW_CHUNK changes a call, so that it keeps to its time while an import keeps writing."""
    until = None if seconds is None else time.monotonic() + seconds
    while True:
        try:
            sent = sync_search(FOLLOW_CHUNK if follow else None)
        except SearchUnavailable as exc:
            if not follow:
                raise click.ClickException(f"the search engine does not answer: {exc}") from None
            click.echo(f"warning: the search engine does not answer ({exc}); the changes wait", err=True)
            sent = 0
        if sent or not follow:  # a follower says nothing while there is nothing to send
            click.echo(json.dumps({"sent": sent}))
        if not follow or (until is not None and time.monotonic() >= until):
            return
        db.session.rollback()  # no transaction stays open while it waits
        if sent < FOLLOW_CHUNK:
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
