"""Creating principals and authenticating API keys."""

import hashlib
import secrets
from dataclasses import dataclass

from sqlalchemy import select

from ..departments.models import Department, District
from ..domain import uscc as uscc_rules
from ..errors import Unauthorized, ValidationFailed
from ..extensions import db
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

    @property
    def is_public(self) -> bool:
        return self.role == "public"

    @property
    def is_credit_centre(self) -> bool:
        return self.role in CREDIT_CENTRE


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
                     uscc: str | None = None, district_code: str | None = None, *,
                     uow: UnitOfWork) -> tuple[Principal, str]:
    """Create a principal and return it with its API key, which is not stored and shown only once."""
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
    key = KEY_PREFIX + secrets.token_urlsafe(32)
    principal.key_prefix = key[:12]
    principal.key_hash = hash_key(key)
    uow.session.add(principal)
    uow.session.flush()  # the caller shows its id
    # By the operator at the terminal (registry principals create): the platform itself, to the trail.
    uow.audit("key.create", None, "principal", principal.id, {"role": role, "key_prefix": principal.key_prefix})
    return principal, key


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
    """The viewer behind an API key; an unknown or revoked key is a 401, never treated as public."""
    principal = db.session.scalar(select(Principal).where(Principal.key_hash == hash_key(key.strip())))
    if principal is None or principal.revoked_at is not None:
        raise Unauthorized(message_en="the API key is not valid", message_zh="API 密钥无效", code="invalid_api_key")
    return Viewer(principal.role, principal.id, principal.department_id, principal.uscc, principal.district_code)
