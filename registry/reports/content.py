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

# 2: list entries, broken commitments and honours (正面信息), the kind of each record and the
# objection mark. Reports of version 1 keep their stored content and still verify.
CONTENT_VERSION = 2
MAX_YEARS_BACK = 5
SCOPE_KEY_LENGTH = 64  # the column that holds it
DEFAULT_YEARS_BACK = 3
NO_RECORD_ZH = "无违法违规记录"
REPAIRED_ZH = "已修复"
UNDER_OBJECTION_ZH = "异议处理中"
PENALTY = "penalty"
# List entries and commitments count while in force during the period (listed by its end, not ended
# before its start); penalties count when decided in the period.
ENTRY_KINDS = ("dishonesty", "abnormal", "honour", "commitment")
# Record kinds that may be negative information (a commitment only when broken); licences are not violations.
NEGATIVE_KINDS = {PENALTY: "行政处罚", "dishonesty": "严重失信主体名单", "abnormal": "经营异常名录",
                  "commitment": "未履行信用承诺"}
# Record kinds that are positive information, listed in a section of their own (正面信息).
POSITIVE_KINDS = {"honour": "守信激励（红名单）"}
POSITIVE_TITLE_ZH = "正面信息（守信激励）"
STATEMENT_ZH = (
    "本报告依据公共信用信息平台归集的信息出具，反映该主体在查询期间内于所列领域受到的行政处罚"
    "（含适用简易程序作出的行政处罚及不予公示的轻微违法行为处罚），以及查询期间内有效的严重失信主体名单、"
    "经营异常名录列入记录和未履行的信用承诺；守信激励信息作为正面信息单独列示。已撤销的信息不列入，"
    "已完成信用修复的信息依规定处理，异议处理中的信息予以标注。"
)


@dataclass(frozen=True)
class Finding:
    """A record as a report sees it."""

    ref: int
    kind: str
    domain_key: str
    status: str
    decision_no: str
    decision_date: date  # a list entry's listing date, a commitment's date
    authority: str
    penalty_types: tuple = ()
    violation_type: str | None = None
    penalty_content: str | None = None
    fine_amount: Decimal | None = None
    valid_until: str | None = None  # 处罚有效期 as shown: a date, or 长期
    negative: bool = True  # by the rule book: penalties and negative lists always, commitments when broken
    publicity_end: date | None = None  # a list entry's or commitment's first day out of force
    entry: dict | None = None  # a list entry's or commitment's own fields (entry_fields)
    under_objection: bool = False


def entry_fields(record) -> dict:
    """The fields a report shows of a list entry or commitment, from anything with the record's columns."""
    if record.kind == "commitment":
        return {"commitment_type": record.commitment_type, "matter": record.commitment_matter,
                "content": record.commitment_content, "state": record.commitment_state,
                "valid_to": _iso(record.valid_to)}
    return {"list_name": record.list_name, "reason": record.listing_reason, "basis": record.listing_basis,
            "valid_to": _iso(record.valid_to), "removed_on": _iso(record.removed_on),
            "removal_reason": record.removal_reason}


def _iso(day: date | None) -> str | None:
    return day.isoformat() if day else None


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


def _counted(finding: Finding, show_repaired: bool) -> bool:
    """Whether a report lists this record at all, as a negative or a positive fact."""
    if finding.status == "withdrawn" or (finding.status == "repaired" and not show_repaired):
        return False
    return _is_negative(finding) or finding.kind in POSITIVE_KINDS


def _is_negative(finding: Finding) -> bool:
    return finding.kind in NEGATIVE_KINDS and finding.negative


def in_scope_from(finding: Finding, period_from: date) -> bool:
    """Not over before the period starts: a penalty decided since, an entry not ended before."""
    if finding.kind in ENTRY_KINDS:
        return finding.publicity_end is None or finding.publicity_end >= period_from
    return finding.decision_date >= period_from


def _in_period(finding: Finding, scope: Scope) -> bool:
    return in_scope_from(finding, scope.period_from) and finding.decision_date <= scope.period_to


def present_finding(finding: Finding) -> dict:
    item = {
        "ref": finding.ref,
        "kind": finding.kind,
        "category": {**NEGATIVE_KINDS, **POSITIVE_KINDS}[finding.kind],
        "decision_no": finding.decision_no,
        "decision_date": finding.decision_date.isoformat(),
        "authority": finding.authority,
    }
    if finding.kind in ENTRY_KINDS:
        item.update(finding.entry or {})
    else:
        item.update(penalty_types=list(finding.penalty_types), violation_type=finding.violation_type,
                    content=finding.penalty_content, fine_amount=_amount(finding.fine_amount))
        if finding.valid_until:
            item["valid_until"] = finding.valid_until
    if finding.status == "repaired":
        item["mark"] = REPAIRED_ZH
    if finding.under_objection:
        item["objection"] = UNDER_OBJECTION_ZH
    return item


