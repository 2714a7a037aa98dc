"""Issued reports, the banks an enterprise has authorised, and who queried an enterprise."""

from datetime import date, datetime

from sqlalchemy import JSON, Date, DateTime, ForeignKey, Index, String, Text, UniqueConstraint
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
    __table_args__ = (Index("ix_bank_authorisations_uscc_bank_uscc", "uscc", "bank_uscc"),)

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
    __table_args__ = (Index("ix_query_log_uscc_id", "uscc", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    uscc: Mapped[str] = mapped_column(String(18))
    principal_id: Mapped[int | None] = mapped_column(ForeignKey("principals.id"))  # none: a verification
    action: Mapped[str] = mapped_column(String(20))  # request, view, verify
    report_number: Mapped[str | None] = mapped_column(String(32), nullable=True)
    purpose: Mapped[str | None] = mapped_column(Text, nullable=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    principal: Mapped[Principal | None] = relationship(lazy="joined")
