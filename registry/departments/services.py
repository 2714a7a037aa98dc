"""Reference data: load the shipped domains, districts and departments; add a department."""

import json
from importlib import resources

from sqlalchemy import select

from ..domain import uscc as uscc_rules
from ..errors import ValidationFailed
from ..extensions import db
from ..uow import UnitOfWork, transactional
from .models import CODE_LENGTH, Department, District, Domain


def _shipped(name: str) -> list | dict:
    """Shipped reference data: the national domain list and the demo city's districts and departments."""
    package = "registry.demo"
    return json.loads(resources.files(package).joinpath(name).read_text("utf-8"))


@transactional
def load_reference_data(*, uow: UnitOfWork) -> dict:
    """Insert or refresh the shipped domains, districts and demo-city departments (idempotent)."""
    domains = _shipped("domains.json")["domains"]
    for key, item in domains.items():
        uow.session.merge(Domain(key=key, name_zh=item["name"], special_sector=item["special_sector"]))
    districts = _shipped("districts.json")
    for code, name in districts.items():
        uow.session.merge(District(code=code, name_zh=name))
    uow.session.flush()
    departments = _shipped("departments.json")
    for item in departments:
        _upsert_department(item["uscc"], item["name"], item["domain"], item["district"], item["code"])
    return {"domains": len(domains), "districts": len(districts), "departments": len(departments)}


@transactional
def add_department(uscc: str, name: str, domain: str, district: str, code: str | None = None, *,
                   uow: UnitOfWork) -> Department:
    """Register a source department; its USCC is its identity in every file it sends."""
    department = _upsert_department(uscc, name, domain, district, code)
    uow.session.flush()
    return department


def _upsert_department(uscc: str, name: str, domain: str, district: str, code: str | None) -> Department:
    try:
        uscc = uscc_rules.validate(uscc)
    except uscc_rules.InvalidUSCC as exc:
        raise ValidationFailed(message_en=exc.message_en, message_zh=exc.message_zh, code=exc.code) from None
    if db.session.get(Domain, domain) is None:
        raise ValidationFailed(message_en=f"unknown domain {domain!r}", message_zh=f"未知领域“{domain}”",
                               code="unknown_domain")
    if db.session.get(District, district) is None:
        raise ValidationFailed(message_en=f"unknown district {district!r}", message_zh=f"未知行政区划“{district}”",
                               code="unknown_district")
    if not name or not name.strip():
        raise ValidationFailed(message_en="a department needs a name", message_zh="部门名称不能为空",
                               code="name_required")
    department = db.session.scalar(select(Department).where(Department.uscc == uscc))
    # The default is made of the whole USCC: unique, as the USCC is (its last 8 characters were not).
    code = _free_code(code or (department and department.code) or f"dept-{uscc.lower()}", uscc)
    if department is None:
        department = Department(uscc=uscc)
        db.session.add(department)
    department.name = name.strip()
    department.domain_key = domain
    department.district_code = district
    department.code = code
    db.session.flush()
    return department


def _free_code(code: str, uscc: str) -> str:
    """`code`, checked to fit its column and to be no other department's (codes are unique)."""
    if len(code) > CODE_LENGTH:
        raise ValidationFailed(message_en=f"a department code has at most {CODE_LENGTH} characters",
                               message_zh=f"部门代码不能超过{CODE_LENGTH}个字符", code="code_too_long")
    holder = db.session.scalar(select(Department.uscc).where(Department.code == code, Department.uscc != uscc))
    if holder:
        raise ValidationFailed(message_en=f"the code {code!r} is already the department {holder}'s",
                               message_zh=f"部门代码“{code}”已被部门{holder}使用", code="code_taken")
    return code


def reference_names() -> dict[str, dict[str, str]]:
    """Chinese names of the domains and districts by key, for pages that show facet values."""
    return {
        "domain": dict(db.session.execute(select(Domain.key, Domain.name_zh)).all()),
        "district": dict(db.session.execute(select(District.code, District.name_zh)).all()),
    }


@transactional
def register_department(actor, uscc: str, name: str, domain: str, district: str, code: str | None = None, *,
                        uow: UnitOfWork) -> Department:
    """Add or update a source department for an administrator (the CLI's `departments add`), in the
    audit trail with what was set."""
    department = _upsert_department(uscc, name, domain, district, code)
    uow.audit("department.add", actor, "department", department.id,
              {"uscc": department.uscc, "name": department.name, "domain": domain, "district": district,
               "code": department.code})
    return department


def department_list() -> dict:
    """Every source department with its domain and district, and the domains and districts to choose from."""
    return {"departments": db.session.scalars(select(Department).order_by(Department.district_code,
                                                                           Department.name)).all(),
            "domains": db.session.execute(select(Domain.key, Domain.name_zh).order_by(Domain.key)).all(),
            "districts": db.session.execute(select(District.code, District.name_zh).order_by(District.code)).all()}
