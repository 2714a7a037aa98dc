"""An objection's attachments opened in the browser: by the enterprise that filed it, the source
department and the reviewers, each opening logged; to everyone else they do not exist."""

from io import BytesIO

import pytest
from sqlalchemy import select

from registry.access.services import Viewer
from registry.audit.models import AuditEntry
from registry.errors import NotFound
from registry.extensions import db
from registry.records.models import Record
from registry.repairs.models import Objection, ObjectionAttachment
from registry.repairs.objections import open_attachment
from tests import factories
from tests.people import form_token, sign_in
from tests.repairs.conftest import PDF, PNG

pytestmark = pytest.mark.committed  # the pages' own sessions read what the pages committed


@pytest.fixture
def attachments(app, client, penalty):
    """The enterprise (signed in on `client`) disputes its record with a PDF and a PNG: (the PDF's
    path, the PNG's path, the objection id, the enterprise's USCC)."""
    record_id, row = penalty()
    sign_in(client, app, "enterprise", uscc=row["uscc"])
    form = f"/enterprise/records/{record_id}/objection"
    filed = client.post(form, content_type="multipart/form-data", data={
        "csrf_token": form_token(client, form), "reason": "罚款金额有误",
        "attachments": [(BytesIO(PDF), "决定书.pdf"), (BytesIO(PNG), "收据.png")]})
    assert filed.status_code == 302
    with app.app_context():
        pdf, png = db.session.scalars(select(ObjectionAttachment).order_by(ObjectionAttachment.id.desc())
                                      .limit(2)).all()[::-1]
    paths = [f"/workspace/objections/{f.objection_id}/attachments/{f.id}" for f in (pdf, png)]
    return paths[0], paths[1], pdf.objection_id, row["uscc"]


def views_of(app, attachment_path: str) -> list[AuditEntry]:
    attachment_id = attachment_path.rsplit("/", 1)[1]
    with app.app_context():
        return db.session.scalars(select(AuditEntry).where(AuditEntry.action == "objection_attachment.view",
                                                           AuditEntry.object_id == attachment_id)).all()


def test_the_enterprise_opens_its_attachment_from_its_objections_page(app, client, attachments):
    pdf, png, _, _ = attachments
    listed = client.get("/enterprise/objections").get_data(as_text=True)
    assert f'href="{pdf}"' in listed and f'href="{png}?download=1"' in listed
    shown = client.get(pdf)
    assert shown.status_code == 200 and shown.data == PDF and shown.headers["Content-Disposition"].startswith("inline")
    assert "sandbox" in shown.headers["Content-Security-Policy"]
    saved = client.get(png + "?download=1")
    assert saved.data == PNG and saved.headers["Content-Disposition"].startswith("attachment")
    assert [v.actor_role for v in views_of(app, pdf)] == ["enterprise"]


def test_the_source_department_opens_it_from_the_objection_and_the_opening_is_logged(app, client, attachments,
                                                                                       transport):
    pdf, _, objection_id, _ = attachments
    sign_in(client, app, "department", department_uscc=transport["uscc"])
    assert f'href="{pdf}"' in client.get(f"/department/objections/{objection_id}").get_data(as_text=True)
    assert client.get(pdf).data == PDF
    assert [v.actor_role for v in views_of(app, pdf)] == ["department"]


def test_a_reviewer_opens_it_from_the_objections_queue(app, client, attachments):
    _, png, _, _ = attachments
    sign_in(client, app, "reviewer")
    assert f'href="{png}"' in client.get("/review/objections").get_data(as_text=True)
    answer = client.get(png)
    assert answer.data == PNG and answer.mimetype == "image/png"
    assert [v.actor_role for v in views_of(app, png)] == ["reviewer"]


@pytest.mark.parametrize("role, binding, status", [
    ("enterprise", {"uscc": factories.new_uscc()}, 404), ("department", "tax", 404),
    ("agent", {"district_code": "150521"}, 403), ("bank", {}, 403), ("admin", {}, 403)])
def test_others_are_told_nothing_about_the_attachment(app, client, attachments, role, binding, status):
    pdf, _, objection_id, _ = attachments
    if binding == "tax":
        with app.app_context():
            binding = {"department_uscc": factories.department("tax")["uscc"]}
    sign_in(client, app, role, **binding)
    assert client.get(pdf).status_code == status
    assert client.get(f"/workspace/objections/{objection_id}/attachments/999999").status_code == status
    assert views_of(app, pdf) == []


def test_an_attachment_is_reached_only_through_its_own_objection(app, client, attachments, penalty):
    """The enterprise's own second objection does not open the first one's file."""
    pdf, _, _, uscc = attachments
    with app.app_context():
        party = db.session.scalar(select(Record.party_name).where(Record.uscc == uscc))
    record_id, _ = penalty(uscc=uscc, party_name=party)
    form = f"/enterprise/records/{record_id}/objection"
    assert client.post(form, data={"csrf_token": form_token(client, form), "reason": "另一处有误"}).status_code == 302
    with app.app_context():
        second = db.session.scalar(select(Objection.id).where(Objection.record_id == record_id))
    assert client.get(f"/workspace/objections/{second}/attachments/{pdf.rsplit('/', 1)[1]}").status_code == 404
    assert client.get(pdf).status_code == 200


def test_an_administrator_keeps_the_system_not_the_cases(app, attachments):
    pdf, _, objection_id, _ = attachments
    with app.app_context(), pytest.raises(NotFound):
        open_attachment(Viewer("admin", principal_id=1), objection_id, int(pdf.rsplit("/", 1)[1]))
