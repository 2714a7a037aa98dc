"""The unit of work: a use case's one transaction. It commits once, then runs what waits for the commit.

A request, task or command opens one (`unit_of_work()`, or a service marked `@transactional`
opens its own when its caller passes none). Services change rows in `uow.session`, note what
the search index must learn (`uow.changed`, `uow.changed_record`) and what the audit trail
records (`uow.audit`, written just before the commit); nothing else commits. After the commit the
unit of work runs the hooks the application registered (the built-in engine's sync) and the
actions its services added (`uow.after_commit`).
"""

from collections.abc import Callable, Iterable
from contextlib import contextmanager
from functools import wraps

from sqlalchemy.orm import Session

from . import changes, outbox
from .audit import services as audit_trail
from .extensions import db
from .runtime import runtime
from .stages import StageTimes


class UnitOfWork:
    def __init__(self, session: Session, hooks: Iterable[tuple[str, Callable[["UnitOfWork"], None]]] = ()):
        self.session = session
        self._hooks = list(hooks)
        self._actions: list[Callable[[], None]] = []
        self._audited: list[dict] = []
        self.noted_changes = False  # the search index has something to learn from this transaction
        self._events: list[tuple] = []  # for the change feed, written just before the commit
        self.staged_events = False  # a bulk writer staged events in SQL (`changes.staged_events_sql`)

    def changed(self, *, records: Iterable[int] = (), entities: Iterable[int] = ()) -> None:
        """Note changed records and entities (by id) for the search index, in this transaction."""
        if outbox.write_rows(self.session, records=records, entities=entities):
            self.noted_changes = True

    def changed_record(self, record) -> None:
        """A record (ORM object) the caller changed: its version goes up by one, and the index learns
        of it and of its entity. Bulk writers apply the same rule set-based (`next_version`,
        `outbox.rows_from_sql`)."""
        record.version += 1
        self.changed(records=[record.id], entities=[record.entity_id])

    def changed_in_bulk(self) -> None:
        """A bulk writer noted its changes in SQL, set-based (`outbox.rows_from_sql`)."""
        self.noted_changes = True

    def event(self, kind: str, *, records: Iterable[int] = (), entities: Iterable[int] = (),
              fields: Iterable[str] | None = None) -> None:
        """Note an event of the change feed (`changes.EVENT_KINDS`) for these records or entities; an
        update names the `fields` it changed."""
        self._events.append((kind, list(records), list(entities), fields))

    def audit(self, action: str, actor, object_type: str | None = None, object_id=None,
              details: dict | None = None) -> None:
        """Record in the audit trail, with this transaction, that `actor` (a Viewer; None for the
        platform itself) did `action` (a dotted name: `record.withdraw`) to the object."""
        self._audited.append(audit_trail.note(action, actor, object_type, object_id, details))

    def after_commit(self, action: Callable[[], None]) -> None:
        """Run `action` once this unit of work has committed (never if it rolls back)."""
        self._actions.append(action)

    def commit(self, stages: StageTimes | None = None, *, run_hooks: bool = True) -> None:
        """Commit the transaction, then run the registered hooks and the added actions; `stages`, when
        given, gets the time of the commit and of each hook by its name. A long job's intermediate
        commits may leave the hooks to its last one (`run_hooks=False`): what they have to do adds up."""
        stages = stages or StageTimes()
        if self._audited:
            with stages.timing("audit"):
                audit_trail.append(self.session, self._audited)
            self._audited = []
        if self._events or self.staged_events:
            with stages.timing("feed"):
                changes.write(self.session, self._events, self.staged_events)
            self._events, self.staged_events = [], False
        with stages.timing("commit"):
            self.session.commit()
        if not run_hooks:
            return
        actions, self._actions = self._actions, []
        for name, hook in self._hooks:
            with stages.timing(name):
                hook(self)
        for action in actions:
            action()
        self.noted_changes = False

    def rollback(self) -> None:
        self.session.rollback()
        self._actions.clear()
        self._audited.clear()
        self._events.clear()
        self.noted_changes = self.staged_events = False


def next_version(table: str) -> str:
    """The version a bulk writer's SQL gives a row it changes (the rule of `changed_record`)."""
    return f"{table}.version + 1"


@contextmanager
def unit_of_work(session: Session | None = None):
    """A unit of work on the application's session: committed when the block ends, rolled back if
    it raises."""
    uow = UnitOfWork(session or db.session, runtime().after_commit)
    try:
        yield uow
    except BaseException:
        uow.rollback()
        raise
    uow.commit()


def transactional(service: Callable) -> Callable:
    """A service that writes: it works in the caller's unit of work (`uow=`), or in its own, committed
    when it returns, so a service never commits inside another's transaction."""

    @wraps(service)
    def run(*args, uow: UnitOfWork | None = None, **kwargs):
        if uow is not None:
            return service(*args, uow=uow, **kwargs)
        with unit_of_work() as own:
            return service(*args, uow=own, **kwargs)

    return run
