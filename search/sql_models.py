"""Tables of the built-in search engine, and the objects only the migrations know about."""

from datetime import date

from sqlalchemy import BigInteger, Date, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from registry.db import Base

# SQLite: FTS5 tables (trigram tokenizer) over the searchable columns, with external content read
# from the two tables below by seq and kept in step by triggers. PostgreSQL: GIN trigram indexes on
# the same columns, named ix_<table>_<column>_trgm. Only migration 0003 creates them (SQLAlchemy
# cannot declare them), so model comparison and autogenerate skip them (include_object). So is the
# index of name prefixes (migration 0007), "C"-collated on PostgreSQL.
FTS_TABLES = ("search_fts", "search_text_fts")
TRIGRAM_INDEX_SUFFIX = "_trgm"
NAME_PREFIX_INDEX = "ix_search_documents_name_prefix"
# Decision numbers looked up whole or by prefix, as a range of this index ("C"-collated on
# PostgreSQL); migration 0022 creates it.
DECISION_NO_INDEX = "ix_search_documents_decision_no"
# The entities on some list (list_until set), by seq: a search by list status without a text reads
# those few instead of every document; migration 0025 creates it (a partial index).
LISTED_INDEX = "ix_search_documents_listed"
# Joins several normalised names or text parts in one column; normalised text never contains it,
# so no match runs across two of them.
SEPARATOR = "\n"
# Delimits the domains in search_documents.domains: "|market_supervision|tax|".
DOMAIN_DELIMITER = "|"

# SQLite makes an INTEGER PRIMARY KEY the rowid: the FTS5 index points straight at the row.
_SEQ = BigInteger().with_variant(Integer(), "sqlite")


class SearchDocument(Base):
    """What the engine matches, filters, ranks and counts, one narrow row per document (an entity or a
    record). Searchable columns hold normalised text (width, spaces and traditional script folded,
    upper-case names, lower-case spellings), so that both databases match them with the same plain
    case-sensitive substring tests. Bulky text lives in search_document_texts, so that a query with
    many hits reads few pages."""

    __tablename__ = "search_documents"

    seq: Mapped[int] = mapped_column(_SEQ, primary_key=True)  # the FTS5 rowid on SQLite
    id: Mapped[str] = mapped_column(String(40), unique=True)  # "entity-<uscc>" or "record-<id>"
    kind: Mapped[str] = mapped_column(String(10))
    district: Mapped[str | None] = mapped_column(String(12), nullable=True)
    severity: Mapped[str | None] = mapped_column(String(10), nullable=True)
    department: Mapped[int | None] = mapped_column(Integer, nullable=True)
    decision_date: Mapped[date | None] = mapped_column(Date, nullable=True)
    # A record's kind (penalty, licence) and its decision number (文书号), folded as record text is.
    record_kind: Mapped[str | None] = mapped_column(String(10), nullable=True)
    decision_no: Mapped[str | None] = mapped_column(String(128), nullable=True)
    # A record's domain, or every domain an entity has records in, each between DOMAIN_DELIMITERs.
    domains: Mapped[str] = mapped_column(String(400), default="")
    uscc: Mapped[str | None] = mapped_column(String(18), nullable=True, index=True)
    name_normalised: Mapped[str] = mapped_column(String(200))
    former: Mapped[str] = mapped_column(Text, default="")  # normalised former names, SEPARATOR between
    pinyin: Mapped[str] = mapped_column(Text, default="")  # of the name
    initials: Mapped[str] = mapped_column(Text, default="")  # of the name
    # Pinyin and initials of every former name, each after a space: " pinyin1 initials1 pinyin2 ...".
    former_pinyin: Mapped[str] = mapped_column(Text, default="")
    # An entity's lists: JSON of list kind -> the ISO day its entries end (search.documents.list_until),
    # compared with the query's day at search time; None when it is on no list.
    list_until: Mapped[str | None] = mapped_column(Text, nullable=True)
    version: Mapped[int] = mapped_column(BigInteger)


class SearchDocumentText(Base):
    """The bulky part of a document: its normalised record text (searched) and, as JSON, what the
    highlights show as written (the name, the former names, the record text: sql_documents.HIGHLIGHTED)."""

    __tablename__ = "search_document_texts"

    seq: Mapped[int] = mapped_column(
        _SEQ, ForeignKey("search_documents.seq", ondelete="CASCADE"), primary_key=True, autoincrement=False
    )
    text: Mapped[str] = mapped_column(Text, default="")  # normalised, one line per part
    document: Mapped[str] = mapped_column(Text)  # JSON, UTF-8 as is (not \u-escaped: a third of the size)


def is_migration_only(name: str | None, type_: str) -> bool:
    """True for the schema objects migrations 0003, 0007, 0022 and 0025 create outside the SQLAlchemy metadata."""
    if not name:
        return False
    if type_ == "table":  # the FTS5 tables and their shadow tables (search_fts_data, ...)
        return any(name == table or name.startswith(f"{table}_") for table in FTS_TABLES)
    if type_ == "index":
        trigram = name.startswith("ix_search_document") and name.endswith(TRIGRAM_INDEX_SUFFIX)
        return trigram or name in (NAME_PREFIX_INDEX, DECISION_NO_INDEX, LISTED_INDEX)
    return False


def include_object(obj, name, type_, reflected, compare_to) -> bool:
    """Alembic hook: leave the migration-only search objects out of autogenerate and comparison."""
    return not (reflected and compare_to is None and is_migration_only(name, type_))
