"""The statistics workspace (统计): its pages, over the same services as the API."""

from flask import Blueprint, render_template

from .layout import for_roles, menu_item

bp = Blueprint("statistics_workspace", __name__, template_folder="templates")
ROLES = ("reviewer", "admin",)

menu_item("统计", "statistics_workspace.home", *ROLES)


@bp.get("/statistics")
@for_roles(*ROLES)
def home():
    return render_template("workspaces/statistics/home.html")
