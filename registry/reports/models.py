"""Issued reports, the banks an enterprise has authorised, who queried an enterprise, and banks' batches."""

from datetime import date, datetime

from sqlalchemy import JSON, Date, DateTime, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..access.models import Principal
from ..db import Base, utcnow
from .content import SCOPE_KEY_LENGTH


class Report(Base):
    """One issued report: its signed content is stored as issued; renderings are made from it."""

    __tablename__ = "credit_reports"
    # At most one report of the same scope per entity per day (SPEC §6).
    __table_args__ = (UniqueConstraint("uscc", "issued_on", "scope_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(32), unique=True)
    verification_code: Mapped[str] = mapped_column(String(16))
    uscc: Mapped[str] = mapped_column(String(18), index=True)
    issued_on: Mapped[date] = mapped_column(Date)
    issued_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    scope_key: Mapped[str] = mapped_column(String(SCOPE_KEY_LENGTH))
    content: Mapped[dict] = mapped_column(JSON)
    key_id: Mapped[str] = mapped_column(String(64))
    signature: Mapped[str] = mapped_column(String(128))
    requested_by: Mapped[int] = mapped_column(ForeignKey("principals.id"))


class Authorisation(Base):
    """An enterprise's permission for a bank to obtain its reports, for a purpose, until a day."""

    __tablename__ = "bank_authorisations"
    __table_args__ = (Index("ix_bank_authorisations_uscc_bank_uscc", "uscc", "bank_uscc"),
                      Index("ix_bank_authorisations_bank_uscc", "bank_uscc"))  # a bank's own list

    id: Mapped[int] = mapped_column(primary_key=True)
    uscc: Mapped[str] = mapped_column(String(18))
    bank_uscc: Mapped[str] = mapped_column(String(18))
    purpose: Mapped[str] = mapped_column(String(200))
    valid_until: Mapped[date] = mapped_column(Date)  # the last day it may be used
    granted_by: Mapped[int] = mapped_column(ForeignKey("principals.id"))
    granted_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)


class QueryLogEntry(Base):
    """Who asked for an enterprise's report or saw it, when, and why."""

    __tablename__ = "query_log"
    __table_args__ = (Index("ix_query_log_uscc_id", "uscc", "id"),
                      Index("ix_query_log_principal_id_id", "principal_id", "id"))  # a bank's past reports

    id: Mapped[int] = mapped_column(primary_key=True)
    uscc: Mapped[str] = mapped_column(String(18))
    principal_id: Mapped[int | None] = mapped_column(ForeignKey("principals.id"))  # none: a verification
    action: Mapped[str] = mapped_column(String(20))  # request, view, verify
    report_number: Mapped[str | None] = mapped_column(String(32), nullable=True)
    purpose: Mapped[str | None] = mapped_column(Text, nullable=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    principal: Mapped[Principal | None] = relationship(lazy="joined")


class ReportBatch(Base):
    """A bank's file of credit codes: one report for each enterprise that authorised the bank.

    `done` counts the items processed so far (the page's progress); the PDFs lie in the instance
    directory under report-batches/<id>/, named by report number, until the retention period ends."""

    __tablename__ = "report_batches"
    __table_args__ = (Index("ix_report_batches_bank_uscc_id", "bank_uscc", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    bank_uscc: Mapped[str] = mapped_column(String(18))
    principal_id: Mapped[int] = mapped_column(ForeignKey("principals.id"))
    filename: Mapped[str] = mapped_column(String(255))
    scope: Mapped[dict] = mapped_column(JSON, default=dict)  # period_from (ISO day or none), domains
    state: Mapped[str] = mapped_column(String(10))  # queued, running, done, failed
    total: Mapped[int] = mapped_column(Integer, default=0)
    done: Mapped[int] = mapped_column(Integer, default=0)
    issued: Mapped[int] = mapped_column(Integer, default=0)
    message_zh: Mapped[str | None] = mapped_column(Text, nullable=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    # Claimed and each chunk committed: a queued or running batch that stops moving has lost its process.
    progressed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    files_deleted_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)


class ReportBatchItem(Base):
    """One line of a batch's file: the code as typed, and what became of it."""

    __tablename__ = "report_batch_items"
    __table_args__ = (Index("ix_report_batch_items_batch_id_line", "batch_id", "line"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    batch_id: Mapped[int] = mapped_column(ForeignKey("report_batches.id"))
    line: Mapped[int] = mapped_column(Integer)
    typed: Mapped[str] = mapped_column(String(64))
    uscc: Mapped[str | None] = mapped_column(String(18), nullable=True)  # none: malformed
    outcome: Mapped[str] = mapped_column(String(16))  # pending, issued, not_authorised, malformed, duplicate, failed
    report_number: Mapped[str | None] = mapped_column(String(32), nullable=True)
    name: Mapped[str | None] = mapped_column(String(200), nullable=True)  # only of a report issued
    domains_found: Mapped[str | None] = mapped_column(Text, nullable=True)  # 有记录的领域, as in the report
    message_zh: Mapped[str | None] = mapped_column(Text, nullable=True)
