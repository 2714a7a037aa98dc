"""Severity of a penalty and categories of party: the keys, their Chinese labels and the spellings departments send."""

from collections.abc import Mapping

from .errors import BilingualError
from .penalty_types import parse_types

SEVERITIES = ("minor", "general", "serious")
SEVERITY_LABELS_ZH = {"minor": "轻微", "general": "一般", "serious": "严重"}
SEVERITY_RANK = {s: i for i, s in enumerate(SEVERITIES)}
# The spellings of a severity and of a party category that departments send, and what they mean: the
# one table the row validator and the rule book both read.
SEVERITY_ALIASES = {
    **{s: s for s in SEVERITIES},
    **{zh: s for s, zh in SEVERITY_LABELS_ZH.items()},
    **{zh + "失信": s for s, zh in SEVERITY_LABELS_ZH.items()},
}
PARTY_CATEGORY_LABELS_ZH = {
    "legal_person": "法人及非法人组织",
    "natural_person": "自然人",
    "individual_business": "个体工商户",
}
PARTY_CATEGORY_ALIASES = {
    **{c: c for c in PARTY_CATEGORY_LABELS_ZH},
    **{zh: c for c, zh in PARTY_CATEGORY_LABELS_ZH.items()},
    "法人": "legal_person",
    "非法人组织": "legal_person",
}


class InvalidSeverity(BilingualError, ValueError):
    """A severity that is none of minor / general / serious (or 轻微 / 一般 / 严重)."""

    code = "severity_unknown"

    def __init__(self, value):
        super().__init__(
            message_zh=f"未知的失信严重程度“{value}”，应为轻微、一般或严重",
            message_en=f"unknown severity {value!r}: expected minor, general or serious",
        )


def normalise_severity(value) -> str:
    """minor / general / serious from an English key or a Chinese label; InvalidSeverity otherwise."""
    key = value.strip() if isinstance(value, str) else value
    try:
        return SEVERITY_ALIASES[key]
    except (KeyError, TypeError):
        raise InvalidSeverity(value) from None


def normalise_overrides(overrides: Mapping | None) -> dict:
    """A department's severity table checked and made canonical: {penalty type: severity}.

    Keys may use any spelling parse_penalty_types() accepts (a key naming two types sets both);
    values minor / general / serious or 轻微 / 一般 / 严重. Raises InvalidPenaltyType or
    InvalidSeverity. Store the result, so that assess() can use it without further checks.
    """
    table = {}
    for key, value in (overrides or {}).items():
        severity = normalise_severity(value)
        for name in parse_types(key):
            table[name] = severity
    return table
