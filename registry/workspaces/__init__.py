"""The workspaces of the people who sign in (SPEC §7 roles): server-rendered Chinese pages over the
same services as the API, one module of pages per workspace, sharing one layout and menu."""

from flask import Flask

from . import (
    admin_pages,
    bank_pages,
    department_case_pages,
    department_pages,
    department_record_pages,
    enterprise_pages,
    enterprise_report_pages,
    layout,
    material_pages,
    review_pages,
    statistics_pages,
    subscriber_pages,
)

WORKSPACES = (department_pages, department_record_pages, department_case_pages, enterprise_pages,
              enterprise_report_pages, bank_pages, review_pages, statistics_pages, material_pages, admin_pages,
              subscriber_pages)


def init_app(app: Flask) -> None:
    layout.init_app(app)
    for workspace in WORKSPACES:
        app.register_blueprint(workspace.bp)
