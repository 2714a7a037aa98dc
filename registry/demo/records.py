"""Demo credit records: administrative penalties and licences in the national layout (SPEC §3)."""

from __future__ import annotations

from bisect import bisect
from collections.abc import Iterator
from datetime import date
from random import Random

from ..domain import uscc as uscc_rules
from ..records.layout import LICENCE, PENALTY
from .authorities import (
    LICENCE_DOMAIN_WEIGHTS,
    PENALTY_DOMAIN_WEIGHTS,
    PENALTY_SUFFIX,
    department_tables,
    prepare_departments,
)
from .catalogue import PERSON
from .common import CITY, calendar, load_domains, pick
from .people import person

NATURAL_PERSON_SHARE = 0.02  # of penalties
LICENCE_SHARE = 0.25
SPAN_YEARS = 4  # decision dates fall in the last four years before `today`
_PLATE_CHARS = "ABCDEFGHJKLMNPQRSTUVWXYZ0123456789"


def _party_fields(party, name: str) -> dict:
    """The party columns of a record about `party` (an entity tuple), under the name it had then."""
    return {
        "party_name": name,
        "party_category": party[1],
        "uscc": party[2],
        "business_reg_no": party[3],
        "org_code": party[4],
        "tax_reg_no": party[5],
        "institution_cert_no": "",
        "social_org_reg_no": "",
        "legal_rep": party[6],
        "legal_rep_id_type": party[7],
        "legal_rep_id_no": party[8],
    }


