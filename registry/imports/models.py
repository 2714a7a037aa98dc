"""Import jobs and the rows they rejected."""

from datetime import datetime

from sqlalchemy import JSON, BigInteger, DateTime, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from ..db import Base, Timestamps

QUEUED, RUNNING, DONE, FAILED = "queued", "running", "done", "failed"
STOPPED = "stopped"  # too many rows rejected (limits.RejectionLimit); not resumed: the file needs fixing
UNKNOWN_COLUMNS_SHOWN = 20  # a job names this many of its file's unknown columns, and counts them all


class ImportJob(Timestamps, Base):
    """One file of one department. `rows_committed` is the last file row whose batch committed:
    a rerun after a crash resumes after it, so every row is counted exactly once."""

    __tablename__ = "import_jobs"
    __table_args__ = (Index("ix_import_jobs_department_id_checksum", "department_id", "checksum"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    department_id: Mapped[int] = mapped_column(ForeignKey("departments.id"))
    principal_id: Mapped[int | None] = mapped_column(ForeignKey("principals.id"), nullable=True)
    filename: Mapped[str] = mapped_column(String(255))
    path: Mapped[str] = mapped_column(Text)
    checksum: Mapped[str] = mapped_column(String(64))
    size: Mapped[int] = mapped_column(BigInteger)
    options: Mapped[dict] = mapped_column(JSON, default=dict)  # format, encoding, kind as asked
    format: Mapped[str | None] = mapped_column(String(10), nullable=True)
    kind: Mapped[str | None] = mapped_column(String(10), nullable=True)
    state: Mapped[str] = mapped_column(String(10), default=QUEUED)
    unknown_columns: Mapped[list] = mapped_column(JSON, default=list)  # the first UNKNOWN_COLUMNS_SHOWN of them
    unknown_column_count: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    bytes_read: Mapped[int] = mapped_column(BigInteger, default=0)
    rows_read: Mapped[int] = mapped_column(Integer, default=0)
    rows_committed: Mapped[int] = mapped_column(Integer, default=0)
    inserted: Mapped[int] = mapped_column(Integer, default=0)
    updated: Mapped[int] = mapped_column(Integer, default=0)
    unchanged: Mapped[int] = mapped_column(Integer, default=0)
    rejected: Mapped[int] = mapped_column(Integer, default=0)
    # Data-quality warnings on rows saved as sent (a party name not the registered one), the first WARNINGS_KEPT.
    warnings: Mapped[list | None] = mapped_column(JSON, default=list)
    message_en: Mapped[str | None] = mapped_column(Text, nullable=True)
    message_zh: Mapped[str | None] = mapped_column(Text, nullable=True)
    started_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    finished_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)


class ImportRejection(Base):
    """A rejected row: its number in the file, the field, the value and why (zh and en)."""

    __tablename__ = "import_rejections"
    __table_args__ = (Index("ix_import_rejections_job_id_row_number", "job_id", "row_number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    job_id: Mapped[int] = mapped_column(ForeignKey("import_jobs.id"))
    row_number: Mapped[int] = mapped_column(Integer)
    field: Mapped[str] = mapped_column(String(64))
    code: Mapped[str] = mapped_column(String(64))
    value: Mapped[str | None] = mapped_column(Text, nullable=True)
    message_zh: Mapped[str] = mapped_column(Text)
    message_en: Mapped[str] = mapped_column(Text)
