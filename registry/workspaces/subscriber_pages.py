"""The administrator's page of the change feed's subscribers (数据订阅): add one for a partner's key, pause
and resume, give a new secret, remove (after a confirmation page: a removal posted without it only
shows that page); each one's delivery log and a replay from a cursor. Over the
same service as the API (registry.feed.subscribers)."""

from flask import Blueprint, abort, g, render_template, request

from ..changes import EVENT_KINDS
from ..errors import RegistryError, ValidationFailed
from ..feed import subscribers
from ..feed.subscribers import own_subscriber
from .layout import for_roles, menu_item

bp = Blueprint("subscriber_pages", __name__, template_folder="templates")
ROLES = ("admin",)
menu_item("数据订阅", "subscriber_pages.all_subscribers", *ROLES)
FILTER_LABELS = {"domain": "领域", "district": "地区", "kind": "事件类型", "record_kind": "记录种类"}


def _list(status: int = 200, form=None, **shown):
    return render_template("workspaces/admin/subscribers.html", subscribers=subscribers.subscribers_of(g.viewer),
                           keys=subscribers.subscribable_keys(), kinds=EVENT_KINDS, form=form or {},
                           FILTER_LABELS=FILTER_LABELS,
                           **shown), status


def _number(form, name: str, default: int | None = None) -> int | None:
    typed = form.get(name, "").strip()
    if not typed:
        return default
    if not typed.isdigit() or len(typed) > 18:
        raise ValidationFailed(message_en=f"{name} must be a whole number", message_zh="请填写非负整数",
                               code="invalid_number")
    return int(typed)


@bp.get("/admin/subscribers")
@for_roles(*ROLES)
def all_subscribers():
    return _list()


@bp.post("/admin/subscribers")
@for_roles(*ROLES)
def add():
    form = request.form
    try:
        subscriber = subscribers.subscribe(g.viewer, form.get("url", "").strip(),
                                           {name: form.get(name, "").strip() for name in FILTER_LABELS},
                                           _number(form, "after", 0), _number(form, "principal_id"))
    except RegistryError as exc:
        return _list(exc.status, form, error=exc.message_zh)
    return _list(secret_of=subscriber)


@bp.post("/admin/subscribers/<int:subscriber_id>/<any(pause, resume, rotate, remove):action>")
@for_roles(*ROLES)
def change(subscriber_id: int, action: str):
    try:
        if action == "rotate":
            return _list(secret_of=subscribers.rotate_secret(g.viewer, subscriber_id))
        if action == "remove":
            if request.form.get("confirmed") != "yes":
                return confirm_removal(subscriber_id)
            subscribers.remove(g.viewer, subscriber_id)
            return _list(message=f"已删除订阅 {subscriber_id}，不再推送。")
        subscribers.set_active(g.viewer, subscriber_id, action == "resume")
    except RegistryError as exc:
        return _list(exc.status, error=exc.message_zh)
    return _list(message=f"订阅 {subscriber_id} {'已恢复推送' if action == 'resume' else '已暂停推送'}。")


def _shown(subscriber_id: int):
    """The administrator's subscriber, or 404."""
    try:
        return own_subscriber(g.viewer, subscriber_id)
    except RegistryError:
        abort(404)


def _log(subscriber_id: int, status: int = 200, **shown):
    return render_template("workspaces/admin/subscriber.html", subscriber=_shown(subscriber_id),
                           deliveries=subscribers.deliveries_of(g.viewer, subscriber_id),
                           FILTER_LABELS=FILTER_LABELS, **shown), status


@bp.get("/admin/subscribers/<int:subscriber_id>/remove")
@for_roles(*ROLES)
def confirm_removal(subscriber_id: int):
    return render_template("workspaces/admin/subscriber_removal.html", subscriber=_shown(subscriber_id),
                           FILTER_LABELS=FILTER_LABELS)


@bp.get("/admin/subscribers/<int:subscriber_id>")
@for_roles(*ROLES)
def deliveries(subscriber_id: int):
    return _log(subscriber_id)


@bp.post("/admin/subscribers/<int:subscriber_id>/replay")
@for_roles(*ROLES)
def replay(subscriber_id: int):
    try:
        subscribers.replay(g.viewer, subscriber_id, _number(request.form, "cursor", 0))
    except RegistryError as exc:
        return _log(subscriber_id, exc.status, error=exc.message_zh)
    return _log(subscriber_id, message="已设置重新推送：下一次推送从该游标之后的事件开始。")
