"""A small realistic corpus for the search engine tests (one company, similar names, records) and helpers."""

from datetime import date
from itertools import count

from registry.domain import uscc as uscc_rules
from search.documents import OPEN_END, entity_document, record_document
from search.engine import SearchQuery

_serial = count(1)

TARGET_NAME = "通辽市鑫源商贸有限公司"
FORMER_NAME = "科尔沁区瑞祥农牧业专业合作社"
SIMILAR_NAMES = (
    "通辽市鑫源商贸有限责任公司",
    "通辽市鑫源商贸有限公司分公司",
    "鑫源商贸(通辽)有限公司",
    "开鲁县鑫源建材有限公司",
    "内蒙古鑫源商贸集团有限公司",
)
PAGED_NAME = "奈曼旗华丰物流有限公司"
PAGED_COUNT = 30


def new_uscc(division: str = "150502", body: str | None = None) -> str:
    return uscc_rules.make("91", division, body or f"MA{next(_serial):07d}")


TARGET_USCC = new_uscc("150521", "TLXY00001")  # "91150521TLXY" starts no other code


def entity(name: str, uscc: str | None = None, district: str = "150502", version: int = 1, **extra) -> dict:
    return entity_document(
        {
            "uscc": uscc or new_uscc(),
            "name": name,
            "former_names": extra.get("former", []),
            "party_category": "法人及非法人组织",
            "district_code": district,
            "record_counts": extra.get("counts", {}),
            "list_until": extra.get("lists"),
            "version": version,
        }
    )


def record(record_id: int, name: str, uscc: str, **fields) -> dict:
    base = {
        "id": record_id,
        "kind": "penalty",
        "uscc": uscc,
        "party_name": name,
        "domain_key": "market_supervision",
        "department_id": 1,
        "department_name": "通辽市市场监督管理局",
        "district": "150500",
        "severity": "general",
        "decision_date": date(2024, 3, 5),
        "decision_no": f"通市监罚〔2024〕{record_id}号",
        "violation_type": "销售过期食品",
        "facts": "该公司销售超过保质期的食品",
        "penalty_content": "罚款5000元",
        "content": None,
        "version": 1,
    }
    return record_document({**base, **fields})


TARGET = entity(TARGET_NAME, TARGET_USCC, "150521", former=[FORMER_NAME], counts={"market_supervision": 2, "tax": 1})
SIMILAR = [entity(name, district="150523" if name.startswith("开鲁") else "150502") for name in SIMILAR_NAMES]
PAGED = [entity(f"{PAGED_NAME}{n}", district="150525") for n in range(PAGED_COUNT)]
R1 = record(1, TARGET_NAME, TARGET_USCC)
R2 = record(
    2,
    TARGET_NAME,
    TARGET_USCC,
    severity="serious",
    decision_date=date(2025, 7, 1),
    violation_type="生产销售不符合安全标准的食品",
    facts="抽检不合格",
)
R3 = record(
    3,
    TARGET_NAME,
    TARGET_USCC,
    domain_key="tax",
    department_id=2,
    department_name="国家税务总局通辽市税务局",
    district="150521",
    severity="minor",
    decision_date=date(2023, 6, 1),
    violation_type="未按期申报",
    facts="逾期申报增值税",
    penalty_content="警告",
)
R4 = record(
    4,
    "开鲁县鑫源建材有限公司",
    SIMILAR[3]["uscc"],
    kind="licence",
    domain_key="housing_construction",
    department_id=3,
    department_name="开鲁县住房和城乡建设局",
    district="150523",
    severity=None,
    decision_date=date(2024, 11, 11),
    violation_type=None,
    facts=None,
    penalty_content=None,
    content="建筑工程施工许可",
)
# The day the corpus is searched on, and entities on lists: one on the serious-dishonesty list until
# LISTED_UNTIL and on the abnormal-operations list with no end, one on a red list; their entries.
TODAY = date(2026, 12, 6)
LISTED_UNTIL = date(2027, 6, 1)
LISTED_NAME = "库伦旗宏达运输有限公司"
LISTED = entity(LISTED_NAME, district="150524", lists={"dishonesty": LISTED_UNTIL, "abnormal": None})
HONOURED = entity("扎鲁特旗金穗农业科技有限公司", district="150526", lists={"honour": date(2027, 1, 1)})
ENTRY = dict(domain_key="human_resources", department_id=4, department_name="通辽市人力资源和社会保障局",
             district="150524", severity=None, decision_date=date(2022, 5, 20), violation_type=None, facts=None,
             penalty_content=None)
L1 = record(5, LISTED_NAME, LISTED["uscc"], kind="dishonesty", decision_no="通人社列〔2022〕5号",
            list_name="严重失信主体名单（拖欠农民工工资）", listing_reason="拖欠农民工工资数额较大，经责令仍拒不支付",
            **ENTRY)
C1 = record(6, LISTED_NAME, LISTED["uscc"], kind="commitment", decision_no="通人社诺〔2022〕6号",
            commitment_matter="劳务派遣经营许可", commitment_content="承诺按月足额支付劳动者工资", **ENTRY)
assert LISTED["list_until"] == {"abnormal": OPEN_END, "dishonesty": "2027-06-01"}
CORPUS = [TARGET, *SIMILAR, *PAGED, R1, R2, R3, R4, LISTED, HONOURED, L1, C1]
TARGET_AND_RECORDS = {TARGET["id"], R1["id"], R2["id"], R3["id"]}


def search(engine, q="", **filters):
    return engine.search(SearchQuery(q=q, size=filters.pop("size", 100), today=filters.pop("today", TODAY), **filters))


def ids(result) -> list[str]:
    return [hit.id for hit in result.hits]


def stored(engine, doc_id):
    """The stored document (with _version), or None."""
    if not engine.client.exists(index=engine.alias, id=doc_id):  # both clients raise on a 404 from get
        return None
    return engine.client.get(index=engine.alias, id=doc_id)


def hit_for(result, doc_id):
    return next(hit for hit in result.hits if hit.id == doc_id)


def full_width(text: str) -> str:
    return "".join(chr(ord(ch) + 0xFEE0) for ch in text)
