"""Market entities: registered name, former names, category, district and legal representative."""

from datetime import date, datetime

from sqlalchemy import JSON, Date, DateTime, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from ..db import Base, Timestamps, Versioned, code, utcnow


class Entity(Timestamps, Versioned, Base):
    __tablename__ = "entities"

    id: Mapped[int] = mapped_column(primary_key=True)
    uscc: Mapped[str] = mapped_column(code(18), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    # Folded form used for matching (width, brackets, spaces, traditional -> simplified).
    name_normalised: Mapped[str] = mapped_column(String(200))
    former_names: Mapped[list] = mapped_column(JSON, default=list)
    # The decision date of the registration authority's record that last named the entity: a newer
    # one renames it. None: the name came from another department's record, until the authority names it.
    name_as_of: Mapped[date | None] = mapped_column(Date, nullable=True)
    party_category: Mapped[str] = mapped_column(String(30))
    district_code: Mapped[str] = mapped_column(String(6))
    legal_rep: Mapped[str | None] = mapped_column(String(100), nullable=True)
    legal_rep_id_type: Mapped[str | None] = mapped_column(String(50), nullable=True)
    legal_rep_id_no: Mapped[str | None] = mapped_column(String(64), nullable=True)


class EntityNameChange(Base):
    """One rename of an entity: the name it had, the one it took, which department's record renamed
    it, who sent that record (None: the platform itself) and when."""

    __tablename__ = "entity_name_history"

    id: Mapped[int] = mapped_column(primary_key=True)
    entity_id: Mapped[int] = mapped_column(ForeignKey("entities.id"), index=True)
    old_name: Mapped[str] = mapped_column(String(200))
    new_name: Mapped[str] = mapped_column(String(200))
    department_id: Mapped[int | None] = mapped_column(ForeignKey("departments.id"), nullable=True)
    changed_by: Mapped[int | None] = mapped_column(ForeignKey("principals.id"), nullable=True)
    changed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
