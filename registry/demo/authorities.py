"""Which demo departments act on which parties, how often, and how they number their decisions."""

from __future__ import annotations

from .catalogue import LICENCES, VIOLATIONS, fallback_violation
from .common import CITY, load_departments, load_districts, weighted_table

# How often each domain acts, by kind (unlisted domains: 1). Tax and market supervision dominate
# real dual-publicity data; licences are mostly market supervision.
PENALTY_DOMAIN_WEIGHTS = {
    "market_supervision": 30,
    "tax": 24,
    "ecology_environment": 6,
    "emergency_management": 6,
    "fire": 6,
    "human_resources": 3,
    "housing_construction": 4,
    "transport": 6,
    "natural_resources": 3,
    "health": 4,
    "medical_insurance": 3,
    "culture_tourism": 2,
    "agriculture": 3,
    "water": 2,
    "statistics": 2,
    "urban_management": 5,
    "forestry_grassland": 3,
    "public_security": 3,
    "commerce": 1,
    "drug_regulation": 2,
}
LICENCE_DOMAIN_WEIGHTS = {
    "market_supervision": 40,
    "ecology_environment": 6,
    "emergency_management": 3,
    "fire": 3,
    "housing_construction": 6,
    "transport": 6,
    "health": 5,
    "culture_tourism": 3,
    "agriculture": 4,
    "water": 2,
    "forestry_grassland": 2,
    "urban_management": 2,
    "public_security": 2,
    "drug_regulation": 2,
    "tax": 2,
    "human_resources": 1,
    "natural_resources": 2,
}
_LOCAL_SHARE = 0.8  # where a county department exists, it makes most of the decisions about its entities

# The word of penalty decision numbers by domain, as in 通市监处罚〔2025〕12号 (other domains: 罚).
PENALTY_SUFFIX = {
    "market_supervision": "处罚",
    "tax": "稽罚",
    "fire": "行罚决字",
    "public_security": "（治）行罚决字",
    "human_resources": "劳监罚字",
}


class Department:
    """A source department with the violations and licences it deals with, by party industry."""

    __slots__ = ("name", "uscc", "district", "abbr", "domain", "penalties", "licences")

    def __init__(self, raw: dict, districts: dict, shipped_abbr: dict):
        self.name = raw["name"]
        self.uscc = raw["uscc"]
        self.district = raw["district"]
        self.domain = raw["domain"]
        abbr = raw.get("abbr") or shipped_abbr.get(self.uscc)
        if not abbr:  # departments added later: district initial + first characters of the name
            place = districts.get(self.district, "通辽市")
            abbr = place[0] + self.name.replace(place, "")[:2]
        self.abbr = abbr
        # industry → catalogue items, each repeated by its weight
        self.penalties: dict[str, list] = {}
        self.licences: dict[str, list] = {}


def prepare_departments(departments: list[dict], domains: dict) -> list[Department]:
    """Attach to each department the violations and licences it deals with, by industry."""
    districts = load_districts()
    shipped_abbr = {d["uscc"]: d["abbr"] for d in load_departments()}
    prepared = []
    for raw in departments:
        dept = Department(raw, districts, shipped_abbr)
        violations = [v for v in VIOLATIONS if dept.domain in v.domains]
        if not violations:
            name = domains.get(dept.domain, {}).get("name", dept.domain)
            violations = [fallback_violation(dept.domain, name)]
        licences = [lic for lic in LICENCES if dept.domain in lic.domains]
        for table, items in ((dept.penalties, violations), (dept.licences, licences)):
            for item in items:
                for industry in sorted(item.industries):
                    table.setdefault(industry, []).extend([item] * item.weight)
        prepared.append(dept)
    return prepared


def department_tables(depts: list[Department], district_codes, industries, table_attr: str, weights: dict):
    """(industry, district) → weighted table of the departments that can act on such a party."""
    tables = {}
    for industry in industries:
        for district in district_codes:
            by_domain: dict[str, list[Department]] = {}
            for dept in depts:
                if industry in getattr(dept, table_attr) and dept.district in (CITY, district):
                    by_domain.setdefault(dept.domain, []).append(dept)
            pairs = []
            for domain, candidates in by_domain.items():
                weight = weights.get(domain, 1)
                local = [d for d in candidates if d.district == district and district != CITY]
                city = [d for d in candidates if d not in local]
                if local and city:
                    pairs += [(d, weight * _LOCAL_SHARE / len(local)) for d in local]
                    pairs += [(d, weight * (1 - _LOCAL_SHARE) / len(city)) for d in city]
                else:
                    pairs += [(d, weight / len(candidates)) for d in candidates]
            if pairs:
                tables[industry, district] = weighted_table(pairs)
    return tables
