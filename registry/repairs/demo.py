"""Demo repair cases for the demo city: real applications walked through the workflow on past days."""

from datetime import date, timedelta
from io import BytesIO
from random import Random

from sqlalchemy import exists, select

from ..access.services import Viewer, create_principal
from ..departments.models import Department
from ..extensions import db
from ..records.models import PUBLISHED, Record
from ..runtime import today as clock_today
from ..uow import unit_of_work
from . import materials, objections, rules, services
from .models import Objection, RepairApplication, RepairMaterial

DEMO_PDF = b"%PDF-1.4\n% demo material\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
# Outcomes in the proportions a city reports: most cases end repaired.
OUTCOMES = (("approve", 70), ("reject", 8), ("not_accept", 7), ("open", 15))


def any_applications() -> bool:
    return db.session.scalar(select(RepairApplication.id).limit(1)) is not None


def load_demo_repairs(count: int, seed: int, today: date | None = None) -> dict:
    """File up to `count` applications for repairable penalties (not applied for yet), decided on past days."""
    today, rng = today or clock_today(), Random(seed)
    candidates = db.session.scalars(
        select(Record.id).where(Record.kind == "penalty", Record.status == PUBLISHED, Record.uscc.is_not(None),
                                Record.repairable_from <= today - timedelta(days=20),
                                ~exists().where(RepairApplication.record_id == Record.id)).order_by(Record.id)).all()
    chosen = rng.sample(candidates, min(count, len(candidates)))
    agent = _viewer(*create_principal("agent", "演示代办窗口", district_code="150502"))
    reviewer = _viewer(*create_principal("reviewer", "演示信用中心"))
    sha256, size, content_type = materials.store(BytesIO(DEMO_PDF), len(DEMO_PDF))
    departments: dict[int, Viewer] = {}
    for record_id in chosen:
        record = db.session.get(Record, record_id)
        submitted = max(record.repairable_from, today - timedelta(days=rng.randint(20, 400)))
        with unit_of_work() as uow:  # filed with its materials
            filed = services.file_application(agent, record_id, True, submitted, uow=uow)
            uow.session.add_all(RepairMaterial(application_id=filed["id"], kind=kind, filename=f"{kind}.pdf",
                                               content_type=content_type, size=size, sha256=sha256,
                                               uploaded_by=agent.principal_id)
                                for kind in rules.missing_materials((), by_agent=True))
        department = departments.get(record.department_id) or departments.setdefault(
            record.department_id, _viewer(*create_principal("department", None, _uscc_of(record.department_id))))
        _walk(filed["id"], rng.choices([o for o, _ in OUTCOMES], [w for _, w in OUTCOMES])[0], submitted,
              reviewer, department, rng)
    return {"applications": len(chosen)}


def _walk(application_id: int, outcome: str, day: date, reviewer: Viewer, department: Viewer, rng: Random) -> None:
    if outcome == "open":
        return
    if outcome == "not_accept":
        services.decide(reviewer, application_id, "not_accept", "申请材料与处罚决定不符", None, day + timedelta(days=1))
        return
    steps = [(reviewer, "accept", None), (reviewer, "forward", None),
             (department, outcome, "整改尚未到位" if outcome == "reject" else None)]
    if outcome == "approve":
        steps.append((reviewer, "close", None))
    for viewer, action, reason in steps:
        day += timedelta(days=rng.randint(0, 3))
        services.decide(viewer, application_id, action, reason, None, day)


# Objections: most are answered, a few by withdrawing the record; the rest wait for the department.
OBJECTION_OUTCOMES = (("upheld", 45), ("withdrawn", 15), ("open", 40))
OBJECTION_REASONS = ("处罚决定已被复议机关撤销，请求停止公示", "公示的罚款金额与处罚决定书不一致",
                     "当事人名称有误，该处罚不是本企业的", "违法事实描述与决定书不符，请求更正")


def any_objections() -> bool:
    return db.session.scalar(select(Objection.id).limit(1)) is not None


def load_demo_objections(count: int, seed: int) -> dict:
    """File up to `count` objections (异议申诉) on published penalties and answer most of them."""
    rng = Random(seed ^ 0x0B7E)
    candidates = db.session.scalars(
        select(Record.id).where(Record.kind == "penalty", Record.status == PUBLISHED, Record.uscc.is_not(None),
                                ~exists().where(Objection.record_id == Record.id)).order_by(Record.id)).all()
    departments: dict[int, Viewer] = {}
    for record_id in rng.sample(candidates, min(count, len(candidates))):
        record = db.session.get(Record, record_id)
        enterprise = _viewer(*create_principal("enterprise", None, uscc=record.uscc))
        objection = objections.file_objection(enterprise, record_id, rng.choice(OBJECTION_REASONS))
        outcome = rng.choices([o for o, _ in OBJECTION_OUTCOMES], [w for _, w in OBJECTION_OUTCOMES])[0]
        if outcome != "open":
            department = departments.get(record.department_id) or departments.setdefault(
                record.department_id, _viewer(*create_principal("department", None, _uscc_of(record.department_id))))
            answer = "经核查，原公示信息准确无误" if outcome == "upheld" else "经核查，异议成立，撤销该条公示信息"
            objections.resolve_objection(department, objection.id, outcome, answer)
    return {"objections": min(count, len(candidates))}


def _viewer(principal, _key) -> Viewer:
    return Viewer(principal.role, principal.id, principal.department_id, principal.uscc, principal.district_code)


def _uscc_of(department_id: int) -> str:
    return db.session.get(Department, department_id).uscc
