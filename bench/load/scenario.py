"""What the load test's visitors need from a loaded registry, written to a JSON file for the locustfile:
the names the public asks for (up to 10,000, from the entities in the data), API keys of a
department, a bank and enterprises, and reports to verify with their codes.

    python bench/load/scenario.py OUT.json [--names 10000] [--reports 20]
(the registry's settings from REGISTRY_* as for any `registry` command).
"""

import argparse
import json
import random
import sys
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path[:1]:
    sys.path.insert(0, str(ROOT))  # run as a script: import this checkout's `registry`

SEED = 20261206
MARKET_SUPERVISION = "market_supervision"  # the department whose pushes the test sends


def penalty(entity: dict, department: dict, number: int) -> dict:
    """A new, valid penalty of the test's department against an entity in the data (decision number
    `number`, never used before)."""
    decided = date.today() - timedelta(days=random.randint(5, 60))
    return {"kind": "penalty", "party_name": entity["name"], "party_category": "法人及非法人组织",
            "uscc": entity["uscc"], "legal_rep": "王建国", "legal_rep_id_type": "身份证",
            "legal_rep_id_no": "150502198003151234",
            "decision_no": f"通市监压测〔{decided.year}〕{number}号",
            "violation_type": "销售不符合食品安全标准的食品",
            "facts": "经查，当事人在其经营场所销售超过保质期的食品，违反了食品安全法的规定。",
            "legal_basis": "《中华人民共和国食品安全法》第一百二十四条第一款", "penalty_types": "警告;罚款",
            "penalty_content": "给予警告，并处罚款人民币五千元", "fine_amount": "0.5",
            "decision_date": decided.isoformat(), "authority": department["name"],
            "authority_uscc": department["uscc"], "source_unit": department["name"],
            "source_unit_uscc": department["uscc"]}


def prepare(app, names: int = 10_000, reports: int = 20) -> dict:
    """Keys made now (new principals each run), names drawn from the data, reports issued now."""
    from sqlalchemy import select

    from registry.access.services import create_principal
    from registry.departments.models import Department
    from registry.enterprises.models import Entity
    from registry.extensions import db
    from registry.records.models import Record
    from registry.reports.models import Report

    with app.app_context():
        with_records = select(Record.entity_id).where(Record.party_category != "natural_person").distinct()
        entities = db.session.execute(select(Entity.uscc, Entity.name).where(Entity.id.in_(with_records))
                                      .order_by(Entity.id).limit(names * 3)).all()
        chosen = random.Random(SEED).sample(entities, min(names, len(entities)))  # ranks not by id
        department = db.session.execute(select(Department.uscc, Department.name)
                                        .where(Department.domain_key == MARKET_SUPERVISION)
                                        .order_by(Department.id)).first()
        _, department_key = create_principal("department", "load test", department.uscc)
        _, bank_key = create_principal("bank", "load test bank")
        enterprises = [(uscc, create_principal("enterprise", "load test", uscc=uscc)[1])
                       for uscc, _ in chosen[:reports]]
    client = app.test_client()
    for uscc, key in enterprises:
        answer = client.post("/api/v1/reports", json={"uscc": uscc}, headers={"Authorization": f"Bearer {key}"})
        assert answer.status_code in (200, 201), answer.get_data(as_text=True)
    with app.app_context():
        issued = db.session.execute(select(Report.number, Report.verification_code)
                                    .where(Report.uscc.in_([uscc for uscc, _ in enterprises]))).all()
    return {"names": [{"uscc": uscc, "name": name} for uscc, name in chosen],
            "department": {"uscc": department.uscc, "name": department.name, "key": department_key},
            "bank_key": bank_key, "enterprises": [{"uscc": uscc, "key": key} for uscc, key in enterprises],
            "reports": [{"number": number, "code": code} for number, code in issued]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--names", type=int, default=10_000)
    parser.add_argument("--reports", type=int, default=20)
    args = parser.parse_args()
    from registry import create_app

    fixture = prepare(create_app({"LOG_LEVEL": "WARNING"}), args.names, args.reports)
    args.out.write_text(json.dumps(fixture, ensure_ascii=False), encoding="utf-8")
    print(f"{len(fixture['names'])} names, {len(fixture['reports'])} reports -> {args.out}")


if __name__ == "__main__":
    main()
