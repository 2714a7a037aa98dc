"""The fast paths of an import keep every value and every count: COPY text made in the workers, several
workers sharing a file, and the time by stage in the summary."""

import json
import subprocess
import sys
from datetime import date
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from registry.records.encoders import copy_lines
from tests import factories
from tests.imports.files import write_csv


def summary_of(result) -> dict:
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_values_with_tabs_newlines_and_backslashes_arrive_unchanged(cli, client, tmp_path, department):
    awkward = ["第一行\n第二行", "制表\t符", "反斜杠\\N 与 \\t", "回车\r\n换行", "\\"]
    rows = [factories.penalty(department, facts=text, remarks=text) for text in awkward]
    write_csv(tmp_path / "awkward.csv", rows)
    summary = summary_of(cli("import", tmp_path / "awkward.csv", "--department", department["uscc"]))
    assert (summary["inserted"], summary["rejected"]) == (len(rows), 0)
    for row, text in zip(rows, awkward, strict=True):
        stored = client.get(f"/api/v1/enterprises/{row['uscc']}/records").json["items"][0]
        assert (stored["facts"], stored["remarks"]) == (text.strip(), text.strip())
    again = summary_of(cli("import", tmp_path / "awkward.csv", "--department", department["uscc"]))
    assert again["unchanged"] == len(rows)


def test_several_workers_give_the_counts_of_one(cli, client, tmp_path, department, monkeypatch):
    rows = [factories.penalty(department) for _ in range(23)]
    rows[5]["uscc"] = rows[5]["uscc"][:17] + "?"
    rows[2] = {**rows[3], "penalty_content": "罚款两万元"}  # the same record twice in a batch: the later wins
    write_csv(tmp_path / "p.csv", rows)
    monkeypatch.setenv("REGISTRY_IMPORT_BATCH_ROWS", "4")
    monkeypatch.setenv("REGISTRY_IMPORT_WORKERS", "3")
    summary = summary_of(cli("import", tmp_path / "p.csv", "--department", department["uscc"]))
    assert (summary["rows"], summary["inserted"], summary["unchanged"], summary["rejected"]) == (23, 21, 1, 1)
    assert summary["rows_committed"] == 24  # the header is row 1
    stored = client.get(f"/api/v1/enterprises/{rows[3]['uscc']}/records").json["items"]
    assert [record["penalty_content"] for record in stored] == [rows[3]["penalty_content"]]
    monkeypatch.setenv("REGISTRY_IMPORT_WORKERS", "1")
    again = summary_of(cli("import", tmp_path / "p.csv", "--department", department["uscc"]))
    assert (again["inserted"], again["updated"], again["unchanged"], again["rejected"]) == (0, 0, 22, 1)


def test_the_summary_says_where_the_time_went(cli, tmp_path, department):
    write_csv(tmp_path / "p.csv", [factories.penalty(department) for _ in range(3)])
    seconds = summary_of(cli("import", tmp_path / "p.csv", "--department", department["uscc"]))["seconds"]
    assert {"read", "validate", "prepare", "encode", "search_sync"} <= set(seconds)
    assert all(value >= 0 for value in seconds.values())


_TEXT = st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"), max_size=20)
_VALUE = st.one_of(st.none(), _TEXT, st.lists(_TEXT, max_size=3), st.integers(0, 10**6),
                   st.dates(date(1990, 1, 1), date(2030, 1, 1)), st.decimals(0, 10**6, places=6))


@settings(max_examples=200, deadline=None)
@given(st.lists(st.lists(_VALUE, min_size=1, max_size=6), min_size=1, max_size=4))
def test_copy_text_has_one_field_per_value_that_reads_back_as_the_value(columns):
    size = min(map(len, columns))
    columns = [values[:size] for values in columns]
    lines = copy_lines([*columns, range(size)])
    assert len(lines) == size
    for index, line in enumerate(lines):
        assert "\n" not in line  # one line per row
        fields = line.split("\t")
        assert len(fields) == len(columns) + 1  # and the row's index
        for value, field in zip([*(values[index] for values in columns), index], fields, strict=True):
            assert _read_copy_field(field) == _as_stored(value)


def _read_copy_field(field: str):
    """What PostgreSQL reads from a field of COPY's text format."""
    if field == "\\N":
        return None
    escapes = {"\\": "\\", "t": "\t", "n": "\n", "r": "\r"}
    out, chars = [], iter(field)
    for char in chars:
        out.append(escapes[next(chars)] if char == "\\" else char)
    return "".join(out)


def _as_stored(value):
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, list):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


def test_decimal_and_date_text_is_what_the_database_parses():
    values = ["1", "k", None, Decimal("0.50"), date(2024, 2, 29), 0]
    assert copy_lines([[value] for value in values]) == ["1\tk\t\\N\t0.50\t2024-02-29\t0"]


def test_a_worker_loads_what_preparing_rows_needs_and_not_the_application():
    """A worker imports its pipeline and its writer's encoder; the application's extensions (migrations,
    the API's specification, templates) would cost each worker about 18 MB."""
    probe = ("import sys, registry.imports.pipeline, registry.records.encoders\n"
             "print(' '.join(sorted({m.split('.')[0] for m in sys.modules})))")
    probed = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    loaded = set(probed.stdout.split())
    assert {"registry", "zhconv"} <= loaded
    assert not loaded & {"flask_migrate", "alembic", "flask_smorest", "mako", "pygments", "yaml"}
