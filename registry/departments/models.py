"""Domains, districts and source departments (reference data, loaded by `registry init`)."""

from sqlalchemy import JSON, Boolean, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..db import Base, Timestamps

CODE_LENGTH = 40  # a department's short code


class Domain(Base):
    __tablename__ = "domains"

    key: Mapped[str] = mapped_column(String(40), primary_key=True)
    name_zh: Mapped[str] = mapped_column(String(100))
    special_sector: Mapped[bool] = mapped_column(Boolean, default=False)


class District(Base):
    __tablename__ = "districts"

    code: Mapped[str] = mapped_column(String(6), primary_key=True)
    name_zh: Mapped[str] = mapped_column(String(100))


class Department(Timestamps, Base):
    __tablename__ = "departments"

    id: Mapped[int] = mapped_column(primary_key=True)
    uscc: Mapped[str] = mapped_column(String(18), unique=True)
    code: Mapped[str] = mapped_column(String(CODE_LENGTH), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    domain_key: Mapped[str] = mapped_column(ForeignKey("domains.key"))
    district_code: Mapped[str] = mapped_column(ForeignKey("districts.code"))
    # Per-department severity defaults (penalty type -> severity), SPEC §4.
    severity_overrides: Mapped[dict | None] = mapped_column(JSON, nullable=True)

    domain: Mapped[Domain] = relationship(lazy="joined")
    district: Mapped[District] = relationship(lazy="joined")
