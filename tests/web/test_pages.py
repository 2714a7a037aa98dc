"""The public pages over HTTP: search with filters and highlights, look-ups by code, an entity's records."""

import re
from html import unescape

from registry.publicsearch.engines import configured_engine
from tests import factories


def page_of(client, url, status=200, **params) -> str:
    response = client.get(url, query_string=params or None)
    assert response.status_code == status, response.get_data(as_text=True)[-500:]
    return response.get_data(as_text=True)


def total_of(html: str) -> int:
    return int(re.search(r'<strong id="total">(\d+)</strong>', html).group(1))


def tax_department(app) -> dict:
    with app.app_context():
        return factories.department("tax")


def test_the_empty_page_offers_the_search_box_only(client):
    html = page_of(client, "/")
    assert 'name="q"' in html and 'id="total"' not in html
    assert 'href="/reports/verify"' in html and 'href="/repairs"' in html  # the other public pages


def test_a_fragment_finds_the_entity_and_its_record_with_highlights(push, client, department):
    record = factories.penalty(department, party_name="通辽市瑞祥汽车服务有限公司")
    push(record)
    html = page_of(client, "/", q="瑞祥汽车")
    assert total_of(html) == 2
    assert "<em>瑞祥汽车</em>" in html
    assert f'href="/enterprises/{record["uscc"]}"' in html
    assert "匹配：" in html and "名称" in html


def test_a_former_name_found_is_highlighted(push, client, department):
    old = factories.penalty(department, party_name="通辽市润泽农牧业有限公司", decision_date="2025-01-10")
    push(old)
    push(factories.penalty(department, uscc=old["uscc"], party_name="通辽市润泽科技有限公司",
                           decision_date="2025-06-10"))  # renamed: the first name becomes a former one
    html = page_of(client, "/", q="润泽农牧", kind="entity")
    assert re.search(r"曾用名：\s*通辽市<em>润泽农牧</em>业有限公司", html)


def test_beyond_the_count_limit_the_page_says_at_least_and_pages_on(push, client, department, monkeypatch):
    push([factories.penalty(department, party_name=f"通辽市广源物流有限公司{n}") for n in range(3)])
    with client.application.app_context():
        monkeypatch.setattr(configured_engine(), "count_limit", 2)
    first = page_of(client, "/", q="广源物流", kind="entity")
    assert total_of(first) == 2 and "条以上结果" in first and "共找到" not in first
    following = unescape(re.search(r'<a [^>]*href="([^"]+)"[^>]*>下一页', first).group(1))
    assert "广源物流" in page_of(client, following)


def test_text_from_records_is_escaped_but_highlights_are_kept(push, client, department):
    push(factories.penalty(department, party_name="通辽市<b>恒通</b>商贸有限公司"))
    html = page_of(client, "/", q="恒通", kind="entity")
    assert "<b>" not in html and "&lt;b&gt;" in html and "<em>恒通</em>" in html


def test_a_facet_link_narrows_the_search_and_the_chosen_one_lifts_it(push, client, department):
    tax = tax_department(client.application)
    push([factories.penalty(department, party_name=f"通辽市锦程物流有限公司{n}") for n in range(2)])
    tax_push = push([factories.penalty(tax, party_name="通辽市锦程建材有限公司",
                            decision_no="通税罚〔2026〕1号", authority=tax["name"], authority_uscc=tax["uscc"],
                            source_unit=tax["name"], source_unit_uscc=tax["uscc"])],
         key=factories.key_for(client.application, "department", department_uscc=tax["uscc"]))
    assert tax_push.status_code == 200, tax_push.json
    html = page_of(client, "/", q="锦程", kind="record")
    assert total_of(html) == 3
    narrowed_url = unescape(re.search(r'<a href="([^"]+)">税务</a>\s*<span class="count">1</span>', html).group(1))
    narrowed = page_of(client, narrowed_url)
    assert total_of(narrowed) == 1 and "通税罚〔2026〕1号" in narrowed and "（取消）" in narrowed
    lifted_url = unescape(re.search(r'<li class="chosen">\s*<a href="([^"]+)">税务</a>', narrowed).group(1))
    assert total_of(page_of(client, lifted_url)) == 3


def test_a_whole_credit_code_goes_straight_to_the_entity_page(push, client, department):
    record = factories.penalty(department)
    push(record)
    response = client.get("/", query_string={"q": record["uscc"].lower()})
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/enterprises/{record['uscc']}")


def test_unknown_and_malformed_codes_get_a_chinese_page(client):
    assert "未找到统一社会信用代码" in page_of(client, f"/enterprises/{factories.new_uscc()}", status=404)
    assert "统一社会信用代码" in page_of(client, "/enterprises/91150502MA0000000", status=400)


