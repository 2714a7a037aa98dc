"""Working-day clocks across the Spring Festival and National Day, overdue lists, lapse, calendar loading."""

import json
from datetime import date, timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner

from registry import create_app
from registry.access.services import authenticate
from registry.calendars import calendar, forget_calendar
from registry.cli import main
from registry.config import ConfigError
from registry.repairs import services
from tests import factories
from tests.repairs.conftest import PDF

D = date.fromisoformat
# Decided 2024-03-05 under order 58: repairable since 2024-06-05, shown until 2027-03-05; taken in on a
# fixed day before the applications below, so that the test keeps working after 2027-03-05.
ORDER_58_FINE = {"intake": D("2026-01-05"), "age": D("2026-01-05") - D("2024-03-05")}


@pytest.fixture
def filed_on(app, penalty, keys):
    """File an application as the enterprise on a given day (services take the day explicitly)."""

    def _filed_on(day, **overrides):
        record_id, row = penalty(**ORDER_58_FINE, **overrides)
        key = keys.enterprise(row["uscc"])
        with app.app_context():
            filed = services.file_application(authenticate(key), record_id, True, day)
        return filed, key

    return _filed_on


def _decide(app, key, application_id, action, day, reason=None):
    with app.app_context():
        return services.decide(authenticate(key), application_id, action, reason, None, day)


def _supply_all(upload, key, application_id, kinds=("performance_proof", "correction_report", "business_licence")):
    for kind in kinds:
        upload(key, application_id, kind, PDF)


def test_result_due_ten_working_days_after_submission_across_the_spring_festival(filed_on):
    filed, _ = filed_on(D("2026-02-13"))  # Friday before the break 02-15..02-23; Saturdays 02-14, 02-28 worked
    assert filed["clocks"]["result"]["due"] == D("2026-03-05") and not filed["clocks"]["result"]["provisional"]


def test_department_due_three_working_days_after_forwarding_across_national_day(app, filed_on, keys, upload):
    filed, key = filed_on(D("2026-09-28"))
    _supply_all(upload, key, filed["id"])
    _decide(app, keys.reviewer, filed["id"], "accept", D("2026-09-29"))
    forwarded = _decide(app, keys.reviewer, filed["id"], "forward", D("2026-09-30"))
    # 10-01..10-07 off; Thu 10-08, Fri 10-09 and the make-up Saturday 10-10 are the three days.
    assert forwarded["clocks"]["department"] == {"due": D("2026-10-10"), "provisional": False, "running": True,
                                                 "workdays_left": 3, "overdue": False}


def test_overdue_cases_are_listed_for_reviewers(filed_on, keys, client, penalty, apply):
    late, _ = filed_on(D("2026-02-13"))
    record_id, row = penalty()
    on_time = apply(keys.enterprise(row["uscc"]), record_id).json
    listed = client.get("/api/v1/repairs", query_string={"overdue": "true"}, headers=factories.auth(keys.reviewer))
    assert [a["number"] for a in listed.json["items"]] == [late["number"]]
    assert listed.json["items"][0]["clocks"]["result"]["overdue"] is True
    everything = client.get("/api/v1/repairs", headers=factories.auth(keys.reviewer)).json["items"]
    assert {a["number"] for a in everything} == {late["number"], on_time["number"]}


@pytest.fixture
def load_2027(app, cli, tmp_path):
    """Load a 2027 schedule whose New Year break ends on a given day, as `registry calendar load` does."""
    loaded = Path(app.config["REGISTRY"].INSTANCE_DIR) / "calendar" / "2027.json"

    def _load(new_year_ends):
        schedule = {"year": 2027, "source": "测试用日程", "workdays": [],
                    "holidays": [{"name": "元旦", "from": "2027-01-01", "to": new_year_ends}]}
        path = tmp_path / "2027.json"
        path.write_text(json.dumps(schedule), encoding="utf-8")
        result = cli("calendar", "load", path)
        assert result.exit_code == 0, result.output
        forget(app)  # the CLI ran in its own process-like app
        return json.loads(result.output)

    yield _load
    loaded.unlink(missing_ok=True)
    forget(app)


def forget(app):
    with app.app_context():
        forget_calendar()


def _result_clock(app, application):
    with app.app_context():
        reviewer = authenticate(factories.key_for(app, "reviewer"))
        return services.get_application(reviewer, application["id"], D("2026-12-24"))["clocks"]["result"]


def test_a_year_without_a_schedule_gives_provisional_deadlines_recomputed_when_it_is_loaded(
        app, filed_on, load_2027):
    filed, _ = filed_on(D("2026-12-24"))  # ten working days reach into 2027, which has no schedule yet
    assert filed["clocks"]["result"]["provisional"] is True
    assert load_2027("2027-01-05")["recomputed"] == 1
    again = _result_clock(app, filed)
    assert again["provisional"] is False
    assert again["due"] == filed["clocks"]["result"]["due"] + timedelta(days=4)  # 01-04, 01-05 off
    with app.app_context():
        assert calendar().has_schedule(2027)


