"""What every workspace page shares: who may open it, the menu of the signed-in person's role, and the
entry page that sends a person to their own workspace."""

from collections import defaultdict
from functools import wraps

from flask import Blueprint, Flask, abort, g, redirect, url_for

from ..accounts.pages import signed_in

# role -> [(label, endpoint)], in the order the workspaces add them (their modules, at import).
MENU: dict[str, list[tuple[str, str]]] = defaultdict(list)

# The workspaces' scripts, served once for all of them.
bp = Blueprint("workspace", __name__, template_folder="templates", static_folder="static",
               static_url_path="/workspace/static")


def menu_item(label: str, endpoint: str, *roles: str) -> None:
    """Show a page in the menu of these roles."""
    for role in roles:
        MENU[role].append((label, endpoint))


def for_roles(*roles: str):
    """The page needs a person signed in whole, of one of these roles: anyone else signs in first, a
    person of another role gets 403 (the page says so; the page's data is never read)."""

    def decorate(view):
        @wraps(view)
        def checked(*args, **kwargs):
            if g.viewer.role not in roles:
                abort(403)
            return view(*args, **kwargs)

        return signed_in(checked)

    return decorate


@bp.get("/workspace")
@signed_in
def entry():
    """A person's own workspace: the first page of their role's menu (the account page if none)."""
    items = MENU.get(g.viewer.role)
    return redirect(url_for(items[0][1]) if items else url_for("accounts.home"))


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)

    @app.context_processor
    def workspace_menu():
        viewer = g.get("viewer")
        return {"workspace_menu": MENU.get(viewer.role, []) if viewer is not None and g.get("person") else []}
