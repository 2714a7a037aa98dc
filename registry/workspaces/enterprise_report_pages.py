"""The enterprise's reports: banks it authorised, its special credit reports, and who looked at them."""

from flask import Blueprint, render_template

from .layout import for_roles, menu_item

bp = Blueprint("enterprise_reports_workspace", __name__, template_folder="templates")
ROLES = ("enterprise",)

menu_item("信用报告", "enterprise_reports_workspace.home", *ROLES)


@bp.get("/enterprise/reports")
@for_roles(*ROLES)
def home():
    return render_template("workspaces/enterprise/reports.html")
