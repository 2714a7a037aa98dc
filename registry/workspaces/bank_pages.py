"""The bank workspace (金融机构): its pages, over the same services as the API."""

from flask import Blueprint, render_template

from .layout import for_roles, menu_item

bp = Blueprint("bank_workspace", __name__, template_folder="templates")
ROLES = ("bank",)

menu_item("概览", "bank_workspace.home", *ROLES)


@bp.get("/bank")
@for_roles(*ROLES)
def home():
    return render_template("workspaces/bank/home.html")
