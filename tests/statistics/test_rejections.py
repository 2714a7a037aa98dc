"""Rejection rates of a department's imports, by import and by field, on its data-quality page."""

from datetime import timedelta

from tests import factories
from tests.imports.files import write_csv
from tests.people import sign_in
from tests.statistics.test_pages import figures_of


def test_rejections_by_import_and_by_field(app, client, cli, tmp_path, departments):
    transport = departments["transport"]
    rows = [factories.penalty(transport) for _ in range(8)]
    rows[0]["uscc"] = "91150502MA0000000X"  # wrong check character
    rows[1]["uscc"], rows[1]["facts"] = "91150502MA0000000X", ""  # two fields of one row
    rows[2]["facts"] = ""
    write_csv(tmp_path / "一月处罚.csv", rows)
    write_csv(tmp_path / "二月处罚.csv", [factories.penalty(transport) for _ in range(2)])
    for name in ("一月处罚.csv", "二月处罚.csv"):
        assert cli("import", tmp_path / name, "--department", transport["uscc"]).exit_code == 0
    sign_in(client, app, "department", department_uscc=transport["uscc"])
    # Through tomorrow: the imports are stamped by the clock, which may pass the session's midnight.
    page = client.get("/quality", query_string={"to": str(factories.TODAY + timedelta(days=1))}).get_data(as_text=True)
    newest, first = figures_of(page, "imports")
    assert newest[1] == "二月处罚.csv" and newest[3:] == ["已完成", "2", "0", "0.0%"]
    assert first[1] == "一月处罚.csv" and first[3:] == ["已完成", "8", "3", "37.5%"]
    assert figures_of(page, "fields") == [["违法事实", "2", "20.0%"], ["统一社会信用代码", "2", "20.0%"]]
    summary = dict(row for row in figures_of(page, "summary"))
    assert (summary["导入读取行数"], summary["导入拒收行数"], summary["导入拒收率"]) == ("10", "3", "30.0%")
