"""The department workspace (数据报送单位): its pages, over the same services as the API."""

from flask import Blueprint, render_template

from .layout import for_roles, menu_item

bp = Blueprint("department_workspace", __name__, template_folder="templates")
ROLES = ("department",)

menu_item("概览", "department_workspace.home", *ROLES)


@bp.get("/department")
@for_roles(*ROLES)
def home():
    return render_template("workspaces/department/home.html")
