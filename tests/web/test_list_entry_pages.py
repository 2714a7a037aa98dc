"""List entries and commitments on the public entity page and in the enterprise workspace: their own
fields in Chinese, a warning for negative ones, a positive badge for honours, nothing once off display."""

from datetime import timedelta

import pytest

from tests import factories
from tests.people import sign_in


def _day(days_back: int) -> str:
    return (factories.TODAY - timedelta(days=days_back)).isoformat()


@pytest.fixture
def listed(push, department):
    """An enterprise with one entry of each kind on display, a removed one and one past its planned end:
    {name: (row, record id)}."""
    uscc = factories.new_uscc()
    party = {"uscc": uscc, "party_name": "通辽市金穗粮油贸易有限公司"}
    rows = {
        "dishonesty": factories.entry(department, "dishonesty", **party),
        "abnormal": factories.entry(department, "abnormal", **party),
        "honour": factories.entry(department, "honour", **party, list_name="守合同重信用企业"),
        "broken": factories.entry(department, "commitment", **party, commitment_state="未履约"),
        "kept": factories.entry(department, "commitment", **party, commitment_state="已履约",
                                commitment_matter="公共场所卫生许可"),
        "removed": factories.entry(department, "abnormal", **party, decision_date=_day(200), removed_on=_day(0),
                                   removal_reason="已补报年度报告", listing_reason="通过登记的住所无法联系"),
        "ended": factories.entry(department, "honour", **party, decision_date=_day(400), valid_to=_day(1),
                                 list_name="诚信纳税示范企业"),
    }
    response = push(list(rows.values()))
    assert response.status_code == 200, response.json
    ids = [result["id"] for result in response.json["results"]]
    return {name: (row, record_id) for (name, row), record_id in zip(rows.items(), ids, strict=True)}


def _article(html: str, record_id: int) -> str:
    start = html.index(f'id="record-{record_id}"')
    return html[start:html.index("</article>", start)]


def _section(html: str, record_id: int) -> str:
    start = html.index(f'id="record-{record_id}"')
    return html[start:html.index("</section>", start)]


def test_the_entity_page_shows_each_entry_with_its_fields_and_badge(client, listed):
    uscc = listed["dishonesty"][0]["uscc"]
    html = client.get(f"/enterprises/{uscc}").get_data(as_text=True)
    dishonesty = _section(html, listed["dishonesty"][1])
    row = listed["dishonesty"][0]
    for text in ("严重失信主体名单", "名单名称", row["list_name"], "列入事由", row["listing_reason"], "列入依据",
                 "列入日期", "列入机关", 'class="badge warn list-badge">严重失信'):
        assert text in dishonesty
    assert 'class="badge warn list-badge">经营异常' in _section(html, listed["abnormal"][1])
    honour = _section(html, listed["honour"][1])
    assert 'class="badge good list-badge">正面信息' in honour and "守合同重信用企业" in honour and "认定日期" in honour
    broken = _section(html, listed["broken"][1])
    for text in ("承诺类型", "容缺受理型", "承诺事项", "食品经营许可", "承诺内容", "履约状态", "未履约", "承诺受理单位",
                 'class="badge warn list-badge">未履行承诺'):
        assert text in broken
    kept = _section(html, listed["kept"][1])
    assert "公共场所卫生许可" in kept and "list-badge" not in kept
    # Removed today, or past its planned end yesterday: off display.
    for gone in ("removed", "ended"):
        assert f'id="record-{listed[gone][1]}"' not in html
    assert "通过登记的住所无法联系" not in html and "诚信纳税示范企业" not in html
    assert "共 5 条" in html


def test_the_enterprise_sees_its_entries_with_their_state_in_its_workspace(app, client, listed):
    uscc = listed["dishonesty"][0]["uscc"]
    sign_in(client, app, "enterprise", uscc=uscc)
    html = client.get("/enterprise/records").get_data(as_text=True)
    removed = html[html.index(f'id="record-{listed["removed"][1]}"'):]
    assert "已移出或期满，不再公示" in removed[:2000] and f"移出日期 {_day(0)}：已补报年度报告" in removed[:2000]
    ended = html[html.index(f'id="record-{listed["ended"][1]}"'):]
    assert "已到期，不再公示" in ended[:1500]
    assert "列入中，公示中" in html and "有效，公示中" in html and "履约状态：未履约" in html
    assert "守信激励信息，无需信用修复" in html and "信用承诺信息不适用信用修复" in html
    # Early removal (移出): from the abnormal list at once, from the dishonesty list after a year.
    assert "可申请信用修复" in _article(html, listed["abnormal"][1])
    dishonesty = _article(html, listed["dishonesty"][1])
    assert "最短列入期未满" in dishonesty and "可申请信用修复" not in dishonesty
    page = client.get(f"/enterprise/records/{listed['removed'][1]}").get_data(as_text=True)
    for text in ("移出日期", "移出原因", "已补报年度报告", "列入事由", "通过登记的住所无法联系", "列入机关"):
        assert text in page


def test_other_roles_and_other_enterprises_do_not_get_the_workspace_entries(app, client, listed, department):
    sign_in(client, app, "department", department_uscc=department["uscc"])
    assert client.get("/enterprise/records").status_code == 403
    sign_in(client, app, "enterprise", uscc=factories.new_uscc())
    assert client.get(f"/enterprise/records/{listed['removed'][1]}").status_code == 404  # off display: hidden
    assert client.get(f"/enterprise/records/{listed['honour'][1]}").status_code == 404  # someone else's
