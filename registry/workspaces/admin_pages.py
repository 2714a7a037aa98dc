"""The administrator's workspace (系统管理员): the menu of the accounts, keys and audit pages the
accounts package serves, and the source departments (list, add), over the CLI's service."""

from flask import Blueprint, g, render_template, request

from ..departments.services import department_list, register_department
from ..errors import RegistryError
from .layout import for_roles, menu_item

bp = Blueprint("admin_workspace", __name__, template_folder="templates")
ROLES = ("admin",)
FIELDS = ("uscc", "name", "domain", "district", "code")

menu_item("账号管理", "account_admin.accounts", *ROLES)
menu_item("API 密钥", "key_pages.all_keys", *ROLES)
menu_item("审计日志", "audit_pages.trail", *ROLES)
menu_item("来源部门", "admin_workspace.departments", *ROLES)


def _page(status: int = 200, form=None, **shown):
    return render_template("workspaces/admin/departments.html", form=form or {}, **department_list(),
                           **shown), status


@bp.get("/admin/departments")
@for_roles(*ROLES)
def departments():
    return _page()


@bp.post("/admin/departments")
@for_roles(*ROLES)
def add():
    """Add a department, or update the one with this USCC; a refusal keeps what was typed."""
    form = {name: request.form.get(name, "").strip() for name in FIELDS}
    try:
        department = register_department(g.viewer, form["uscc"], form["name"], form["domain"], form["district"],
                                         form["code"] or None)
    except RegistryError as exc:
        return _page(exc.status, form, error=exc.message_zh)
    return _page(message=f"已保存来源部门“{department.name}”（{department.uscc}），可为其创建账号和 API 密钥。")
