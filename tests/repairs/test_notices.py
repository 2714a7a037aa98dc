"""Notices: 两书同达 on arrival, 一企一函 when records become repairable, never twice; webhooks with retries."""

import json
import socketserver
import threading
from datetime import date, timedelta

import pytest

from registry.signing import verify
from tests import factories
from tests.problems import assert_problem
from tests.repairs.conftest import REPAIRABLE_AGE


@pytest.fixture
def garbage():
    """A real peer on 127.0.0.1 that answers every request with a line that is not HTTP; returns its URL."""

    class Handler(socketserver.StreamRequestHandler):
        def handle(self):
            while self.rfile.readline() not in (b"\r\n", b""):  # the request line and headers
                pass
            self.wfile.write(b"garbage\r\n")

    server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/hook"
    server.shutdown()
    server.server_close()
    thread.join()


def send(cli, day=None):
    result = cli("notices", "send", *(["--date", day.isoformat()] if day else []))
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def notices_of(client, key, uscc, kind=None):
    response = client.get(f"/api/v1/enterprises/{uscc}/notices", query_string={"kind": kind} if kind else {},
                          headers=factories.auth(key))
    assert response.status_code == 200, response.json
    return response.json["items"]


def test_a_new_penalty_brings_the_repair_notice_and_the_commitment_template_once(cli, client, penalty, keys):
    record_id, row = penalty(age=timedelta(days=20))
    assert send(cli)["repair_notices"] == 1
    assert send(cli)["repair_notices"] == 0
    key = keys.enterprise(row["uscc"])
    found = {n["kind"]: n for n in notices_of(client, key, row["uscc"])}
    assert set(found) == {"repair_notice", "commitment_template"}
    notice = found["repair_notice"]
    assert notice["record_ids"] == [record_id] and row["decision_no"] in notice["body"]
    publicity = client.get(f"/api/v1/records/{record_id}", headers=factories.auth(key)).json["publicity"]
    repairable_from = date.fromisoformat(publicity["repairable_from"])
    assert "信用修复告知书" == notice["title"]
    day = f"{repairable_from.year}年{repairable_from.month}月{repairable_from.day}日"
    assert f"即自{day}起，在履行行政处罚义务后可申请信用修复" in notice["body"]
    assert "承诺" in found["commitment_template"]["body"]


def test_one_letter_per_enterprise_lists_every_repairable_record_and_is_never_sent_twice(cli, client, penalty, keys):
    uscc = factories.new_uscc()
    first, _ = penalty(uscc=uscc, party_name="通辽市恒通物流有限公司")
    second, _ = penalty(age=REPAIRABLE_AGE + timedelta(days=10), uscc=uscc, party_name="通辽市恒通物流有限公司")
    not_yet, _ = penalty(age=timedelta(days=30), uscc=uscc, party_name="通辽市恒通物流有限公司")
    assert send(cli)["letters"] == 1
    key = keys.enterprise(uscc)
    letters = notices_of(client, key, uscc, "repairable_letter")
    assert len(letters) == 1 and sorted(letters[0]["record_ids"]) == sorted([first, second])
    assert send(cli)["letters"] == 0
    later = factories.TODAY + timedelta(days=70)  # the third one has become repairable meanwhile
    assert send(cli, later)["letters"] == 1
    letters = notices_of(client, key, uscc, "repairable_letter")
    assert [n["record_ids"] for n in letters][0] == [not_yet]
    assert send(cli, later)["letters"] == 0


def test_a_second_run_the_same_day_writes_again_only_about_the_records_repairable_since(cli, client, penalty, keys):
    uscc = factories.new_uscc()
    first, _ = penalty(uscc=uscc, party_name="通辽市恒通物流有限公司")
    assert send(cli)["letters"] == 1
    second, _ = penalty(uscc=uscc, party_name="通辽市恒通物流有限公司")  # arrives repairable later that day
    assert send(cli)["letters"] == 1
    assert send(cli)["letters"] == 0
    letters = notices_of(client, keys.enterprise(uscc), uscc, "repairable_letter")
    assert [n["record_ids"] for n in letters] == [[second], [first]]


