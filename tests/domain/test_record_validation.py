"""The record validator (SPEC §3) as a department reads its answers: each field's refusal with its code
and words, the rules across fields at their boundaries (a decision dated today, a removal on the listing
day), and which department may send which kind. One path serves the API and bulk files alike."""

from datetime import date
from types import SimpleNamespace

import pytest

from registry.records.validation import sender_error, validate_record
from tests import factories

DEP = {"name": "通辽市税务局", "uscc": "11150500011620002E"}
TODAY = date(2026, 3, 10)
DECIDED = "2026-03-01"


def errors_of(record: dict, **kw) -> list[tuple]:
    clean, errors = validate_record(record, today=TODAY, **kw)
    assert (clean is None) is bool(errors)
    return [(e.field, e.code) for e in errors]


def penalty(**overrides) -> dict:
    return factories.penalty(DEP, **{"decision_date": DECIDED, **overrides})


def entry(kind: str, **overrides) -> dict:
    return factories.entry(DEP, kind, **{"decision_date": DECIDED, **overrides})


# One bad field each, and what the department reads about it.
REFUSALS = [
    ({"party_name": ""}, "party_name", "required", "行政相对人名称：必填项缺失", "is required", None),
    ({"party_name": None}, "party_name", "required", "行政相对人名称：必填项缺失", "is required", None),
    ({"party_name": "名" * 201}, "party_name", "too_long", "行政相对人名称：长度201超过上限200",
     "201 characters, at most 200", "名" * 201),
    ({"party_name": "某\x00公司"}, "party_name", "invalid_character", "行政相对人名称：含有不允许的空字符（NUL）",
     "contains a NUL character", "某\x00公司"),
    ({"party_category": "公司"}, "party_category", "invalid_choice", "行政相对人类别：取值“公司”不在允许范围内",
     "'公司' is not one of legal_person, natural_person, individual_business", "公司"),
    ({"decision_date": "2026-02-30"}, "decision_date", "invalid_date", "决定日期：日期格式无法识别",
     "day is out of range for month", "2026-02-30"),
    ({"fine_amount": "-1"}, "fine_amount", "invalid_amount", "罚款金额（万元）：金额应为不超过6位小数的非负数",
     "not a non-negative number: '-1'", "-1"),
    ({"fine_amount": -1}, "fine_amount", "invalid_amount", "罚款金额（万元）：金额应为不超过6位小数的非负数",
     "not a non-negative number: '-1'", -1),
    ({"decision_date": "2026-03-11"}, "decision_date", "date_in_future", "决定日期：决定日期晚于今天",
     "2026-03-11 is in the future", "2026-03-11"),
    ({"uscc": 915}, "uscc", "uscc_not_text",
     "统一社会信用代码：统一社会信用代码应以文本填写，收到的是数字915（数字会丢失字母和开头的0）",
     "a unified social credit code must be sent as text, got the number 915 (a number loses letters and leading "
     "zeros)", 915),
    ({"penalty_types": ["打板子"]}, "penalty_types", "invalid_penalty_type",
     "处罚类别：未知的处罚类别“打板子”；应为：警告、通报批评、罚款、没收违法所得、没收非法财物、暂扣许可证件、降低资质等级、"
     "吊销许可证件、限制开展生产经营活动、责令停产停业、责令关闭、限制从业、行政拘留、其他",
     "unknown penalty type(s) '打板子'; expected one or more of the statutory types (14 names)", ["打板子"]),
    ({"penalty_types": 5}, "penalty_types", "invalid_penalty_types", "处罚类别：格式错误",
     "'int' object is not iterable", 5),
    ({"business_reg_no": int("1" * 51)}, "business_reg_no", "too_long", "工商注册号：长度51超过上限50",
     "51 characters, at most 50", int("1" * 51)),
]


@pytest.mark.parametrize("bad, field, code, message_zh, message_en, value", REFUSALS)
def test_each_refusal_names_the_field_its_code_and_why(bad, field, code, message_zh, message_en, value):
    clean, errors = validate_record(penalty(**bad), today=TODAY)
    assert clean is None and len(errors) == 1
    found = errors[0]
    assert (found.field, found.code, found.message_zh, found.value) == (field, code, message_zh, value)
    assert found.message_en == f"{field}: {message_en}"


