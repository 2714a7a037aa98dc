"""The department's cases: repair applications forwarded to it (approve or reject within its clock) and
objections to its records (uphold, correct or withdraw), over the repair services the API uses."""

from flask import Blueprint, abort, g, redirect, render_template, request, url_for
from marshmallow import ValidationError

from ..errors import Conflict, NotFound, RegistryError
from ..records.department import own_record
from ..records.presenters import present_record
from ..repairs import objections, services, statistics
from ..repairs.objections import STATE_LABELS_ZH as OBJECTION_STATE_LABELS_ZH
from ..repairs.rules import FORWARDED, MATERIAL_KINDS, STATE_LABELS_ZH
from ..repairs.schemas import DecisionIn, ResolutionIn
from ..runtime import today
from .layout import for_roles

bp = Blueprint("department_cases_workspace", __name__, template_folder="templates")
ROLES = ("department",)
PAGE_SIZE = 20
STALE = "该申请在您打开页面后已被他人处理或发生变化，本次决定未生效。下面是最新状态，请核对后重新决定。"


def _page(name: str, status: int = 200, **context):
    return render_template(f"workspaces/department/{name}.html", state_labels=STATE_LABELS_ZH,
                           material_kinds=MATERIAL_KINDS, outcome_labels=OBJECTION_STATE_LABELS_ZH, **context), status


def _first_message(exc: ValidationError) -> str:
    field, messages = next(iter(exc.normalized_messages().items()))
    known = {"reason": "理由不能超过2000字", "resolution": "处理意见必填，且不超过2000字"}
    return known.get(field, f"{field}：{messages}")


@bp.get("/department/repairs")
@for_roles(*ROLES)
def repairs():
    """Forwarded applications awaiting the department's decision, or (every=1) all it ever received."""
    every = bool(request.args.get("every"))
    try:
        found = statistics.list_applications(g.viewer, today(), state=None if every else FORWARDED,
                                             cursor=request.args.get("cursor") or None, limit=PAGE_SIZE)
    except RegistryError as exc:
        return _page("repairs", exc.status, found=None, every=every, error=exc.message_zh)
    return _page("repairs", found=found, every=every)


def _application(application_id: int) -> dict:
    try:
        return services.get_application(g.viewer, application_id, today())
    except NotFound:
        abort(404)


@bp.get("/department/repairs/<int:application_id>")
@for_roles(*ROLES)
def repair(application_id: int):
    return _page("repair", application=_application(application_id),
                 message=request.args.get("done") and "决定已提交，申请人将收到通知。")


@bp.post("/department/repairs/<int:application_id>/decision")
@for_roles(*ROLES)
def decide(application_id: int):
    """Approve (同意) or reject (不同意, with a reason) on the version the page showed; a stale one is said so."""
    typed = {"action": request.form.get("action", ""), "reason": request.form.get("reason", ""),
             "version": request.form.get("version") or None}
    try:
        body = DecisionIn().load(typed)
        services.decide(g.viewer, application_id, body["action"], body["reason"], body["version"], today())
    except NotFound:
        abort(404)
    except ValidationError as exc:
        return _page("repair", 422, application=_application(application_id), reason=typed["reason"],
                     error=_first_message(exc))
    except RegistryError as exc:
        error = STALE if isinstance(exc, Conflict) and exc.code == "conflict" else exc.message_zh
        return _page("repair", exc.status, application=_application(application_id), reason=typed["reason"],
                     error=error)
    return redirect(url_for(".repair", application_id=application_id, done=1), 303)


@bp.get("/department/objections")
@for_roles(*ROLES)
def objections_list():
    every = bool(request.args.get("every"))
    try:
        found = objections.department_objections(g.viewer, today(), open_only=not every,
                                                  cursor=request.args.get("cursor") or None, limit=PAGE_SIZE)
    except RegistryError as exc:
        return _page("objections", exc.status, found=None, every=every, error=exc.message_zh)
    return _page("objections", found=found, every=every)


def _disputed(objection_id: int):
    """The objection and its record, if the record is the department's own; 404 otherwise."""
    try:
        objection = objections.visible_objection(g.viewer, objection_id)
        return objection, own_record(g.viewer, objection.record_id)
    except NotFound:
        abort(404)


def _objection_page(objection_id: int, status: int = 200, changes: dict | None = None, **context):
    """The objection with its record, clock and answer form (what was typed kept after a refusal)."""
    objection, record = _disputed(objection_id)
    return _page("objection", status, objection=objection, record=present_record(record, g.viewer),
                 attachments=objections.attachments_of([objection.id]).get(objection.id, []),
                 clock=objections.answer_clock(objection, today()), fields=objections.correctable_fields(record.kind),
                 values=objections.record_as_sent(record) | (changes or {}), **context)


@bp.get("/department/objections/<int:objection_id>")
@for_roles(*ROLES)
def objection(objection_id: int):
    return _objection_page(objection_id, message=request.args.get("done") and "异议已处理，申请人将收到结果。")


@bp.post("/department/objections/<int:objection_id>/resolution")
@for_roles(*ROLES)
def resolve(objection_id: int):
    """Uphold, withdraw, or correct the record (the corrected fields are posted with the resolution)."""
    typed = {"outcome": request.form.get("outcome", ""), "resolution": request.form.get("resolution", "")}
    fields = {f.key for f in objections.correctable_fields(_disputed(objection_id)[1].kind)}
    changes = {k: v for k, v in request.form.items() if k in fields}
    try:
        body = ResolutionIn().load(typed)
        if body["outcome"] == "corrected":
            objections.correct_record(g.viewer, objection_id, changes, body["resolution"], today())
        else:
            objections.resolve_objection(g.viewer, objection_id, body["outcome"], body["resolution"])
    except NotFound:
        abort(404)
    except ValidationError as exc:
        return _objection_page(objection_id, 422, changes, typed=typed, error=_first_message(exc))
    except RegistryError as exc:
        return _objection_page(objection_id, exc.status, changes, typed=typed, error=exc.message_zh)
    return redirect(url_for(".objection", objection_id=objection_id, done=1), 303)

