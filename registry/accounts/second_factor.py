"""The second factor: a TOTP code (RFC 6238) from an authenticator app, or a one-time recovery code."""

import hashlib
import secrets

import pyotp
import segno
from markupsafe import Markup

ISSUER = "信用信息平台"
RECOVERY_CODES = 10


def new_secret() -> str:
    return pyotp.random_base32()


def enrolment_qr(secret: str, email: str) -> Markup:
    """The otpauth:// URI of the secret as an inline SVG QR code, for the authenticator app to scan."""
    uri = pyotp.TOTP(secret).provisioning_uri(name=email, issuer_name=ISSUER)
    return Markup(segno.make(uri, error="m").svg_inline(scale=4, title="身份验证器二维码"))


def code_matches(secret: str | None, code: str) -> bool:
    """A code of the current 30-second step or the one either side (a phone's clock may drift)."""
    code = "".join(code.split())
    return bool(secret) and code.isdigit() and len(code) == 6 and pyotp.TOTP(secret).verify(code, valid_window=1)


def new_recovery_codes() -> tuple[list[str], list[str]]:
    """Codes to show once, and their hashes to keep."""
    codes = [f"{secrets.token_hex(2)}-{secrets.token_hex(2)}-{secrets.token_hex(2)}" for _ in range(RECOVERY_CODES)]
    return codes, [_hash(code) for code in codes]


def spend_recovery_code(hashes: list[str], code: str) -> list[str] | None:
    """The hashes left once `code` is spent, or None if it is not one of them."""
    digest = _hash(code.strip().lower())
    if digest not in hashes:
        return None
    return [h for h in hashes if h != digest]


def _hash(code: str) -> str:
    return hashlib.sha256(code.encode()).hexdigest()
