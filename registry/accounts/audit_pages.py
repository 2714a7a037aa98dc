"""The administrator's page of the audit trail: newest first, filtered as the API filters it."""

import json
from datetime import date, datetime, time, timedelta

from flask import Blueprint, render_template, request

from ..audit import services
from ..domain.periods import BEIJING
from ..errors import RegistryError, ValidationFailed
from .admin_pages import admin_only

bp = Blueprint("audit_pages", __name__, template_folder="templates")
PAGE_SIZE = 50
FIELDS = ("action", "actor", "object_type", "object_id", "from", "to")


def _refused(message_zh: str) -> ValidationFailed:
    return ValidationFailed(message_en=message_zh, message_zh=message_zh, code="invalid_filter")


def _day_start(typed: str, days_after: int = 0) -> datetime:
    """The start of a day typed as 年-月-日, in Beijing time (the day a reader here means)."""
    try:
        day = date.fromisoformat(typed) + timedelta(days=days_after)
    except ValueError:
        raise _refused(f"日期格式应为 年-月-日：{typed}") from None
    return datetime.combine(day, time(), BEIJING)


def _filters(args) -> dict:
    """The service's filters from the form: the empty fields left out, the dates as whole days."""
    typed = {name: args.get(name, "").strip() for name in FIELDS}
    if typed["actor"] and not typed["actor"].isdigit():
        raise _refused("操作者应填主体编号（数字）")
    return {
        "action": typed["action"] or None,
        "actor": int(typed["actor"]) if typed["actor"] else None,
        "object_type": typed["object_type"] or None,
        "object_id": typed["object_id"] or None,
        "since": _day_start(typed["from"]) if typed["from"] else None,
        "until": _day_start(typed["to"], days_after=1) if typed["to"] else None,
    }


def details_text(details: dict) -> str:
    return json.dumps(details, ensure_ascii=False, sort_keys=True) if details else ""


@bp.get("/admin/audit")
@admin_only
def trail():
    form = {name: request.args.get(name, "") for name in FIELDS}
    try:
        page = services.entries_page(_filters(request.args), request.args.get("cursor") or None, PAGE_SIZE)
    except RegistryError as exc:
        return render_template("accounts/audit.html", form=form, page=None, error=exc.message_zh), exc.status
    return render_template("accounts/audit.html", form=form, page=page, details_text=details_text)
