"""The enterprise workspace (市场主体与代办窗口): records and their repair standing, the repair
application and its materials, notices, objections; an agent files and follows repairs for any
enterprise. Every page calls the services the API calls."""

from functools import wraps

from flask import Blueprint, abort, flash, g, get_flashed_messages, redirect, render_template, request, url_for

from ..enterprises.services import find_entity, parse_uscc
from ..errors import NotFound, RegistryError
from ..notices import services as notice_services
from ..records import layout
from ..records.services import get_record, list_entity_records
from ..repairs import applicant, objections, rules
from ..repairs.materials import add_materials
from ..repairs.services import get_application
from ..repairs.statistics import list_applications
from ..runtime import today
from .layout import for_roles, menu_item

bp = Blueprint("enterprise_workspace", __name__, template_folder="templates")
ROLES = ("enterprise", "agent")

menu_item("概览", "enterprise_workspace.home", *ROLES)
menu_item("我的信用记录", "enterprise_workspace.records", "enterprise")
menu_item("代办信用修复", "enterprise_workspace.records", "agent")
menu_item("通知", "enterprise_workspace.notices", "enterprise")
menu_item("异议申诉", "enterprise_workspace.objection_list", "enterprise")

# A record's status as the enterprise reads it, and the badge it wears, per kind: a list entry is on
# or off its list, an honour on display is good news, a commitment's own state says whether it was kept.
_STATUS = {"published": ("公示中", "bad"), "not_published": ("不公示", ""), "expired": ("公示期满，已停止公示", "good"),
           "withdrawn": ("已撤销，不再公示", "good"), "repaired": ("已信用修复，不再公示", "good")}
_LISTED = {**_STATUS, "published": ("列入中，公示中", "bad"), "expired": ("已移出或期满，不再公示", "good")}
STATUS = {layout.PENALTY: _STATUS, layout.LICENCE: {**_STATUS, "published": ("公示中", "")},
          layout.DISHONESTY: _LISTED, layout.ABNORMAL: _LISTED,
          layout.HONOUR: {**_STATUS, "published": ("有效，公示中", "good"), "expired": ("已到期，不再公示", "")},
          layout.COMMITMENT: {**_STATUS, "published": ("公示中", ""), "expired": ("承诺期满，不再公示", "")}}
# What the applicant does next, by the application's state.
NEXT_STEPS = {
    rules.SUBMITTED: "等待信用中心受理。受理前可继续补充下列材料；材料不全的，信用中心可容缺受理并一次性告知所缺材料。",
    rules.AWAITING_MATERIALS: "已容缺受理：请在补正期限内上传下列所缺材料，逾期未补正的申请失效。",
    rules.ACCEPTED: "材料齐全，等待信用中心转数据来源部门认定，无需操作。",
    rules.NOT_ACCEPTED: "申请不予受理，理由见办理记录。符合条件的，可补齐材料后重新申请。",
    rules.LAPSED: "未在期限内补正材料，申请已失效。如仍符合条件，可重新申请。",
    rules.FORWARDED: "数据来源部门正在认定，请等待结果，无需操作。",
    rules.APPROVED: "准予修复，该记录已停止公示；请遵守信用修复承诺。",
    rules.REJECTED: "不予修复，理由见办理记录。",
    rules.DONE: "办结。请遵守信用修复承诺，违背承诺的修复结果将被撤销。",
    rules.REVOKED: "修复结果已撤销，记录重新公示；锁定期内不得再次申请。",
}


def hidden_as_404(view):
    """A thing the person may not see is a 404 page, the same whether or not it exists."""

    @wraps(view)
    def checked(*args, **kwargs):
        try:
            return view(*args, **kwargs)
        except NotFound:
            abort(404)

    return checked


def _uploads(*names: str) -> list:
    """[(kind, file)] of the file inputs named after material kinds that were given a file."""
    return [(name, request.files[name]) for name in names if request.files.get(name) and request.files[name].filename]


@bp.get("/enterprise")
@for_roles(*ROLES)
def home():
    day = today()
    applications = list_applications(g.viewer, day, limit=10)["items"]
    unread = notice_services.unread_count(g.viewer.uscc) if g.viewer.role == "enterprise" else 0
    return render_template("workspaces/enterprise/home.html", applications=applications, unread=unread)


@bp.get("/enterprise/records")
@for_roles(*ROLES)
def records():
    """The enterprise's own records, hidden ones too; an agent first names an enterprise by its code."""
    typed = request.args.get("uscc", "").strip()
    uscc, entity, error = g.viewer.uscc, None, None
    if g.viewer.role == "agent":
        uscc = None
        if typed:
            try:
                uscc = parse_uscc(typed)
                entity = find_entity(uscc)
            except RegistryError as exc:
                uscc, error = None, exc.message_zh
    page, standing = {"items": [], "next_cursor": None}, {}
    if uscc:
        try:
            page = list_entity_records(g.viewer, uscc, objections.under_objection,
                                       cursor=request.args.get("cursor") or None)
        except RegistryError as exc:
            error = exc.message_zh
        standing = applicant.repair_standing(g.viewer, [r["id"] for r in page["items"]], today())
    return render_template("workspaces/enterprise/records.html", page=page, standing=standing, entity=entity,
                           typed=typed, uscc=uscc, status=STATUS, error=error), 400 if error else 200


