"""The statistics pages' figures as tables: each table is shown on the page (with its chart) and written
to the XLSX export from the same rows, so the page and the file can never disagree."""

from dataclasses import dataclass

from markupsafe import Markup

from ..db import as_utc
from ..domain.periods import BEIJING
from ..imports.models import DONE, FAILED, QUEUED, RUNNING
from ..imports.quality import Collection, ImportFigures, LateRecord, Rejections, Timeliness
from ..records.layout import FIELDS_BY_KEY, KIND_LABELS
from ..repairs.rules import STATE_LABELS_ZH
from ..repairs.statistics import RepairFigures, RepairGroup
from .charts import Bar, bar_chart

JOB_STATES = {QUEUED: "排队中", RUNNING: "导入中", DONE: "已完成", FAILED: "失败"}
EMPTY = "—"


class Ratio(float):
    """A share (0.125), shown as a percentage (12.5%)."""


def ratio(value: float | None) -> Ratio | None:
    return None if value is None else Ratio(value)


def cell_text(value) -> str:
    """A cell as the page prints it."""
    if value is None:
        return EMPTY
    if isinstance(value, Ratio):
        return f"{value:.1%}"
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


@dataclass
class Table:
    """One table of figures; `chart` names the columns (label, value) a bar chart draws, one bar a row."""

    key: str
    title: str
    columns: list[str]
    rows: list[list]
    chart: tuple[int, int] | None = None
    note: str = ""

    def svg(self) -> Markup | None:
        if self.chart is None:
            return None
        label, value = self.chart
        bars = [Bar(str(row[label]), float(row[value] or 0), cell_text(row[value])) for row in self.rows]
        what = f"按{self.columns[label]}的{self.columns[value]}，共 {len(bars)} 项；各项数值见下方表格。"
        return bar_chart(f"{self.title}：{self.columns[value]}", what, bars)


# ------------------------------------------------------------------ credit repair (信用修复统计)

def _repair_row(label: str, group: RepairGroup) -> list:
    return [label, group.applications, group.decided, group.median_workdays, group.overdue]


REPAIR_COLUMNS = ["申请数", "已作出决定", "决定用时中位数（工作日）", "逾期"]


def repair_tables(figures: RepairFigures, districts: dict[str, str]) -> list[Table]:
    states = [s for s in STATE_LABELS_ZH if figures.total.by_state[s]]
    by_month = Table("repairs_month", "信用修复申请（按月份、状态）",
                     ["月份", *REPAIR_COLUMNS, *(STATE_LABELS_ZH[s] for s in states)],
                     [[*_repair_row(month, g), *(g.by_state[s] for s in states)]
                      for month, g in figures.by_month.items()],
                     chart=(0, 1), note="按申请提交日期所在月份统计；逾期指办理中已超过时限，或作出决定晚于应答复日。")
    by_department = Table("repairs_department", "信用修复申请（按认定部门）", ["认定部门", *REPAIR_COLUMNS],
                          [_repair_row(name, g) for name, g in sorted(figures.by_department.items())], chart=(0, 1))
    by_district = Table("repairs_district", "信用修复申请（按申请人所在地区）", ["地区", *REPAIR_COLUMNS],
                        [_repair_row(districts.get(code, code or "未知"), g)
                         for code, g in sorted(figures.by_district.items(), key=lambda item: item[0] or "")],
                        chart=(0, 1))
    return [by_month, by_department, by_district]


# ------------------------------------------------------------------ collection (归集统计, 数据质量)

def _timeliness(tally: Timeliness) -> list:
    return [tally.submitted, tally.on_time, tally.late, ratio(tally.on_time_rate)]


def summary_table(collection: Collection, rejections: Rejections, repairs: RepairFigures | None = None) -> Table:
    rows = [["报送记录", collection.total.submitted], ["按时报送", collection.total.on_time],
            ["超期报送", collection.total.late], ["报送及时率", ratio(collection.total.on_time_rate)],
            ["导入读取行数", rejections.rows_read], ["导入拒收行数", rejections.rejected],
            ["导入拒收率", ratio(rejections.rate)]]
    if repairs is not None:
        rows += [["信用修复申请", repairs.total.applications], ["已作出决定", repairs.total.decided],
                 ["决定用时中位数（工作日）", repairs.total.median_workdays], ["信用修复逾期", repairs.total.overdue]]
    return Table("summary", "概况", ["指标", "数值"], rows)


def collection_by_month(collection: Collection) -> Table:
    return Table("collection_month", "归集记录（按报送月份）", ["月份", "报送记录", "按时", "超期", "及时率"],
                 [[month, *_timeliness(t)] for month, t in collection.by_month.items()], chart=(0, 1),
                 note=f"双公示信息应在作出决定后 {collection.limit} 个工作日内报送；"
                      "报送日期以首次报送平台的北京时间为准。")


def collection_by_department(collection: Collection, departments: dict[int, str],
                             rejections: dict[str, Rejections]) -> Table:
    rows = []
    for department_id, tally in sorted(collection.by_department.items(), key=lambda item: departments[item[0]]):
        name = departments[department_id]
        rejected = rejections.get(name, Rejections())
        rows.append([name, *_timeliness(tally), rejected.rows_read, rejected.rejected, ratio(rejected.rate)])
    return Table("collection_department", "归集记录（按报送部门）",
                 ["报送部门", "报送记录", "按时", "超期", "及时率", "导入读取行数", "导入拒收行数", "拒收率"], rows,
                 chart=(0, 1))


def department_month_table(collection: Collection, departments: dict[int, str]) -> Table:
    months = list(collection.by_month)
    ids = sorted(collection.by_department, key=lambda i: departments[i])
    return Table("collection_department_month", "归集记录（按部门和月份）", ["报送部门", *months],
                 [[departments[i], *(collection.by_department_month.get((i, m), 0) for m in months)] for i in ids])


def imports_table(jobs: list[ImportFigures], with_department: bool) -> Table:
    columns = ["导入", "文件", *(["报送部门"] if with_department else []), "开始时间", "状态", "读取行数", "拒收行数",
               "拒收率"]
    rows = [[f"#{job.id}", job.filename, *([job.department] if with_department else []),
             f"{as_utc(job.created_at).astimezone(BEIJING):%Y-%m-%d %H:%M}",
             JOB_STATES.get(job.state, job.state), job.rows.rows_read, job.rows.rejected, ratio(job.rows.rate)]
            for job in jobs]
    return Table("imports", "各次导入的拒收率", columns, rows, chart=(0, len(columns) - 1),
                 note="拒收率 = 拒收行数 ÷ 读取行数（仅检查的试导入不计）。")


def fields_table(by_field: dict[str, int], rows_read: int) -> Table:
    rows = [[FIELDS_BY_KEY[key].label_zh if key in FIELDS_BY_KEY else key, count,
             ratio(count / rows_read if rows_read else None)] for key, count in by_field.items()]
    return Table("fields", "各字段的拒收行数", ["字段", "拒收行数", "占读取行数"], rows, chart=(0, 1),
                 note="一行有几个字段出错，就在每个字段下各计一次。")


def late_columns(with_department: bool) -> list[str]:
    return ["决定文书号", "类型", "行政相对人", *(["报送部门"] if with_department else []), "决定日期", "报送日期",
            "间隔工作日"]


def late_rows(records: list[LateRecord], with_department: bool) -> list[list]:
    return [[r.decision_no, KIND_LABELS.get(r.kind, r.kind), r.party_name, *([r.department] if with_department else []),
             r.decision_date.isoformat(), r.submitted_on.isoformat(), r.workdays] for r in records]
