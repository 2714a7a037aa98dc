"""The scheduled runs that finished: a daily task's (name, day) is run once in effect, whatever the
number of schedulers offering it."""

from datetime import datetime

from sqlalchemy import JSON, DateTime, String
from sqlalchemy.orm import Mapped, mapped_column

from ..db import Base


class TaskRun(Base):
    __tablename__ = "task_runs"

    task: Mapped[str] = mapped_column(String(64), primary_key=True)
    slot: Mapped[str] = mapped_column(String(32), primary_key=True)  # the Beijing day it ran for
    finished_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    result: Mapped[dict | None] = mapped_column(JSON, nullable=True)  # what the task reported
