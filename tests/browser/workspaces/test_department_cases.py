"""A department clerk in a real browser: finds a record, withdraws it (it leaves public search), decides a
repair application forwarded to it, and answers an objection; each page passes axe-core."""

import re

from playwright.sync_api import expect

from tests.browser.conftest import assert_accessible
from tests.repairs import conftest as repairs
from tests.workspaces import conftest as workspaces

transport, keys, penalty, apply, decide, upload = (repairs.transport, repairs.keys, repairs.penalty, repairs.apply,
                                                   repairs.decide, repairs.upload)
forwarded, objection = workspaces.forwarded, workspaces.objection


def test_a_record_is_withdrawn_and_leaves_public_search(page, live_server, sign_in_as, transport, penalty):
    record_id, row = penalty(decision_no="交运罚〔2026〕W1号")
    page.goto(f"{live_server}/?q={row['uscc']}")
    expect(page.get_by_role("heading", level=1)).to_have_text(row["party_name"])  # the entity page shows it
    expect(page.locator(".record")).to_have_count(1)
    sign_in_as(page, "department", department_uscc=transport["uscc"])
    page.get_by_role("link", name="工作台").click()
    page.get_by_role("link", name="本单位记录").click()
    page.get_by_label("决定文书号（开头）").fill("交运罚〔2026〕W")
    page.get_by_role("button", name="筛选").click()
    assert_accessible(page)
    page.get_by_role("link", name="交运罚〔2026〕W1号").click()
    assert_accessible(page)
    page.get_by_role("button", name="撤销该记录").click()  # the browser asks for the required reason first
    expect(page).to_have_url(re.compile(rf"/department/records/{record_id}$"))
    page.get_by_label("撤销原因（必填）").fill("处罚决定已被复议机关撤销")
    page.get_by_role("button", name="撤销该记录").click()
    expect(page.locator(".message")).to_contain_text("已撤销")
    expect(page.locator("#versions-title + .table-scroll")).to_contain_text("处罚决定已被复议机关撤销")
    assert_accessible(page)
    page.goto(f"{live_server}/?q={row['uscc']}")
    expect(page.locator(".record")).to_have_count(0)


def test_a_forwarded_case_is_decided_within_its_clock(page, live_server, sign_in_as, transport, forwarded):
    application_id, _, row = forwarded()
    sign_in_as(page, "department", department_uscc=transport["uscc"])
    page.get_by_role("link", name="工作台").click()
    page.get_by_role("link", name="信用修复案件").click()
    expect(page.locator("table.list tbody tr")).to_have_count(1)
    expect(page.locator("table.list")).to_contain_text("剩余 3 个工作日")
    assert_accessible(page)
    page.get_by_role("link", name=re.compile("^XF")).click()
    expect(page.get_by_role("link", name=re.compile("proof.pdf（在新窗口打开）")).first).to_be_visible()
    assert_accessible(page)
    page.get_by_label("不同意修复").check()
    page.get_by_role("button", name="提交决定").click()
    expect(page.locator(".error")).to_have_text("该决定须说明理由")
    page.get_by_label("不同意修复").check()
    page.get_by_label("理由（不同意时必填）").fill("罚款尚未缴纳")
    page.get_by_role("button", name="提交决定").click()
    expect(page.locator(".message")).to_contain_text("决定已提交")
    expect(page.locator("h1 + p .badge").first).to_have_text("不予修复")
    expect(page.locator("#log-title ~ .table-scroll")).to_contain_text("罚款尚未缴纳")


def test_an_objection_is_answered_by_correcting_the_record(page, live_server, sign_in_as, transport, objection):
    objection_id, record_id = objection()
    sign_in_as(page, "department", department_uscc=transport["uscc"])
    page.get_by_role("link", name="工作台").click()
    page.get_by_role("link", name="异议申诉").click()
    expect(page.locator("table.list")).to_contain_text("剩余 5 个工作日")
    assert_accessible(page)
    page.get_by_role("link", name=f"异议 {objection_id}").click()
    assert_accessible(page)
    page.get_by_label("更正记录").check()
    page.get_by_text("更正内容（仅选择").click()
    page.get_by_label("处罚内容").fill("处罚款人民币三千元")
    page.get_by_label("处理意见（必填，将告知申请人）").fill("经核查，罚款金额录入有误，已更正")
    page.get_by_role("button", name="提交处理结果").click()
    expect(page.locator(".message")).to_contain_text("异议已处理")
    page.get_by_role("link", name=re.compile("交运|通市监")).first.click()
    expect(page.locator("h2#versions-title + .table-scroll")).to_contain_text("内容更新")
    expect(page.locator(".facts").nth(1)).to_contain_text("处罚款人民币三千元")
