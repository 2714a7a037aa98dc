"""Notices, the records they are about, webhooks and delivery attempts."""

from datetime import date, datetime

from sqlalchemy import Date, DateTime, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from ..db import Base, Timestamps, utcnow

REPAIR_NOTICE = "repair_notice"  # 信用修复告知书
COMMITMENT_TEMPLATE = "commitment_template"  # 信用修复承诺书（模板）
REPAIRABLE_LETTER = "repairable_letter"  # 一企一函
REPAIR_PROGRESS = "repair_progress"  # a step of an application, to the applicant
REPAIR_FORWARDED = "repair_forwarded"  # an application to decide, to the source department
OBJECTION_ESCALATION = "objection_escalation"  # 三单一函 on a late objection, to the source department
OBJECTION_OUTCOME = "objection_outcome"  # an objection resolved, to the enterprise that filed it
KINDS = (REPAIR_NOTICE, COMMITMENT_TEMPLATE, REPAIRABLE_LETTER, REPAIR_PROGRESS, REPAIR_FORWARDED, OBJECTION_ESCALATION,
         OBJECTION_OUTCOME)

ENTERPRISE, DEPARTMENT = "enterprise", "department"


class Notice(Base):
    __tablename__ = "notices"
    __table_args__ = (Index("ix_notices_recipient_kind_recipient", "recipient_kind", "recipient"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(30))
    recipient_kind: Mapped[str] = mapped_column(String(20))
    recipient: Mapped[str] = mapped_column(String(18))  # enterprise or department USCC
    # What makes a notice unique (e.g. "repair_notice:42"): producing it twice is impossible.
    dedup_key: Mapped[str] = mapped_column(String(80), unique=True)
    title: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)
    issued_on: Mapped[date] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class NoticeRecord(Base):
    """A record a notice is about; a record is named by each kind of notice at most once."""

    __tablename__ = "notice_records"
    __table_args__ = (UniqueConstraint("kind", "record_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    notice_id: Mapped[int] = mapped_column(ForeignKey("notices.id"), index=True)
    record_id: Mapped[int] = mapped_column(ForeignKey("records.id"))
    kind: Mapped[str] = mapped_column(String(30))


class NoticeRead(Base):
    """A notice its enterprise has opened (the inbox marks the others unread), first opened by whom and when."""

    __tablename__ = "notice_reads"

    notice_id: Mapped[int] = mapped_column(ForeignKey("notices.id"), primary_key=True)
    read_by: Mapped[int] = mapped_column(ForeignKey("principals.id"))
    read_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class Webhook(Timestamps, Base):
    __tablename__ = "webhooks"
    __table_args__ = (UniqueConstraint("recipient_kind", "recipient"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    recipient_kind: Mapped[str] = mapped_column(String(20))
    recipient: Mapped[str] = mapped_column(String(18))
    url: Mapped[str] = mapped_column(String(500))
    secret: Mapped[str | None] = mapped_column(String(100), nullable=True)  # signs deliveries (registry.signing)


class WebhookDelivery(Base):
    """One notice to one webhook: attempts are counted and retried with backoff until delivered."""

    __tablename__ = "webhook_deliveries"
    __table_args__ = (UniqueConstraint("webhook_id", "notice_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    webhook_id: Mapped[int] = mapped_column(ForeignKey("webhooks.id"))
    notice_id: Mapped[int] = mapped_column(ForeignKey("notices.id"))
    state: Mapped[str] = mapped_column(String(20), index=True)  # pending, delivered, failed
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    last_status: Mapped[int | None] = mapped_column(Integer, nullable=True)
    last_error: Mapped[str | None] = mapped_column(Text, nullable=True)
    delivered_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
