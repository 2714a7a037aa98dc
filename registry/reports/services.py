"""Report use cases: request (or find the day's report), read with access checks, verify, publish keys."""

import hmac
from datetime import date

from sqlalchemy import and_, or_, select
from sqlalchemy.exc import IntegrityError

from .. import metrics
from ..access.services import PUBLIC, Viewer
from ..db import utcnow
from ..departments.models import District, Domain
from ..domain.text import typed_code
from ..enterprises.services import find_entity, parse_uscc
from ..errors import Conflict, FieldError, Forbidden, NotFound, ValidationFailed
from ..extensions import db
from ..records.layout import PARTY_CATEGORIES
from ..records.models import Record, of_entity
from ..records.publicity import rules as publicity_rules
from ..records.publicity import valid_until_text
from ..repairs.objections import under_objection
from ..runtime import Runtime, runtime, settings
from ..uow import UnitOfWork, transactional
from . import content as report_content
from .access import is_own, live_authorisation
from .models import Report
from .querylog import REQUEST, VIEW, log_query, log_verification
from .rules import new_report_number, new_verification_code
from .signing import ALGORITHM, CANONICALIZATION, KeyRing


def init_app(runtime: Runtime) -> None:
    """One KeyRing per app, so private keys are read once."""
    runtime.report_keyring = KeyRing(runtime.settings.REPORTS_KEY_DIR)


def keyring() -> KeyRing:
    """The app's signing keys."""
    return runtime().report_keyring


@transactional
def request_report(viewer: Viewer, data: dict, today: date, *, uow: UnitOfWork) -> tuple[Report, bool]:
    """Issue a report, or return the day's report of the same scope; the request is logged either way.

    Returns the report and whether it was issued by this request.
    """
    uscc = parse_uscc(data["uscc"])
    purpose = (data.get("purpose") or "").strip() or None
    if viewer.role == "bank":
        authorisation = live_authorisation(viewer, uscc, today)
        if authorisation is None:
            raise Forbidden(message_en="the enterprise has not authorised this bank, or the authorisation ended",
                            message_zh="该企业未授权本机构查询，或授权已到期、已撤回", code="not_authorised")
        if purpose not in (None, authorisation.purpose):
            raise Forbidden(message_en=f"the enterprise authorised this bank for {authorisation.purpose!r} only",
                            message_zh=f"该企业仅授权本机构用于“{authorisation.purpose}”",
                            code="purpose_not_authorised")
        purpose = authorisation.purpose
    elif not is_own(viewer, uscc):
        raise Forbidden(message_en="an enterprise may only request its own report",
                        message_zh="企业只能申请本企业的信用报告",
                        code="not_own_enterprise")
    entity = find_entity(uscc)
    scope, key = _scope(data, today)
    report, issued = _day_report_or_issue(uow.session, viewer, entity, scope, key, today)
    log_query(uow.session, viewer, uscc, REQUEST, report.number, purpose)
    if issued:
        metrics.count_report_issued()
        uow.audit("report.issue", viewer, "report", report.number, {"uscc": uscc, "purpose": purpose})
    else:  # the day's report, served again
        _note_download(uow, viewer, report, "json")
    return report, issued


def check_scope(data: dict, today: date) -> None:
    """Raise what a request of this scope (period_from, domains) would be refused for: a batch checks
    its scope once, before its first report."""
    _scope(data, today)


