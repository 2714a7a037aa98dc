"""The SVG bar chart: a bar a figure, as long as its share of the largest, named for a screen reader."""

import xml.etree.ElementTree as ET

from registry.workspaces.charts import LABEL_CHARS, LABEL_WIDTH, Bar, bar_chart

SVG = "{http://www.w3.org/2000/svg}"


def parse(markup) -> ET.Element:
    return ET.fromstring(str(markup))


def test_each_bar_is_as_long_as_its_share_of_the_largest():
    svg = parse(bar_chart("报送记录", "按月份", [Bar("2026-01", 50, "50"), Bar("2026-02", 100, "100"),
                                               Bar("2026-03", 0, "0")]))
    widths = [float(rect.get("width")) for rect in svg.iter(f"{SVG}rect")]
    assert len(widths) == 3 and widths[2] == 0 and widths[0] * 2 == widths[1] > 0
    assert all(float(rect.get("x")) == LABEL_WIDTH for rect in svg.iter(f"{SVG}rect"))


def test_the_chart_is_named_described_and_each_bar_titled():
    svg = parse(bar_chart("拒收率", "各次导入", [Bar("#3 处罚<一月>.csv", 0.25, "25.0%")]))
    title, desc = svg.find(f"{SVG}title"), svg.find(f"{SVG}desc")
    assert svg.get("role") == "img" and svg.get("aria-labelledby") == f"{title.get('id')} {desc.get('id')}"
    assert (title.text, desc.text) == ("拒收率", "各次导入")
    assert svg.find(f"{SVG}g/{SVG}title").text == "#3 处罚<一月>.csv：25.0%"  # escaped in the markup, whole


def test_a_long_label_is_cut_on_the_chart_but_whole_in_the_bar_title():
    name = "通辽市交通运输综合行政执法支队"
    texts = [t.text for t in parse(bar_chart("t", "d", [Bar(name, 1, "1")])).iter(f"{SVG}text")]
    assert texts[0] == name[:LABEL_CHARS - 1] + "…" and texts[1] == "1"


def test_an_empty_chart_says_so_and_two_charts_never_share_an_id():
    first, second = bar_chart("t", "d", []), bar_chart("t", "d", [])
    assert "暂无数据" in first and parse(first).find(f"{SVG}title").get("id") != parse(second).find(
        f"{SVG}title").get("id")
