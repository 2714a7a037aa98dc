"""The reviewer's pages through the test client: the queue by deadline, the application page and its
decisions (the version guards against two reviewers at once), and who may not see them."""

import re

import pytest

from registry.workspaces import review_pages
from tests import factories
from tests.people import form_token, sign_in

pytestmark = pytest.mark.committed  # the pages' own sessions read what the API committed


@pytest.fixture
def filed(keys, penalty, apply, upload):
    """A filed application with its performance proof: (application JSON, enterprise key)."""

    def _filed(kinds=("performance_proof",)):
        record_id, row = penalty()
        key = keys.enterprise(row["uscc"])
        application = apply(key, record_id).json
        for kind in kinds:
            application = upload(key, application["id"], kind).json
        return application, key

    return _filed


def _decide(client, application, action, version=None, reason=""):
    path = f"/review/repairs/{application['id']}"
    return client.post(f"{path}/decisions", data={
        "action": action, "reason": reason, "version": application["version"] if version is None else version,
        "csrf_token": form_token(client, path)})


def test_the_queue_lists_open_applications_by_their_nearest_deadline(app, client, filed):
    first, _ = filed()
    second, _ = filed()
    sign_in(client, app, "reviewer")
    page = client.get("/review").get_data(as_text=True)
    assert page.index(first["number"]) < page.index(second["number"])
    assert "剩10个工作日" in page
    assert second["number"] not in client.get("/review?overdue=1").get_data(as_text=True)


def test_the_queue_is_filtered_by_department_and_district(app, client, filed, transport):
    application, _ = filed()
    sign_in(client, app, "reviewer")
    district = application["applicant"]["uscc"][2:8]
    assert application["number"] in client.get(f"/review?department={transport['id']}&district={district}").text
    assert application["number"] not in client.get(f"/review?department={transport['id'] + 1}").text
    assert application["number"] not in client.get("/review?district=150521").text
    assert application["number"] not in client.get("/review?state=accepted").text


def test_the_queue_pages_by_deadline_without_repeating_a_row(app, client, filed, monkeypatch):
    numbers = [filed()[0]["number"] for _ in range(3)]
    monkeypatch.setattr(review_pages, "PAGE_SIZE", 2)
    sign_in(client, app, "reviewer")
    seen, path, pages = [], "/review?state=submitted", 0
    while path:
        page = client.get(path).get_data(as_text=True)
        seen += [n for n in re.findall(r"XF\d{8}[0-9A-F]{8}", page) if n in numbers]
        found = re.search(r'href="(/review\?[^"]*cursor=[^"]+)"', page)
        path, pages = (found.group(1).replace("&amp;", "&") if found else None), pages + 1
    assert seen == numbers and pages == 2


def test_accept_then_a_second_reviewer_on_the_old_version_is_told_someone_else_decided(app, client, filed):
    application, _ = filed(("performance_proof", "correction_report", "business_licence"))
    sign_in(client, app, "reviewer")
    answer = _decide(client, application, "accept")
    assert answer.status_code == 303
    assert "已受理。" in client.get(answer.headers["Location"]).get_data(as_text=True)
    late = _decide(client, application, "not_accept", reason="材料不全")
    text = late.get_data(as_text=True)
    assert late.status_code == 409 and "其他审核人员已先处理了此申请" in text and "已受理" in text


def test_a_refusal_without_its_reason_keeps_the_page_and_says_why(app, client, filed):
    application, _ = filed()
    sign_in(client, app, "reviewer")
    answer = _decide(client, application, "not_accept")
    assert answer.status_code == 422 and "该决定须说明理由" in answer.get_data(as_text=True)


def test_the_application_page_shows_the_commitment_materials_and_history(app, client, filed):
    application, _ = filed()
    sign_in(client, app, "reviewer")
    page = client.get(f"/review/repairs/{application['id']}").get_data(as_text=True)
    assert application["commitment"]["sha256"] in page
    material = application["materials"][0]["id"]
    assert f"/workspace/repairs/{application['id']}/materials/{material}?download=1" in page
    assert "提交申请" in page and "容缺受理" in page


@pytest.mark.parametrize("role, binding", [("bank", {}), ("enterprise", {"uscc": factories.new_uscc()}),
                                           ("department", {"department_uscc": "11150500011620002E"}),
                                           ("admin", {})])
def test_other_roles_are_refused_the_reviewers_pages(app, client, filed, role, binding):
    application, _ = filed(())
    sign_in(client, app, role, **binding)
    for path in ("/review", f"/review/repairs/{application['id']}", "/review/objections", "/review/calendar"):
        assert client.get(path).status_code == 403, path
    assert client.post(f"/review/repairs/{application['id']}/decisions",
                       data={"action": "accept", "csrf_token": form_token(client, "/account")}).status_code == 403


def test_an_application_that_does_not_exist_is_a_page_not_found(app, client):
    sign_in(client, app, "reviewer")
    assert client.get("/review/repairs/999999").status_code == 404


def test_a_decision_without_the_form_token_is_refused(app, client, filed):
    application, _ = filed()
    sign_in(client, app, "reviewer")
    answer = client.post(f"/review/repairs/{application['id']}/decisions",
                         data={"action": "accept", "version": application["version"]})
    assert answer.status_code == 400 and "表单已失效" in answer.get_data(as_text=True)
    assert "已提交" in client.get(f"/review/repairs/{application['id']}").get_data(as_text=True)


def test_without_the_essential_proof_only_a_refusal_is_offered(app, client, filed):
    application, _ = filed(())
    sign_in(client, app, "reviewer")
    page = client.get(f"/review/repairs/{application['id']}").get_data(as_text=True)
    assert "尚缺不可容缺的材料" in page and 'id="decide-not_accept"' in page
    assert 'id="decide-accept"' not in page and 'id="decide-accept_with_missing"' not in page


def test_an_approved_repair_is_revoked_with_its_reason_from_the_page(app, client, filed, keys, decide):
    application, _ = filed(("performance_proof", "correction_report", "business_licence"))
    for key, action in ((keys.reviewer, "accept"), (keys.reviewer, "forward"), (keys.department, "approve")):
        assert decide(key, application["id"], action).status_code == 200
    sign_in(client, app, "reviewer")
    page = client.get(f"/review/repairs/{application['id']}").get_data(as_text=True)
    assert 'id="decide-close"' in page and 'id="decide-revoke"' in page
    current = {**application, "version": int(re.search(r'name="version" value="(\d+)"', page).group(1))}
    answer = _decide(client, current, "revoke", reason="提供虚假整改材料")
    page = client.get(answer.headers["Location"]).get_data(as_text=True)
    assert "已撤销信用修复。" in page and "修复已撤销" in page and "提供虚假整改材料" in page
