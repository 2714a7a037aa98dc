"""The query log: every report request, every view of a report by someone other than the enterprise,
and every verification by number and code (by whoever holds them: the log names nobody)."""

from sqlalchemy import select

from ..access.services import Viewer
from ..extensions import db
from ..pagination import decode_id_cursor, encode_cursor
from .access import require_own_or_centre
from .models import QueryLogEntry

REQUEST, VIEW, VERIFY = "request", "view", "verify"


def log_query(session, viewer: Viewer, uscc: str, action: str, report_number: str | None, purpose: str | None) -> None:
    """Add an entry to the caller's transaction (it commits with the use case that logged it)."""
    session.add(QueryLogEntry(uscc=uscc, principal_id=viewer.principal_id, action=action,
                                 report_number=report_number, purpose=purpose))


def log_verification(session, uscc: str, report_number: str) -> None:
    """Add a verification to the caller's transaction."""
    session.add(QueryLogEntry(uscc=uscc, principal_id=None, action=VERIFY, report_number=report_number))


def list_queries(viewer: Viewer, uscc: str, cursor: str | None = None, limit: int = 20) -> dict:
    """Who queried the enterprise, newest first."""
    require_own_or_centre(viewer, uscc)
    query = select(QueryLogEntry).where(QueryLogEntry.uscc == uscc)
    if cursor:
        query = query.where(QueryLogEntry.id < decode_id_cursor(cursor))
    entries = db.session.scalars(query.order_by(QueryLogEntry.id.desc()).limit(limit + 1)).all()
    page = entries[:limit]
    return {
        "items": [_present(entry) for entry in page],
        "next_cursor": encode_cursor(page[-1].id) if len(entries) > limit else None,
    }


def _present(entry: QueryLogEntry) -> dict:
    who = entry.principal
    return {
        "at": entry.at,
        "action": entry.action,
        "report_number": entry.report_number,
        "purpose": entry.purpose,
        "by": {"role": who.role, "name": who.name, "uscc": who.uscc} if who else None,
    }
