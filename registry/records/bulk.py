"""The bulk writer suited to a unit of work's database: shared by the record API, imports and the demo."""

from datetime import date

from ..access.services import Viewer
from ..departments.models import Department
from ..stages import StageTimes
from ..uow import UnitOfWork
from .pg_writer import CopyRecordWriter
from .publicity import PublicityRules
from .writer import RecordWriter


def writer_for(uow: UnitOfWork, department: Department, rules: PublicityRules, today: date,
               actor: Viewer | None = None, stages: StageTimes | None = None) -> RecordWriter:
    """COPY and one set-based upsert on PostgreSQL; executemany on SQLite. `actor` is who writes
    (None: the platform itself)."""
    writer = CopyRecordWriter if uow.session.get_bind().dialect.name == "postgresql" else RecordWriter
    return writer(uow, department, rules, today, actor, stages)
