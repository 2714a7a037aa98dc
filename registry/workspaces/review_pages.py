"""The review workspace (信用中心审核人员): the queue of repair applications, an application with its
materials and the decisions its state allows; over the same services as the API."""

from flask import Blueprint, abort, g, redirect, render_template, request, url_for

from ..errors import Conflict, NotFound, RegistryError
from ..pagination import MAX_ID
from ..repairs import calendar_loads, escalation, review, rules, services
from ..runtime import settings, today
from .layout import for_roles, menu_item

bp = Blueprint("review_workspace", __name__, template_folder="templates")
ROLES = ("reviewer",)

menu_item("信用修复待办", "review_workspace.home", *ROLES)
menu_item("异议申诉督办", "review_workspace.objections", *ROLES)
menu_item("工作日日历", "review_workspace.calendar", *ROLES)

ACTION_LABELS = {"accept": "受理", "accept_with_missing": "容缺受理", "not_accept": "不予受理",
                 "forward": "转来源部门认定", "approve": "准予修复", "reject": "不予修复", "close": "办结",
                 "revoke": "撤销信用修复"}
REASON_REQUIRED = frozenset(t.action for t in rules.TRANSITIONS if t.reason_required)
SYSTEM_STEPS = {"submit": "提交申请", "complete": "补正材料齐全", "lapse": "逾期未补正"}
DONE_MESSAGES = {action: f"已{label}。" for action, label in ACTION_LABELS.items()}
CLOCK_NAMES = {"result_due": "办理结果", "department_due": "部门认定", "materials_due": "补正材料"}
PAGE_SIZE = 25
FILTERS = ("state", "district", "department", "overdue")
# A step someone else took first: the version moved on, or the state no longer allows the action.
RACE_CODES = ("conflict", "transition_not_allowed")
RACE_MESSAGE = "其他审核人员已先处理了此申请。页面已更新为最新状态，请核对后再操作。"


def _queue_filters(args) -> dict:
    department = args.get("department", "")
    return {"state": args.get("state") or review.OPEN, "district": args.get("district") or None,
            "department_id": int(department) if department.isdigit() and int(department) <= MAX_ID else None,
            "overdue": args.get("overdue") == "1"}


@bp.get("/review")
@for_roles(*ROLES)
def home():
    """The queue, the nearest deadline first; filtered by state, district, department, overdue."""
    form = {name: request.args.get(name, "") for name in FILTERS}
    error, page = None, {"items": [], "next_cursor": None}
    try:
        page = review.review_queue(g.viewer, today(), cursor=request.args.get("cursor") or None, limit=PAGE_SIZE,
                                   **_queue_filters(request.args))
    except RegistryError as exc:
        error = exc.message_zh
    return render_template("workspaces/review/home.html", page=page, form=form, choices=review.queue_choices(),
                           error=error)


def _application_page(application_id: int, status: int = 200, form=None, **shown):
    """The application and its forms; a refused form keeps the reason typed."""
    try:
        found = services.visible_application(g.viewer, application_id)
    except NotFound:
        abort(404)  # the site's page, not the API's problem document
    application = services.get_application(g.viewer, application_id, today())
    facts = review.case_facts(found)
    application["next_actions"] = _offered(application["next_actions"], facts["missing_now"])
    return render_template("workspaces/review/application.html", a=application, facts=facts,
                           actions=ACTION_LABELS, steps=SYSTEM_STEPS, states=rules.STATE_LABELS_ZH,
                           kinds=rules.MATERIAL_KINDS, reasons=REASON_REQUIRED,
                           materials_days=settings().REPAIR_MATERIALS_WORKDAYS, form=form or {}, **shown), status


def _offered(actions: list[str], missing: list) -> list[str]:
    """The steps worth a form: acceptance in full only with every material in, 容缺 only with some
    missing and none essential (the service refuses the others with the same reasons)."""
    essential = any(kind.essential for _, kind in missing)
    refused = {"accept"} if missing else {"accept_with_missing"}
    return [a for a in actions if a not in refused and not (essential and a == "accept_with_missing")]


@bp.get("/review/repairs/<int:application_id>")
@for_roles(*ROLES)
def application(application_id: int):
    done = request.args.get("done")
    return _application_page(application_id, message=DONE_MESSAGES.get(done))


@bp.post("/review/repairs/<int:application_id>/decisions")
@for_roles(*ROLES)
def decide(application_id: int):
    """One step through the API's service; the form carries the version the reviewer saw."""
    action, version = request.form.get("action", ""), request.form.get("version", "")
    try:
        services.decide(g.viewer, application_id, action, request.form.get("reason"),
                        int(version) if version.isdigit() else -1, today())
    except NotFound:
        abort(404)
    except Conflict as exc:
        if exc.code in RACE_CODES:
            return _application_page(application_id, 409, error=RACE_MESSAGE)
        return _application_page(application_id, exc.status, error=exc.message_zh, form=request.form)
    except RegistryError as exc:
        return _application_page(application_id, exc.status, error=exc.message_zh, form=request.form)
    return redirect(url_for(".application", application_id=application_id, done=action), 303)


def _objections_page(status: int = 200, **shown):
    items = escalation.objection_queue(g.viewer, today())
    return render_template("workspaces/review/objections.html", items=items,
                           config_days=settings().OBJECTION_WORKDAYS, **shown), status


@bp.get("/review/objections")
@for_roles(*ROLES)
def objections():
    """Open objections by the source department's deadline, with the reminders sent so far."""
    return _objections_page()


@bp.post("/review/objections/<int:objection_id>/escalate")
@for_roles(*ROLES)
def escalate(objection_id: int):
    try:
        step = escalation.escalate(g.viewer, objection_id, today())
    except NotFound:
        abort(404)
    except RegistryError as exc:
        return _objections_page(exc.status, error=exc.message_zh)
    return _objections_page(message=f"已向来源部门发出{step}，并记入审计日志。")


def _calendar_page(status: int = 200, **shown):
    overview = calendar_loads.calendar_overview(g.viewer, today())
    return render_template("workspaces/review/calendar.html", overview=overview, today=today(),
                           clock_names=CLOCK_NAMES, **shown), status


@bp.get("/review/calendar")
@for_roles(*ROLES)
def calendar():
    """The loaded years' schedules, the warning while next year's is missing, the recounted deadlines."""
    return _calendar_page()


@bp.post("/review/calendar")
@for_roles(*ROLES)
def load_calendar():
    upload = request.files.get("schedule")
    if upload is None or not upload.filename:
        return _calendar_page(422, error="请选择节假日安排文件（JSON）。")
    try:
        loaded = calendar_loads.load_uploaded_schedule(g.viewer, upload.read(calendar_loads.MAX_BYTES + 1))
    except RegistryError as exc:
        return _calendar_page(exc.status, error=exc.message_zh + "（请改正后重新选择文件上传）")
    moved = len(loaded["recomputed"])
    return _calendar_page(message=f"已载入{loaded['year']}年节假日安排，重新计算了{moved}个暂定期限。")
