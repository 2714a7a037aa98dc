"""The national "dual publicity" (双公示) layout: every field a department may send.

This table is the single description of a record's fields. The row validator, the importer's
header matching and the OpenAPI schema of `POST /api/v1/records` are all derived from it, so the
API and bulk files can never disagree.
"""

from dataclasses import dataclass

from ..domain.severity import PARTY_CATEGORY_LABELS_ZH, SEVERITY_LABELS_ZH

PENALTY = "penalty"
LICENCE = "licence"
KINDS = (PENALTY, LICENCE)
BOTH = frozenset(KINDS)

# Field types understood by registry.records.validation.
TEXT, USCC, DATE, AMOUNT, PENALTY_TYPES, CHOICE = "text", "uscc", "date", "amount", "penalty_types", "choice"


@dataclass(frozen=True)
class Field:
    key: str
    label_zh: str
    type: str = TEXT
    kinds: frozenset = BOTH
    required: frozenset = frozenset()  # kinds for which the field is required
    max_length: int = 255
    headers: tuple = ()  # further Chinese headers departments use for this field
    choices: tuple = ()


def _req(*kinds):
    return frozenset(kinds or KINDS)


PARTY_CATEGORIES = PARTY_CATEGORY_LABELS_ZH
LICENCE_CATEGORIES = ("普通", "特许", "认可", "核准", "登记", "其他")
SEVERITIES = SEVERITY_LABELS_ZH
# The names departments give a record's kind, in files, rows and options alike (in any case).
KIND_ALIASES = {"penalty": PENALTY, "行政处罚": PENALTY, "licence": LICENCE, "license": LICENCE, "行政许可": LICENCE}


def kind_of(value) -> str | None:
    """penalty or licence from any of its names, or None."""
    text = str(value).strip()
    return KIND_ALIASES.get(text) or KIND_ALIASES.get(text.lower())


FIELDS = (
    Field("party_name", "行政相对人名称", required=_req(), max_length=200),
    Field("party_category", "行政相对人类别", CHOICE, required=_req(), choices=tuple(PARTY_CATEGORIES)),
    Field("uscc", "统一社会信用代码", USCC, headers=("行政相对人代码_1（统一社会信用代码）",)),
    Field("business_reg_no", "工商注册号", headers=("行政相对人代码_2（工商注册号）",), max_length=50),
    Field("org_code", "组织机构代码", headers=("行政相对人代码_3（组织机构代码）",), max_length=50),
    Field("tax_reg_no", "税务登记号", headers=("行政相对人代码_4（税务登记号）",), max_length=50),
    Field("institution_cert_no", "事业单位证书号", headers=("行政相对人代码_5（事业单位证书号）",), max_length=50),
    Field("social_org_reg_no", "社会组织登记证号", headers=("行政相对人代码_6（社会组织登记证号）",), max_length=50),
    Field("legal_rep", "法定代表人", max_length=100),
    Field("legal_rep_id_type", "法定代表人证件类型", max_length=50),
    Field("legal_rep_id_no", "法定代表人证件号码", max_length=64),
    Field("id_type", "证件类型", max_length=50),
    Field("id_no", "证件号码", max_length=64),
    Field("decision_title", "行政许可决定文书名称", kinds=frozenset({LICENCE}), required=_req(LICENCE), max_length=200),
    Field("decision_no", "决定文书号", required=_req(), max_length=128,
          headers=("行政处罚决定书文号", "行政许可决定文书号")),
    Field("violation_type", "违法行为类型", kinds=frozenset({PENALTY}), required=_req(PENALTY), max_length=500),
    Field("facts", "违法事实", kinds=frozenset({PENALTY}), required=_req(PENALTY), max_length=5000),
    Field("legal_basis", "处罚依据", kinds=frozenset({PENALTY}), required=_req(PENALTY), max_length=2000),
    Field("penalty_types", "处罚类别", PENALTY_TYPES, kinds=frozenset({PENALTY}), required=_req(PENALTY)),
    Field("penalty_content", "处罚内容", kinds=frozenset({PENALTY}), required=_req(PENALTY), max_length=4000),
    Field("fine_amount", "罚款金额（万元）", AMOUNT, kinds=frozenset({PENALTY})),
    Field("confiscated_amount", "没收违法所得、没收非法财物的金额（万元）", AMOUNT, kinds=frozenset({PENALTY})),
    Field("license_affected", "暂扣或吊销证照名称及编号", kinds=frozenset({PENALTY}), max_length=500),
    Field("penalty_valid_until", "处罚有效期", DATE, kinds=frozenset({PENALTY})),
    Field("publicity_until", "公示截止期", DATE, kinds=frozenset({PENALTY})),
    Field("severity", "失信严重程度", CHOICE, kinds=frozenset({PENALTY}), choices=tuple(SEVERITIES)),
    Field("license_category", "许可类别", CHOICE, kinds=frozenset({LICENCE}), required=_req(LICENCE),
          choices=LICENCE_CATEGORIES),
    Field("certificate_name", "许可证书名称", kinds=frozenset({LICENCE}), max_length=200),
    Field("license_no", "许可编号", kinds=frozenset({LICENCE}), max_length=128),
    Field("content", "许可内容", kinds=frozenset({LICENCE}), required=_req(LICENCE), max_length=4000),
    Field("decision_date", "决定日期", DATE, required=_req(), headers=("处罚决定日期", "许可决定日期")),
    Field("valid_from", "有效期自", DATE, kinds=frozenset({LICENCE})),
    Field("valid_to", "有效期至", DATE, kinds=frozenset({LICENCE})),
    Field("status", "当前状态", kinds=frozenset({LICENCE}), max_length=50),
    Field("authority", "决定机关", required=_req(), max_length=200, headers=("处罚机关", "许可机关")),
    Field("authority_uscc", "决定机关统一社会信用代码", USCC, required=_req(),
          headers=("处罚机关统一社会信用代码", "许可机关统一社会信用代码")),
    Field("source_unit", "数据来源单位", required=_req(), max_length=200),
    Field("source_unit_uscc", "数据来源单位统一社会信用代码", USCC, required=_req()),
    Field("remarks", "备注", max_length=2000),
)

FIELDS_BY_KEY = {f.key: f for f in FIELDS}
# A record's answers name its publicity state `status`; the licence's 当前状态, sent as `status`, is
# answered as `license_status` (its column) so that the one does not hide the other.
ANSWER_KEYS = {"status": "license_status"}
KIND_FIELDS = {kind: tuple(f for f in FIELDS if kind in f.kinds) for kind in KINDS}
KIND_LABELS = {PENALTY: "行政处罚", LICENCE: "行政许可"}
