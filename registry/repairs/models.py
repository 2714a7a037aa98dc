"""Repair applications, their materials and their transition log (SPEC §5)."""

from datetime import date, datetime

from sqlalchemy import JSON, Boolean, Date, DateTime, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..db import Base, Timestamps, Versioned, utcnow
from ..records.models import Record


class RepairApplication(Timestamps, Versioned, Base):
    """One application to repair one record; `version` guards concurrent decisions."""

    __tablename__ = "repair_applications"
    # The reviewers' queue sorts the open cases by their nearest deadline: read from this index alone.
    __table_args__ = (Index("ix_repair_applications_queue", "state", "result_due", "department_due", "materials_due",
                            "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(24), unique=True)
    query_code_hash: Mapped[str] = mapped_column(String(64))
    record_id: Mapped[int] = mapped_column(ForeignKey("records.id"), index=True)
    # Equal to record_id while the application is open, NULL after: one open application per record.
    open_record_id: Mapped[int | None] = mapped_column(Integer, unique=True, nullable=True)
    department_id: Mapped[int] = mapped_column(ForeignKey("departments.id"), index=True)
    applicant_uscc: Mapped[str] = mapped_column(String(18), index=True)
    applicant_name: Mapped[str] = mapped_column(String(200))
    district_code: Mapped[str | None] = mapped_column(String(6), nullable=True)  # of the applicant
    filed_by: Mapped[int] = mapped_column(ForeignKey("principals.id"))
    filed_by_role: Mapped[str] = mapped_column(String(20))
    state: Mapped[str] = mapped_column(String(20), index=True)

    commitment_text: Mapped[str] = mapped_column(Text)
    commitment_sha256: Mapped[str] = mapped_column(String(64))
    commitment_signed_by: Mapped[int] = mapped_column(ForeignKey("principals.id"))
    commitment_signed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))

    # Clocks, in working days (SPEC §5); provisional when counted through a year without a schedule.
    submitted_on: Mapped[date] = mapped_column(Date)
    result_due: Mapped[date] = mapped_column(Date)
    result_due_provisional: Mapped[bool] = mapped_column(Boolean, default=False)
    forwarded_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    department_due: Mapped[date | None] = mapped_column(Date, nullable=True)
    department_due_provisional: Mapped[bool] = mapped_column(Boolean, default=False)
    accepted_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    materials_due: Mapped[date | None] = mapped_column(Date, nullable=True)
    materials_due_provisional: Mapped[bool] = mapped_column(Boolean, default=False)
    missing_materials: Mapped[list | None] = mapped_column(JSON, nullable=True)
    decided_on: Mapped[date | None] = mapped_column(Date, nullable=True)

    record_status_before: Mapped[str | None] = mapped_column(String(20), nullable=True)
    revoked_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    lockout_until: Mapped[date | None] = mapped_column(Date, nullable=True)

    record: Mapped[Record] = relationship(lazy="joined")


class RepairMaterial(Base):
    """An uploaded file, stored once under the instance directory by its SHA-256."""

    __tablename__ = "repair_materials"

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("repair_applications.id"), index=True)
    kind: Mapped[str] = mapped_column(String(40))
    filename: Mapped[str] = mapped_column(String(255))
    content_type: Mapped[str] = mapped_column(String(50))
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    uploaded_by: Mapped[int] = mapped_column(ForeignKey("principals.id"))
    uploaded_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class RepairTransition(Base):
    """The log: every change of state, who made it, when, and why."""

    __tablename__ = "repair_transitions"

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("repair_applications.id"), index=True)
    action: Mapped[str] = mapped_column(String(30))
    from_state: Mapped[str | None] = mapped_column(String(20), nullable=True)
    to_state: Mapped[str] = mapped_column(String(20))
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("principals.id"), nullable=True)  # NULL: the platform
    actor_role: Mapped[str] = mapped_column(String(20))
    reason: Mapped[str | None] = mapped_column(Text, nullable=True)
    on_day: Mapped[date] = mapped_column(Date)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class Objection(Timestamps, Base):
    """异议申诉: an enterprise disputes a record until its source department resolves it."""

    __tablename__ = "objections"

    id: Mapped[int] = mapped_column(primary_key=True)
    record_id: Mapped[int] = mapped_column(ForeignKey("records.id"), index=True)
    # Equal to record_id while unresolved: one open objection per record.
    open_record_id: Mapped[int | None] = mapped_column(Integer, unique=True, nullable=True)
    applicant_uscc: Mapped[str] = mapped_column(String(18), index=True)
    filed_by: Mapped[int] = mapped_column(ForeignKey("principals.id"))
    reason: Mapped[str] = mapped_column(Text)
    state: Mapped[str] = mapped_column(String(20))  # open, upheld, corrected, withdrawn
    resolution: Mapped[str | None] = mapped_column(Text, nullable=True)
    resolved_by: Mapped[int | None] = mapped_column(ForeignKey("principals.id"), nullable=True)
    resolved_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    # The source department's clock (SPEC §5); none on objections filed before it was kept.


class ObjectionAttachment(Base):
    """A file the enterprise attached to its objection, kept in the repair materials' store by its SHA-256."""

    __tablename__ = "objection_attachments"

    id: Mapped[int] = mapped_column(primary_key=True)
    objection_id: Mapped[int] = mapped_column(ForeignKey("objections.id"), index=True)
    filename: Mapped[str] = mapped_column(String(255))
    content_type: Mapped[str] = mapped_column(String(50))
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    uploaded_by: Mapped[int] = mapped_column(ForeignKey("principals.id"))
    uploaded_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
