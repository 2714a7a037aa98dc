"""Market entities: registered name, former names, category, district and legal representative."""

from datetime import date

from sqlalchemy import JSON, Date, String
from sqlalchemy.orm import Mapped, mapped_column

from ..db import Base, Timestamps, Versioned, code


class Entity(Timestamps, Versioned, Base):
    __tablename__ = "entities"

    id: Mapped[int] = mapped_column(primary_key=True)
    uscc: Mapped[str] = mapped_column(code(18), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    # Folded form used for matching (width, brackets, spaces, traditional -> simplified).
    name_normalised: Mapped[str] = mapped_column(String(200))
    former_names: Mapped[list] = mapped_column(JSON, default=list)
    # The decision date of the record that last named the entity: a newer record renames it.
    name_as_of: Mapped[date | None] = mapped_column(Date, nullable=True)
    party_category: Mapped[str] = mapped_column(String(30))
    district_code: Mapped[str] = mapped_column(String(6))
    legal_rep: Mapped[str | None] = mapped_column(String(100), nullable=True)
    legal_rep_id_type: Mapped[str | None] = mapped_column(String(50), nullable=True)
    legal_rep_id_no: Mapped[str | None] = mapped_column(String(64), nullable=True)
