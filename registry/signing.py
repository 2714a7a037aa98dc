"""Signed webhook deliveries: an HMAC-SHA256 of the time and the body, in one header (as Stripe and
GitHub sign theirs), so that a receiver knows the body came from us and is not an old one replayed.

    Registry-Signature: t=1767225600,v1=5257a869e7ecebeda32affa62cdca3fa51cad7e77a0e56ff536d0ce8e108d8bd

v1 is hex(HMAC-SHA256(secret, f"{t}.{body}")); a receiver recomputes it over the raw body, compares in
constant time and refuses a t too far from its own clock. Each receiver has a secret of its own.
"""

import hashlib
import hmac
import secrets
import time

HEADER = "Registry-Signature"
TOLERANCE_SECONDS = 300


def new_secret() -> str:
    return "whsec_" + secrets.token_urlsafe(32)


def signature(secret: str, body: bytes, timestamp: int | None = None) -> str:
    """The header's value for `body` sent now (or at `timestamp`, seconds since the epoch)."""
    moment = int(time.time()) if timestamp is None else timestamp
    digest = hmac.new(secret.encode(), f"{moment}.".encode() + body, hashlib.sha256).hexdigest()
    return f"t={moment},v1={digest}"


def verify(secret: str, body: bytes, header: str, now: int | None = None,
           tolerance: int = TOLERANCE_SECONDS) -> bool:
    """Whether `header` signs `body` with `secret`, at a time within `tolerance` seconds of `now`."""
    parts = dict(part.split("=", 1) for part in header.split(",") if "=" in part)
    try:
        moment = int(parts["t"])
    except (KeyError, ValueError):
        return False
    if abs((int(time.time()) if now is None else now) - moment) > tolerance:
        return False
    expected = signature(secret, body, moment).split("v1=", 1)[1]
    return hmac.compare_digest(expected, parts.get("v1", ""))
