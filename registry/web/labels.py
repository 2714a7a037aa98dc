"""Chinese labels of the values the public pages show, and highlights made safe to render."""

import html
from datetime import datetime

from markupsafe import Markup, escape

from ..db import as_utc
from ..domain.periods import BEIJING
from ..records import layout
from ..records.layout import SEVERITIES
from ..records.publicity import rules as publicity_rules
from ..records.publicity import valid_until_text  # noqa: F401 (templates use it through labels)

KIND_LABELS = {"entity": "市场主体", "record": "信用记录"}
RECORD_KIND_LABELS = layout.KIND_LABELS
# What each kind calls its decision's date and authority (a list's listing, a commitment's acceptance).
DECISION_LABELS = {layout.PENALTY: ("决定日期", "决定机关"), layout.LICENCE: ("决定日期", "决定机关"),
                   layout.DISHONESTY: ("列入日期", "列入机关"), layout.ABNORMAL: ("列入日期", "列入机关"),
                   layout.HONOUR: ("认定日期", "认定机关"), layout.COMMITMENT: ("承诺日期", "承诺受理单位")}
# Why a record has no repair standing, by kind (penalties and list entries have one).
NO_REPAIR_ZH = {layout.LICENCE: "行政许可信息，无需信用修复", layout.HONOUR: "守信激励信息，无需信用修复",
                layout.COMMITMENT: "信用承诺信息不适用信用修复"}
# The badge a negative list entry or a broken commitment wears; honours wear a positive one.
_NEGATIVE_BADGES = {layout.DISHONESTY: "严重失信", layout.ABNORMAL: "经营异常", layout.COMMITMENT: "未履行承诺"}
# An entity's list status: the lists it is on today (严重失信主体名单, 经营异常名录, 守信激励（红名单）).
LIST_STATUS_LABELS = {kind: layout.KIND_LABELS[kind] for kind in layout.LIST_KINDS}
MATCH_LABELS = {"uscc": "统一社会信用代码", "name": "名称", "former_name": "曾用名", "pinyin": "拼音",
                "initials": "拼音首字母", "text": "记录内容", "decision_no": "决定文书号"}
PARAM_LABELS = {"q": "关键词", "kind": "类型", "record_kind": "记录种类", "domain": "领域", "district": "地区",
                "severity": "严重程度", "list_status": "名单状态",
                "from": "起始日期", "to": "截止日期", "cursor": "分页"}
FACET_TITLES = {"kind": "类型", "record_kind": "记录种类", "domain": "领域", "district": "地区",
                "severity": "严重程度", "list_status": "名单状态"}
SEVERITY_LABELS = SEVERITIES
ROLE_LABELS = {"enterprise": "企业", "bank": "金融机构", "department": "数据报送单位", "agent": "代办窗口",
               "partner": "数据共享合作方", "reviewer": "信用中心审核人员", "admin": "系统管理员"}
ACTOR_LABELS = {**ROLE_LABELS, "system": "系统"}


def list_badge(record: dict) -> tuple[str, str] | None:
    """(tone, text) of the badge a list entry or commitment wears by the rule book: a warning when it
    counts against its party, a positive fact for an honour; None for other records and kept commitments."""
    rule = publicity_rules().rulebook.lists.get(record["kind"])
    if rule is None:
        return None
    if rule.is_negative(record.get("commitment_state"), layout.COMMITMENT_BROKEN):
        return "warn", _NEGATIVE_BADGES.get(record["kind"], "失信信息")
    if record["kind"] in layout.LIST_KINDS:
        return "good", "正面信息"
    return None


def beijing_time(moment: datetime | None, empty: str = "—") -> str:
    """A stored time as a reader in China reads it, to the second."""
    if moment is None:
        return empty
    return f"{as_utc(moment).astimezone(BEIJING):%Y-%m-%d %H:%M:%S}"


def highlighted(fragment: str) -> Markup:
    """An engine's highlight fragment (escaped text with <em> marks) as markup: read back to text and
    escaped again here, so that nothing but the marks can ever become markup on the page."""
    text = html.unescape(fragment.replace("<em>", "\ue000").replace("</em>", "\ue001"))
    return Markup(str(escape(text)).replace("\ue000", "<em>").replace("\ue001", "</em>"))
