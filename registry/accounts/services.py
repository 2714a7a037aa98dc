"""Accounts of people: made by an administrator with a temporary password, signed in with a password
and, for the roles that change data, a second factor; throttled without telling which emails exist."""

import secrets
from datetime import timedelta

from sqlalchemy import delete, func, select

from ..access.models import ROLES
from ..access.services import Viewer, bound_principal, viewer_of
from ..db import as_utc, utcnow
from ..errors import Conflict, NotFound, RegistryError, ValidationFailed
from ..extensions import db
from ..runtime import settings
from ..uow import UnitOfWork, transactional, unit_of_work
from .models import Account, SignInFailure
from .passwords import hash_password, password_problem, verify_password
from .sessions import end_all_sessions

# The roles that change data or read what the law protects must prove a second factor (TOTP).
SECOND_FACTOR_ROLES = frozenset({"reviewer", "department", "admin"})
# The keyword of create_account each role's binding goes by (the others bind nothing).
BINDINGS = {"department": "department_uscc", "enterprise": "uscc", "bank": "uscc", "agent": "district_code"}
SLOW_AFTER = 3  # failures, after which each further attempt must wait a little longer
ADDRESS_LIMIT = 30  # failures from one client address in a lock period, whatever the emails


class SignInRefused(RegistryError):
    status = 401
    code = "sign_in_failed"
    title = "Sign-in failed"


class SignInThrottled(RegistryError):
    status = 429
    code = "sign_in_throttled"
    title = "Too many sign-in attempts"

    def __init__(self, seconds: int):
        wait_zh = f"{seconds}秒" if seconds < 60 else f"{-(-seconds // 60)}分钟"
        super().__init__(message_zh=f"登录尝试过于频繁，请{wait_zh}后再试",
                         message_en=f"too many sign-in attempts; try again in {seconds} s",
                         headers={"Retry-After": str(seconds)})
        self.seconds = seconds


def as_viewer(account: Account) -> Viewer:
    """The person as the access rules and the audit trail see them."""
    return viewer_of(account.principal, account.id)


def normalise_email(email: str) -> str:
    return (email or "").strip().lower()


def needs_second_factor(account: Account) -> bool:
    return account.principal.role in SECOND_FACTOR_ROLES or account.totp_secret is not None


@transactional
def create_account(role: str, name: str, email: str, *, department_uscc=None, uscc=None, district_code=None,
                   uow: UnitOfWork) -> tuple[Account, str]:
    """A new account and its temporary password (shown once; to be changed at first sign-in)."""
    email = normalise_email(email)
    if role not in ROLES:
        raise ValidationFailed(message_zh=f"角色应为：{'、'.join(ROLES)}", message_en=f"role must be one of {ROLES}",
                               code="invalid_role")
    if "@" not in email or len(email) > 254:
        raise ValidationFailed(message_zh="请填写有效的电子邮箱", message_en="a valid email is required",
                               code="invalid_email")
    if uow.session.scalar(select(Account.id).where(Account.email == email)):
        raise Conflict(message_zh=f"邮箱 {email} 已有账号", message_en=f"an account with {email} exists",
                       code="account_exists")
    principal = bound_principal(role, name, department_uscc, uscc, district_code)
    temporary = _temporary_password()
    account = Account(email=email, name=name.strip() or email, principal=principal,
                      password_hash=hash_password(temporary), must_change_password=True, recovery_code_hashes=[])
    uow.session.add(account)
    uow.session.flush()
    uow.audit("account.create", None, "account", account.id, {"role": role, "email": email})
    return account, temporary


def _temporary_password() -> str:
    return "-".join(secrets.token_hex(3) for _ in range(4))  # 27 characters, easy to read out


def find_account(email: str) -> Account:
    account = db.session.scalar(select(Account).where(Account.email == normalise_email(email)))
    if account is None:
        raise NotFound(message_zh=f"没有邮箱为 {email} 的账号", message_en=f"no account with {email}",
                       code="account_not_found")
    return account


