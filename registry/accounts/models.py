"""Accounts of people, their sign-in sessions, and failed sign-ins (for throttling)."""

from datetime import datetime

from sqlalchemy import JSON, Boolean, DateTime, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..access.models import Principal
from ..db import Base, Timestamps


class Account(Timestamps, Base):
    """A person. What the person may do is the principal's (role and binding, SPEC §7): an account
    acts as its principal, which has no API key of its own."""

    __tablename__ = "accounts"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)  # lower case
    name: Mapped[str] = mapped_column(String(200))
    principal_id: Mapped[int] = mapped_column(ForeignKey("principals.id"))
    password_hash: Mapped[str | None] = mapped_column(String(200), nullable=True)  # none: single sign-on only
    # A person of the identity provider (single sign-on): its issuer + "|" + sub, the ID token's subject.
    oidc_subject: Mapped[str | None] = mapped_column(String(512), unique=True, nullable=True)
    must_change_password: Mapped[bool] = mapped_column(Boolean, default=False)
    totp_secret: Mapped[str | None] = mapped_column(String(64), nullable=True)  # set once confirmed
    recovery_code_hashes: Mapped[list] = mapped_column(JSON, default=list)
    disabled_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    last_sign_in_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)

    principal: Mapped[Principal] = relationship(lazy="joined")


class AccountSession(Base):
    """A signed-in browser: the cookie holds a random token, the table its hash, so a session ends on
    the server (sign-out, sign-out everywhere, a disabled account) whatever the browser keeps."""

    __tablename__ = "account_sessions"
    __table_args__ = (Index("ix_account_sessions_account_id", "account_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"))
    second_factor_done: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    last_seen_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    address: Mapped[str | None] = mapped_column(String(64), nullable=True)
    pending_totp_secret: Mapped[str | None] = mapped_column(String(64), nullable=True)  # during enrolment

    account: Mapped[Account] = relationship(lazy="joined")


class SignInFailure(Base):
    """A failed sign-in, by the address typed and the client's address, whether or not an account
    exists: throttling counts them the same either way, so it tells nobody which emails are known."""

    __tablename__ = "sign_in_failures"
    __table_args__ = (Index("ix_sign_in_failures_email_at", "email", "at"),
                      Index("ix_sign_in_failures_address_at", "address", "at"))

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254))
    address: Mapped[str] = mapped_column(String(64))
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