@bp.get("/enterprise/records/<int:record_id>")
@for_roles(*ROLES)
@hidden_as_404
def record(record_id: int):
    shown = get_record(g.viewer, record_id, objections.under_objection)
    if g.viewer.role == "enterprise" and shown.get("uscc") != g.viewer.uscc:
        abort(404)  # a public record of someone else: not this workspace's
    standing = applicant.repair_standing(g.viewer, [record_id], today())[record_id]
    disputes = objections.objections_of(g.viewer, today(), record_id) if g.viewer.role == "enterprise" else []
    return render_template("workspaces/enterprise/record.html", record=shown, standing=standing, status=STATUS,
                           objections=disputes)


@bp.route("/enterprise/records/<int:record_id>/repair", methods=["GET", "POST"])
@for_roles(*ROLES)
@hidden_as_404
def apply(record_id: int):
    """The commitment letter in full, signed by typing one's name, and the materials, in one form."""
    letter = applicant.commitment_for(g.viewer, record_id, today())
    if request.method == "GET":
        return render_template("workspaces/enterprise/apply.html", record_id=record_id, letter=letter, form={})
    uploads = _uploads(*(m.key for m in letter["kinds"]))
    try:
        filed = applicant.apply_with_materials(g.viewer, record_id, request.form.get("signed_name", ""),
                                               g.person.name, request.form.get("confirm") == "yes", uploads, today())
    except RegistryError as exc:
        return render_template("workspaces/enterprise/apply.html", record_id=record_id, letter=letter,
                               form=request.form, error=exc.message_zh, files_dropped=bool(uploads)), exc.status
    flash(f"申请已提交，申请编号 {filed['number']}，查询码 {filed['query_code']}（只显示这一次，"
          "可凭编号和查询码在“信用修复进度查询”页面查询，请妥善保存）。")
    return redirect(url_for(".application", application_id=filed["id"]))


def _application_page(application_id: int, status: int = 200, **shown):
    found = get_application(g.viewer, application_id, today())
    missing = applicant.still_missing(g.viewer, application_id)
    return render_template("workspaces/enterprise/application.html", a=found, missing=missing,
                           kinds=applicant.required_kinds(g.viewer), next_step=NEXT_STEPS[found["state"]],
                           kinds_by_key=rules.MATERIAL_KINDS, states=rules.STATE_LABELS_ZH,
                           can_upload=found["state"] in (rules.SUBMITTED, rules.AWAITING_MATERIALS),
                           message=" ".join(get_flashed_messages()) or shown.pop("message", None), **shown), status


@bp.get("/enterprise/repairs/<int:application_id>")
@for_roles(*ROLES)
@hidden_as_404
def application(application_id: int):
    return _application_page(application_id)


@bp.post("/enterprise/repairs/<int:application_id>/materials")
@for_roles(*ROLES)
@hidden_as_404
def upload(application_id: int):
    kind = request.form.get("kind", "")
    try:
        add_materials(g.viewer, application_id, [(kind, request.files.get("file"))], today())
    except NotFound:
        raise  # another's application: the 404 page
    except RegistryError as exc:
        return _application_page(application_id, exc.status, error=f"{exc.message_zh}（请重新选择文件）",
                                 chosen_kind=kind)
    return _application_page(application_id, message="材料已上传。")


# --------------------------------------------------------------------------- notices


@bp.get("/enterprise/notices")
@for_roles("enterprise")
def notices():
    page = notice_services.list_notices(g.viewer, g.viewer.uscc, cursor=request.args.get("cursor") or None)
    return render_template("workspaces/enterprise/notices.html", page=page)


@bp.get("/enterprise/notices/<int:notice_id>")
@for_roles("enterprise")
@hidden_as_404
def notice(notice_id: int):
    opened = notice_services.open_notice(g.viewer, notice_id)
    standing = applicant.repair_standing(g.viewer, opened["record_ids"], today())
    return render_template("workspaces/enterprise/notice.html", notice=opened, standing=standing)


# --------------------------------------------------------------------------- objections


@bp.get("/enterprise/objections")
@for_roles("enterprise")
def objection_list():
    return render_template("workspaces/enterprise/objections.html",
                           objections=objections.objections_of(g.viewer, today()),
                           message=" ".join(get_flashed_messages()) or None)


@bp.route("/enterprise/records/<int:record_id>/objection", methods=["GET", "POST"])
@for_roles("enterprise")
@hidden_as_404
def objection(record_id: int):
    """Dispute a record's content with a reason and files; then it shows as under objection."""
    shown = get_record(g.viewer, record_id, objections.under_objection)
    if shown.get("uscc") != g.viewer.uscc:
        abort(404)
    if request.method == "GET":
        return render_template("workspaces/enterprise/objection.html", record=shown, form={})
    files = [f for f in request.files.getlist("attachments") if f and f.filename]
    try:
        objections.file_objection(g.viewer, record_id, request.form.get("reason", ""), files)
    except NotFound:
        raise  # the 404 page
    except RegistryError as exc:
        return render_template("workspaces/enterprise/objection.html", record=shown, form=request.form,
                               error=exc.message_zh, files_dropped=bool(files)), exc.status
    flash("异议申诉已提交，数据来源部门将在5个工作日内处理，处理结果将通知您。")
    return redirect(url_for(".objection_list"))