@transactional
def set_disabled(email: str, disabled: bool, *, uow: UnitOfWork) -> Account:
    """Disable (ending its sessions) or enable an account."""
    account = find_account(email)
    account.disabled_at = utcnow() if disabled else None
    if disabled:
        end_all_sessions(uow, account)
    uow.audit("account.disable" if disabled else "account.enable", None, "account", account.id)
    return account


@transactional
def reset_password(email: str, *, uow: UnitOfWork) -> tuple[Account, str]:
    """A new temporary password (to be changed at next sign-in); the account's sessions end."""
    account = find_account(email)
    if account.oidc_subject:  # a password would open the account to someone the identity provider shut out
        raise ValidationFailed(message_zh=f"{account.email} 使用统一身份认证登录，没有本平台的密码",
                               message_en=f"{account.email} signs in through single sign-on and has no password here",
                               code="single_sign_on_account")
    temporary = _temporary_password()
    account.password_hash, account.must_change_password = hash_password(temporary), True
    end_all_sessions(uow, account)
    uow.audit("account.reset_password", None, "account", account.id)
    return account, temporary


@transactional
def change_password(account: Account, current: str, new: str, *, uow: UnitOfWork) -> None:
    if not verify_password(account.password_hash, current):
        raise ValidationFailed(message_zh="当前密码不正确", message_en="the current password is wrong",
                               code="wrong_password")
    if problem := password_problem(new, email=account.email, name=account.name):
        raise ValidationFailed(message_zh=problem[0], message_en=problem[1], code="weak_password")
    if verify_password(account.password_hash, new):
        raise ValidationFailed(message_zh="新密码不能与当前密码相同", message_en="the new password is the current one",
                               code="same_password")
    account.password_hash, account.must_change_password = hash_password(new), False
    uow.audit("account.change_password", as_viewer(account), "account", account.id)


def check_password(email: str, password: str, address: str) -> Account:
    """The account these credentials open, or SignInRefused / SignInThrottled, saying the same
    whether or not the email has an account. A failure is kept even though the caller's work is not."""
    email, now = normalise_email(email), utcnow()
    if wait := _seconds_to_wait(email, address, now):
        raise SignInThrottled(wait)
    account = db.session.scalar(select(Account).where(Account.email == email))
    if account is None or account.disabled_at is not None or not verify_password(account.password_hash, password):
        with unit_of_work() as uow:
            uow.session.add(SignInFailure(email=email, address=address, at=now))
            # Which email was typed, not whether it has an account: the trail is read by admins only.
            uow.audit("account.sign_in_failed", None, "account", account.id if account else None, {"email": email})
        raise SignInRefused(message_zh="邮箱或密码不正确", message_en="wrong email or password")
    db.session.execute(delete(SignInFailure).where(SignInFailure.email == email))
    return account


def _seconds_to_wait(email: str, address: str, now) -> int:
    """How long this email and address must wait before another try: a little after SLOW_AFTER
    failures, the rest of the lock period after SIGN_IN_LOCK_FAILURES."""
    config = settings()
    period = timedelta(minutes=config.SIGN_IN_LOCK_MINUTES)
    since = now - period
    count, first, last = db.session.execute(
        select(func.count(), func.min(SignInFailure.at), func.max(SignInFailure.at))
        .where(SignInFailure.email == email, SignInFailure.at > since)).one()
    by_address = db.session.scalar(select(func.count()).where(SignInFailure.address == address,
                                                             SignInFailure.at > since))
    if count >= config.SIGN_IN_LOCK_FAILURES or by_address >= ADDRESS_LIMIT:
        oldest = first if count >= config.SIGN_IN_LOCK_FAILURES else now - period / 2
        return max(1, int((as_utc(oldest) + period - now).total_seconds()))
    if count >= SLOW_AFTER:
        delay = timedelta(seconds=2 ** (count - SLOW_AFTER))  # 1, 2, 4 ... seconds after the last failure
        return max(0, int((as_utc(last) + delay - now).total_seconds()))
    return 0
