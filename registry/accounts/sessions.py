"""Sign-in sessions kept on the server: the browser holds a random token in an HttpOnly, SameSite=Lax
cookie; a session ends when its person signs out (here or everywhere), after an idle or an absolute
timeout, or when the account is disabled."""

import hashlib
import secrets
from datetime import timedelta

from sqlalchemy import select, update

from ..db import as_utc, utcnow
from ..extensions import db
from ..runtime import settings
from ..uow import UnitOfWork, unit_of_work
from .models import Account, AccountSession

COOKIE = "registry_session"
TOUCH_EVERY = timedelta(minutes=1)  # last_seen_at is written at most this often: reads stay reads


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def start_session(uow: UnitOfWork, account: Account, address: str | None, second_factor_done: bool) -> str:
    """A new session (a new token at every sign-in, so a token planted before it is worth nothing)."""
    token, now = secrets.token_urlsafe(32), utcnow()
    uow.session.add(AccountSession(token_hash=_hash(token), account=account, second_factor_done=second_factor_done,
                                   created_at=now, last_seen_at=now, address=address))
    return token


def live_session(token: str | None) -> AccountSession | None:
    """The session of this cookie if it is still on: not ended, not idle too long, not too old, and its
    account not disabled."""
    if not token:
        return None
    found = db.session.scalar(select(AccountSession).where(AccountSession.token_hash == _hash(token)))
    if found is None or found.revoked_at is not None or found.account.disabled_at is not None:
        return None
    config, now = settings(), utcnow()
    if as_utc(found.last_seen_at) + timedelta(minutes=config.SESSION_IDLE_MINUTES) <= now \
            or as_utc(found.created_at) + timedelta(hours=config.SESSION_MAX_HOURS) <= now:
        return None
    return found


def touch(session: AccountSession) -> None:
    """Note the session seen now, in a short transaction of its own, at most once every TOUCH_EVERY:
    most requests read only."""
    if as_utc(session.last_seen_at) + TOUCH_EVERY <= utcnow():
        with unit_of_work():
            session.last_seen_at = utcnow()


def end_session(uow: UnitOfWork, session: AccountSession) -> None:
    session.revoked_at = utcnow()


def end_all_sessions(uow: UnitOfWork, account: Account) -> int:
    """Sign the account out everywhere; how many sessions ended."""
    ended = uow.session.execute(update(AccountSession).where(AccountSession.account_id == account.id,
                                                             AccountSession.revoked_at.is_(None))
                                .values(revoked_at=utcnow()))
    return ended.rowcount
