"""Creating principals and authenticating API keys."""

import hashlib
import secrets
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select

from ..departments.models import Department, District
from ..domain import uscc as uscc_rules
from ..errors import Unauthorized, ValidationFailed
from ..extensions import db
from ..runtime import today
from ..uow import UnitOfWork, transactional
from .models import CREDIT_CENTRE, ROLES, Principal

KEY_PREFIX = "crk_"


@dataclass(frozen=True)
class Viewer:
    """Who is asking, reduced to what access rules need; the public is Viewer('public')."""

    role: str = "public"
    principal_id: int | None = None
    department_id: int | None = None
    uscc: str | None = None
    district_code: str | None = None
    account_id: int | None = None  # a person signed in, rather than a system with a key

    @property
    def is_public(self) -> bool:
        return self.role == "public"

    @property
    def is_credit_centre(self) -> bool:
        return self.role in CREDIT_CENTRE

    @property
    def reads_personal_data(self) -> bool:
        """The credit centre's reviewers, who decide cases; its admins keep accounts, keys and
        configuration, not personal data (SPEC §7)."""
        return self.role == "reviewer"


PUBLIC = Viewer()


def is_party(viewer: Viewer, uscc: str | None) -> bool:
    """Whether the viewer is the enterprise of this USCC itself."""
    return viewer.role == "enterprise" and uscc is not None and viewer.uscc == uscc


def sees_own(viewer: Viewer, uscc: str) -> bool:
    """Whether the viewer sees an enterprise's own data: the enterprise itself, or the credit centre."""
    return viewer.is_credit_centre or is_party(viewer, uscc)


def hash_key(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


# What binds a principal of each role (the others bind nothing): a bank's USCC is optional.
_BINDING_OF_ROLE = {"department": "department", "enterprise": "uscc", "bank": "uscc", "agent": "district"}


@transactional
def create_principal(role: str, name: str | None = None, department_uscc: str | None = None,
                     uscc: str | None = None, district_code: str | None = None, *, expires_at: date | None = None,
                     created_by: int | None = None, actor: Viewer | None = None,
                     uow: UnitOfWork) -> tuple[Principal, str]:
    """Create a principal and return it with its API key, which is not stored and shown only once;
    the key works through `expires_at` (a day, not before today) if given. `actor` is who the audit
    trail names (None: the platform, as on the command line)."""
    principal = bound_principal(role, name, department_uscc, uscc, district_code)
    principal.expires_at, principal.created_by = checked_expiry(expires_at), created_by
    key = issue_key(principal)
    uow.session.add(principal)
    uow.session.flush()  # the caller shows its id
    # The principal row keeps who created it; the trail, that a key was made (never the key).
    uow.audit("key.create", actor, "principal", principal.id, {"role": role, "key_prefix": principal.key_prefix})
    return principal, key


def checked_expiry(expires_at: date | None) -> date | None:
    """A key's last day as given: none, or a day from today on."""
    if expires_at is not None and expires_at < today():
        raise ValidationFailed(message_en=f"the expiry date {expires_at} is in the past",
                               message_zh=f"有效期截止日期 {expires_at} 早于今天", code="expiry_in_the_past")
    return expires_at


def is_expired(principal: Principal) -> bool:
    return principal.expires_at is not None and principal.expires_at < today()


def issue_key(principal: Principal) -> str:
    """Give the principal a new key, replacing any it had; the key itself is returned, never stored."""
    key = KEY_PREFIX + secrets.token_urlsafe(32)
    principal.key_prefix = key[:12]
    principal.key_hash = hash_key(key)
    return key


def bound_principal(role: str, name: str | None = None, department_uscc: str | None = None,
                    uscc: str | None = None, district_code: str | None = None) -> Principal:
    """A new principal of `role` bound to what the role needs (checked), not yet added, without a key."""
    if role not in ROLES:
        raise ValidationFailed(message_en=f"role must be one of {', '.join(ROLES)}",
                               message_zh=f"角色应为：{'、'.join(ROLES)}",
                               code="invalid_role")
    given = {option for option, value in (("department", department_uscc), ("uscc", uscc), ("district", district_code))
             if value}
    if stray := sorted(given - {_BINDING_OF_ROLE.get(role)}):
        raise ValidationFailed(message_en=f"--{stray[0]} does not apply to the role {role}",
                               message_zh=f"角色 {role} 不使用 --{stray[0]}",
                               code="binding_not_for_role")
    principal = Principal(role=role, name=name or role)
    if role == "department":
        principal.department = _department(department_uscc)
        principal.name = name or principal.department.name
    elif role == "enterprise" or (role == "bank" and uscc):
        principal.uscc = _uscc(uscc)
    elif role == "agent":
        principal.district_code = _district(district_code)
    return principal


def _department(code: str | None) -> Department:
    if not code:
        raise ValidationFailed(message_en="a department principal needs --department USCC",
                               message_zh="部门账号须指定 --department（部门统一社会信用代码）",
                               code="department_required")
    department = db.session.scalar(select(Department).where(Department.uscc == uscc_rules.normalise(code)))
    if department is None:
        raise ValidationFailed(message_en=f"no department with USCC {code}", message_zh=f"部门 {code} 不存在",
                               code="unknown_department")
    return department


def _uscc(code: str | None) -> str:
    if not code:
        raise ValidationFailed(message_en="an enterprise principal needs --uscc", message_zh="企业账号须指定 --uscc",
                               code="uscc_required")
    try:
        return uscc_rules.validate(code)
    except uscc_rules.InvalidUSCC as exc:
        raise ValidationFailed(message_en=exc.message_en, message_zh=exc.message_zh, code=exc.code) from None


def _district(code: str | None) -> str:
    if not code or db.session.get(District, code) is None:
        raise ValidationFailed(message_en="an agent principal needs --district with a known district code, "
                                          f"got {code!r}",
                               message_zh="代办账号须指定已知的 --district 行政区划代码", code="unknown_district")
    return code


def authenticate(key: str) -> Viewer:
    """The viewer behind an API key (see `principal_of_key`)."""
    return viewer_of(principal_of_key(key))


def principal_of_key(key: str) -> Principal:
    """The principal holding an API key, read afresh from the database on every call (a revocation
    takes effect on the next request in every process). An unknown or revoked key, or one past its
    last day, is a 401, never treated as public."""
    principal = db.session.scalar(select(Principal).where(Principal.key_hash == hash_key(key.strip())))
    if principal is None or principal.revoked_at is not None:
        raise Unauthorized(message_en="the API key is not valid", message_zh="API 密钥无效", code="invalid_api_key")
    if is_expired(principal):
        raise Unauthorized(message_en=f"the API key expired after {principal.expires_at}",
                           message_zh=f"API 密钥已于 {principal.expires_at} 到期", code="expired_api_key")
    return principal


def viewer_of(principal: Principal, account_id: int | None = None) -> Viewer:
    return Viewer(principal.role, principal.id, principal.department_id, principal.uscc, principal.district_code,
                  account_id)