def _yuan(cents: int) -> str:
    """Cents as a yuan figure the way decisions write it: 356, 356.4, 356.45."""
    if cents % 100 == 0:
        return str(cents // 100)
    return f"{cents // 100}.{cents % 100:02d}".rstrip("0")


def _wan(cents: int) -> str:
    """Cents as 万元 with up to six decimals and no trailing zeros: "0.5", "2.35", "0.035645"."""
    whole, frac = divmod(cents, 1_000_000)
    return f"{whole}.{frac:06d}".rstrip("0").rstrip(".")


def generate_records(
    entities: list[dict], departments: list[dict], n: int, seed: int, today: date, *, kind: str | None = None
) -> Iterator[dict]:
    """Yield `n` credit records (about 75 % penalties, 25 % licences) about `entities`.

    `entities` are dicts as made by `generate_entities`; `departments` are dicts as in
    departments.json (uscc, name, domain, district, optionally abbr for decision numbers; a domain
    the catalogue does not know gets plain generic violations).

    Every record has the key `kind` ("penalty" or "licence") and every field of the layout for its
    kind (`KIND_FIELDS`), optional ones as "" when empty; dates are ISO strings, amounts are 万元
    strings. Decision dates fall in the four years up to `today`, recent years more often. About 2 %
    of penalties concern natural persons. The natural key (source unit USCC, decision number, party
    USCC or ID number) is unique because decision numbers are unique per department.

    `kind` ("penalty" or "licence") asks for records of that kind only; without it the output for a
    seed is always the same.
    """
    if kind not in (None, PENALTY, LICENCE):
        raise ValueError(f"unknown record kind {kind!r}")
    if not entities:
        raise ValueError("generate_records needs at least one entity")
    if not departments:
        raise ValueError("generate_records needs at least one department")
    rng = Random(seed)
    r = rng.random
    domains = load_domains()["domains"]
    depts = prepare_departments(departments, domains)
    # Entities from elsewhere may lack the generator's own keys: fall back to the code's division
    # and to plain trading.
    entity_districts = [e.get("district") or uscc_rules.division(e["uscc"]) for e in entities]
    entity_industries = [e.get("industry") or "trade" for e in entities]
    district_codes = sorted(set(entity_districts) | {d.district for d in depts} | {CITY})
    industries = sorted(set(entity_industries) | {PERSON})
    penalty_tables = department_tables(depts, district_codes, industries, "penalties", PENALTY_DOMAIN_WEIGHTS)
    licence_tables = department_tables(depts, district_codes, industries, "licences", LICENCE_DOMAIN_WEIGHTS)
    person_districts = [d for d in district_codes if (PERSON, d) in penalty_tables]

    span, iso, years, cn_dates, cn_months, valid_to = calendar(today, SPAN_YEARS)
    today_iso = today.isoformat()
    plates = ["蒙G" + "".join(_PLATE_CHARS[int(r() * len(_PLATE_CHARS))] for _ in range(5)) for _ in range(997)]
    wan_of_fine = {}

    # Parties: skewed weights, so most entities have a few records and some have dozens.
    parties, cum, total = [], [], 0.0
    for e, district, industry in zip(entities, entity_districts, entity_industries, strict=True):
        former = e.get("former_names") or []
        cutoff = int(span * (0.2 + 0.6 * r())) if former else span + 1
        parties.append(
            (
                e["name"],
                e["party_category"],
                e["uscc"],
                e.get("business_reg_no", ""),
                e.get("org_code", ""),
                e.get("tax_reg_no", ""),
                e.get("legal_rep", ""),
                e.get("legal_rep_id_type", "身份证"),
                e.get("legal_rep_id_no", ""),
                district,
                industry,
                former[0] if former else "",
                cutoff,
            )
        )
        total += min(rng.paretovariate(1.2), 60.0)
        cum.append(total)
    if not any((p[10], p[9]) in penalty_tables for p in parties):
        raise ValueError("none of the departments can act on these entities")
    # r() < 1.0 always holds and r() < 0.0 never does: one kind only, the same random calls.
    licence_share = {None: LICENCE_SHARE, PENALTY: 0.0, LICENCE: 1.0}[kind]
    if kind == LICENCE and not any((p[10], p[9]) in licence_tables for p in parties):
        raise ValueError("none of the departments grants licences to these entities")

    counters: dict[tuple, int] = {}
    for _ in range(n):
        licence = r() < licence_share
        if not licence and person_districts and r() < NATURAL_PERSON_SHARE:
            district = person_districts[int(r() * len(person_districts))]
            region = district if district not in (CITY, "150571") else "150502"
            name, id_no = person(r, region)
            party = (name, "natural_person", "", "", "", "", "", "", "", district, PERSON, "", span + 1)
        else:
            while True:
                party = parties[bisect(cum, r() * total)]
                key = (party[10], party[9])
                if licence and key not in licence_tables:
                    if kind == LICENCE:
                        continue
                    licence = False
                if key in penalty_tables or (licence and key in licence_tables):
                    break
            id_no = ""
        dept = pick(r, (licence_tables if licence else penalty_tables)[party[10], party[9]])
        pool = (dept.licences if licence else dept.penalties)[party[10]]
        item = pool[int(r() * len(pool))]
        u = r()
        off = int(span * (r() if u < 0.5 else min(r(), r())))
        year = years[off]
        ckey = (dept.uscc, licence, year)
        seq = counters.get(ckey, 0) + 1
        counters[ckey] = seq
        name = party[11] if off > party[12] else party[0]
        x = item.details[int(r() * len(item.details))]
        qlo, qhi = item.qty
        q = qlo + int(r() * (qhi - qlo + 1))
        vlo, vhi = item.value
        v = vlo + int(r() * (vhi - vlo))
        if licence:
            content = item.contents[int(r() * len(item.contents))]
            if "{" in content:
                content = content.format(n=name, x=x, q=q, v=v)
            number = (
                item.number.format(d=party[9], y=year, s=seq, c=seq % 10, u=party[2], a=dept.abbr, x=x)
                if item.number
                else ""
            )
            ends = valid_to[item.years][off]
            yield {
                "kind": LICENCE,
                **_party_fields(party, name),
                "id_type": "",
                "id_no": "",
                "decision_title": item.title,
                "decision_no": f"{dept.abbr}{item.suffix}〔{year}〕{seq}号",
                "license_category": item.category,
                "certificate_name": item.cert,
                "license_no": number,
                "content": content,
                "decision_date": iso[off],
                "valid_from": iso[off],
                "valid_to": ends,
                "status": ("有效" if r() > 0.02 else "已注销") if ends >= today_iso else "已过期",
                "authority": dept.name,
                "authority_uscc": dept.uscc,
                "source_unit": dept.name,
                "source_unit_uscc": dept.uscc,
                "remarks": "",
            }
            continue
        types, types_text = item.options[int(r() * len(item.options))]
        if item.fine_factor:
            fine = max(50, int(v * item.fine_factor) // 10 * 10)
        else:
            fines = item.fines
            fine = fines[int(r() * r() * len(fines))]  # discretion leans to the lower end
        gain_cents = 0
        if item.gain:
            glo, ghi = item.gain
            gain_cents = glo * 100 + int(r() * (ghi - glo) * 100)
            if gain_cents % 7:  # most gains are whole yuan
                gain_cents -= gain_cents % 100
        g = _yuan(gain_cents)
        before = off + 10 + int(r() * 100)
        facts = item.facts[int(r() * len(item.facts))].format(
            n=name, m=cn_dates[before], k=cn_months[before + 20], x=x, q=q, v=v, g=g, p=plates[int(r() * 997)]
        )
        parts = []
        fine_text = conf_text = affected = ""
        confiscated = 0
        for t in types:
            if t == "罚款":
                parts.append(f"罚款人民币{fine}元")
                fine_text = wan_of_fine.get(fine)
                if fine_text is None:
                    fine_text = wan_of_fine[fine] = _wan(fine * 100)
            elif t == "没收违法所得":
                parts.append(f"没收违法所得{g}元")
                confiscated += gain_cents
            elif t == "没收非法财物":
                parts.append(f"没收{item.goods}")
                confiscated += v * 100
            elif t == "其他":
                parts.append(item.other)
            elif t in ("暂扣许可证件", "吊销许可证件"):
                parts.append(f"{'暂扣' if t == '暂扣许可证件' else '吊销'}《{item.cert}》")
                affected = f"《{item.cert}》"
            elif t == "责令停产停业":
                parts.append(f"责令停产停业{1 + int(r() * 3)}个月")
            elif t == "限制开展生产经营活动":
                parts.append(f"限制开展生产经营活动{1 + int(r() * 6)}个月")
            elif t == "行政拘留":
                parts.append(f"行政拘留{5 + int(r() * 6)}日")
            elif t == "限制从业":
                parts.append(item.ban)
            elif t == "降低资质等级":
                parts.append(f"降低{item.cert}资质等级一级")
                affected = f"《{item.cert}》"
            else:
                parts.append(t)
        if confiscated:
            conf_text = _wan(confiscated)
        if len(parts) > 1 and r() < 0.5:
            content = "；".join(f"{i}.{p}" for i, p in enumerate(parts, 1)) + "。"
        else:
            content = "，".join(parts) + "。"
        basis = item.basis[0] if len(item.basis) == 1 else item.basis[int(r() * len(item.basis))]
        yield {
            "kind": PENALTY,
            **_party_fields(party, name),
            "id_type": "身份证" if id_no else "",
            "id_no": id_no,
            "decision_no": f"{dept.abbr}{PENALTY_SUFFIX.get(dept.domain, '罚')}〔{year}〕{seq}号",
            "violation_type": item.vtype,
            "facts": facts,
            "legal_basis": basis,
            "penalty_types": types_text,
            "penalty_content": content,
            "fine_amount": fine_text,
            "confiscated_amount": conf_text,
            "license_affected": affected,
            "penalty_valid_until": "",
            "publicity_until": "",
            "severity": "",
            "decision_date": iso[off],
            "authority": dept.name,
            "authority_uscc": dept.uscc,
            "source_unit": dept.name,
            "source_unit_uscc": dept.uscc,
            "remarks": "",
        }