def test_no_letter_for_a_record_already_applied_for(cli, client, penalty, keys, apply):
    record_id, row = penalty()
    apply(keys.enterprise(row["uscc"]), record_id)
    assert send(cli)["letters"] == 0


def test_notices_are_the_enterprises_own(client, penalty, keys, cli):
    _, row = penalty()
    send(cli)
    other = keys.enterprise(factories.new_uscc())
    assert_problem(client.get(f"/api/v1/enterprises/{row['uscc']}/notices", headers=factories.auth(other)),
                   404, "enterprise_not_found")
    assert_problem(client.get(f"/api/v1/enterprises/{row['uscc']}/notices"), 401, "authentication_required")
    assert len(notices_of(client, keys.reviewer, row["uscc"])) == 3  # notice, template, letter


def test_webhooks_receive_each_notice_once_and_are_retried_with_backoff(cli, penalty, receiver, keys, transport):
    _, row = penalty()
    configured = cli("notices", "webhook", "--enterprise", row["uscc"], "--url", receiver.url)
    assert configured.exit_code == 0
    secret = json.loads(configured.stdout)["secret"]
    receiver.failures = 1
    today = factories.TODAY
    first = send(cli, today)["webhooks"]
    assert first == {"delivered": 2, "pending": 1, "failed": 0}  # the first call got a 503
    assert send(cli, today)["webhooks"] == {"delivered": 0, "pending": 0, "failed": 0}  # backoff: not due yet
    assert send(cli, today + timedelta(days=1))["webhooks"]["delivered"] == 1
    assert sorted(n["kind"] for n in receiver.received) == ["commitment_template", "repair_notice",
                                                             "repairable_letter"]
    assert all(n["recipient"] == row["uscc"] for n in receiver.received)
    # Each delivery is signed with the webhook's own secret (Registry-Signature: t=...,v1=HMAC-SHA256).
    assert all(verify(secret, raw, header) for raw, header in receiver.signed)
    assert not verify("whsec_another", *receiver.signed[0])
    assert send(cli, today + timedelta(days=2))["webhooks"]["delivered"] == 0


def test_a_peer_answering_garbage_is_retried_later_and_holds_up_no_other_delivery(cli, penalty, receiver, garbage):
    _, broken = penalty()
    _, working = penalty()
    for row, url in ((broken, garbage), (working, receiver.url)):
        assert cli("notices", "webhook", "--enterprise", row["uscc"], "--url", url).exit_code == 0
    today = factories.TODAY
    assert send(cli, today)["webhooks"] == {"delivered": 3, "pending": 3, "failed": 0}
    assert {n["recipient"] for n in receiver.received} == {working["uscc"]}
    assert send(cli, today)["webhooks"] == {"delivered": 0, "pending": 0, "failed": 0}  # attempted: backing off
    assert send(cli, today + timedelta(days=1))["webhooks"] == {"delivered": 0, "pending": 3, "failed": 0}


def test_a_webhook_is_set_for_the_code_as_notices_name_it(cli, penalty, receiver):
    _, row = penalty()
    assert cli("notices", "webhook", "--enterprise", f" {row['uscc'].lower()} ", "--url", receiver.url).exit_code == 0
    send(cli)
    assert {n["recipient"] for n in receiver.received} == {row["uscc"]}
    wrong = cli("notices", "webhook", "--enterprise", "91150502", "--url", receiver.url)
    assert wrong.exit_code == 1 and "18 characters" in wrong.output


def test_the_source_department_hears_of_a_forwarded_application(cli, penalty, keys, apply, upload, decide,
                                                                receiver, transport):
    cli("notices", "webhook", "--department", transport["uscc"], "--url", receiver.url)
    record_id, row = penalty()
    key = keys.enterprise(row["uscc"])
    application = apply(key, record_id).json
    for kind in ("performance_proof", "correction_report", "business_licence"):
        upload(key, application["id"], kind)
    for action in ("accept", "forward"):
        decide(keys.reviewer, application["id"], action)
    send(cli)
    assert [n["kind"] for n in receiver.received] == ["repair_forwarded"]
    assert application["number"] in receiver.received[0]["body"]
