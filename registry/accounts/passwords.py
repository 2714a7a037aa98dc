"""Passwords: Argon2id hashes, and what a new password must be (long enough, not a common one)."""

from functools import lru_cache
from importlib import resources

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

MIN_LENGTH = 12
_HASHER = PasswordHasher()  # Argon2id with the library's current parameters (RFC 9106's second choice)


def hash_password(password: str) -> str:
    return _HASHER.hash(password)


@lru_cache(maxsize=1)
def _dummy_hash() -> str:
    """Verified when no account matches, so that an unknown email takes as long as a wrong password.
    Made on first need: a hash takes 64 MB for a moment, which every process (an import's workers
    too) would otherwise pay at start."""
    return _HASHER.hash("not a password of anyone")


def verify_password(stored: str | None, password: str) -> bool:
    try:
        return _HASHER.verify(stored or _dummy_hash(), password) and stored is not None
    except (VerificationError, InvalidHashError):
        return False


@lru_cache(maxsize=1)
def common_passwords() -> frozenset:
    text = resources.files(__package__).joinpath("common_passwords.txt").read_text("utf-8")
    return frozenset(line.strip().lower() for line in text.splitlines() if line.strip() and not line.startswith("#"))


def password_problem(password: str, *, email: str = "", name: str = "") -> tuple[str, str] | None:
    """Why a new password will not do (Chinese, English), or None."""
    if len(password) < MIN_LENGTH:
        return f"密码至少需要{MIN_LENGTH}个字符", f"a password needs at least {MIN_LENGTH} characters"
    folded = password.lower()
    if folded in common_passwords() or len(set(folded)) < 4:
        return "该密码过于常见或简单，请换一个", "this password is too common or too simple"
    if email and email.split("@")[0].lower() in folded or name and name in password:
        return "密码不能包含邮箱名或姓名", "a password may not contain the email's name or the person's name"
    return None