def test_a_deadline_the_schedule_does_not_move_is_final_but_not_counted_as_recomputed(app, filed_on, load_2027):
    filed, _ = filed_on(D("2026-12-24"))
    assert load_2027("2027-01-01")["recomputed"] == 0  # New Year's Day was counted off provisionally already
    assert _result_clock(app, filed)["provisional"] is False


def test_a_bad_schedule_is_refused_with_the_reason(cli, tmp_path):
    path = tmp_path / "2027.json"
    path.write_text(json.dumps({"year": 2027, "holidays": [], "workdays": []}), encoding="utf-8")
    result = cli("calendar", "load", path)
    assert result.exit_code != 0 and "holidays" in result.output


def test_a_schedule_not_saved_as_utf8_is_refused_in_one_line(cli, tmp_path):
    schedule = {"year": 2027, "source": "国务院办公厅通知", "holidays": [{"name": "元旦", "from": "2027-01-01",
                                                                    "to": "2027-01-03"}], "workdays": []}
    path = tmp_path / "2027.json"
    path.write_bytes(json.dumps(schedule, ensure_ascii=False).encode("gb18030"))
    result = cli("calendar", "load", path)
    assert result.exit_code == 1
    assert result.output.startswith("Error: ") and "not UTF-8" in result.output and "2027.json" in result.output


def test_a_malformed_schedule_in_the_calendar_directory_stops_the_start_with_one_clear_line(app, tmp_path):
    (tmp_path / "2027.json").write_text(json.dumps({"year": 2027, "holidays": []}), encoding="utf-8")
    settings = {"DATABASE_URL": app.config["REGISTRY"].DATABASE_URL, "INSTANCE_DIR": str(tmp_path),
                "CALENDAR_DIR": str(tmp_path)}
    with pytest.raises(ConfigError, match=r"2027\.json: 2027: 'holidays' must be a non-empty list"):
        create_app(settings)
    env = {f"REGISTRY_{name}": value for name, value in settings.items()}
    result = CliRunner().invoke(main, ["repairs", "lapse"], env=env, catch_exceptions=False)
    assert result.exit_code == 1
    assert result.output.startswith("Error: a holiday schedule cannot be loaded") and "2027.json" in result.output


def test_missing_items_accepted_on_commitment_lapse_the_day_after_their_deadline(app, filed_on, keys, upload, cli,
                                                                                  client):
    filed, key = filed_on(D("2026-09-28"))
    upload(key, filed["id"], "performance_proof", PDF)
    waiting = _decide(app, keys.reviewer, filed["id"], "accept_with_missing", D("2026-09-29"))
    assert waiting["state"] == "awaiting_materials"
    assert [m["kind"] for m in waiting["missing_materials"]] == ["correction_report", "business_licence"]
    due = waiting["clocks"]["materials"]["due"]
    assert due == D("2026-10-12")  # from 09-29: 09-30, 10-08, 10-09, the make-up Saturday 10-10, Monday 10-12
    assert json.loads(cli("repairs", "lapse", "--date", due.isoformat()).output)["lapsed"] == 0
    lapsed = json.loads(cli("repairs", "lapse", "--date", (due + timedelta(days=1)).isoformat()).output)
    assert lapsed["applications"] == [filed["number"]]
    assert json.loads(cli("repairs", "lapse", "--date", "2026-12-31").output)["lapsed"] == 0  # idempotent
    shown = client.get(f"/api/v1/repairs/{filed['id']}", headers=factories.auth(key)).json
    assert shown["state"] == "lapsed" and shown["transitions"][-1]["by_role"] == "system"


def test_the_daily_lapse_without_a_date_runs_on_the_registrys_day(app, filed_on, keys, upload, cli):
    filed, key = filed_on(D("2026-09-28"))
    upload(key, filed["id"], "performance_proof", PDF)
    due = _decide(app, keys.reviewer, filed["id"], "accept_with_missing", D("2026-09-29"))["clocks"]["materials"]["due"]

    def lapse_on(day):  # as cron runs it: no --date, on a registry whose day REGISTRY_TODAY fixes
        env = {"REGISTRY_DATABASE_URL": app.config["REGISTRY"].DATABASE_URL,
               "REGISTRY_INSTANCE_DIR": app.config["REGISTRY"].INSTANCE_DIR, "REGISTRY_TODAY": day.isoformat()}
        return json.loads(CliRunner().invoke(main, ["repairs", "lapse"], env=env, catch_exceptions=False).output)

    assert lapse_on(due) == {"lapsed": 0, "applications": [], "date": due.isoformat()}
    assert lapse_on(due + timedelta(days=1))["applications"] == [filed["number"]]


def test_supplying_the_last_missing_item_completes_the_acceptance(app, filed_on, keys, upload):
    filed, key = filed_on(D("2026-09-28"))
    upload(key, filed["id"], "performance_proof", PDF)
    _decide(app, keys.reviewer, filed["id"], "accept_with_missing", D("2026-09-29"))
    assert upload(key, filed["id"], "correction_report", PDF).json["state"] == "awaiting_materials"
    completed = upload(key, filed["id"], "business_licence", PDF).json
    assert completed["state"] == "accepted" and completed["missing_materials"] == []
    assert completed["transitions"][-1]["action"] == "complete"
