"""A material opened in the browser: by those who follow the application, logged each time, with
headers that keep an uploaded file from acting as a page of the site."""

import pytest
from sqlalchemy import select

from registry.access.services import Viewer
from registry.audit.models import AuditEntry
from registry.errors import NotFound
from registry.extensions import db
from registry.repairs.materials import open_material
from tests import factories
from tests.people import sign_in
from tests.repairs.conftest import PDF

pytestmark = pytest.mark.committed  # the pages' own sessions read what the API committed


@pytest.fixture
def material(app, client, keys, penalty, apply, upload):
    """(path of the material's page, the applicant's USCC) of a filed application's uploaded PDF."""
    record_id, row = penalty()
    key = keys.enterprise(row["uscc"])
    application = apply(key, record_id).json
    material = upload(key, application["id"], "performance_proof").json["materials"][0]
    return f"/workspace/repairs/{application['id']}/materials/{material['id']}", row["uscc"]


def test_a_reviewer_opens_a_material_inline_and_the_opening_is_logged(app, client, material):
    path, _ = material
    sign_in(client, app, "reviewer")
    answer = client.get(path)
    assert answer.status_code == 200 and answer.data == PDF
    assert answer.mimetype == "application/pdf" and answer.headers["Content-Disposition"].startswith("inline")
    assert "sandbox" in answer.headers["Content-Security-Policy"]
    assert client.get(path + "?download=1").headers["Content-Disposition"].startswith("attachment")
    with app.app_context():
        views = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "repair_material.view")).all()
    assert len(views) == 2 and {view.actor_role for view in views} == {"reviewer"}


@pytest.mark.parametrize("role, binding, status", [("enterprise", {"uscc": factories.new_uscc()}, 404),
                                                   ("admin", {}, 403), ("bank", {}, 403)])
def test_others_are_told_nothing_about_the_material(app, client, material, role, binding, status):
    path, _ = material
    sign_in(client, app, role, **binding)
    assert client.get(path).status_code == status


def test_an_administrator_keeps_the_system_not_the_cases(app, material):
    """Through any channel: the service itself does not hand an administrator the file."""
    path = material[0].split("/")
    with app.app_context(), pytest.raises(NotFound):
        open_material(Viewer("admin", principal_id=1), int(path[3]), int(path[5]))


def test_the_applicant_opens_its_own_material(app, client, material):
    path, uscc = material
    sign_in(client, app, "enterprise", uscc=uscc)
    assert client.get(path).data == PDF
