"""An import leaves one audit entry a batch for its inserted records and one for its updated ones, not one a row."""

import json

from tests import factories
from tests.audit.trail import count, newest
from tests.imports.files import write_csv


def test_each_batch_of_an_import_leaves_one_entry_naming_the_job_and_its_count(cli, app, tmp_path, department,
                                                                                monkeypatch):
    monkeypatch.setenv("REGISTRY_IMPORT_BATCH_ROWS", "4")
    rows = [factories.penalty(department) for _ in range(10)]
    write_csv(tmp_path / "a.csv", rows)
    inserted, updated = count(app, "record.insert"), count(app, "record.update")
    result = cli("import", tmp_path / "a.csv", "--department", department["uscc"])
    job = json.loads(result.stdout.strip().splitlines()[-1])["job"]
    assert count(app, "record.insert") == inserted + 3  # batches of 4, 4 and 2 rows
    entry = newest(app, "record.insert")
    assert (entry["object_type"], entry["object_id"], entry["actor_role"]) == ("import_job", str(job), "system")
    assert entry["details"] == {"count": 2, "rows_through": 11}  # the header is the file's first row

    rows[5]["penalty_content"] = "罚款人民币一万元"  # file row 7, in the second batch (rows 6 to 9)
    write_csv(tmp_path / "b.csv", rows)
    cli("import", tmp_path / "b.csv", "--department", department["uscc"])
    assert (count(app, "record.insert"), count(app, "record.update")) == (inserted + 3, updated + 1)
    assert newest(app, "record.update")["details"] == {"count": 1, "rows_through": 9}
