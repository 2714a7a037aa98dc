"""Bar charts drawn on the server as SVG: no script, no CDN, readable by a screen reader (a title, a
description, and a title on each bar), and the same figures as the table printed with them."""

from dataclasses import dataclass
from itertools import count

from markupsafe import Markup, escape

# Narrow enough that a phone shows the 12 px text at about 10 px, a desktop at about 16 (max-width 30rem).
WIDTH = 360
LABEL_WIDTH = 120  # the labels' column, right-aligned against the bars
VALUE_WIDTH = 56  # room after the longest bar for its value
ROW = 24
BAR = 16
LABEL_CHARS = 8  # a longer label is cut (in full in the bar's title and in the table)

_ids = count(1)


@dataclass(frozen=True)
class Bar:
    label: str
    value: float
    text: str  # the value as the table shows it


def _short(label: str) -> str:
    return label if len(label) <= LABEL_CHARS else label[: LABEL_CHARS - 1] + "…"


def bar_chart(title: str, description: str, bars: list[Bar]) -> Markup:
    """A horizontal bar chart, one bar a row, as long as its value is to the largest value."""
    chart_id = f"chart-{next(_ids)}"
    largest = max((bar.value for bar in bars), default=0) or 1
    room = WIDTH - LABEL_WIDTH - VALUE_WIDTH
    height = max(len(bars), 1) * ROW + 8
    parts = [f'<svg class="chart" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height}" '
             f'role="img" aria-labelledby="{chart_id}-title {chart_id}-desc">',
             f'<title id="{chart_id}-title">{escape(title)}</title>',
             f'<desc id="{chart_id}-desc">{escape(description)}</desc>']
    for row, bar in enumerate(bars):
        y = 4 + row * ROW
        length = max(bar.value, 0) / largest * room
        parts.append(
            f'<g class="bar"><title>{escape(bar.label)}：{escape(bar.text)}</title>'
            f'<text x="{LABEL_WIDTH - 8}" y="{y + BAR - 4}" text-anchor="end">{escape(_short(bar.label))}</text>'
            f'<rect x="{LABEL_WIDTH}" y="{y}" width="{length:.1f}" height="{BAR}"></rect>'
            f'<text x="{LABEL_WIDTH + length + 6:.1f}" y="{y + BAR - 4}">{escape(bar.text)}</text></g>')
    if not bars:
        parts.append(f'<text x="{LABEL_WIDTH}" y="{ROW - 8}">暂无数据</text>')
    parts.append("</svg>")
    return Markup("".join(parts))
