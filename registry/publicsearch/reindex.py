"""Rebuilding the whole index from the database; the engine swaps it in atomically."""

from datetime import timedelta

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from search.drain import document_batches

from ..db import utcnow
from ..enterprises.models import Entity
from ..enterprises.services import note_entities_of
from ..extensions import db
from ..outbox import SearchOutbox
from ..records.models import Record
from ..runtime import settings, today
from ..uow import UnitOfWork, transactional
from .engines import builtin_engine, configured_engine

# Covers clock skew between this process and the database's writers.
_MARGIN = timedelta(seconds=5)


@transactional
def rebuild_index(*, uow: UnitOfWork) -> dict:
    """Index every entity and every public record anew, then swap the index in.

    What was pending before the rebuild is in the new index, so those outbox rows go. What changed
    while it ran may have been drained into the old index only; it is queued again after the swap.
    """
    started = utcnow() - _MARGIN
    high_water = db.session.scalar(select(func.max(SearchOutbox.id))) or 0
    publish = settings().PUBLISH_NATURAL_PERSONS
    engine = configured_engine()
    if builtin := builtin_engine():  # in this unit of work
        count = builtin.rebuild(publish, today())
    else:
        expected = sum(db.session.scalar(select(func.count()).select_from(model)) for model in (Entity, Record))
        # A plain session bound to the engine: the search engine may read the documents in a worker
        # thread, where Flask's app-bound session cannot find its database.
        with Session(db.engine) as reader:
            count = engine.reindex(document_batches(reader, publish, today=today()), expected)
    uow.session.execute(delete(SearchOutbox).where(SearchOutbox.id <= high_water))
    changed = uow.session.execute(select(Record.id, Record.uscc).where(Record.updated_at >= started)).all()
    uow.changed(records=[row.id for row in changed],
                entities=uow.session.scalars(select(Entity.id).where(Entity.updated_at >= started)).all())
    note_entities_of(uow, [row.uscc for row in changed])
    return {"indexed": count, "requeued": len(changed), "engine": engine.name}
