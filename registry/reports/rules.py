"""Pure rules of reports and authorisations: report numbers, verification codes, live authorisations."""

import secrets
from datetime import date, datetime

from ..domain.periods import add_months

# No 0/O, 1/I/L: codes are read off paper and typed in by hand.
CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
CODE_LENGTH = 8
MAX_AUTHORISATION_YEARS = 3


def new_report_number(issued_on: date) -> str:
    return f"SR-{issued_on:%Y%m%d}-{_random_code()}"


def new_verification_code() -> str:
    return _random_code()


def _random_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def latest_valid_until(granted_on: date) -> date:
    """The last day an authorisation granted on `granted_on` may run to: the same day three years on."""
    return add_months(granted_on, 12 * MAX_AUTHORISATION_YEARS)


def is_live(valid_until: date, revoked_at: datetime | None, today: date) -> bool:
    """An authorisation may be used up to and including its last day, unless it was revoked."""
    return revoked_at is None and today <= valid_until
