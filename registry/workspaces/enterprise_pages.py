"""The enterprise workspace (市场主体与代办窗口): its pages, over the same services as the API."""

from flask import Blueprint, render_template

from .layout import for_roles, menu_item

bp = Blueprint("enterprise_workspace", __name__, template_folder="templates")
ROLES = ("enterprise", "agent",)

menu_item("概览", "enterprise_workspace.home", *ROLES)


@bp.get("/enterprise")
@for_roles(*ROLES)
def home():
    return render_template("workspaces/enterprise/home.html")