def test_an_unknown_address_is_a_chinese_page_for_a_browser_and_problem_json_for_a_program(client):
    browser = {"Accept": "text/html,application/xhtml+xml,*/*;q=0.8"}
    page = client.get("/nosuchpage", headers=browser)
    assert page.status_code == 404 and page.mimetype == "text/html"
    assert "页面不存在" in page.get_data(as_text=True) and 'href="/"' in page.get_data(as_text=True)
    assert client.get("/nosuchpage").mimetype == "application/problem+json"  # curl's */*
    api = client.get("/api/v1/nosuch", headers=browser)
    assert api.status_code == 404 and api.mimetype == "application/problem+json"


def test_no_hits_for_two_characters_says_record_text_needs_three(client):
    assert "至少输入3个字" in page_of(client, "/", q="油烟")
    assert "至少输入3个字" not in page_of(client, "/", q="油烟净化")


def test_bad_filters_and_cursors_are_explained(client):
    assert "“起始日期”的格式不正确" in page_of(client, "/", status=400, q="通辽", **{"from": "2024-02-30"})
    assert "分页链接已失效" in page_of(client, "/", status=400, q="通辽", cursor="garbage")


def test_the_entity_page_shows_published_records_by_domain(push, client, department, department_key):
    record = factories.penalty(department)
    tax = tax_department(client.application)
    tax_key = factories.key_for(client.application, "department", department_uscc=tax["uscc"])
    same_entity = {key: record[key] for key in ("party_name", "uscc")}
    ids = [r["id"] for r in push([record, factories.penalty(department, decision_no="通市监处罚〔2026〕77号",
                                                            **same_entity)]).json["results"]]
    push([factories.penalty(tax, decision_no="通税罚〔2026〕9号", authority=tax["name"], authority_uscc=tax["uscc"],
                            source_unit=tax["name"], source_unit_uscc=tax["uscc"], **same_entity)], key=tax_key)
    client.delete(f"/api/v1/records/{ids[1]}?reason=wrong", headers=factories.auth(department_key))

    html = page_of(client, f"/enterprises/{record['uscc']}")
    assert record["party_name"] in html and "公示信息（共 2 条）" in html
    assert record["decision_no"] in html and "通税罚〔2026〕9号" in html and "通市监处罚〔2026〕77号" not in html
    tax_only = page_of(client, f"/enterprises/{record['uscc']}", domain="tax")
    assert "通税罚〔2026〕9号" in tax_only and record["decision_no"] not in tax_only
    assert "150502198003151234" not in html  # the legal representative's ID is masked


def test_an_individual_business_names_its_operator_and_a_licence_its_state(push, client, department):
    licence = factories.licence(department, uscc=factories.new_uscc("92"), party_category="个体工商户",
                                legal_rep="王五", status="已过期")
    push(licence)
    html = page_of(client, f"/enterprises/{licence['uscc']}")
    assert "<dt>经营者</dt><dd>王五</dd>" in html and "法定代表人" not in html
    assert "<dt>当前状态</dt><dd>已过期</dd>" in html


def test_pages_of_results_follow_each_other_without_repeats(push, client, department):
    record = factories.penalty(department)
    same_entity = {key: record[key] for key in ("party_name", "uscc")}
    push([factories.penalty(department, **same_entity) for _ in range(25)])
    decision_numbers = re.compile(r"通市监处罚〔\d{4}〕\d+号")

    first = page_of(client, f"/enterprises/{record['uscc']}")
    second = page_of(client, unescape(re.search(r'rel="next" href="([^"]+)"', first).group(1)))
    seen = decision_numbers.findall(first) + decision_numbers.findall(second)
    assert len(seen) == 25 and len(set(seen)) == 25 and 'rel="next"' not in second

    results = page_of(client, "/", q=record["party_name"][3:9], kind="record")
    following = page_of(client, unescape(re.search(r'rel="next" href="([^"]+)"', results).group(1)))
    assert "第 2 页" in following and 'rel="first"' in following
    listed = decision_numbers.findall(results)
    assert listed and set(listed).isdisjoint(decision_numbers.findall(following))


def test_the_record_kind_facet_shows_penalties_or_licences(push, client, department):
    name = "通辽市安泰燃气有限公司"
    push([factories.penalty(department, party_name=name),
          factories.licence(department, party_name=name, uscc=factories.penalty(department)["uscc"])])
    html = page_of(client, "/", q="安泰燃气")
    assert "记录种类" in html
    narrowed_url = unescape(re.search(r'<a href="([^"]+)">行政许可</a>\s*<span class="count">1</span>', html).group(1))
    narrowed = page_of(client, narrowed_url)
    assert total_of(narrowed) == 1 and 'name="record_kind" value="licence"' in narrowed


def test_a_decision_number_typed_in_the_box_finds_the_record(push, client, department):
    push(factories.penalty(department, party_name="通辽市德润物流有限公司", decision_no="通市监罚〔2026〕527号"))
    html = page_of(client, "/", q="通市监罚〔2026〕527号")
    assert total_of(html) == 1 and "决定文书号" in html and "<em>" not in html
