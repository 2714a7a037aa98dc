"""Demo list entries and credit commitments: the rest of the negative (and positive) record of the demo city.

Proportions follow what city platforms publish: a few in a hundred enterprises sit on the
abnormal-operations list (most for a missing annual report, a third of them removed after filing
it), a few in a thousand on a serious-dishonesty list, about one in seventy holds an honour, and one
in sixteen has made a public credit commitment, of which a few are broken. Deterministic per seed.
"""

from collections.abc import Iterator
from datetime import date, timedelta
from random import Random

from ..records import layout

ABNORMAL_SHARE, DISHONESTY_SHARE, HONOUR_SHARE, COMMITMENT_SHARE = 0.04, 0.004, 0.015, 0.06
SPAN_DAYS = 4 * 365
ABNORMAL_CAUSES = (  # (reason, basis, weight, how it ends when removed)
    ("未按照《企业信息公示暂行条例》第八条规定的期限公示年度报告", "《企业信息公示暂行条例》第十七条第一款", 70,
     "已补报并公示年度报告"),
    ("通过登记的住所或者经营场所无法联系", "《市场监督管理严重违法失信名单管理办法》第十三条", 20, "已依法办理住所变更登记"),
    ("公示企业信息隐瞒真实情况、弄虚作假", "《企业信息公示暂行条例》第十七条第一款", 7, "已更正公示信息"),
    ("未在市场监督管理部门依照条例责令的期限内公示有关企业信息", "《企业信息公示暂行条例》第十七条第一款", 3, "已按要求公示"),
)
DISHONESTY_LISTS = {  # domain: (list name, reason, basis)
    "tax": ("重大税收违法失信主体名单", "虚开增值税专用发票，偷税数额在100万元以上", "《重大税收违法失信主体信息公布管理办法》第六条"),
    "human_resources": ("拖欠农民工工资失信联合惩戒对象名单", "拖欠农民工工资数额较大，经责令限期支付逾期未支付",
                        "《拖欠农民工工资失信联合惩戒对象名单管理暂行办法》第五条"),
    "emergency_management": ("安全生产严重失信主体名单", "发生较大生产安全事故并负有责任",
                             "《安全生产严重失信主体名单管理办法》第七条"),
    "market_supervision": ("市场监督管理严重违法失信名单", "提交虚假材料取得登记，情节严重",
                           "《市场监督管理严重违法失信名单管理办法》第九条"),
}
HONOURS = {"tax": "纳税信用A级纳税人", "market_supervision": "守合同重信用企业", "human_resources": "劳动保障守法诚信企业",
           "housing_construction": "诚信建筑业企业"}
COMMITMENT_MATTERS = {  # domain: (type, matter)
    "market_supervision": ("容缺受理型", "食品经营许可（容缺受理）"),
    "housing_construction": ("审批替代型", "建筑业企业资质证书延续"),
    "transport": ("审批替代型", "道路货物运输经营许可"),
    "ecology_environment": ("信用修复型", "环境违法行为信用修复"),
    "tax": ("主动型", "依法诚信纳税承诺"),
}
COMMITMENT_STATES = (("履约中", 50), (layout.COMMITMENT_KEPT, 44), (layout.COMMITMENT_BROKEN, 6))


def generate_list_entries(entities: list[dict], departments: list[dict], seed: int, today: date) -> Iterator[dict]:
    """Yield list entries and commitments (rows in the layout) about the legal persons of `entities`."""
    rng = Random(seed ^ 0x5A17)
    by_domain = {}
    for department in departments:  # the city-level department of each domain, else the first one
        if department["domain"] not in by_domain or department["district"].endswith("00"):
            by_domain[department["domain"]] = department
    parties = [e for e in entities if e["party_category"] != "natural_person"]
    for number, entity in enumerate(parties):
        listed = today - timedelta(days=rng.randint(15, SPAN_DAYS))
        draw = rng.random()
        if draw < ABNORMAL_SHARE and "market_supervision" in by_domain:
            yield _abnormal(rng, entity, by_domain["market_supervision"], listed, today, number)
        elif draw < ABNORMAL_SHARE + DISHONESTY_SHARE:
            domain = rng.choice([d for d in DISHONESTY_LISTS if d in by_domain])
            yield _dishonesty(rng, entity, by_domain[domain], domain, listed, today, number)
        elif draw < ABNORMAL_SHARE + DISHONESTY_SHARE + HONOUR_SHARE:
            domain = rng.choice([d for d in HONOURS if d in by_domain])
            yield _row(entity, by_domain[domain], layout.HONOUR, listed, f"守信〔{listed.year}〕{number}号",
                       list_name=HONOURS[domain], valid_to=(listed + timedelta(days=730)).isoformat())
        elif draw < ABNORMAL_SHARE + DISHONESTY_SHARE + HONOUR_SHARE + COMMITMENT_SHARE:
            domain = rng.choice([d for d in COMMITMENT_MATTERS if d in by_domain])
            kind, matter = COMMITMENT_MATTERS[domain]
            state = rng.choices([s for s, _ in COMMITMENT_STATES], [w for _, w in COMMITMENT_STATES])[0]
            yield _row(entity, by_domain[domain], layout.COMMITMENT, listed, f"XYCN{listed.year}{number:06d}",
                       commitment_type=kind, commitment_matter=matter, commitment_state=state,
                       commitment_content=f"本单位承诺所提交的{matter}申请材料真实有效，并在承诺期限内补齐全部材料、"
                                          "履行相关义务；如违反承诺，自愿接受相应处理并记入信用记录。")


def _abnormal(rng: Random, entity: dict, department: dict, listed: date, today: date, number: int) -> dict:
    reason, basis, _, fix = rng.choices(ABNORMAL_CAUSES, [c[2] for c in ABNORMAL_CAUSES])[0]
    removal = _removal(rng, listed, today, 0.35, fix)
    return _row(entity, department, layout.ABNORMAL, listed, f"{department.get('abbr', '')}异〔{listed.year}〕{number}号",
                listing_reason=reason, listing_basis=basis, **removal)


def _dishonesty(rng: Random, entity: dict, department: dict, domain: str, listed: date, today: date,
                number: int) -> dict:
    name, reason, basis = DISHONESTY_LISTS[domain]
    removal = _removal(rng, listed + timedelta(days=366), today, 0.1, "信用修复，提前移出")
    return _row(entity, department, layout.DISHONESTY, listed,
                f"{department.get('abbr', '')}失信〔{listed.year}〕{number}号",
                list_name=name, listing_reason=reason, listing_basis=basis, **removal)


def _removal(rng: Random, earliest: date, today: date, share: float, reason: str) -> dict:
    if earliest >= today or rng.random() >= share:
        return {}
    return {"removed_on": (earliest + timedelta(days=rng.randint(0, (today - earliest).days))).isoformat(),
            "removal_reason": reason}


def _row(entity: dict, department: dict, kind: str, listed: date, decision_no: str, **fields) -> dict:
    return {"kind": kind, "party_name": entity["name"], "party_category": entity["party_category"],
            "uscc": entity["uscc"], "decision_no": decision_no, "decision_date": listed.isoformat(),
            "authority": department["name"], "authority_uscc": department["uscc"], "source_unit": department["name"],
            "source_unit_uscc": department["uscc"], **fields}
