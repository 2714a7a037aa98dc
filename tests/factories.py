"""Realistic test data: valid USCCs, Chinese names, complete records in the national layout."""

import random
import zlib
from datetime import date, timedelta

from sqlalchemy import select

from registry.access.services import create_principal
from registry.departments.models import Department
from registry.domain import uscc as uscc_rules
from registry.extensions import db
from registry.runtime import china_today

_rng = random.Random(20261127)

# The day the whole session runs on: tests/conftest.py fixes every app's clock to it (REGISTRY_TODAY, which
# served processes and commands inherit), and expectations count from it, so a run that crosses midnight
# keeps one day.
TODAY = china_today()


def reseed(test_id: str) -> None:
    """Draw a test's data from its own seed, so that a failing test draws the same alone as in the suite."""
    _rng.seed(zlib.crc32(test_id.encode()))
_TRADE = ("鑫源", "恒通", "华丰", "金桥", "瑞祥", "宏达", "锦程", "兴旺", "嘉禾", "润泽")
_INDUSTRY = ("商贸", "建材", "餐饮", "物流", "农牧业", "食品", "医药", "化工", "汽车服务", "文化传媒")


def new_uscc(prefix: str = "91", division: str = "150502") -> str:
    body = "MA" + "".join(_rng.choice(uscc_rules.ALPHABET) for _ in range(7))
    return uscc_rules.make(prefix, division, body)


def company_name() -> str:
    return f"通辽市{_rng.choice(_TRADE)}{_rng.choice(_INDUSTRY)}有限公司{_rng.randint(1, 99999)}"


def department(domain: str) -> dict:
    dep = db.session.scalars(select(Department).where(Department.domain_key == domain).order_by(Department.id)).first()
    return {"id": dep.id, "uscc": dep.uscc, "name": dep.name}


def key_for(app, role: str, **binding) -> str:
    with app.app_context():
        _, key = create_principal(role, None, binding.get("department_uscc"), binding.get("uscc"),
                                  binding.get("district_code"))
        return key


def auth(key: str) -> dict:
    return {"Authorization": f"Bearer {key}"}


def penalty(dep: dict, **overrides) -> dict:
    """A complete, valid administrative penalty of `dep` against a new company."""
    decided = TODAY - timedelta(days=_rng.randint(5, 60))  # inside every publicity window
    record = {
        "kind": "penalty",
        "party_name": company_name(),
        "party_category": "法人及非法人组织",
        "uscc": new_uscc(),
        "legal_rep": "王建国",
        "legal_rep_id_type": "身份证",
        "legal_rep_id_no": "150502198003151234",
        "decision_no": f"通市监处罚〔{decided.year}〕{_rng.randint(1, 999999)}号",
        "violation_type": "销售不符合食品安全标准的食品",
        "facts": "经查，当事人于2024年1月在其经营场所销售超过保质期的食品，违反了食品安全法的规定。",
        "legal_basis": "《中华人民共和国食品安全法》第一百二十四条第一款",
        "penalty_types": "警告;罚款",
        "penalty_content": "给予警告，并处罚款人民币五千元",
        "fine_amount": "0.5",
        "decision_date": decided.isoformat(),
        "authority": dep["name"],
        "authority_uscc": dep["uscc"],
        "source_unit": dep["name"],
        "source_unit_uscc": dep["uscc"],
    }
    record.update(overrides)
    return record


def licence(dep: dict, **overrides) -> dict:
    decided = TODAY - timedelta(days=_rng.randint(10, 600))
    record = {
        "kind": "licence",
        "party_name": company_name(),
        "party_category": "legal_person",
        "uscc": new_uscc(),
        "decision_title": "食品经营许可决定书",
        "decision_no": f"JY1150502{_rng.randint(100000, 999999)}",
        "license_category": "普通",
        "certificate_name": "食品经营许可证",
        "license_no": f"JY1150502{_rng.randint(100000, 999999)}",
        "content": "预包装食品销售（含冷藏冷冻食品）",
        "decision_date": decided.isoformat(),
        "valid_from": decided.isoformat(),
        "valid_to": (decided + timedelta(days=5 * 365)).isoformat(),
        "authority": dep["name"],
        "authority_uscc": dep["uscc"],
        "source_unit": dep["name"],
        "source_unit_uscc": dep["uscc"],
    }
    record.update(overrides)
    return record


def _entry(dep: dict, kind: str, decided: date, **fields) -> dict:
    return {"kind": kind, "party_name": company_name(), "party_category": "legal_person", "uscc": new_uscc(),
            "decision_date": decided.isoformat(), "authority": dep["name"], "authority_uscc": dep["uscc"],
            "source_unit": dep["name"], "source_unit_uscc": dep["uscc"], **fields}


def dishonesty_entry(dep: dict, **overrides) -> dict:
    """A serious-dishonesty list entry of `dep`, listed a few weeks ago (inside its 3 years)."""
    decided = TODAY - timedelta(days=_rng.randint(10, 60))
    return {**_entry(dep, "dishonesty", decided, decision_no=f"通失信认定〔{decided.year}〕{_rng.randint(1, 99999)}号",
                     list_name="重大税收违法失信主体名单", listing_reason="虚开增值税专用发票，偷税数额较大",
                     listing_basis="《重大税收违法失信主体信息公布管理办法》第六条"), **overrides}


def abnormal_entry(dep: dict, **overrides) -> dict:
    """An abnormal-operations list entry (market supervision's), listed a few weeks ago."""
    decided = TODAY - timedelta(days=_rng.randint(10, 60))
    return {**_entry(dep, "abnormal", decided, decision_no=f"通市监异〔{decided.year}〕{_rng.randint(1, 99999)}号",
                     listing_reason="未按照规定期限公示年度报告",
                     listing_basis="《企业信息公示暂行条例》第十七条"), **overrides}


def honour(dep: dict, **overrides) -> dict:
    decided = TODAY - timedelta(days=_rng.randint(10, 300))
    return {**_entry(dep, "honour", decided, decision_no=f"通守信〔{decided.year}〕{_rng.randint(1, 99999)}号",
                     list_name="守合同重信用企业", valid_to=(decided + timedelta(days=730)).isoformat()), **overrides}


def commitment(dep: dict, **overrides) -> dict:
    decided = TODAY - timedelta(days=_rng.randint(10, 300))
    return {**_entry(dep, "commitment", decided, decision_no=f"CN{decided.year}{_rng.randint(100000, 999999)}",
                     commitment_type="容缺受理型", commitment_matter="食品经营许可（容缺受理）",
                     commitment_content="承诺在20个工作日内补齐食品安全管理制度文本，逾期未补齐自愿承担相应责任。",
                     commitment_state="履约中"), **overrides}


ENTRY_MAKERS = {"dishonesty": dishonesty_entry, "abnormal": abnormal_entry, "honour": honour, "commitment": commitment}


def entry(dep: dict, kind: str, **overrides) -> dict:
    """A valid list entry (dishonesty, abnormal, honour) or credit commitment of `dep` against a new company."""
    return ENTRY_MAKERS[kind](dep, **overrides)


def full_width(text: str) -> str:
    """The text as a Chinese input method may type it: Ａ for A, １ for 1."""
    return "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in text)
