"""Demo market entities: unique valid USCCs, registered names, legal representatives, legacy codes."""

from __future__ import annotations

from random import Random

from ..domain import uscc as uscc_rules
from .common import CITY, pick, weighted_table
from .names import (
    DISTRICT_INDUSTRY_BOOST,
    DISTRICT_WEIGHTS,
    ENTERPRISE_INDUSTRY_WEIGHTS,
    ENTERPRISE_PLACES,
    SHOP_INDUSTRY_WEIGHTS,
    SHOP_PLACES,
    TRADE_SECOND,
    name_parts,
    trade_name,
)
from .people import person

ALPHABET = uscc_rules.ALPHABET
_ORG_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)
_PREFIX_TABLE = weighted_table((("91", 80), ("92", 15), ("93", 5)))
_CATEGORY_OF_PREFIX = {"91": "enterprise", "92": "individual_business", "93": "cooperative"}


def _org_code(r) -> str:
    """A pre-2015 organisation code (GB 11714): 8 digits and a check character."""
    first8 = f"{int(r() * 90_000_000) + 10_000_000:08d}"
    c = 11 - sum(int(ch) * w for ch, w in zip(first8, _ORG_WEIGHTS, strict=True)) % 11
    return first8 + ("X" if c == 10 else "0" if c == 11 else str(c))


def _business_reg_no(r, district: str) -> str:
    """A 15-digit business registration number with its ISO 7064 MOD 11,10 check digit."""
    first14 = f"{district}{int(r() * 100_000_000):08d}"
    p = 10
    for ch in first14:
        s = (p + int(ch)) % 10 or 10
        p = s * 2 % 11
    return first14 + str((11 - p) % 10)


def _ma_body(r) -> str:
    """Body of a post-2015 code: "MA" and seven characters of the code alphabet."""
    chars = [ALPHABET[int(r() * 31)] for _ in range(7)]
    return "MA" + "".join(chars)


def _former_name(r, parts: list[str], category: str, district: str) -> str:
    """The name before one change: of legal form, of place or of trade name."""
    old = list(parts)
    slot = int(r() * 3)
    if slot == 0 and category == "enterprise":
        old[3] = "有限责任公司" if parts[3] != "有限责任公司" else "有限公司"
    elif slot == 1:
        places = SHOP_PLACES[district] if category != "enterprise" else ENTERPRISE_PLACES[district]
        old[0] = places[int(r() * len(places))]
    else:
        old[1] = trade_name(r)
    return "".join(old)


def generate_entities(n: int, seed: int = 0) -> list[dict]:
    """`n` market entities with unique valid USCCs and unique registered names.

    Keys: uscc, name, party_category ("legal_person" or "individual_business"), legal_rep,
    legal_rep_id_type, legal_rep_id_no, district, industry, former_names (list, usually empty),
    business_reg_no, org_code, tax_reg_no (legacy identifiers of pre-2015 entities, else "").
    """
    rng = Random(seed)
    r = rng.random
    district_table = weighted_table(DISTRICT_WEIGHTS.items())
    shop_table = weighted_table(SHOP_INDUSTRY_WEIGHTS.items())
    firm_tables = {}
    for district in DISTRICT_WEIGHTS:
        boost = DISTRICT_INDUSTRY_BOOST.get(district, ())
        firm_tables[district] = weighted_table(
            (k, w * 5 if k in boost else w) for k, w in ENTERPRISE_INDUSTRY_WEIGHTS.items()
        )
    names: set[str] = set()
    codes: set[str] = set()
    out = []
    while len(out) < n:
        district = pick(r, district_table)
        prefix = pick(r, _PREFIX_TABLE)
        category = _CATEGORY_OF_PREFIX[prefix]
        if category == "enterprise":
            industry = pick(r, firm_tables[district])
        elif category == "individual_business":
            industry = pick(r, shop_table)
        else:
            industry = "cooperative"
        parts = name_parts(r, category, industry, district)
        name = "".join(parts)
        if name in names:
            parts[1] = trade_name(r) + TRADE_SECOND[int(r() * len(TRADE_SECOND))]
            name = "".join(parts)
            if name in names:
                continue
        names.add(name)
        legacy = prefix != "92" and r() < 0.28
        org = _org_code(r) if legacy else ""
        code = uscc_rules.make(prefix, district, org if legacy else _ma_body(r))
        while code in codes:
            code = uscc_rules.make(prefix, district, _ma_body(r))
        codes.add(code)
        region = district if district not in (CITY, "150571") else "150502"
        rep, rep_id = person(r, region)
        former = []
        if r() < 0.05:
            old_name = _former_name(r, parts, category, district)
            if old_name != name and old_name not in names:
                names.add(old_name)
                former.append(old_name)
        out.append(
            {
                "uscc": code,
                "name": name,
                "party_category": "individual_business" if prefix == "92" else "legal_person",
                "legal_rep": rep,
                "legal_rep_id_type": "身份证",
                "legal_rep_id_no": rep_id,
                "district": district,
                "industry": industry,
                "former_names": former,
                "business_reg_no": _business_reg_no(r, district) if legacy else "",
                "org_code": f"{org[:8]}-{org[8]}" if legacy else "",
                "tax_reg_no": district + org if legacy else "",
            }
        )
    return out
