"""Webhooks: each notice is POSTed as JSON to its recipient's URL, signed with the webhook's secret
(registry.signing), retried with backoff until it lands."""

import http.client
import json
import urllib.error
import urllib.request
from datetime import datetime, timedelta

from sqlalchemy import and_, exists, select

from ..enterprises.services import parse_uscc
from ..errors import ValidationFailed
from ..extensions import db
from ..runtime import settings
from ..signing import HEADER, new_secret, signature
from ..uow import UnitOfWork, transactional, unit_of_work
from .models import DEPARTMENT, ENTERPRISE, Notice, Webhook, WebhookDelivery

PENDING, DELIVERED, FAILED = "pending", "delivered", "failed"


@transactional
def set_webhook(recipient_kind: str, recipient: str, url: str, *, uow: UnitOfWork) -> Webhook:
    """Configure (or replace) the URL notices of one enterprise or department are sent to."""
    if recipient_kind not in (ENTERPRISE, DEPARTMENT) or not url.startswith(("http://", "https://")):
        raise ValidationFailed(message_en="a webhook needs an enterprise or department and an http(s) URL",
                               message_zh="Webhook 须指定企业或部门及 http(s) 地址", code="invalid_webhook")
    recipient = parse_uscc(recipient)  # notices name their recipient by its normalised code
    hook = db.session.scalar(select(Webhook).where(Webhook.recipient_kind == recipient_kind,
                                                   Webhook.recipient == recipient))
    if hook is None:
        hook = Webhook(recipient_kind=recipient_kind, recipient=recipient)
        uow.session.add(hook)
    hook.url, hook.secret = url, hook.secret or new_secret()
    uow.session.flush()
    return hook


def deliver(now: datetime) -> dict:
    """Queue new notices for their webhooks, then attempt every delivery that is due at `now`."""
    with unit_of_work() as uow:
        _queue(uow.session, now)
    due = db.session.scalars(select(WebhookDelivery).where(WebhookDelivery.state == PENDING,
                                                           WebhookDelivery.next_attempt_at <= now)
                             .order_by(WebhookDelivery.id)).all()
    counts = {DELIVERED: 0, PENDING: 0, FAILED: 0}
    for delivery in due:
        with unit_of_work():  # each attempt is recorded even if a later one hangs
            _attempt(delivery, now)
        counts[delivery.state] += 1
    return counts


def _queue(session, now: datetime) -> None:
    undelivered = (select(Webhook.id, Notice.id)
                   .join(Webhook, and_(Webhook.recipient_kind == Notice.recipient_kind,
                                       Webhook.recipient == Notice.recipient))
                   .where(~exists().where(and_(WebhookDelivery.webhook_id == Webhook.id,
                                               WebhookDelivery.notice_id == Notice.id))))
    session.add_all(WebhookDelivery(webhook_id=hook_id, notice_id=notice_id, state=PENDING, attempts=0,
                                    next_attempt_at=now) for hook_id, notice_id in session.execute(undelivered))


def _attempt(delivery: WebhookDelivery, now: datetime) -> None:
    config = settings()
    hook, notice = db.session.get(Webhook, delivery.webhook_id), db.session.get(Notice, delivery.notice_id)
    delivery.attempts += 1
    try:
        status = post_signed(hook.url, payload(notice), hook.secret, config.WEBHOOK_TIMEOUT_SECONDS)
        error = None if 200 <= status < 300 else f"HTTP {status}"
    except (OSError, ValueError, http.client.HTTPException) as exc:  # refused, timed out, unreachable, not HTTP
        status, error = None, str(exc)[:500]
    delivery.last_status, delivery.last_error = status, error
    if error is None:
        delivery.state, delivery.delivered_at = DELIVERED, now
    elif delivery.attempts >= config.WEBHOOK_MAX_ATTEMPTS:
        delivery.state = FAILED
    else:  # 1, 2, 4, 8 ... minutes, at most a day
        delivery.next_attempt_at = now + timedelta(minutes=min(2 ** (delivery.attempts - 1), 1440))


def payload(notice: Notice) -> dict:
    return {"id": notice.id, "kind": notice.kind, "recipient": notice.recipient, "title": notice.title,
            "body": notice.body, "issued_on": notice.issued_on.isoformat()}


def post_signed(url: str, body, secret: str | None, timeout: int) -> int:
    """POST `body` as JSON, signed with `secret` (registry.signing); the answer's HTTP status."""
    data = json.dumps(body, ensure_ascii=False, default=str).encode()
    headers = {"Content-Type": "application/json; charset=utf-8"}
    if secret:
        headers[HEADER] = signature(secret, data)
    request = urllib.request.Request(url, data=data, method="POST", headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310 (configured URLs only)
            return response.status
    except urllib.error.HTTPError as exc:
        return exc.code
