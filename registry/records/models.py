"""Credit records (penalties, licences, list entries, commitments) with their natural key, publicity and history."""

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import (
    JSON,
    ColumnElement,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Numeric,
    String,
    Text,
    UniqueConstraint,
    select,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..db import Base, Timestamps, Versioned, code, utcnow
from ..departments.models import Department
from ..enterprises.models import Entity

# Record status: what the public sees is decided by this and by the party category.
PUBLISHED = "published"
NOT_PUBLISHED = "not_published"  # e.g. a minor penalty under gbf-2025-22
EXPIRED = "expired"  # publicity period over (publicity sweep)
WITHDRAWN = "withdrawn"  # 撤销 by the source department
REPAIRED = "repaired"  # 信用修复, hidden everywhere (Order 36)
STATUSES = (PUBLISHED, NOT_PUBLISHED, EXPIRED, WITHDRAWN, REPAIRED)

# Layout keys stored under another column name (the layout's word is taken by our own field).
COLUMN_FOR_KEY = {"status": "license_status", "severity": "severity_sent", "publicity_until": "publicity_until_sent"}


def _text(length: int | None = None, **kw):
    return mapped_column(String(length) if length else Text, nullable=True, **kw)


class Record(Timestamps, Versioned, Base):
    __tablename__ = "records"
    __table_args__ = (
        UniqueConstraint("department_id", "decision_no", "party_key"),
        Index("ix_records_entity_id_decision_date", "entity_id", "decision_date"),
        # A department's records, newest decision first (the department workspace's list).
        Index("ix_records_department_id_decision_date_id", "department_id", "decision_date", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(10))
    department_id: Mapped[int] = mapped_column(ForeignKey("departments.id"))
    domain_key: Mapped[str] = mapped_column(ForeignKey("domains.key"))
    entity_id: Mapped[int | None] = mapped_column(ForeignKey("entities.id"), nullable=True)
    # The party part of the natural key: the USCC, or the ID number of a natural person.
    party_key: Mapped[str] = mapped_column(code(64))
    status: Mapped[str] = mapped_column(String(20), default=PUBLISHED)
    content_hash: Mapped[str] = mapped_column(String(32))

    # Party (SPEC §3).
    party_name: Mapped[str] = mapped_column(String(200))
    party_category: Mapped[str] = mapped_column(String(30))
    uscc: Mapped[str | None] = mapped_column(code(18), nullable=True)
    business_reg_no: Mapped[str | None] = _text(50)
    org_code: Mapped[str | None] = _text(50)
    tax_reg_no: Mapped[str | None] = _text(50)
    institution_cert_no: Mapped[str | None] = _text(50)
    social_org_reg_no: Mapped[str | None] = _text(50)
    legal_rep: Mapped[str | None] = _text(100)
    legal_rep_id_type: Mapped[str | None] = _text(50)
    legal_rep_id_no: Mapped[str | None] = _text(64)
    id_type: Mapped[str | None] = _text(50)
    id_no: Mapped[str | None] = _text(64)

    # Decision.
    decision_no: Mapped[str] = mapped_column(code(128))
    decision_title: Mapped[str | None] = _text(200)
    decision_date: Mapped[date] = mapped_column(Date)
    authority: Mapped[str] = mapped_column(String(200))
    authority_uscc: Mapped[str] = mapped_column(String(18))
    source_unit: Mapped[str] = mapped_column(String(200))
    source_unit_uscc: Mapped[str] = mapped_column(String(18))
    remarks: Mapped[str | None] = _text()

    # Penalty.
    violation_type: Mapped[str | None] = _text(500)
    facts: Mapped[str | None] = _text()
    legal_basis: Mapped[str | None] = _text()
    penalty_types: Mapped[list | None] = mapped_column(JSON, nullable=True)
    penalty_content: Mapped[str | None] = _text()
    fine_amount: Mapped[Decimal | None] = mapped_column(Numeric(18, 6), nullable=True)
    confiscated_amount: Mapped[Decimal | None] = mapped_column(Numeric(18, 6), nullable=True)
    license_affected: Mapped[str | None] = _text(500)
    penalty_valid_until: Mapped[date | None] = mapped_column(Date, nullable=True)
    publicity_until_sent: Mapped[date | None] = mapped_column(Date, nullable=True)
    severity_sent: Mapped[str | None] = _text(10)

    # Licence.
    license_category: Mapped[str | None] = _text(10)
    certificate_name: Mapped[str | None] = _text(200)
    license_no: Mapped[str | None] = _text(128)
    content: Mapped[str | None] = _text()
    valid_from: Mapped[date | None] = mapped_column(Date, nullable=True)
    valid_to: Mapped[date | None] = mapped_column(Date, nullable=True)
    license_status: Mapped[str | None] = _text(50)

    # List entries (名单): which list, why and on what basis, and the removal (移出) when it came.
    list_name: Mapped[str | None] = _text(200)
    listing_reason: Mapped[str | None] = _text()
    listing_basis: Mapped[str | None] = _text()
    removed_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    removal_reason: Mapped[str | None] = _text()

    # Public credit commitments (信用承诺).
    commitment_type: Mapped[str | None] = _text(20)
    commitment_matter: Mapped[str | None] = _text(500)
    commitment_content: Mapped[str | None] = _text()
    commitment_state: Mapped[str | None] = _text(10)

    # Publicity, computed at intake from the rule set in force on the decision date (SPEC §4).
    severity: Mapped[str | None] = _text(10)
    rule_set: Mapped[str | None] = _text(20)
    publicity_start: Mapped[date | None] = mapped_column(Date, nullable=True)
    repairable_from: Mapped[date | None] = mapped_column(Date, nullable=True)
    publicity_end: Mapped[date | None] = mapped_column(Date, nullable=True, index=True)

    withdrawn_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    withdrawal_reason: Mapped[str | None] = _text()

    department: Mapped[Department] = relationship(lazy="joined")


class RecordVersion(Base):
    """A previous state of a record, kept whenever it changes (update, withdrawal, repair)."""

    __tablename__ = "record_versions"
    __table_args__ = (UniqueConstraint("record_id", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    record_id: Mapped[int] = mapped_column(ForeignKey("records.id"), index=True)
    version: Mapped[int]
    change: Mapped[str] = mapped_column(String(20))  # what replaced this version: update, withdraw, ...
    data: Mapped[dict] = mapped_column(JSON)
    reason: Mapped[str | None] = _text()
    changed_by: Mapped[int | None] = mapped_column(ForeignKey("principals.id"), nullable=True)
    changed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


def of_entity(uscc: str) -> ColumnElement[bool]:
    """The records of the entity with this credit code, found through the entity index: the writers
    link every record with a code to its entity, and records keep no index of their own on the code,
    which every import would pay for."""
    return Record.entity_id == select(Entity.id).where(Entity.uscc == uscc).scalar_subquery()
