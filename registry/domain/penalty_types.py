"""Penalty types (Administrative Penalty Law art. 9): the statutory names, the spellings departments use."""

import re
from functools import lru_cache

from .errors import BilingualError
from .text import fold_width

# Administrative Penalty Law art. 9, lightest to heaviest, plus "other" (SPEC §3).
PENALTY_TYPES = (
    "警告",
    "通报批评",
    "罚款",
    "没收违法所得",
    "没收非法财物",
    "暂扣许可证件",
    "降低资质等级",
    "吊销许可证件",
    "限制开展生产经营活动",
    "责令停产停业",
    "责令关闭",
    "限制从业",
    "行政拘留",
    "其他",
)
OTHER = "其他"
WARNING = "警告"
FINE = "罚款"
TYPE_RANK = {name: i for i, name in enumerate(PENALTY_TYPES)}
# Rank used by heaviest(): "other" sorts below every named type.
_WEIGHT = {name: (-1 if name == OTHER else i) for i, name in enumerate(PENALTY_TYPES)}

# Spellings departments use for the statutory names (after width folding). The pre-2021 law's
# category "暂扣或者吊销许可证、暂扣或者吊销执照" does not say which happened; it is read as the
# lighter 暂扣许可证件 (serious either way).
_VARIANTS = {
    "吊销许可证": ("吊销许可证件",),
    "吊销营业执照": ("吊销许可证件",),
    "吊销执照": ("吊销许可证件",),
    "吊销证照": ("吊销许可证件",),
    "暂扣许可证": ("暂扣许可证件",),
    "暂扣执照": ("暂扣许可证件",),
    "暂扣营业执照": ("暂扣许可证件",),
    "暂扣证照": ("暂扣许可证件",),
    "暂扣或者吊销许可证": ("暂扣许可证件",),
    "暂扣或者吊销执照": ("暂扣许可证件",),
    "暂扣或吊销许可证": ("暂扣许可证件",),
    "暂扣或吊销执照": ("暂扣许可证件",),
    "暂扣或者吊销许可证件": ("暂扣许可证件",),
    "没收违法所得和没收非法财物": ("没收违法所得", "没收非法财物"),
    "没收违法所得及没收非法财物": ("没收违法所得", "没收非法财物"),
    "没收违法所得和非法财物": ("没收违法所得", "没收非法财物"),
    "没收违法所得及非法财物": ("没收违法所得", "没收非法财物"),
    "非法财物": ("没收非法财物",),  # second half of "没收违法所得、非法财物"
    "责令停业": ("责令停产停业",),
    "责令停产": ("责令停产停业",),
    "拘留": ("行政拘留",),
    "其它": (OTHER,),
}
_LOOKUP = {**{name: (name,) for name in PENALTY_TYPES}, **_VARIANTS}
_SEPARATORS = re.compile(r"[;,、\s]+")
_STRIP = "。.:：\"'“”‘’"


class InvalidPenaltyType(BilingualError, ValueError):
    """Penalty types that cannot be read; `unknown` holds the names that match no statutory type."""

    def __init__(self, *, code: str, message_zh: str, message_en: str, unknown: tuple = ()):
        super().__init__(message_zh=message_zh, message_en=message_en, code=code)
        self.unknown = unknown


def parse_penalty_types(value) -> list[str]:
    """Canonical penalty types, deduplicated, lightest first.

    Accepts one string (separated by ; ； 、 , ， or whitespace) or a list of such strings.
    Raises InvalidPenaltyType for unknown names or when nothing is given.
    """
    return list(parse_types(value))


def parse_types(value) -> tuple:
    """parse_penalty_types() as a tuple, cached for the values bulk files repeat on every row."""
    if type(value) is str:
        return parse_types_text(value)
    if value is None:
        return parse_types_text("")
    if isinstance(value, (list, tuple)):
        try:
            return _parse_items(tuple(value))
        except TypeError:  # unhashable items: no caching
            pass
    return parse_types_text(_join(value))


def _join(items) -> str:
    return "、".join("" if v is None else str(v) for v in items)


@lru_cache(maxsize=4096)
def _parse_items(items: tuple) -> tuple:
    return parse_types_text(_join(items))


@lru_cache(maxsize=4096)
def parse_types_text(text: str) -> tuple:
    """parse_types() of one string."""
    found = set()
    unknown = []
    for part in _SEPARATORS.split(fold_width(text)):
        part = part.strip(_STRIP)
        if not part:
            continue
        names = _LOOKUP.get(part)
        if names is None:
            unknown.append(part)
        else:
            found.update(names)
    if unknown:
        shown_zh = "、".join(f"“{u}”" for u in unknown)
        raise InvalidPenaltyType(
            code="penalty_type_unknown",
            message_zh=f"未知的处罚类别{shown_zh}；应为：{'、'.join(PENALTY_TYPES)}",
            message_en=f"unknown penalty type(s) {', '.join(map(repr, unknown))}; "
            f"expected one or more of the statutory types ({len(PENALTY_TYPES)} names)",
            unknown=tuple(unknown),
        )
    if not found:
        raise InvalidPenaltyType(code="penalty_types_empty", message_zh="处罚类别不能为空",
                                 message_en="penalty types are required")
    return tuple(sorted(found, key=TYPE_RANK.__getitem__))


def heaviest(types) -> str:
    """The heaviest of the given penalty types (names or text); 其他 only when nothing else is given."""
    return max(parse_types(types), key=_WEIGHT.__getitem__)
