"""API keys on pages: the admin's of every system, and a person's of their own organisation."""

from datetime import date

from flask import Blueprint, abort, g, render_template, request

from ..access import keys
from ..access.services import create_principal
from ..errors import RegistryError, ValidationFailed
from .admin_pages import admin_only
from .pages import signed_in
from .services import BINDINGS

bp = Blueprint("key_pages", __name__, template_folder="templates")
OWN_KEY_ROLES = ("department", "bank", "enterprise")


def _expiry(form) -> date | None:
    typed = form.get("expires_at", "").strip()
    try:
        return date.fromisoformat(typed) if typed else None
    except ValueError:
        raise ValidationFailed(message_en=f"not a date: {typed!r}", message_zh="有效期截止日期格式应为 年-月-日",
                               code="invalid_date") from None


def _create(role: str, binding: str | None, form):
    """A key made for the signed-in person through the service the API uses; raises RegistryError."""
    bound = {BINDINGS[role]: binding or None} if role in BINDINGS else {}
    return create_principal(role, form.get("name", "").strip() or None, **bound, expires_at=_expiry(form),
                            created_by=g.viewer.principal_id, actor=g.viewer)


def _admin_page(status: int = 200, form=None, **shown):
    """The admin's page; the form keeps what was typed when it was refused."""
    page = keys.principal_page(cursor=request.args.get("cursor") or None)
    return render_template("accounts/keys.html", page=page, form=form or {}, **shown), status


@bp.get("/admin/keys")
@admin_only
def all_keys():
    return _admin_page()


@bp.post("/admin/keys")
@admin_only
def create():
    try:
        principal, key = _create(request.form.get("role", ""), request.form.get("binding"), request.form)
    except RegistryError as exc:
        return _admin_page(exc.status, request.form, error=exc.message_zh)
    return _admin_page(issued=keys.present_principal(principal), key=key)


@bp.post("/admin/keys/<int:principal_id>/<any(revoke, rotate):action>")
@admin_only
def change(principal_id: int, action: str):
    try:
        if action == "rotate":
            principal, key = keys.rotate_principal(principal_id, actor=g.viewer)
            return _admin_page(issued=keys.present_principal(principal), key=key)
        principal = keys.revoke_principal(principal_id, actor=g.viewer)
    except RegistryError as exc:
        return _admin_page(exc.status, error=exc.message_zh)
    return _admin_page(revoked=principal.name)


def _own_organisation() -> str:
    """The binding of the signed-in person's organisation; a 403 for a person who has none."""
    binding = keys.present_principal(g.person.principal)["binding"]
    if g.viewer.role not in OWN_KEY_ROLES or not binding:
        abort(403)
    return binding


def _own_page(status: int = 200, form=None, **shown):
    principals = [keys.present_principal(principal) for principal in keys.organisation_principals(g.viewer)]
    return render_template("accounts/own_keys.html", principals=principals, form=form or {}, **shown), status


@bp.get("/account/keys")
@signed_in
def own_keys():
    _own_organisation()
    return _own_page()


@bp.post("/account/keys")
@signed_in
def create_own():
    binding = _own_organisation()
    try:
        principal, key = _create(g.viewer.role, binding, request.form)
    except RegistryError as exc:
        return _own_page(exc.status, request.form, error=exc.message_zh)
    return _own_page(issued=keys.present_principal(principal), key=key)


@bp.post("/account/keys/<int:principal_id>/revoke")
@signed_in
def revoke_own(principal_id: int):
    _own_organisation()
    if keys.of_organisation(g.viewer, principal_id) is None:
        abort(404)  # another organisation's key is not shown to exist
    try:
        principal = keys.revoke_principal(principal_id, actor=g.viewer)
    except RegistryError as exc:
        return _own_page(exc.status, error=exc.message_zh)
    return _own_page(revoked=principal.name)
