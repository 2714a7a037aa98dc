"""Bank authorisations: an enterprise lets a bank obtain its reports, for a purpose, until a day."""

from datetime import date

from sqlalchemy import select

from ..access.models import Principal
from ..access.services import Viewer
from ..db import utcnow
from ..domain import uscc as uscc_rules
from ..errors import Conflict, FieldError, NotFound, ValidationFailed
from ..extensions import db
from ..uow import UnitOfWork, transactional
from .access import require_own, require_own_or_centre
from .models import Authorisation
from .rules import is_live, latest_valid_until


@transactional
def grant_authorisation(viewer: Viewer, uscc: str, data: dict, today: date, *, uow: UnitOfWork) -> dict:
    """Record the enterprise's authorisation of a bank; every problem with the request is reported at once."""
    require_own(viewer, uscc)
    errors = []
    bank_uscc, bank_name = _bank(data.get("bank_uscc"), errors)
    purpose = (data.get("purpose") or "").strip()
    if not purpose:
        errors.append(FieldError("purpose", "required", message_zh="请填写授权用途", message_en="purpose is required"))
    valid_until = data["valid_until"]
    if not today <= valid_until <= latest_valid_until(today):
        errors.append(FieldError("valid_until", "out_of_range", message_zh="授权截止日期应在今天至三年之内",
                                 message_en="valid_until must lie between today and three years ahead",
                                 value=valid_until.isoformat()))
    if errors:
        raise ValidationFailed(message_en="the authorisation is not valid", message_zh="授权信息有误", errors=errors)
    authorisation = Authorisation(uscc=uscc, bank_uscc=bank_uscc, purpose=purpose, valid_until=valid_until,
                                  granted_by=viewer.principal_id, granted_at=utcnow())
    uow.session.add(authorisation)
    uow.session.flush()  # its id is presented
    return present_authorisation(authorisation, today, bank_name)


def _bank(raw, errors: list) -> tuple[str | None, str | None]:
    """The bank's normalised code and name; an unknown or malformed code is added to `errors`."""
    try:
        code = uscc_rules.validate(raw or "")
    except uscc_rules.InvalidUSCC as exc:
        errors.append(FieldError("bank_uscc", exc.code, message_zh=exc.message_zh, message_en=exc.message_en,
                                 value=raw))
        return None, None
    name = _bank_names({code}).get(code)
    if name is None:
        errors.append(FieldError("bank_uscc", "unknown_bank", message_zh="该统一社会信用代码不是本平台登记的银行",
                                 message_en="no bank with this code uses the platform", value=code))
    return code, name


def list_authorisations(viewer: Viewer, uscc: str, today: date) -> list[dict]:
    require_own_or_centre(viewer, uscc)
    rows = db.session.scalars(select(Authorisation).where(Authorisation.uscc == uscc)
                              .order_by(Authorisation.id.desc())).all()
    names = _bank_names({a.bank_uscc for a in rows})
    return [present_authorisation(a, today, names.get(a.bank_uscc)) for a in rows]


@transactional
def revoke_authorisation(viewer: Viewer, uscc: str, authorisation_id: int, today: date, *,
                         uow: UnitOfWork) -> dict:
    require_own(viewer, uscc)
    authorisation = uow.session.scalar(select(Authorisation).where(Authorisation.id == authorisation_id,
                                                                  Authorisation.uscc == uscc).with_for_update())
    if authorisation is None:
        raise NotFound(message_en=f"no authorisation {authorisation_id}", message_zh=f"授权 {authorisation_id} 不存在",
                       code="authorisation_not_found")
    if authorisation.revoked_at is not None:
        raise Conflict(message_en="the authorisation is already revoked", message_zh="该授权已撤回",
                       code="already_revoked")
    authorisation.revoked_at = utcnow()
    bank_name = _bank_names({authorisation.bank_uscc}).get(authorisation.bank_uscc)
    return present_authorisation(authorisation, today, bank_name)


def present_authorisation(authorisation: Authorisation, today: date, bank_name: str | None) -> dict:
    return {
        "id": authorisation.id,
        "uscc": authorisation.uscc,
        "bank_uscc": authorisation.bank_uscc,
        "bank_name": bank_name,
        "purpose": authorisation.purpose,
        "valid_until": authorisation.valid_until,
        "granted_at": authorisation.granted_at,
        "revoked_at": authorisation.revoked_at,
        "live": is_live(authorisation.valid_until, authorisation.revoked_at, today),
    }


def known_banks() -> list[dict]:
    """The banks that use the platform (a code bound to a bank's account or key), by name."""
    codes = set(db.session.scalars(select(Principal.uscc).where(Principal.role == "bank",
                                                                Principal.uscc.is_not(None)).distinct()))
    return sorted(({"uscc": code, "name": name} for code, name in _bank_names(codes).items()),
                  key=lambda bank: bank["name"])


def _bank_names(codes: set) -> dict[str, str]:
    """Bank name by code, in one query; where several principals share a code, the first one's name."""
    rows = db.session.execute(select(Principal.uscc, Principal.name)
                              .where(Principal.role == "bank", Principal.uscc.in_(codes))
                              .order_by(Principal.id.desc()))
    return dict(rows.all())  # oldest last, so it wins
