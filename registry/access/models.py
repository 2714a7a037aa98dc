"""Principals: who calls the API, in which role, bound to what; keys are stored hashed."""

from datetime import date, datetime

from sqlalchemy import Date, DateTime, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..db import Base, Timestamps
from ..departments.models import Department

ROLES = ("enterprise", "bank", "department", "agent", "partner", "reviewer", "admin")
# A data-sharing partner (the provincial platform, a licensed credit agency) under an agreement with the
# credit centre: it receives every record on display, natural persons' included (SPEC §2 keeps ID
# numbers from it as from banks); its copy follows the feed and its own daily export.
PARTNERS = ("partner",)
# The credit centre's own staff: they see and decide what the other roles may only see of their own.
CREDIT_CENTRE = ("reviewer", "admin")


class Principal(Timestamps, Base):
    __tablename__ = "principals"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(20))
    department_id: Mapped[int | None] = mapped_column(ForeignKey("departments.id"), nullable=True)
    uscc: Mapped[str | None] = mapped_column(String(18), nullable=True)
    district_code: Mapped[str | None] = mapped_column(String(6), nullable=True)
    # None for the principal a person's account acts as: people sign in, systems hold keys.
    key_prefix: Mapped[str | None] = mapped_column(String(16), nullable=True)
    key_hash: Mapped[str | None] = mapped_column(String(64), unique=True, nullable=True)
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    # The last day the key works: the application's clock counts days, as the other validity dates do.
    expires_at: Mapped[date | None] = mapped_column(Date, nullable=True)
    last_used_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    # The admin principal that made it; None for one made on the command line.
    created_by: Mapped[int | None] = mapped_column(ForeignKey("principals.id"), nullable=True)

    department: Mapped[Department | None] = relationship(lazy="joined")
