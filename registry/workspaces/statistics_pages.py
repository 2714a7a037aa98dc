"""Statistics (统计) for the credit centre and data quality (数据质量) for departments: figures for a
chosen period as tables, each with an SVG bar chart above it; each page exported as XLSX from the
same tables.

A department sees only its own department's data quality: a `department` it puts in the address is
ignored. The credit centre (reviewers, admins) chooses any department, or all of them."""

from dataclasses import dataclass
from datetime import date, timedelta

from flask import Blueprint, Response, g, render_template, request

from ..departments.services import reference_names
from ..imports import quality
from ..repairs.statistics import period_statistics
from ..runtime import today
from . import statistics_tables as tables
from .layout import for_roles, menu_item
from .sheets import workbook

bp = Blueprint("statistics_workspace", __name__, template_folder="templates")
CENTRE = ("reviewer", "admin")
QUALITY = ("department", *CENTRE)
LATE_PAGE = 50
LONGEST = timedelta(days=366 * 5)
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

menu_item("统计", "statistics_workspace.home", *CENTRE)
menu_item("数据质量", "statistics_workspace.quality_page", *QUALITY)


@dataclass
class Filters:
    """The period and scope a page shows, as chosen in its form (or the last twelve months)."""

    start: date
    end: date
    district: str = ""
    department: int | None = None

    def args(self) -> dict:
        return {"from": self.start.isoformat(), "to": self.end.isoformat(), "district": self.district,
                "department": self.department or ""}

    def scope(self) -> quality.Scope:
        return quality.Scope(self.start, self.end, self.department, self.district or None)

    def heading(self, names: dict) -> str:
        where = [names["districts"].get(self.district, ""), names["departments"].get(self.department, "")]
        return f"{self.start} 至 {self.end}　{' '.join(w for w in where if w) or '全市'}"


def _filters(names: dict) -> tuple[Filters, str | None]:
    """The filters from the address, checked; on a mistake, the default ones and what was wrong. A
    department's own department is always its scope."""
    day = today()
    default = Filters(date(day.year - (day.month <= 11), (day.month - 12) % 12 + 1, 1), day)
    try:
        chosen, error = _chosen(names, default), None
    except ValueError as exc:
        chosen, error = default, str(exc)
    if g.viewer.role == "department":
        chosen.department = g.viewer.department_id
    return chosen, error


def _chosen(names: dict, default: Filters) -> Filters:
    args = request.args
    try:
        start = date.fromisoformat(args["from"]) if args.get("from") else default.start
        end = date.fromisoformat(args["to"]) if args.get("to") else default.end
    except ValueError:
        raise ValueError("日期格式应为 年-月-日，如 2026-01-31") from None
    if end < start or end - start > LONGEST:
        raise ValueError("截止日期应不早于起始日期，且统计期间不超过 5 年")
    district = args.get("district", "")
    if district and district not in names["districts"]:
        raise ValueError("请从列表中选择地区")
    department = args.get("department", "")
    if g.viewer.role != "department" and department and not (
            department.isdigit() and int(department) in names["departments"]):
        raise ValueError("请从列表中选择部门")
    return Filters(start, end, district, int(department) if department.isdigit() else None)


def _names() -> dict:
    return {"districts": dict(sorted(reference_names()["district"].items())), "departments": quality.department_names()}


def _centre_tables(chosen: Filters, names: dict) -> list[tables.Table]:
    scope = chosen.scope()
    collection = quality.collection(scope)
    jobs = quality.imports(scope)
    by_department = quality.rejections_by_department(jobs)
    repairs = period_statistics(chosen.start, chosen.end, today(), chosen.district or None)
    rejected = quality.Rejections(sum(r.rows_read for r in by_department.values()),
                                  sum(r.rejected for r in by_department.values()))
    return [tables.summary_table(collection, rejected, repairs), *tables.repair_tables(repairs, names["districts"]),
            tables.collection_by_month(collection),
            tables.collection_by_department(collection, names["departments"], by_department),
            tables.department_month_table(collection, names["departments"])]


def _quality_tables(chosen: Filters) -> tuple[list[tables.Table], quality.Collection]:
    scope = chosen.scope()
    collection = quality.collection(scope)
    jobs = quality.imports(scope)
    rejected = quality.Rejections(sum(j.rows.rows_read for j in jobs), sum(j.rows.rejected for j in jobs))
    return [tables.summary_table(collection, rejected), tables.collection_by_month(collection),
            tables.imports_table(jobs, with_department=chosen.department is None),
            tables.fields_table(quality.rejections_by_field(scope), rejected.rows_read)], collection


@bp.get("/statistics")
@for_roles(*CENTRE)
def home():
    names = _names()
    chosen, error = _filters(names)
    return render_template("workspaces/statistics/overview.html", filters=chosen, names=names, error=error,
                           tables=_centre_tables(chosen, names), cell=tables.cell_text)


@bp.get("/statistics/export.xlsx")
@for_roles(*CENTRE)
def export():
    names = _names()
    chosen, _ = _filters(names)
    return _xlsx(_centre_tables(chosen, names), f"信用修复与归集统计　{chosen.heading(names)}", "statistics")


@bp.get("/quality")
@for_roles(*QUALITY)
def quality_page():
    names = _names()
    chosen, error = _filters(names)
    figures, collection = _quality_tables(chosen)
    page = max(request.args.get("page", 1, type=int) or 1, 1)
    late = quality.late_records(chosen.scope(), collection, g.viewer, offset=(page - 1) * LATE_PAGE,
                                limit=LATE_PAGE)
    pages = max((collection.total.late + LATE_PAGE - 1) // LATE_PAGE, 1)
    several = chosen.department is None
    return render_template("workspaces/statistics/quality.html", filters=chosen, names=names, error=error,
                           tables=figures, cell=tables.cell_text, late=tables.late_rows(late, several),
                           late_columns=tables.late_columns(several), page=min(page, pages), pages=pages,
                           limit=collection.limit)


@bp.get("/quality/export.xlsx")
@for_roles(*QUALITY)
def quality_export():
    names = _names()
    chosen, _ = _filters(names)
    figures, collection = _quality_tables(chosen)
    late = quality.late_records(chosen.scope(), collection, g.viewer, limit=collection.total.late)
    several = chosen.department is None
    figures.append(tables.Table("late", "超期报送的记录", tables.late_columns(several),
                                tables.late_rows(late, several)))
    return _xlsx(figures, f"数据质量　{chosen.heading(names)}", "quality")


def _xlsx(figures: list[tables.Table], heading: str, name: str) -> Response:
    answer = Response(workbook(figures, heading), mimetype=XLSX)
    answer.headers["Content-Disposition"] = f'attachment; filename="{name}-{today():%Y%m%d}.xlsx"'
    answer.headers["Cache-Control"] = "private, no-store"
    return answer
