"""The lifecycle of API keys: their use recorded, listed, revoked and rotated by the credit centre's admins."""

from datetime import date, timedelta

from sqlalchemy import or_, select, update

from ..db import as_utc, utcnow
from ..errors import Conflict, NotFound
from ..extensions import db
from ..pagination import decode_id_cursor, encode_cursor
from ..uow import UnitOfWork, transactional, unit_of_work
from .models import Principal
from .services import Viewer, checked_expiry, is_expired, issue_key

# last_used_at is written at most this often per key: a write on every request would make each
# reader a writer, and SQLite lets one writer at a time through, so readers would queue behind it.
USE_RECORDED_EVERY = timedelta(minutes=1)


def record_use(principal: Principal) -> None:
    """Note that the principal's key was just used, at most once a minute. It is committed at once in a
    short transaction of its own, so that a request that only reads records it too; the condition is
    repeated in the UPDATE so that workers answering the same key at once write it only once."""
    cutoff = utcnow() - USE_RECORDED_EVERY
    if principal.last_used_at is not None and as_utc(principal.last_used_at) > cutoff:
        return
    due = or_(Principal.last_used_at.is_(None), Principal.last_used_at <= cutoff)
    with unit_of_work() as uow:
        uow.session.execute(
            update(Principal).where(Principal.id == principal.id, due)
            .values(last_used_at=utcnow(), updated_at=Principal.updated_at)  # a use is no change of the principal
            .execution_options(synchronize_session=False))


def list_principals(role: str | None = None, after_id: int | None = None, limit: int | None = None) -> list[Principal]:
    """The principals that hold keys (systems), oldest first; a person's principal is kept with the account."""
    query = select(Principal).where(Principal.key_hash.is_not(None))
    if role:
        query = query.where(Principal.role == role)
    if after_id is not None:
        query = query.where(Principal.id > after_id)
    return list(db.session.scalars(query.order_by(Principal.id).limit(limit)))


def _organisation_filter(viewer: Viewer):
    """What makes a principal one of the viewer's own organisation: the same role and the same
    department or USCC; None for a viewer bound to neither (no organisation of its own)."""
    if viewer.department_id is not None:
        return (Principal.role == viewer.role) & (Principal.department_id == viewer.department_id)
    if viewer.uscc is not None:
        return (Principal.role == viewer.role) & (Principal.uscc == viewer.uscc)
    return None


def organisation_principals(viewer: Viewer) -> list[Principal]:
    """The key-holding principals of the viewer's own organisation, oldest first."""
    same = _organisation_filter(viewer)
    if same is None:
        return []
    query = select(Principal).where(Principal.key_hash.is_not(None), same)
    return list(db.session.scalars(query.order_by(Principal.id)))


def of_organisation(viewer: Viewer, principal_id: int) -> Principal | None:
    """The principal if it holds a key of the viewer's own organisation, else None."""
    same = _organisation_filter(viewer)
    if same is None:
        return None
    return db.session.scalar(select(Principal).where(Principal.id == principal_id, Principal.key_hash.is_not(None),
                                                     same))


def present_principal(principal: Principal) -> dict:
    """A principal as the API and the command list it; its binding is its department's USCC, its own
    USCC, or its district code."""
    department = principal.department
    return {
        "id": principal.id,
        "role": principal.role,
        "name": principal.name,
        "binding": department.uscc if department else principal.uscc or principal.district_code,
        "key_prefix": principal.key_prefix,
        "created_at": principal.created_at,
        "created_by": principal.created_by,
        "expires_at": principal.expires_at,
        "last_used_at": principal.last_used_at,
        "revoked_at": principal.revoked_at,
    }


def principal_page(role: str | None = None, cursor: str | None = None, limit: int = 50) -> dict:
    """One page of `list_principals`, with the cursor of the next page if there is one."""
    principals = list_principals(role, decode_id_cursor(cursor) if cursor else None, limit + 1)
    page = principals[:limit]
    return {"items": [present_principal(principal) for principal in page],
            "next_cursor": encode_cursor(page[-1].id) if len(principals) > limit else None}


@transactional
def revoke_principal(principal_id: int, *, actor: Viewer | None = None, uow: UnitOfWork) -> Principal:
    """Revoke the principal's key: it fails from the next request on, in every server process.
    `actor` is who the audit trail names (None: the platform, as on the command line)."""
    principal = _key_holder(uow, principal_id)
    _refuse_if_revoked(principal)
    principal.revoked_at = utcnow()
    uow.audit("key.revoke", actor, "principal", principal.id, {"key_prefix": principal.key_prefix})
    return principal


@transactional
def rotate_principal(principal_id: int, expires_at: date | None = None, *, actor: Viewer | None = None,
                     uow: UnitOfWork) -> tuple[Principal, str]:
    """A new key for the same principal, role and binding kept, and its expiry unless a new one is
    given (a key past its last day is renewed so); the old key fails at once."""
    principal = _key_holder(uow, principal_id)
    _refuse_if_revoked(principal)
    if expires_at is not None:
        principal.expires_at = checked_expiry(expires_at)
    if is_expired(principal):
        raise Conflict(message_en=f"the key of principal {principal.id} expired after {principal.expires_at}: "
                                  "give the new key a new expiry date",
                       message_zh=f"主体 {principal.id} 的密钥已于 {principal.expires_at} 到期，"
                                  "请为新密钥指定新的有效期",
                       code="expiry_needed")
    old_prefix, key = principal.key_prefix, issue_key(principal)
    principal.last_used_at = None  # of the new key: the admin sees whether the system has switched to it
    uow.audit("key.rotate", actor, "principal", principal.id, {"old": old_prefix, "new": principal.key_prefix})
    return principal, key


def _key_holder(uow: UnitOfWork, principal_id: int) -> Principal:
    principal = uow.session.scalar(select(Principal).where(Principal.id == principal_id).with_for_update(of=Principal))
    if principal is None:
        raise NotFound(message_en=f"no principal {principal_id}", message_zh=f"主体 {principal_id} 不存在",
                       code="principal_not_found")
    if principal.key_hash is None:
        raise Conflict(message_en=f"principal {principal_id} is a person's account and has no key: "
                                  "keep it with `registry accounts`",
                       message_zh=f"主体 {principal_id} 属于个人账号，没有 API 密钥，请在账号管理中处理",
                       code="principal_without_key")
    return principal


def _refuse_if_revoked(principal: Principal) -> None:
    if principal.revoked_at is not None:
        raise Conflict(message_en=f"the key of principal {principal.id} is already revoked",
                       message_zh=f"主体 {principal.id} 的密钥已吊销", code="already_revoked")
