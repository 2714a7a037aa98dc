"""Demo accounts, one per role, so that every workspace can be tried on the demo city. Their passwords
are made at random each time the demo is loaded and printed once; none is written in the code."""

import secrets

from sqlalchemy import func, select

from ..accounts.models import Account
from ..accounts.passwords import hash_password
from ..accounts.services import create_account
from ..departments.models import Department
from ..domain import uscc as uscc_rules
from ..records.models import Record
from ..uow import UnitOfWork, transactional

DOMAIN = "demo.tongliao.example"
# The demo bank: a financial institution's code (prefix 91, Tongliao's division), made valid here.
BANK_USCC = uscc_rules.make("91", "150500", "MA0DEMBK1")
OTHER_DISTRICT = "150521"  # the agent's window serves enterprises of any district; this is its own


def _busiest_department(session) -> str:
    """The department that submitted the most records, so its workspace has something to show."""
    department_id = session.scalar(select(Record.department_id).group_by(Record.department_id)
                                   .order_by(func.count().desc(), Record.department_id).limit(1))
    query = select(Department.uscc).order_by(Department.id)
    return session.scalar(query.where(Department.id == department_id) if department_id else query.limit(1))


def _roles(session, enterprise_uscc: str | None) -> list[tuple[str, str, dict]]:
    people = [("reviewer", "信用中心审核员", {}), ("admin", "系统管理员", {}),
              ("department", "部门报送员", {"department_uscc": _busiest_department(session)}),
              ("bank", "银行信贷员", {"uscc": BANK_USCC}),
              ("agent", "代办窗口帮办员", {"district_code": OTHER_DISTRICT})]
    if enterprise_uscc:
        people.append(("enterprise", "企业信用联络员", {"uscc": enterprise_uscc}))
    return people


@transactional
def demo_accounts(enterprise_uscc: str | None, *, uow: UnitOfWork) -> list[dict]:
    """Make (or, when loaded before, give a new password to) one account per role; returns what to
    print: role, email, password, and what the account is bound to."""
    made = []
    for role, name, binding in _roles(uow.session, enterprise_uscc):
        email = f"{role}@{DOMAIN}"
        account = uow.session.scalar(select(Account).where(Account.email == email))
        if account is None:
            account, _ = create_account(role, name, email, **binding, uow=uow)
        password = "-".join(secrets.token_hex(3) for _ in range(3))
        account.password_hash, account.must_change_password = hash_password(password), False
        made.append({"role": role, "email": email, "password": password, "binding": next(iter(binding.values()), "")})
    return made
