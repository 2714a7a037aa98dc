"""What the enterprise's and the bank's pages list: an enterprise's reports, the reports a bank
requested, and the authorisations granted to a bank."""

from datetime import date

from sqlalchemy import or_, select

from ..access.models import Principal
from ..access.services import Viewer
from ..enterprises.models import Entity
from ..errors import Forbidden
from ..extensions import db
from ..pagination import decode_id_cursor, encode_cursor
from .access import require_own
from .models import Authorisation, QueryLogEntry, Report
from .querylog import REQUEST
from .rules import is_live

PAGE = 20


def enterprise_reports(viewer: Viewer, uscc: str, cursor: str | None = None) -> dict:
    """The enterprise's own reports, newest first, whoever requested them."""
    require_own(viewer, uscc)
    query = (select(Report, Principal.role, Principal.name).join(Principal, Principal.id == Report.requested_by)
             .where(Report.uscc == uscc))
    return _page(query, cursor, lambda row: {**_report_row(row[0]), "requested_by_role": row[1],
                                             "requested_by": row[2]})


def bank_reports(viewer: Viewer, search: str = "", cursor: str | None = None) -> dict:
    """The reports the bank requested (by any of its accounts and keys), newest first; `search` is a
    credit code (whole or its start) or part of the enterprise's name."""
    _require_bank(viewer)
    requested = (select(QueryLogEntry.report_number).join(Principal, Principal.id == QueryLogEntry.principal_id)
                 .where(QueryLogEntry.action == REQUEST, Principal.role == "bank", Principal.uscc == viewer.uscc))
    query = (select(Report, Entity.name).join(Entity, Entity.uscc == Report.uscc)
             .where(Report.number.in_(requested)))
    search = search.strip()
    if search:
        code = search.upper()
        query = query.where(or_(Report.uscc.startswith(code, autoescape=True),
                                Entity.name.contains(search, autoescape=True)))
    return _page(query, cursor, lambda row: {**_report_row(row[0]), "name": row[1]})


def _page(query, cursor: str | None, present) -> dict:
    if cursor:
        query = query.where(Report.id < decode_id_cursor(cursor))
    rows = db.session.execute(query.order_by(Report.id.desc()).limit(PAGE + 1)).all()
    page = rows[:PAGE]
    return {"items": [present(row) for row in page],
            "next_cursor": encode_cursor(page[-1][0].id) if len(rows) > PAGE else None}


def _report_row(report: Report) -> dict:
    content, summary = report.content, report.content["summary"]
    return {"number": report.number, "uscc": report.uscc, "name": content["entity"]["name"],
            "issued_at": report.issued_at, "period": content["period"], "domains": summary["domains"],
            "domains_with_records": summary["domains_with_records"]}


def bank_authorisations(viewer: Viewer, today: date) -> list[dict]:
    """Who has authorised the bank, for which purpose and until when: the live ones first."""
    _require_bank(viewer)
    rows = db.session.execute(select(Authorisation, Entity.name).outerjoin(Entity, Entity.uscc == Authorisation.uscc)
                              .where(Authorisation.bank_uscc == viewer.uscc)
                              .order_by(Authorisation.valid_until.desc(), Authorisation.id.desc())).all()
    found = [{"id": a.id, "uscc": a.uscc, "name": name, "purpose": a.purpose, "valid_until": a.valid_until,
              "granted_at": a.granted_at, "revoked_at": a.revoked_at,
              "live": is_live(a.valid_until, a.revoked_at, today)} for a, name in rows]
    return sorted(found, key=lambda a: not a["live"])


def _require_bank(viewer: Viewer) -> None:
    if viewer.role != "bank" or not viewer.uscc:
        raise Forbidden(message_en="only a bank bound to its credit code has authorisations and reports",
                        message_zh="本账号未绑定金融机构的统一社会信用代码，请联系平台管理员",
                        code="bank_not_bound")