def test_an_unknown_kind_is_refused_naming_every_kind():
    clean, errors = validate_record({"kind": "fine"})
    assert clean is None
    assert [(e.field, e.code, e.value) for e in errors] == [("kind", "invalid_kind", "fine")]
    assert errors[0].message_zh == ("记录类型应为行政处罚（penalty）、行政许可（licence）、"
                                    "严重失信主体名单（dishonesty）、经营异常名录（abnormal）、"
                                    "守信激励（红名单）（honour）、信用承诺（commitment）之一")
    assert errors[0].message_en == "kind must be one of penalty, licence, dishonesty, abnormal, honour, commitment"


def test_the_kind_given_by_the_caller_wins_over_the_rows_and_may_be_its_chinese_name():
    row = {**penalty(), "kind": "行政处罚"}
    assert validate_record(row, today=TODAY)[0]["kind"] == "penalty"
    assert errors_of(row, kind="licence")[:1] == [("decision_title", "required")]


def test_a_clean_record_keeps_its_values_read_and_trimmed():
    clean, errors = validate_record(penalty(party_name="  某某食品有限公司 ", party_category="法人", fine_amount=0.5,
                                            decision_date=date(2026, 3, 10), severity="严重"), today=TODAY)
    assert errors == []
    assert (clean["party_name"], clean["party_category"], str(clean["fine_amount"]), clean["decision_date"],
            clean["severity"]) == ("某某食品有限公司", "legal_person", "0.5", TODAY, "serious")
    assert clean["party_key"] == clean["uscc"]


def test_a_text_at_its_limit_is_kept_and_a_number_sent_for_text_is_read_as_text():
    clean, errors = validate_record(penalty(party_name="名" * 200, remarks=12, business_reg_no=int("1" * 50)),
                                    today=TODAY)
    assert (errors, clean["party_name"], clean["remarks"], clean["business_reg_no"]) == ([], "名" * 200, "12", "1" * 50)


@pytest.mark.parametrize("category", ["法人及非法人组织", "个体工商户"])
def test_a_market_entity_needs_its_credit_code(category):
    clean, errors = validate_record(penalty(party_category=category, uscc=""), today=TODAY)
    assert [(e.field, e.code, e.message_zh, e.message_en) for e in errors] == [
        ("uscc", "required", "统一社会信用代码：法人、非法人组织和个体工商户必须填写统一社会信用代码",
         "uscc: is required for legal persons and individual businesses")]


def test_a_bad_credit_code_is_refused_once_not_also_as_missing():
    assert errors_of(penalty(uscc="91150502MA0N8U3X1Y")) == [("uscc", "uscc_check")]
    assert errors_of(penalty(penalty_types="打板子")) == [("penalty_types", "invalid_penalty_type")]


def test_a_natural_person_has_an_id_number_and_no_credit_code():
    person = penalty(party_category="自然人", uscc="", id_no="150502198003151234")
    clean, errors = validate_record(person, today=TODAY)
    assert (errors, clean["party_key"]) == ([], "150502198003151234")
    _, errors = validate_record({**person, "id_no": ""}, today=TODAY)
    assert [(e.field, e.code, e.message_zh, e.message_en) for e in errors] == [
        ("id_no", "required", "证件号码：自然人必须填写证件号码", "id_no: is required for natural persons")]
    with_code = {**person, "uscc": "11150500011620002E"}
    _, errors = validate_record(with_code, today=TODAY)
    assert [(e.field, e.code, e.message_zh, e.message_en, e.value) for e in errors] == [
        ("uscc", "uscc_not_for_natural_person",
         "统一社会信用代码：自然人不填写统一社会信用代码（个体工商户请选择“个体工商户”类别）",
         "uscc: a natural person has no credit code (an individual business is party category 个体工商户)",
         "11150500011620002E")]
    assert errors_of({**with_code, "uscc": "11150500011620002X"}) == [("uscc", "uscc_check")]


def test_a_decision_dated_today_is_accepted():
    assert errors_of(penalty(decision_date=TODAY.isoformat())) == []


