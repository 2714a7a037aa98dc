"""Reading the audit trail in tests: how many entries an action has, and its newest one."""

from sqlalchemy import func, select

from registry.audit.models import AuditEntry
from registry.extensions import db


def count(app, action: str) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).where(AuditEntry.action == action))


def newest(app, action: str) -> dict:
    """The newest entry of the action, as a dict of its columns."""
    with app.app_context():
        return dict(db.session.execute(select(*AuditEntry.__table__.columns).where(AuditEntry.action == action)
                                       .order_by(AuditEntry.id.desc()).limit(1)).mappings().one())
