"""The national "dual publicity" (双公示) layout: every field a department may send.

This table is the single description of a record's fields. The row validator, the importer's
header matching and the OpenAPI schema of `POST /api/v1/records` are all derived from it, so the
API and bulk files can never disagree.
"""

from dataclasses import dataclass

from ..domain.severity import PARTY_CATEGORY_LABELS_ZH, SEVERITY_LABELS_ZH

PENALTY = "penalty"
LICENCE = "licence"
# List entries (名单) and public credit commitments: records of their own kinds, collected through the
# same validator, files, push API, natural keys, versions and outbox as penalties.
DISHONESTY = "dishonesty"  # 严重失信主体名单
ABNORMAL = "abnormal"  # 经营异常名录 (market supervision)
HONOUR = "honour"  # 守信激励 / red lists
COMMITMENT = "commitment"  # 信用承诺
LIST_KINDS = (DISHONESTY, ABNORMAL, HONOUR)
KINDS = (PENALTY, LICENCE, *LIST_KINDS, COMMITMENT)
ALL = frozenset(KINDS)

# Field types understood by registry.records.validation.
TEXT, USCC, DATE, AMOUNT, PENALTY_TYPES, CHOICE = "text", "uscc", "date", "amount", "penalty_types", "choice"


@dataclass(frozen=True)
class Field:
    key: str
    label_zh: str
    type: str = TEXT
    kinds: frozenset = ALL
    required: frozenset = frozenset()  # kinds for which the field is required
    max_length: int = 255
    headers: tuple = ()  # further Chinese headers departments use for this field
    choices: tuple = ()


def _req(*kinds):
    return frozenset(kinds or KINDS)


def _only(*kinds):
    return frozenset(kinds)


PARTY_CATEGORIES = PARTY_CATEGORY_LABELS_ZH
LICENCE_CATEGORIES = ("普通", "特许", "认可", "核准", "登记", "其他")
# The kinds of public credit commitment of the national guidance on commitment systems.
COMMITMENT_TYPES = ("审批替代型", "容缺受理型", "信用修复型", "行业自律型", "主动型")
COMMITMENT_KEPT, COMMITMENT_BROKEN = "已履约", "未履约"
COMMITMENT_STATES = ("履约中", COMMITMENT_KEPT, COMMITMENT_BROKEN)
SEVERITIES = SEVERITY_LABELS_ZH
# The names departments give a record's kind, in files, rows and options alike (in any case).
KIND_LABELS = {PENALTY: "行政处罚", LICENCE: "行政许可", DISHONESTY: "严重失信主体名单", ABNORMAL: "经营异常名录",
               HONOUR: "守信激励（红名单）", COMMITMENT: "信用承诺"}
KIND_ALIASES = {**{kind: kind for kind in KINDS}, **{label: kind for kind, label in KIND_LABELS.items()},
                "license": LICENCE, "失信名单": DISHONESTY, "严重失信名单": DISHONESTY, "守信激励": HONOUR,
                "红名单": HONOUR, "dishonesty_list": DISHONESTY, "abnormal_operation": ABNORMAL}


def kind_of(value) -> str | None:
    """A record kind from any of its names (key or Chinese label), or None."""
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
          headers=("行政处罚决定书文号", "行政许可决定文书号", "列入决定文书号", "认定文书号", "承诺书编号")),
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
    Field("decision_date", "决定日期", DATE, required=_req(),
          headers=("处罚决定日期", "许可决定日期", "列入日期", "认定日期", "承诺日期")),
    Field("valid_from", "有效期自", DATE, kinds=frozenset({LICENCE})),
    # A list entry's planned end (列入有效期) and a commitment's term: the entry leaves display after it.
    Field("valid_to", "有效期至", DATE, kinds=_only(LICENCE, DISHONESTY, HONOUR, COMMITMENT),
          headers=("列入有效期至", "承诺有效期至")),
    Field("status", "当前状态", kinds=frozenset({LICENCE}), max_length=50),
    Field("authority", "决定机关", required=_req(), max_length=200,
          headers=("处罚机关", "许可机关", "列入机关", "认定机关", "承诺受理单位")),
    Field("authority_uscc", "决定机关统一社会信用代码", USCC, required=_req(),
          headers=("处罚机关统一社会信用代码", "许可机关统一社会信用代码", "列入机关统一社会信用代码",
                   "认定机关统一社会信用代码", "承诺受理单位统一社会信用代码")),
    Field("source_unit", "数据来源单位", required=_req(), max_length=200),
    Field("source_unit_uscc", "数据来源单位统一社会信用代码", USCC, required=_req()),
    Field("remarks", "备注", max_length=2000),
    # List entries.
    Field("list_name", "名单名称", kinds=_only(DISHONESTY, HONOUR), required=_req(DISHONESTY, HONOUR),
          max_length=200, headers=("荣誉名称", "激励名单名称")),
    Field("listing_reason", "列入事由", kinds=_only(DISHONESTY, ABNORMAL), required=_req(DISHONESTY, ABNORMAL),
          max_length=2000, headers=("列入原因", "列入经营异常名录原因", "认定事由")),
    Field("listing_basis", "列入依据", kinds=_only(DISHONESTY, ABNORMAL), required=_req(DISHONESTY),
          max_length=2000, headers=("认定依据",)),
    Field("removed_on", "移出日期", DATE, kinds=frozenset(LIST_KINDS),
          headers=("移出名单日期", "移出经营异常名录日期")),
    Field("removal_reason", "移出原因", kinds=frozenset(LIST_KINDS), max_length=2000,
          headers=("移出经营异常名录原因",)),
    # Public credit commitments.
    Field("commitment_type", "承诺类型", CHOICE, kinds=_only(COMMITMENT), required=_req(COMMITMENT),
          choices=COMMITMENT_TYPES),
    Field("commitment_matter", "承诺事项", kinds=_only(COMMITMENT), required=_req(COMMITMENT), max_length=500,
          headers=("承诺对应的许可或服务事项",)),
    Field("commitment_content", "承诺内容", kinds=_only(COMMITMENT), required=_req(COMMITMENT), max_length=4000),
    Field("commitment_state", "履约状态", CHOICE, kinds=_only(COMMITMENT), choices=COMMITMENT_STATES,
          headers=("履约情况",)),
)

FIELDS_BY_KEY = {f.key: f for f in FIELDS}
# The fields a record had before list entries came: a record's content digest covers the later
# fields only when they hold something, so the digests of records stored before stay equal.
FIELDS_BEFORE_LISTS = next(i for i, f in enumerate(FIELDS) if f.key == "list_name")
# A record's answers name its publicity state `status`; the licence's 当前状态, sent as `status`, is
# answered as `license_status` (its column) so that the one does not hide the other.
ANSWER_KEYS = {"status": "license_status"}
KIND_FIELDS = {kind: tuple(f for f in FIELDS if kind in f.kinds) for kind in KINDS}
