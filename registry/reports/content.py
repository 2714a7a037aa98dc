"""The content of a special credit report: a pure function of entity, records, scope and issue (SPEC §6).

No Flask and no database here: services hand in plain findings, and the same functions decide what
an issued report says and what has changed since it was issued.
"""

import hashlib
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from ..domain.masking import mask_id
from ..domain.periods import add_months

CONTENT_VERSION = 1
MAX_YEARS_BACK = 5
SCOPE_KEY_LENGTH = 64  # the column that holds it
DEFAULT_YEARS_BACK = 3
NO_RECORD_ZH = "无违法违规记录"
REPAIRED_ZH = "已修复"
# Record kinds that are negative information; licences are not violations.
NEGATIVE_KINDS = {"penalty": "行政处罚"}
STATEMENT_ZH = (
    "本报告依据公共信用信息平台归集的信息出具，反映该主体在查询期间内于所列领域受到的行政处罚"
    "（含适用简易程序作出的行政处罚及不予公示的轻微违法行为处罚）情况；已撤销的信息不列入，"
    "已完成信用修复的信息依规定处理。"
)


@dataclass(frozen=True)
class Finding:
    """A record as a report sees it."""

    ref: int
    kind: str
    domain_key: str
    status: str
    decision_no: str
    decision_date: date
    authority: str
    penalty_types: tuple = ()
    violation_type: str | None = None
    penalty_content: str | None = None
    fine_amount: Decimal | None = None
    valid_until: str | None = None  # 处罚有效期 as shown: a date, or 长期


@dataclass(frozen=True)
class Scope:
    period_from: date
    period_to: date
    domains: tuple  # (key, name_zh) pairs, in the order the report lists them


def years_before(day: date, years: int) -> date:
    """The same calendar day `years` earlier (29 February falls back to the 28th)."""
    return add_months(day, -12 * years)


def earliest_start(issued_on: date) -> date:
    return years_before(issued_on, MAX_YEARS_BACK)


def scope_key(period_from: date, domain_keys: list[str] | None) -> str:
    """Identifies a scope, so that a repeat request on the same day finds the day's report: the same
    domains in any order or repeated are the same scope. At most SCOPE_KEY_LENGTH characters: a list
    of domains too long to spell out is named by its digest."""
    domains = ",".join(sorted(set(domain_keys))) if domain_keys else "*"
    key = f"{period_from.isoformat()}|{domains}"
    if len(key) > SCOPE_KEY_LENGTH:
        key = f"{period_from.isoformat()}|sha256:{hashlib.sha256(domains.encode()).hexdigest()[:40]}"
    return key


def _amount(value: Decimal | None) -> str | None:
    return None if value is None else format(value.normalize(), "f")


def _shown(finding: Finding, show_repaired: bool) -> bool:
    if finding.kind not in NEGATIVE_KINDS or finding.status == "withdrawn":
        return False
    return show_repaired or finding.status != "repaired"


def _in_period(finding: Finding, scope: Scope) -> bool:
    return scope.period_from <= finding.decision_date <= scope.period_to


def present_finding(finding: Finding) -> dict:
    item = {
        "ref": finding.ref,
        "category": NEGATIVE_KINDS[finding.kind],
        "decision_no": finding.decision_no,
        "decision_date": finding.decision_date.isoformat(),
        "authority": finding.authority,
        "penalty_types": list(finding.penalty_types),
        "violation_type": finding.violation_type,
        "content": finding.penalty_content,
        "fine_amount": _amount(finding.fine_amount),
    }
    if finding.valid_until:
        item["valid_until"] = finding.valid_until
    if finding.status == "repaired":
        item["mark"] = REPAIRED_ZH
    return item


def present_entity(entity: dict) -> dict:
    """The entity's identity with the legal representative's ID number masked (SPEC §2)."""
    return {**entity, "legal_rep_id_no": mask_id(entity.get("legal_rep_id_no"))}


def build_content(identity: dict, entity: dict, scope: Scope, findings, show_repaired: bool) -> dict:
    """The report as signed: identity, entity, scope and, per domain, the conclusion and records found."""
    by_domain: dict[str, list[Finding]] = {}
    for finding in findings:
        if _shown(finding, show_repaired) and _in_period(finding, scope):
            by_domain.setdefault(finding.domain_key, []).append(finding)
    sections = []
    for key, name_zh in scope.domains:
        found = sorted(by_domain.get(key, []), key=lambda f: (f.decision_date, f.ref), reverse=True)
        sections.append({
            "key": key,
            "name_zh": name_zh,
            "conclusion_zh": f"发现{len(found)}条记录" if found else NO_RECORD_ZH,
            "records": [present_finding(f) for f in found],
        })
    return {
        "type": "special_credit_report",
        "version": CONTENT_VERSION,
        **identity,
        "entity": present_entity(entity),
        "period": {"from": scope.period_from.isoformat(), "to": scope.period_to.isoformat()},
        "categories": sorted(set(NEGATIVE_KINDS.values())),
        "statement_zh": STATEMENT_ZH,
        "domains": sections,
        "summary": {
            "domains": len(sections),
            "domains_with_records": sum(1 for s in sections if s["records"]),
            "records": sum(len(s["records"]) for s in sections),
        },
    }


_CHANGE_ZH = {
    "withdrawn": "该记录已被撤销",
    "repaired": "该记录已完成信用修复",
    "updated": "该记录内容已更正",
    "left_scope": "该记录经更正后已不在本报告查询范围内",
    "added": "出具后新归集了查询期间内的记录",
    "new_penalty": "出具后该主体有新的行政处罚",
}


def changes_since_issue(content: dict, findings, show_repaired: bool) -> list[dict]:
    """What differs between an issued report and the entity's records now, in the report's domains."""
    issued = {r["ref"]: (section["key"], r) for section in content["domains"] for r in section["records"]}
    domains = {section["key"] for section in content["domains"]}
    period_from = date.fromisoformat(content["period"]["from"])
    period_to = date.fromisoformat(content["period"]["to"])
    changes = []
    for finding in findings:
        if finding.domain_key not in domains or finding.decision_date < period_from:
            continue  # out of the scope now: if the report listed it, `issued` keeps it for below
        _, before = issued.pop(finding.ref, (None, None))
        change = _change_of(before, finding, period_to, show_repaired)
        if change:
            changes.append(_change(change, finding.domain_key, finding.decision_no, finding.decision_date.isoformat()))
    # Listed in the report but no longer a record of this entity in its scope: a correction moved it
    # (another decision date, party or kind).
    changes += [_change("left_scope", domain, record["decision_no"], record["decision_date"])
                for domain, record in issued.values()]
    return changes


def _change(change: str, domain: str, decision_no: str, decision_date: str) -> dict:
    return {"change": change, "message_zh": _CHANGE_ZH[change], "domain": domain, "decision_no": decision_no,
            "decision_date": decision_date}


def _change_of(before: dict | None, finding: Finding, period_to: date, show_repaired: bool) -> str | None:
    if before is None:
        if not _shown(finding, show_repaired):
            return None
        return "added" if finding.decision_date <= period_to else "new_penalty"
    if finding.status == "withdrawn":
        return "withdrawn"
    if finding.status == "repaired" and "mark" not in before:
        return "repaired"
    # Compared on what the report listed: a fact later versions of a report add is no change.
    now = present_finding(finding)
    return "updated" if {key: now.get(key) for key in before} != before else None
