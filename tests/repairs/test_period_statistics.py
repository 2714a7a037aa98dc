"""Repair statistics for a chosen period and district: by month, state, department and district, the
median of working days to a decision, and the cases that ran late."""

from datetime import date

from sqlalchemy import update

from registry.extensions import db
from registry.repairs.models import RepairApplication
from registry.repairs.statistics import period_statistics
from tests.repairs.conftest import PDF

TODAY = date(2026, 12, 1)


def _case(app, penalty, keys, apply, upload, decide, outcome, *, submitted, decided=None, due, district="150502"):
    record_id, row = penalty()
    key = keys.enterprise(row["uscc"])
    application = apply(key, record_id).json
    if outcome:
        for kind in ("performance_proof", "correction_report", "business_licence"):
            upload(key, application["id"], kind, PDF)
        decide(keys.reviewer, application["id"], "accept")
        decide(keys.reviewer, application["id"], "forward")
        decide(keys.department, application["id"], outcome, reason="整改未完成")
    with app.app_context():
        db.session.execute(update(RepairApplication).where(RepairApplication.id == application["id"]).values(
            submitted_on=submitted, decided_on=decided, result_due=due, department_due=due, district_code=district))
        db.session.commit()


def test_figures_of_a_period_by_month_state_department_and_district(app, penalty, keys, apply, upload, decide,
                                                                  transport):
    case = lambda *args, **kw: _case(app, penalty, keys, apply, upload, decide, *args, **kw)  # noqa: E731
    # Friday to Tuesday: 2 working days; Monday 19 to Friday 30 October: 9, decided a day after it was due.
    case("approve", submitted=date(2026, 10, 16), decided=date(2026, 10, 20), due=date(2026, 10, 30))
    case("reject", submitted=date(2026, 10, 19), decided=date(2026, 10, 30), due=date(2026, 10, 29))
    case(None, submitted=date(2026, 11, 2), due=date(2026, 11, 16), district="150521")  # open and overdue
    case(None, submitted=date(2026, 9, 30), due=date(2026, 10, 21))  # before the period
    with app.app_context():
        figures = period_statistics(date(2026, 10, 1), date(2026, 11, 30), TODAY)
        in_district = period_statistics(date(2026, 10, 1), date(2026, 11, 30), TODAY, district="150521")
    assert figures.total.applications == 3 and figures.total.decided == 2
    assert figures.total.median_workdays == 5.5 and figures.total.overdue == 2
    assert {m: dict(g.by_state) for m, g in figures.by_month.items()} == {
        "2026-10": {"approved": 1, "rejected": 1}, "2026-11": {"submitted": 1}}
    assert {name: g.applications for name, g in figures.by_department.items()} == {transport["name"]: 3}
    assert {code: (g.applications, g.overdue) for code, g in figures.by_district.items()} == {
        "150502": (2, 1), "150521": (1, 1)}
    assert in_district.total.applications == 1 and in_district.total.median_workdays is None
