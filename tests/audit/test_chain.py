"""registry audit: verify passes on a clean chain and names the first entry that does not match; writers at
once never fork the chain; list prints what matches."""

import threading
from datetime import timedelta

import pytest
from sqlalchemy import func, select, text

from registry.access.services import Viewer
from registry.audit.models import AuditEntry
from registry.audit.services import verify
from registry.extensions import db
from registry.uow import unit_of_work


def _write(app, entries: int, actor=None) -> list[int]:
    """Entries in units of work of their own (committed); the ids of every entry there is."""
    with app.app_context():
        for n in range(entries):
            with unit_of_work() as uow:
                uow.audit("record.insert", actor, "record", n + 1, {"n": n})
        return db.session.scalars(select(AuditEntry.id).order_by(AuditEntry.id)).all()


def _tamper(app, statement: str, entry_id: int) -> None:
    with app.app_context():
        db.session.execute(text(statement), {"id": entry_id})
        db.session.commit()


def test_verify_passes_on_a_clean_chain(cli, app):
    _write(app, 5)
    result = cli("audit", "verify")
    assert result.exit_code == 0 and "audit trail intact: 5 entries, head " in result.output


def test_verify_names_an_entry_edited_in_the_database(cli, app):
    ids = _write(app, 5)
    _tamper(app, "UPDATE audit_entries SET object_id = '999' WHERE id = :id", ids[2])
    result = cli("audit", "verify")
    assert result.exit_code == 1
    assert f"audit entry #{ids[2]} (record.insert at " in result.output and "it was edited" in result.output
    assert "the 2 entries before it hold" in result.output


def test_verify_names_the_entry_after_one_deleted_from_the_database(cli, app):
    ids = _write(app, 5)
    _tamper(app, "DELETE FROM audit_entries WHERE id = :id", ids[2])
    result = cli("audit", "verify")
    assert result.exit_code == 1
    assert f"audit entry #{ids[3]} " in result.output and "an entry was deleted before it" in result.output


def test_verify_with_a_head_noted_before_fails_once_the_newest_entries_are_dropped(cli, app):
    ids = _write(app, 3)
    head = cli("audit", "verify").output.split("head ")[-1].strip()
    _write(app, 1)
    assert cli("audit", "verify", "--head", head).exit_code == 0
    _tamper(app, "DELETE FROM audit_entries WHERE id >= :id", ids[-1])
    dropped = cli("audit", "verify", "--head", head)
    assert dropped.exit_code == 1 and f"no longer holds the head {head}" in dropped.output
    assert cli("audit", "verify").exit_code == 0  # the chain left is whole: only the noted head tells


@pytest.mark.committed  # each writer commits on a connection of its own
def test_writers_at_once_never_fork_the_chain(app):
    writers, each = 4, 10
    start, failures = threading.Barrier(writers), []

    def write():
        start.wait()
        try:
            _write(app, each)
        except Exception as exc:  # reported below: an exception in a thread fails nothing by itself
            failures.append(exc)

    threads = [threading.Thread(target=write) for _ in range(writers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []
    with app.app_context():
        verdict = verify(db.session)
        followed = db.session.scalars(select(AuditEntry.prev_hash)).all()
    assert (verdict.broken, verdict.intact) == (None, writers * each)
    assert len(set(followed)) == writers * each  # no two entries follow the same one


def test_list_prints_the_entries_that_match_one_a_line(cli, app):
    _write(app, 2, Viewer("department", principal_id=7))
    with app.app_context(), unit_of_work() as uow:
        uow.audit("record.withdraw", Viewer("department", principal_id=8), "record", 1, {"reason": "决定已被依法撤销"})
    assert len(cli("audit", "list").output.splitlines()) == 3
    [withdrawal] = cli("audit", "list", "--action", "record.withdraw").output.splitlines()
    assert "\tdepartment#8\trecord.withdraw\trecord:1\t" in withdrawal and "决定已被依法撤销" in withdrawal
    assert len(cli("audit", "list", "--actor", 7).output.splitlines()) == 2
    with app.app_context():  # entries carry the moment they were written (UTC), not the rules' day
        first, latest = db.session.execute(select(func.min(AuditEntry.at), func.max(AuditEntry.at))).one()
    assert len(cli("audit", "list", "--since", first.date().isoformat()).output.splitlines()) == 3
    assert cli("audit", "list", "--since", (latest.date() + timedelta(days=1)).isoformat()).output == ""
