"""What demo departments punish and license: the violations and licences of data/*.json."""

from __future__ import annotations

from ..domain.penalty_types import PENALTY_TYPES as STATUTORY_PENALTY_TYPES
from .common import expand_weights, read_data
from .names import INDUSTRIES, TOWNS

PENALTY_TYPE_SEPARATOR = ";"
# Penalty types of the Administrative Penalty Law art. 9, lightest first (SPEC §3).
PENALTY_TYPES = STATUTORY_PENALTY_TYPES
_TYPE_RANK = {t: i for i, t in enumerate(PENALTY_TYPES)}

# Parties a violation or licence can concern are named by industry; natural persons by PERSON.
PERSON = "person"
BUSINESS = frozenset(INDUSTRIES) | {"cooperative"}

_SHARED = read_data("catalogue")
_LAWS: dict[str, str] = _SHARED["laws"]
_GROUPS = {name: frozenset(members) for name, members in _SHARED["industry_groups"].items()}
_GROUPS["business"] = BUSINESS
_LISTS = {name: tuple(items) for name, items in _SHARED["detail_lists"].items()}
_LISTS["towns"] = tuple(t for towns in TOWNS.values() for t in towns)
_FINE_STEPS: list[int] = _SHARED["fine_steps"]
_CLOSINGS: list[str] = _SHARED["closings"]


def _tuple(value) -> tuple:
    return (value,) if isinstance(value, str) else tuple(value)


def _fine_ladder(lo: int, hi: int) -> tuple[int, ...]:
    ladder = tuple(v for v in _FINE_STEPS if lo <= v <= hi)
    return ladder or (lo,)


class Violation:
    """One kind of violation a department punishes, with what its decisions look like."""

    __slots__ = (
        "domains",
        "industries",
        "weight",
        "vtype",
        "basis",
        "options",
        "fines",
        "fine_factor",
        "facts",
        "details",
        "goods",
        "gain",
        "value",
        "qty",
        "cert",
        "other",
        "ban",
    )

    def __init__(
        self,
        domains,
        industries,
        weight,
        violation_type,
        legal_basis,
        penalty_options,
        fines,
        facts,
        details=("",),
        goods="涉案物品",
        gain=None,
        value=(100, 20000),
        qty=(1, 6),
        certificate_name="许可证",
        other="",
        fine_factor=None,
        ban="法定代表人五年内不得从事相关生产经营管理工作",
    ):
        self.domains = _tuple(domains)
        self.industries = frozenset(industries)
        self.weight = weight
        self.vtype = violation_type
        self.basis = _tuple(legal_basis)
        if gain is None and any("没收违法所得" in option for option in penalty_options):
            gain = (200, 5000)
        parsed = []
        for option in penalty_options:
            types = set(option.split("+"))
            if gain:
                types.add("没收违法所得")
            ordered = tuple(sorted(types, key=_TYPE_RANK.__getitem__))
            parsed.append((ordered, PENALTY_TYPE_SEPARATOR.join(ordered)))
        self.options = tuple(parsed)
        self.fines = _fine_ladder(*fines) if fines else (0,)
        self.fine_factor = fine_factor
        # Most decisions close with how the facts were established; each facts text comes with and
        # without such a closing, so the choice costs nothing per row.
        self.facts = tuple(f + c for f in _tuple(facts) for c in (_CLOSINGS if "证据" not in f else ("",)))
        self.details, self.goods, self.gain = tuple(details), goods, gain
        self.value, self.qty, self.cert, self.other, self.ban = value, qty, certificate_name, other, ban


class Licence:
    """One kind of licence a department grants."""

    __slots__ = (
        "domains",
        "industries",
        "weight",
        "title",
        "category",
        "cert",
        "number",
        "years",
        "contents",
        "suffix",
        "details",
        "qty",
        "value",
    )

    def __init__(
        self,
        domains,
        industries,
        weight,
        decision_title,
        licence_category,
        certificate_name,
        licence_no_format,
        valid_years,
        contents,
        decision_no_word="许",
        details=("",),
        qty=(1, 6),
        value=(100, 20000),
    ):
        self.domains = _tuple(domains)
        self.industries = frozenset(industries)
        self.weight, self.title, self.category = weight, decision_title, licence_category
        self.cert, self.number, self.years = certificate_name, licence_no_format, valid_years
        self.suffix = decision_no_word
        self.contents = _tuple(contents)
        self.details, self.qty, self.value = tuple(details), qty, value


def _industries(tokens: list[str]) -> frozenset:
    """["@group", "industry", "-industry", ...] of the data files → the set of industries."""
    members = set()
    for token in tokens:
        if token.startswith("@"):
            members |= _GROUPS[token[1:]]
        elif not token.startswith("-"):
            members.add(token)
    return frozenset(members - {token[1:] for token in tokens if token.startswith("-")})


def _common(entry: dict) -> dict:
    """Resolve the references of the data files: industry groups and shared detail lists."""
    entry = dict(entry, industries=_industries(entry["industries"]))
    details = entry.get("details")
    if isinstance(details, str):  # "@name"
        entry["details"] = _LISTS[details[1:]]
    return entry


def _violation(entry: dict) -> Violation:
    entry = _common(entry)
    entry["legal_basis"] = [basis.format_map(_LAWS) for basis in _tuple(entry["legal_basis"])]
    entry["penalty_options"] = expand_weights(entry["penalty_options"])
    return Violation(**entry)


VIOLATIONS = tuple(_violation(entry) for entry in read_data("violations")["violations"])
LICENCES = tuple(Licence(**_common(entry)) for entry in read_data("licences")["licences"])


def fallback_violation(domain: str, domain_name: str) -> Violation:
    """A plain violation for a domain the catalogue does not describe (departments added later)."""
    return Violation(
        domain,
        BUSINESS,
        1,
        f"违反{domain_name}管理规定",
        "《中华人民共和国行政处罚法》第二十八条第一款",
        ("警告", "罚款", "警告+罚款"),
        (1000, 10000),
        f"经查，当事人{{n}}存在违反{domain_name}领域法律法规规定的行为，经调查核实，事实清楚，证据确凿，"
        f"当事人对违法事实无异议。",
    )
