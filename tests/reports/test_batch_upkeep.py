"""A bank's report batch whose process died is marked failed once it has stalled, not left running for
ever; a finished batch's PDFs are deleted after the retention period, its page saying so."""

import json
from datetime import timedelta

import pytest
from sqlalchemy import select

from registry.access.models import Principal
from registry.db import utcnow
from registry.extensions import db
from registry.reports.batches import batch_folder
from registry.reports.models import ReportBatch
from registry.uow import unit_of_work
from tests.people import sign_in

pytestmark = pytest.mark.committed  # the pages and the CLI read what the test committed


@pytest.fixture
def bank(app, client, bank_uscc):
    sign_in(client, app, "bank", name="通辽农商银行", uscc=bank_uscc)
    return client


@pytest.fixture
def make_batch(app, bank, bank_uscc):
    """A batch of the signed-in bank in `state`, last moved `idle` ago (finished then, if done or failed)."""

    def _make(state: str, idle: timedelta, with_files: bool = False) -> int:
        moved = utcnow() - idle
        with app.app_context(), unit_of_work() as uow:
            principal = uow.session.scalar(select(Principal.id).where(Principal.uscc == bank_uscc,
                                                                      Principal.role == "bank"))
            batch = ReportBatch(bank_uscc=bank_uscc, principal_id=principal, filename="codes.csv",
                                scope={"period_from": None, "domains": []}, state=state, total=3, done=1, issued=1,
                                created_at=moved - timedelta(minutes=1), progressed_at=moved,
                                finished_at=moved if state in ("done", "failed") else None)
            uow.session.add(batch)
            uow.session.flush()
            batch_id = batch.id
        if with_files:
            with app.app_context():
                batch_folder(batch_id).mkdir(parents=True)
                (batch_folder(batch_id) / "R1.pdf").write_bytes(b"%PDF-1.7 test")
        return batch_id

    return _make


def state_of(app, batch_id: int) -> ReportBatch:
    with app.app_context():
        return db.session.get(ReportBatch, batch_id)


def test_a_batch_stalled_past_the_limit_shows_as_failed_and_a_moving_one_runs_on(app, bank, make_batch):
    dead = make_batch("running", timedelta(minutes=11))
    alive = make_batch("running", timedelta(minutes=9))  # REPORT_BATCH_STALL_MINUTES is 10
    page = bank.get(f"/bank/batches/{dead}")
    text = page.get_data(as_text=True)
    assert "已中断" in text and "服务曾重启" in text and "Refresh" not in page.headers
    assert "Refresh" in bank.get(f"/bank/batches/{alive}").headers
    assert state_of(app, alive).state == "running" and state_of(app, dead).finished_at is not None


def test_the_purge_command_fails_stalled_batches_and_deletes_old_files(app, bank, make_batch, cli):
    stalled = make_batch("queued", timedelta(hours=2))
    old = make_batch("done", timedelta(days=31), with_files=True)
    recent = make_batch("done", timedelta(days=29), with_files=True)
    result = cli("reports", "purge-batches")
    assert result.exit_code == 0, result.output
    outcome = json.loads(result.output)
    assert stalled in outcome["failed"] and old in outcome["deleted"] and recent not in outcome["deleted"]
    with app.app_context():
        assert not batch_folder(old).exists() and (batch_folder(recent) / "R1.pdf").exists()
    assert state_of(app, stalled).state == "failed" and state_of(app, old).files_deleted_at is not None
    page = bank.get(f"/bank/batches/{old}").get_data(as_text=True)
    assert "已超过保存期限" in page and f"/bank/batches/{old}.zip" not in page
    assert bank.get(f"/bank/batches/{old}.zip").headers["Location"].endswith(f"/bank/batches/{old}")
    assert json.loads(cli("reports", "purge-batches").output)["deleted"] == []  # once only