@pytest.mark.parametrize("valid_from, valid_to, errors", [
    ("2026-03-01", "2026-02-28", [("valid_to", "date_order")]),
    ("2026-03-01", "2026-03-01", []),
    (None, "2026-02-28", []),
])
def test_a_licence_ends_no_earlier_than_it_starts(valid_from, valid_to, errors):
    row = factories.licence(DEP, decision_date=DECIDED, valid_from=valid_from, valid_to=valid_to)
    assert errors_of(row) == errors


def test_a_licence_ending_before_it_starts_is_told_so():
    _, errors = validate_record(factories.licence(DEP, decision_date=DECIDED, valid_from="2026-03-01",
                                                  valid_to="2026-02-28"), today=TODAY)
    assert [(e.message_zh, e.message_en, e.value) for e in errors] == [
        ("有效期至：有效期至早于有效期自", "valid_to: valid_to is before valid_from", "2026-02-28")]


@pytest.mark.parametrize("removal, errors", [
    ({"removed_on": DECIDED, "removal_reason": "已履行"}, []),  # removed on the listing day
    ({"removed_on": TODAY.isoformat(), "removal_reason": "已履行"}, []),
    ({"removed_on": "2026-02-28", "removal_reason": "已履行"}, [("removed_on", "date_order")]),
    ({"removed_on": "2026-03-11", "removal_reason": "已履行"}, [("removed_on", "date_in_future")]),
    ({"removed_on": "2026-03-05"}, [("removal_reason", "required")]),
    ({"removal_reason": "已履行"}, [("removed_on", "required")]),
    ({"removed_on": "不详", "removal_reason": "已履行"}, [("removed_on", "invalid_date")]),
    ({"removed_on": "2026-03-05", "removal_reason": "由\x00"}, [("removal_reason", "invalid_character")]),
])
def test_a_list_entrys_removal_is_dated_between_listing_and_today_and_says_why(removal, errors):
    assert errors_of(entry("dishonesty", **removal)) == errors


def test_each_removal_refusal_says_why():
    _, errors = validate_record(entry("abnormal", removed_on="2026-02-28"), today=TODAY)
    assert [(e.code, e.message_zh, e.message_en, e.value) for e in errors] == [
        ("date_order", "移出日期：移出日期早于列入日期", "removed_on: removed_on is before the listing date",
         "2026-02-28"),
        ("required", "移出原因：移出名单须说明移出原因", "removal_reason: is required when an entry is removed", None)]
    _, errors = validate_record(entry("abnormal", removed_on="2026-03-11", removal_reason="已履行"), today=TODAY)
    assert [(e.message_zh, e.message_en, e.value) for e in errors] == [
        ("移出日期：移出日期晚于今天", "removed_on: 2026-03-11 is in the future", "2026-03-11")]
    _, errors = validate_record(entry("abnormal", removal_reason="已履行"), today=TODAY)
    assert [(e.message_zh, e.message_en) for e in errors] == [
        ("移出日期：填写了移出原因，须同时填写移出日期", "removed_on: is required with a removal reason")]


TAX = SimpleNamespace(uscc=DEP["uscc"], domain_key="tax")
MARKET = SimpleNamespace(uscc=DEP["uscc"], domain_key="market_supervision")


def test_a_department_sends_only_its_own_records():
    other = factories.new_uscc("11")
    clean, _ = validate_record(penalty(source_unit_uscc=other), today=TODAY)
    refused = sender_error(clean, TAX)
    assert (refused.field, refused.code, refused.value, refused.message_zh, refused.message_en) == (
        "source_unit_uscc", "foreign_source_unit", other,
        "数据来源单位不是当前部门，部门只能报送本部门的记录", "a department may only send its own records")


def test_only_market_supervision_sends_abnormal_operations_entries():
    clean, _ = validate_record(entry("abnormal"), today=TODAY)
    refused = sender_error(clean, TAX)
    assert (refused.field, refused.code, refused.value, refused.message_zh, refused.message_en) == (
        "kind", "kind_not_for_department", "abnormal", "经营异常名录只能由市场监管部门报送",
        "only market_supervision departments send abnormal records")
    assert sender_error(clean, MARKET) is None
    assert sender_error(validate_record(penalty(), today=TODAY)[0], TAX) is None