def present_entity(entity: dict) -> dict:
    """The entity's identity with the legal representative's ID number masked (SPEC §2)."""
    return {**entity, "legal_rep_id_no": mask_id(entity.get("legal_rep_id_no"))}


def _newest_first(findings) -> list:
    return sorted(findings, key=lambda f: (f.decision_date, f.ref), reverse=True)


def build_content(identity: dict, entity: dict, scope: Scope, findings, show_repaired: bool) -> dict:
    """The report as signed: identity, entity, scope, per domain the conclusion and negative records
    found, and the positive facts (honours) of the scope's domains in a section of their own."""
    by_domain: dict[str, list[Finding]] = {}
    positive = []
    for finding in findings:
        if not (_counted(finding, show_repaired) and _in_period(finding, scope)):
            continue
        if _is_negative(finding):
            by_domain.setdefault(finding.domain_key, []).append(finding)
        else:
            positive.append(finding)
    names = dict(scope.domains)
    sections = []
    for key, name_zh in scope.domains:
        found = _newest_first(by_domain.get(key, []))
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
        "positive": {"title_zh": POSITIVE_TITLE_ZH,
                     "records": [{**present_finding(f), "domain": f.domain_key, "domain_zh": names[f.domain_key]}
                                 for f in _newest_first(positive)]},
        "summary": {
            "domains": len(sections),
            "domains_with_records": sum(1 for s in sections if s["records"]),
            "records": sum(len(s["records"]) for s in sections),
            "positive_records": len(positive),
        },
    }


_CHANGE_ZH = {
    "withdrawn": "该记录已被撤销",
    "repaired": "该记录已完成信用修复",
    "updated": "该记录内容已更正",
    "removed": "该记录已移出名单",
    "left_scope": "该记录经更正后已不在本报告查询范围内",
    "added": "出具后新归集了查询期间内的记录",
    "new_penalty": "出具后该主体有新的行政处罚",
    "new_entry": "出具后该主体有新的名单或信用承诺记录",
    "objection_filed": "出具后该记录有异议正在处理",
    "objection_resolved": "出具时处理中的异议现已办结",
}


def _issued_records(content: dict) -> dict:
    """ref -> (domain, record as issued) of every record a report lists, negative or positive."""
    issued = {r["ref"]: (section["key"], r) for section in content["domains"] for r in section["records"]}
    issued.update({r["ref"]: (r["domain"], r) for r in content.get("positive", {}).get("records", [])})
    return issued


def changes_since_issue(content: dict, findings, show_repaired: bool) -> list[dict]:
    """What differs between an issued report and the entity's records now, in the report's domains.

    A report of version 1 covered penalties only: entries it could not list are no change to it."""
    issued = _issued_records(content)
    domains = {section["key"] for section in content["domains"]}
    period_from = date.fromisoformat(content["period"]["from"])
    period_to = date.fromisoformat(content["period"]["to"])
    kinds = {PENALTY} if content.get("version", 1) < 2 else {*NEGATIVE_KINDS, *POSITIVE_KINDS}
    changes = []
    for finding in findings:
        if finding.domain_key not in domains or finding.kind not in kinds or not in_scope_from(finding, period_from):
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


# Not facts of the record itself: the objection has changes of its own, the domain is the section's.
_NOT_COMPARED = ("objection", "domain", "domain_zh")


def _change_of(before: dict | None, finding: Finding, period_to: date, show_repaired: bool) -> str | None:
    if before is None:
        if not _counted(finding, show_repaired):
            return None
        if finding.decision_date <= period_to:
            return "added"
        return "new_penalty" if finding.kind == PENALTY else "new_entry"
    if finding.status == "withdrawn":
        return "withdrawn"
    if finding.status == "repaired" and "mark" not in before:
        return "repaired"
    # Compared on what the report listed: a fact later versions of a report add is no change.
    now = present_finding(finding)
    if before.get("removed_on") is None and now.get("removed_on"):
        return "removed"
    compared = [key for key in before if key not in _NOT_COMPARED]
    if {key: now.get(key) for key in compared} != {key: before[key] for key in compared}:
        return "updated"
    if ("objection" in before) != finding.under_objection:
        return "objection_resolved" if "objection" in before else "objection_filed"
    return None
