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
    # Its time runs from its start, not from its turn: the drains the queue starts a minute apart then
    # end a minute apart (from its turn, each one's few seconds past its minute added up, until the
    # next one gave up waiting and nothing drained for 19 s).
    until = None if seconds is None else time.monotonic() + seconds
    if wait_turn is None:
        _drain(follow, until)
    elif not while_held("search_drain", lambda: _drain(follow, until) or True, wait=wait_turn):
        click.echo(f"another drain of this deployment kept its turn for {wait_turn:g} s; this one sent nothing",
                   err=True)


def _drain(follow: bool, until: float | None) -> None:
    """Drain until nothing is pending or, following, until the monotonic clock reads `until`: a follower
    sends at most FOLLOW_CHUNK changes a call, so that it keeps to its time while an import keeps writing."""
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