def _scope(data: dict, today: date) -> tuple[report_content.Scope, str]:
    errors = []
    period_from = data.get("period_from") or report_content.years_before(today, report_content.DEFAULT_YEARS_BACK)
    earliest = report_content.earliest_start(today)
    if not earliest <= period_from <= today:
        errors.append(FieldError("period_from", "out_of_range",
                                 message_zh=f"查询期间最早可从{earliest.isoformat()}起算",
                                 message_en=f"the period may start from {earliest.isoformat()} at the earliest, "
                                            "up to today",
                                 value=period_from.isoformat()))
    domains = db.session.execute(select(Domain.key, Domain.name_zh).order_by(Domain.key)).all()
    chosen = data.get("domains") or []
    unknown = sorted(set(chosen) - {key for key, _ in domains})
    errors += [FieldError("domains", "unknown_domain", message_zh=f"未知领域“{key}”",
                          message_en=f"unknown domain {key!r}", value=key)
               for key in unknown]
    if errors:
        raise ValidationFailed(message_en="the scope of the report is not valid", message_zh="报告查询范围有误",
                               errors=errors)
    if set(chosen) >= {key for key, _ in domains}:
        chosen = []  # naming every domain is the default scope
    listed = tuple((key, name) for key, name in domains if not chosen or key in chosen)
    return report_content.Scope(period_from, today, listed), report_content.scope_key(period_from, chosen)


def _day_report(uscc: str, today: date, key: str) -> Report | None:
    return db.session.scalar(select(Report).where(Report.uscc == uscc, Report.issued_on == today,
                                                  Report.scope_key == key))


def _day_report_or_issue(session, viewer: Viewer, entity, scope: report_content.Scope, key: str,
                         today: date) -> tuple[Report, bool]:
    """The day's report of this scope, or a new one; a concurrent request that issued it first wins."""
    for _ in range(3):  # a clash is a concurrent issue of the same scope, or (rarely) a number drawn twice
        report = _day_report(entity.uscc, today, key)
        if report is not None:
            return report, False
        report = _new_report(viewer, entity, scope, key, today)
        try:
            with session.begin_nested():
                session.add(report)
            return report, True
        except IntegrityError:
            continue
    raise Conflict(message_en="the report could not be issued; try again", message_zh="报告出具冲突，请重试",
                   code="report_conflict")


def _new_report(viewer: Viewer, entity, scope: report_content.Scope, key: str, today: date) -> Report:
    issued_at = utcnow().replace(microsecond=0)
    identity = {"number": new_report_number(today), "verification_code": new_verification_code(),
                "issued_at": issued_at.isoformat().replace("+00:00", "Z"), "issuer": settings().REPORTS_ISSUER}
    document = report_content.build_content(identity, entity_identity(entity), scope, findings_of(entity.uscc, scope),
                                            settings().REPORTS_SHOW_REPAIRED)
    key_id, signature = keyring().sign(document)
    return Report(number=identity["number"], verification_code=identity["verification_code"], uscc=entity.uscc,
                  issued_on=today, issued_at=issued_at, scope_key=key, content=document, key_id=key_id,
                  signature=signature, requested_by=viewer.principal_id)


def entity_identity(entity) -> dict:
    district = db.session.get(District, entity.district_code)
    return {
        "uscc": entity.uscc,
        "name": entity.name,
        "party_category": PARTY_CATEGORIES.get(entity.party_category, entity.party_category),
        "district": district.name_zh if district else entity.district_code,
        "legal_rep": entity.legal_rep,
        "legal_rep_id_no": entity.legal_rep_id_no,
    }


_FINDING_COLUMNS = (Record.id, Record.kind, Record.domain_key, Record.status, Record.decision_no,
                    Record.decision_date, Record.authority, Record.penalty_types, Record.violation_type,
                    Record.penalty_content, Record.fine_amount, Record.penalty_valid_until, Record.publicity_end,
                    Record.valid_to, Record.list_name, Record.listing_reason, Record.listing_basis,
                    Record.removed_on, Record.removal_reason, Record.commitment_type, Record.commitment_matter,
                    Record.commitment_content, Record.commitment_state)


