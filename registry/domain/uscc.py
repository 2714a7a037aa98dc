"""Unified social credit code (GB 32100-2015): normalisation, validation, check character."""

from dataclasses import dataclass
from functools import lru_cache
from operator import mul

from .errors import BilingualError
from .text import typed_code

ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
VALUES = {ch: i for i, ch in enumerate(ALPHABET)}
SYMBOLS = frozenset(ALPHABET)
WEIGHTS = tuple(pow(3, i, 31) for i in range(17))
REGISTERING_AUTHORITIES = frozenset("123456789ANY")
LENGTH = 18


class InvalidUSCC(BilingualError, ValueError):
    """A code that fails GB 32100; `position` is the 1-based place of the bad character, when one is."""

    def __init__(self, *, code: str, message_zh: str, message_en: str, position: int | None = None):
        super().__init__(message_zh=message_zh, message_en=message_en, code=code)
        self.position = position


@dataclass(frozen=True)
class EntityKind:
    key: str
    name_zh: str


ENTERPRISE = EntityKind("enterprise", "企业")
INDIVIDUAL_BUSINESS = EntityKind("individual_business", "个体工商户")
COOPERATIVE = EntityKind("cooperative", "农民专业合作社")
OTHER_ORGANISATION = EntityKind("organisation", "机关、事业单位或社会组织")


def check_character(first17: str) -> str:
    """The 18th character for the first 17 (which must already be valid symbols)."""
    total = sum(map(mul, map(VALUES.__getitem__, first17), WEIGHTS))
    return ALPHABET[(31 - total % 31) % 31]


def normalise(raw: str) -> str:
    """Trim, fold full-width characters and upper-case; no validation."""
    return typed_code(raw)


@lru_cache(maxsize=8192)
def validate(raw: str) -> str:
    """Return the normalised code, or raise InvalidUSCC naming the first problem.

    Cached: bulk files repeat the same few authority and source-unit codes on every row.
    """
    if not isinstance(raw, str):
        raise InvalidUSCC(
            code="uscc_not_text",
            message_zh=f"统一社会信用代码应以文本填写，收到的是数字{raw}（数字会丢失字母和开头的0）",
            message_en=f"a unified social credit code must be sent as text, got the number {raw} "
            "(a number loses letters and leading zeros)",
        )
    code = normalise(raw)
    if len(code) != LENGTH:
        raise InvalidUSCC(
            code="uscc_length",
            message_zh=f"统一社会信用代码应为18位，实际为{len(code)}位",
            message_en=f"a unified social credit code has 18 characters, got {len(code)}",
        )
    if not SYMBOLS.issuperset(code):
        pos, ch = next((pos, ch) for pos, ch in enumerate(code, start=1) if ch not in SYMBOLS)
        raise InvalidUSCC(
            code="uscc_character",
            message_zh=f"第{pos}位字符“{ch}”不是合法字符",
            message_en=f"bad character {ch!r} at position {pos}",
            position=pos,
        )
    if code[0] not in REGISTERING_AUTHORITIES:
        raise InvalidUSCC(
            code="uscc_character",
            message_zh=f"第1位登记管理部门代码“{code[0]}”不合法",
            message_en=f"bad character {code[0]!r} at position 1: not a registering authority code",
            position=1,
        )
    expected = check_character(code[:17])
    if code[17] != expected:
        raise InvalidUSCC(
            code="uscc_check",
            message_zh=f"校验码错误，应为“{expected}”",
            message_en=f"wrong check character {code[17]!r}, expected {expected!r}",
            position=18,
        )
    return code


def is_valid(raw: str) -> bool:
    try:
        validate(raw)
    except InvalidUSCC:
        return False
    return True


def entity_kind(code: str) -> EntityKind:
    """What kind of market entity a valid code names, from its first two characters."""
    prefix = code[:2]
    if prefix == "91":
        return ENTERPRISE
    if prefix == "92":
        return INDIVIDUAL_BUSINESS
    if prefix == "93":
        return COOPERATIVE
    return OTHER_ORGANISATION


def division(code: str) -> str:
    """The administrative division (GB/T 2260) in positions 3-8."""
    return code[2:8]


def make(prefix2: str, division_code: str, body9: str) -> str:
    """Build a valid code from its parts (used by the demo and benchmark generators)."""
    first17 = f"{prefix2}{division_code}{body9}"
    if len(first17) != 17:
        raise ValueError("prefix (2) + division (6) + body (9) must be 17 characters")
    return first17 + check_character(first17)
