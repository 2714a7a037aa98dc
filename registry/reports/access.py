"""Who may act for an enterprise: the enterprise itself, the credit centre, a bank it authorised."""

from datetime import date

from sqlalchemy import select

from ..access.services import Viewer
from ..errors import Forbidden
from ..extensions import db
from .models import Authorisation


def is_own(viewer: Viewer, uscc: str) -> bool:
    return viewer.role == "enterprise" and viewer.uscc == uscc


def require_own(viewer: Viewer, uscc: str) -> None:
    if not is_own(viewer, uscc):
        raise Forbidden(message_en="an enterprise may only act for itself", message_zh="企业只能办理本企业的事项",
                        code="not_own_enterprise")


def require_own_or_centre(viewer: Viewer, uscc: str) -> None:
    if not viewer.is_credit_centre:
        require_own(viewer, uscc)


def live_authorisation(viewer: Viewer, uscc: str, today: date) -> Authorisation | None:
    """The bank's authorisation by the enterprise that may be used today, if any."""
    if viewer.role != "bank" or not viewer.uscc:
        return None
    return db.session.scalar(
        select(Authorisation).where(Authorisation.uscc == uscc, Authorisation.bank_uscc == viewer.uscc,
                                    Authorisation.revoked_at.is_(None), Authorisation.valid_until >= today)
        .order_by(Authorisation.valid_until.desc()).limit(1)
    )
