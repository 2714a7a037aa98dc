"""The content digest is stored with every record: changing how it is made would make the next
import of every department see all its records as changed, and give each a new version."""

from datetime import date

from registry.records.prepare import DepartmentRef, prepare_batch
from registry.records.publicity import rules
from registry.records.validation import validate_record

ROW = {"kind": "penalty", "party_name": "通辽市鑫源商贸有限公司", "party_category": "法人及非法人组织",
       "uscc": "91150502MA0N2XKX1F", "decision_no": "通市监处罚〔2024〕17号", "violation_type": "销售过期食品",
       "facts": "经查，当事人销售超过保质期的食品。", "legal_basis": "《中华人民共和国食品安全法》第一百二十四条",
       "penalty_types": "警告;罚款", "penalty_content": "给予警告，并处罚款五千元", "fine_amount": "0.50",
       "decision_date": "2024/3/5", "authority": "通辽市市场监督管理局", "authority_uscc": "11150500011620002E",
       "source_unit": "通辽市市场监督管理局", "source_unit_uscc": "11150500011620002E"}
MARKET = DepartmentRef(1, "11150500011620002E", "market_supervision")


def digest(row: dict) -> str:
    clean, errors = validate_record(row, today=date(2026, 11, 27))
    assert not errors
    [stored] = prepare_batch([clean], MARKET, rules(), date(2026, 11, 27)).columns["content_hash"]
    return stored


def test_the_digest_of_a_record_is_the_one_stored_by_earlier_releases():
    assert digest(ROW) == "24bf083b1baed419c23570b5c3888a7b"


def test_the_same_content_written_differently_has_the_same_digest():
    rewritten = {**ROW, "decision_date": "2024-03-05", "fine_amount": "0.5", "party_name": " 通辽市鑫源商贸有限公司 "}
    assert digest(rewritten) == digest(ROW)


def test_a_changed_value_changes_the_digest():
    assert digest({**ROW, "fine_amount": "0.8"}) != digest(ROW)


ENTRY = {"kind": "dishonesty", "party_name": "通辽市鑫源商贸有限公司", "party_category": "法人及非法人组织",
         "uscc": "91150502MA0N2XKX1F", "decision_no": "通市监失信〔2024〕3号", "decision_date": "2024-03-05",
         "valid_to": "2027-03-04", "authority": "通辽市市场监督管理局", "authority_uscc": "11150500011620002E",
         "source_unit": "通辽市市场监督管理局", "source_unit_uscc": "11150500011620002E",
         "list_name": "严重违法失信名单", "listing_reason": "提交虚假材料取得登记",
         "listing_basis": "《市场监督管理严重违法失信名单管理办法》第九条", "removed_on": "2025-03-05",
         "removal_reason": "信用修复"}


def test_the_digests_of_list_entries_are_the_ones_stored_by_earlier_releases():
    """The list entries' fields come last: empty ones between given ones count, trailing ones do not."""
    honour = {key: value for key, value in ENTRY.items() if key not in ("listing_reason", "listing_basis")}
    not_removed = {key: value for key, value in ENTRY.items() if key not in ("removed_on", "removal_reason")}
    assert digest(ENTRY) == "4b5a170ccc49eb9892c8d8bc8751d4fd"
    assert digest({**honour, "kind": "honour", "list_name": "守信激励对象名单"}) == "408126ea5d22ac8f037e8b2bac852991"
    assert digest(not_removed) == "0c492382f37e65d6aedfdac9a244eb23"
