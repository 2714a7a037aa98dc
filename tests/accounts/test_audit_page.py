"""The administrator's page of the audit trail."""

from datetime import UTC, datetime

from sqlalchemy import update

from registry.audit.models import AuditEntry
from registry.extensions import db
from tests import factories
from tests.accounts.test_administration import signed_in_admin
from tests.audit.trail import newest


def test_the_trail_is_filtered_shown_in_beijing_time_and_paged(browser, person, app):
    signed_in_admin(browser, person)
    made = [factories.key_for(app, "reviewer") for _ in range(51)]
    entry = newest(app, "key.create")
    with app.app_context():
        db.session.execute(update(AuditEntry).where(AuditEntry.id == entry["id"])
                           .values(at=datetime(2026, 1, 1, 16, 30, tzinfo=UTC)))
        db.session.commit()
    page = browser.get("/admin/audit", query_string={"action": "key.create", "object_type": "principal"})
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and html.count('id="entry-') == 50 and "下一页" in html
    assert "2026-01-02 00:30:00" in html and made[-1][:12] in html  # its details name the key's prefix
    next_link = html.split('<p class="pager"><a href="')[1].split('"')[0].replace("&amp;", "&")
    assert "action=key.create" in next_link and 'id="entry-' in browser.get(next_link).get_data(as_text=True)
    that_day = browser.get("/admin/audit", query_string={"action": "key.create", "from": "2026-01-02",
                                                         "to": "2026-01-02"}).get_data(as_text=True)
    assert that_day.count('id="entry-') == 1 and f'id="entry-{entry["id"]}"' in that_day


def test_an_entry_names_the_person_and_a_wrong_filter_is_explained(browser, person, app):
    signed_in_admin(browser, person)
    signed_in = newest(app, "account.sign_in")
    by_actor = browser.get("/admin/audit", query_string={"actor": signed_in["principal_id"]}).get_data(as_text=True)
    assert f"系统管理员 · 主体 {signed_in['principal_id']} · 账号 {signed_in['account_id']}" in by_actor
    wrong = browser.get("/admin/audit", query_string={"actor": "张三", "from": "昨天"})
    assert wrong.status_code == 422 and 'value="张三"' in wrong.get_data(as_text=True)
