"""The administrator's page of accounts: create one (its temporary password shown once), disable,
enable, or reset its password."""

from functools import wraps

from flask import Blueprint, abort, g, render_template, request
from sqlalchemy import select

from ..errors import RegistryError
from ..extensions import db
from . import services
from .models import Account
from .pages import signed_in

bp = Blueprint("account_admin", __name__, url_prefix="/admin", template_folder="templates")


def admin_only(view):
    @wraps(view)
    @signed_in
    def checked(*args, **kwargs):
        if g.person.principal.role != "admin":
            abort(403)
        return view(*args, **kwargs)

    return checked


def _page(status: int = 200, form=None, **shown):
    """The page; the new-account form keeps what was typed when it was refused."""
    accounts = db.session.scalars(select(Account).order_by(Account.id)).all()
    return render_template("accounts/admin.html", accounts=accounts, form=form or {}, **shown), status


@bp.get("/accounts")
@admin_only
def accounts():
    return _page()


@bp.post("/accounts")
@admin_only
def create():
    form = request.form
    role = form.get("role", "")
    binding = {services.BINDINGS[role]: form.get("binding") or None} if role in services.BINDINGS else {}
    try:
        account, temporary = services.create_account(role, form.get("name", ""), form.get("email", ""), **binding)
    except RegistryError as exc:
        return _page(exc.status, form, error=exc.message_zh)
    return _page(created=account.email, temporary=temporary)


@bp.post("/accounts/<int:account_id>/<any(disable, enable, reset):action>")
@admin_only
def change(account_id: int, action: str):
    account = db.session.get(Account, account_id) or abort(404)
    if action == "reset":
        _, temporary = services.reset_password(account.email)
        return _page(created=account.email, temporary=temporary)
    services.set_disabled(account.email, action == "disable")
    return _page(changed=account.email)