def findings_of(uscc: str, scope: report_content.Scope) -> list:
    """The entity's records a report may list in the scope's domains: penalties decided since the
    period's start, list entries and commitments not ended before it (SPEC §6)."""
    entry = Record.kind.in_(report_content.ENTRY_KINDS)
    query = select(*_FINDING_COLUMNS).where(
        of_entity(uscc), Record.kind.in_([*report_content.NEGATIVE_KINDS, *report_content.POSITIVE_KINDS]),
        Record.domain_key.in_([key for key, _ in scope.domains]),
        or_(and_(~entry, Record.decision_date >= scope.period_from),
            and_(entry, or_(Record.publicity_end.is_(None), Record.publicity_end >= scope.period_from))))
    rows = db.session.execute(query).all()
    disputed = under_objection([row.id for row in rows]) if rows else set()
    rules = publicity_rules()
    return [report_content.Finding(
        row.id, row.kind, row.domain_key, row.status, row.decision_no, row.decision_date, row.authority,
        tuple(row.penalty_types or ()), row.violation_type, row.penalty_content, row.fine_amount,
        valid_until_text(row.penalty_valid_until), negative=rules.is_negative(row), publicity_end=row.publicity_end,
        entry=report_content.entry_fields(row) if row.kind in report_content.ENTRY_KINDS else None,
        under_objection=row.id in disputed) for row in rows]


@transactional
def read_report(viewer: Viewer, number: str, today: date, rendering: str = "json", *, uow: UnitOfWork) -> Report:
    """A report for the enterprise itself, a bank it authorises (in the query log) or the credit
    centre (in the query log); every such read, in `rendering` (json, html, pdf), is in the audit trail.

    Anyone else gets the same 404 whether or not the number exists.
    """
    report = db.session.scalar(select(Report).where(Report.number == number))
    if report is None:
        raise _not_found(number)
    if not is_own(viewer, report.uscc):
        authorisation = live_authorisation(viewer, report.uscc, today)
        if authorisation is None and not viewer.is_credit_centre:
            raise _not_found(number)
        log_query(uow.session, viewer, report.uscc, VIEW, report.number,
                  authorisation.purpose if authorisation else None)
    _note_download(uow, viewer, report, rendering)
    return report


def _note_download(uow: UnitOfWork, viewer: Viewer, report: Report, rendering: str) -> None:
    uow.audit("report.download", viewer, "report", report.number, {"uscc": report.uscc, "format": rendering})


def _not_found(number: str) -> NotFound:
    return NotFound(message_en=f"no report {number} that you may see", message_zh=f"未找到报告 {number}，或无权查看",
                    code="report_not_found")


def signed_document(report: Report, base_url: str) -> dict:
    """The report as served: the signed content, its signature and where to verify it."""
    return {
        "report": report.content,
        "signature": {"algorithm": ALGORITHM, "canonicalization": CANONICALIZATION, "key_id": report.key_id,
                      "value": report.signature, "signed": "report"},
        "verify_url": verify_url(report, base_url),
    }


def verify_url(report: Report, base_url: str) -> str:
    base = settings().PUBLIC_BASE_URL or base_url.rstrip("/")
    return f"{base}/reports/{report.number}/verify?code={report.verification_code}"


@transactional
def verify_report(number: str, code: str, base_url: str, *, uow: UnitOfWork) -> dict:
    """The facts of a report for anyone holding its number and code, whether its signature holds,
    and what has changed in the entity's records since it was issued."""
    report = db.session.scalar(select(Report).where(Report.number == typed_code(number)))
    if report is None or not hmac.compare_digest(report.verification_code.encode(), typed_code(code or "").encode()):
        raise NotFound(message_en="no report with this number and verification code",
                       message_zh="报告编号或验证码不正确",
                       code="report_not_found")
    document = report.content
    scope = report_content.Scope(date.fromisoformat(document["period"]["from"]), report.issued_on,
                                 tuple((s["key"], s["name_zh"]) for s in document["domains"]))
    changes = report_content.changes_since_issue(document, findings_of(report.uscc, scope),
                                                 settings().REPORTS_SHOW_REPAIRED)
    log_verification(uow.session, report.uscc, report.number)
    uow.audit("report.verify", PUBLIC, "report", report.number, {"uscc": report.uscc})  # whoever holds the code
    return {
        **signed_document(report, base_url),
        "signature_valid": keyring().verify(document, report.key_id, report.signature),
        "changed_since_issue": bool(changes),
        "changes": changes,
    }


def published_keys() -> dict:
    return {"algorithm": ALGORITHM, "canonicalization": CANONICALIZATION, "keys": keyring().published()}
