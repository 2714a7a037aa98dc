"""Declarative base with a constraint naming convention, and shared column mixins."""

from datetime import UTC, datetime

from sqlalchemy import DateTime, Integer, MetaData
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

NAMING_CONVENTION = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def utcnow() -> datetime:
    return datetime.now(UTC)


def sqlite_timestamp(value: datetime) -> str:
    """A DateTime as SQLAlchemy stores it in SQLite, for rows written with the driver's executemany."""
    return value.strftime("%Y-%m-%d %H:%M:%S.%f")


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class Timestamps:
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, onupdate=utcnow)


class Versioned:
    """A row version, bumped on every change; the search index keeps the newest it has seen."""

    version: Mapped[int] = mapped_column(Integer, default=1, nullable=False)
