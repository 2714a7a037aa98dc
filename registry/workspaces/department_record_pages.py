"""The department's own records (本单位记录): the filtered list, a record with its versions and publicity
window, and withdrawal (撤销) with a reason, over the records services the API uses."""

from datetime import date

from flask import Blueprint, abort, g, redirect, render_template, request, url_for

from ..departments.services import reference_names
from ..errors import NotFound, RegistryError, ValidationFailed
from ..records import layout
from ..records.department import RecordFilters, department_record, list_department_records, own_record
from ..records.models import STATUSES
from ..records.presenters import shown_status
from ..records.services import withdraw_record
from ..repairs.objections import under_objection
from ..runtime import today
from .layout import for_roles

bp = Blueprint("department_records_workspace", __name__, template_folder="templates")
ROLES = ("department",)
PAGE_SIZE = 20
STATUS_LABELS = {"published": "公示中", "not_published": "不予公示", "expired": "公示期满", "withdrawn": "已撤销",
                 "repaired": "已修复"}
FILTERS = ("kind", "from", "to", "status", "domain", "decision_no")


def _day(typed: str, label: str) -> date | None:
    if not typed:
        return None
    try:
        return date.fromisoformat(typed)
    except ValueError:
        raise ValidationFailed(message_en=f"{label}: not a date", message_zh=f"{label}格式应为 年-月-日：{typed}",
                               code="invalid_filter") from None


def _filters(form: dict) -> RecordFilters:
    return RecordFilters(kind=form["kind"] if form["kind"] in layout.KINDS else None,
                         decided_from=_day(form["from"], "决定日期起"), decided_to=_day(form["to"], "决定日期止"),
                         status=form["status"] if form["status"] in STATUSES else None,
                         domain=form["domain"] or None, decision_no=form["decision_no"] or None)


def _page(name: str, status: int = 200, **context):
    day = today()
    return render_template(f"workspaces/department/{name}.html", status_labels=STATUS_LABELS,
                           kind_labels=layout.KIND_LABELS, party_categories=layout.PARTY_CATEGORIES,
                           shown_status=lambda record: shown_status(record, day), **context), status


@bp.get("/department/records")
@for_roles(*ROLES)
def records():
    """The department's records, newest decision first, 20 a page; filters kept in the next page's link."""
    form = {name: request.args.get(name, "").strip()[:128] for name in FILTERS}
    domains = reference_names()["domain"]
    try:
        found = list_department_records(g.viewer, _filters(form), request.args.get("cursor") or None, PAGE_SIZE)
    except RegistryError as exc:
        return _page("records", exc.status, form=form, domains=domains, found=None, error=exc.message_zh)
    return _page("records", form=form, domains=domains, found=found)


def _shown(record_id: int):
    try:
        return department_record(g.viewer, record_id, under_objection)
    except NotFound:
        abort(404)


@bp.get("/department/records/<int:record_id>")
@for_roles(*ROLES)
def record(record_id: int):
    shown, versions = _shown(record_id)
    return _page("record", record=shown, versions=versions, fields=layout.KIND_FIELDS[shown["kind"]],
                 message=request.args.get("done") and "该记录已撤销，已从公开查询中移除。")


@bp.post("/department/records/<int:record_id>/withdrawal")
@for_roles(*ROLES)
def withdraw(record_id: int):
    """Withdraw (撤销) the record with the reason typed; a refusal shows on the record's page with the reason kept."""
    reason = request.form.get("reason", "")
    try:
        own_record(g.viewer, record_id)  # another department's record, public or not, is not found here
        withdraw_record(g.viewer, record_id, reason)
    except NotFound:
        abort(404)
    except RegistryError as exc:
        shown, versions = _shown(record_id)
        return _page("record", exc.status, record=shown, versions=versions, fields=layout.KIND_FIELDS[shown["kind"]],
                     reason=reason, error=exc.message_zh)
    return redirect(url_for(".record", record_id=record_id, done=1), 303)
