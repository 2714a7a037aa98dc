"""Issuing a report, each read of it in any rendering and each verification leave exactly one audit entry."""

from tests.audit.trail import count, newest
from tests.problems import assert_problem
from tests.reports.conftest import request_report


def test_issuing_a_report_leaves_one_report_issue_and_asking_again_the_same_day_a_download(app, client, enterprise):
    issued, downloaded = count(app, "report.issue"), count(app, "report.download")
    number = request_report(client, enterprise.headers, enterprise.uscc).json["report"]["number"]
    assert (count(app, "report.issue"), count(app, "report.download")) == (issued + 1, downloaded)
    entry = newest(app, "report.issue")
    assert (entry["object_type"], entry["object_id"], entry["actor_role"]) == ("report", number, "enterprise")
    assert entry["details"] == {"uscc": enterprise.uscc, "purpose": None}
    assert request_report(client, enterprise.headers, enterprise.uscc).status_code == 200  # the day's report
    assert (count(app, "report.issue"), count(app, "report.download")) == (issued + 1, downloaded + 1)


def test_each_read_of_a_report_leaves_one_report_download_naming_its_format(app, client, enterprise):
    number = request_report(client, enterprise.headers, enterprise.uscc).json["report"]["number"]
    for path, rendering in ((number, "json"), (f"{number}.html", "html"), (f"{number}.pdf", "pdf")):
        before = count(app, "report.download")
        assert client.get(f"/api/v1/reports/{path}", headers=enterprise.headers).status_code == 200
        assert count(app, "report.download") == before + 1
        assert newest(app, "report.download")["details"] == {"uscc": enterprise.uscc, "format": rendering}
    before = count(app, "report.download")
    assert_problem(client.get("/api/v1/reports/SR-20200101-ABCDEFGH", headers=enterprise.headers),
                   404, "report_not_found")
    assert count(app, "report.download") == before


def test_each_verification_leaves_one_report_verify_by_the_public(app, client, enterprise):
    report = request_report(client, enterprise.headers, enterprise.uscc).json["report"]
    before = count(app, "report.verify")
    code = report["verification_code"]
    assert client.get(f"/api/v1/reports/{report['number']}/verify", query_string={"code": code}).status_code == 200
    assert count(app, "report.verify") == before + 1
    entry = newest(app, "report.verify")
    assert (entry["object_id"], entry["actor_role"], entry["principal_id"]) == (report["number"], "public", None)
