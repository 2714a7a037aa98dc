"""Search documents: ids, folded names, pinyin and initials, record text."""

import random
from datetime import date

from pypinyin import Style, lazy_pinyin

from search.documents import MAPPING_VERSION, entity_document, on_list, pinyin_of, record_document
from search.elastic import mapping
from search.elastic_query import FACET_FIELDS

ENTITY = {
    "uscc": "91150502MA0N1TLX1B",
    "name": "通遼市（鑫源）商貿有限公司",
    "former_names": ["长春重庆银行股份有限公司", ""],
    "party_category": "法人及非法人组织",
    "district_code": "150502",
    "record_counts": {"market_supervision": 2, "tax": 0, "fire": 1},
    "version": 4,
}

RECORD = {
    "id": 42,
    "kind": "penalty",
    "uscc": "91150502MA0N1TLX1B",
    "party_name": "通辽市鑫源商贸有限公司",
    "domain_key": "market_supervision",
    "department_id": 7,
    "department_name": "通辽市市场监督管理局",
    "district": "150500",
    "severity": "general",
    "decision_date": date(2024, 3, 5),
    "decision_no": "通市监罚〔2024〕12号",
    "violation_type": "销售过期食品",
    "facts": "该公司销售超过保质期的食品",
    "penalty_content": "罚款5000元",
    "content": None,
    "version": 2,
}


def test_the_fields_searches_sort_and_count_by_keep_their_doc_values():
    # Doc values cost indexing time, so only these fields keep them; without them a sort or a facet fails.
    properties = mapping(MAPPING_VERSION)["mappings"]["properties"]
    for field in ("id", *FACET_FIELDS.values()):
        assert properties[field].get("doc_values", True), field


def test_pinyin_and_initials_of_a_company_name():
    assert pinyin_of("通辽市鑫源商贸有限公司") == ("tongliaoshixinyuanshangmaoyouxiangongsi", "tlsxysmyxgs")


def test_polyphonic_characters_read_as_pypinyin_reads_them():
    assert pinyin_of("重庆银行") == ("chongqingyinhang", "cqyh")
    assert pinyin_of("长春") == ("changchun", "cc")
    assert pinyin_of("绿源") == ("lvyuan", "ly")


def test_latin_letters_and_digits_kept_lower_cased_and_whole_in_initials():
    assert pinyin_of("ABC科技(2)公司") == ("abckeji2gongsi", "abckj2gs")


def test_word_by_word_conversion_equals_pypinyin_on_whole_names():
    rng = random.Random(7)
    pieces = ("通辽市", "科尔沁区", "重庆", "长盛", "银行", "乐天", "鑫源", "商贸", "有限公司", "行政", "重量", "长江")
    for _ in range(500):
        name = "".join(rng.choice(pieces) for _ in range(rng.randint(2, 6)))
        expected = "".join(lazy_pinyin(name, style=Style.NORMAL))
        assert pinyin_of(name)[0] == expected, name


def test_entity_document():
    doc = entity_document(ENTITY)
    assert doc == {
        "id": "entity-91150502MA0N1TLX1B",
        "kind": "entity",
        "uscc": "91150502MA0N1TLX1B",
        "name": "通遼市（鑫源）商貿有限公司",
        "name_normalised": "通辽市(鑫源)商贸有限公司",
        "pinyin": "tongliaoshixinyuanshangmaoyouxiangongsi",
        "initials": "tlsxysmyxgs",
        "former_names": ["长春重庆银行股份有限公司"],
        "former_names_normalised": ["长春重庆银行股份有限公司"],
        "former_pinyin": ["changchunchongqingyinhanggufenyouxiangongsi"],
        "former_initials": ["cccqyhgfyxgs"],
        "district": "150502",
        "category": "法人及非法人组织",
        "domains": ["fire", "market_supervision"],
        "counts": {"market_supervision": 2, "tax": 0, "fire": 1},
        "version": 4,
    }


def test_a_stored_folded_name_is_used_as_is():
    doc = entity_document({**ENTITY, "name_normalised": "通辽市(鑫源)商贸有限公司"})
    assert doc == entity_document(ENTITY)


def test_entity_without_records_or_former_names():
    doc = entity_document({**ENTITY, "former_names": [], "record_counts": {}})
    assert doc["former_names"] == doc["former_pinyin"] == doc["former_initials"] == []
    assert doc["domains"] == [] and doc["counts"] == {}


def test_record_document():
    doc = record_document(RECORD)
    assert doc == {
        "id": "record-42",
        "kind": "record",
        "record_kind": "penalty",
        "uscc": "91150502MA0N1TLX1B",
        "name": "通辽市鑫源商贸有限公司",
        "name_normalised": "通辽市鑫源商贸有限公司",
        "domain": "market_supervision",
        "department": 7,
        "department_name": "通辽市市场监督管理局",
        "district": "150500",
        "severity": "general",
        "decision_date": "2024-03-05",
        "decision_no": "通市监罚〔2024〕12号",
        "text": "销售过期食品\n该公司销售超过保质期的食品\n罚款5000元",
        "version": 2,
    }


def test_licence_text_is_its_content():
    licence = {
        **RECORD,
        "kind": "licence",
        "violation_type": None,
        "facts": None,
        "penalty_content": None,
        "content": "食品经营许可",
        "severity": None,
    }
    doc = record_document(licence)
    assert doc["record_kind"] == "licence"
    assert doc["text"] == "食品经营许可"
    assert doc["severity"] is None


def test_a_list_entry_is_searched_by_its_list_name_and_reason_and_a_commitment_by_what_it_promises():
    blank = dict.fromkeys(("violation_type", "facts", "penalty_content"))
    entry = {**RECORD, **blank, "kind": "dishonesty", "list_name": "严重失信主体名单",
             "listing_reason": "拖欠农民工工资"}
    commitment = {**RECORD, **blank, "kind": "commitment", "commitment_matter": "食品经营许可",
                  "commitment_content": "承诺如实提交材料"}
    assert record_document(entry)["text"] == "严重失信主体名单\n拖欠农民工工资"
    assert record_document(entry)["record_kind"] == "dishonesty"
    assert record_document(commitment)["text"] == "食品经营许可\n承诺如实提交材料"


def test_an_entity_on_lists_carries_the_end_of_each_list():
    doc = entity_document({**ENTITY, "list_until": {"dishonesty": date(2027, 6, 1), "abnormal": None}})
    assert doc["list_until"] == {"abnormal": "9999-12-31", "dishonesty": "2027-06-01"}  # no end yet: none
    assert on_list(doc, "dishonesty", date(2027, 5, 31)) and not on_list(doc, "dishonesty", date(2027, 6, 1))
    assert on_list(doc, "abnormal", date(9999, 12, 30)) and not on_list(doc, "honour", date(2027, 1, 1))
    assert "list_until" not in entity_document(ENTITY)  # on no list: the document of before lists


def test_pinyin_is_cached_per_name():
    pinyin_of.cache_clear()
    for _ in range(3):
        entity_document(ENTITY)
    info = pinyin_of.cache_info()
    assert info.misses == 2 and info.hits == 4  # the name and the former name, each converted once
