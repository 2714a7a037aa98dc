"""The review workspace (信用中心审核人员): its pages, over the same services as the API."""

from flask import Blueprint, render_template

from .layout import for_roles, menu_item

bp = Blueprint("review_workspace", __name__, template_folder="templates")
ROLES = ("reviewer",)

menu_item("概览", "review_workspace.home", *ROLES)


@bp.get("/review")
@for_roles(*ROLES)
def home():
    return render_template("workspaces/review/home.html")
