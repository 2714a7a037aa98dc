"""Public verification's rate limit per client address, shared by every server process."""

from .. import ratelimit

VERIFY = "REPORTS_VERIFY"  # REGISTRY_REPORTS_VERIFY_LIMIT verifications per REGISTRY_REPORTS_VERIFY_WINDOW seconds


def check_verify_rate() -> None:
    """429 with Retry-After when this client verified too often."""
    ratelimit.count(VERIFY)
