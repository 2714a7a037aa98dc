"""Entity look-ups by unified social credit code; USCC look-ups always go to the database."""

from collections.abc import Callable

from sqlalchemy import select

from ..access.services import Viewer, is_party
from ..departments.models import District
from ..domain import uscc as uscc_rules
from ..domain.masking import mask_id
from ..errors import NotFound, RegistryError
from ..extensions import db
from ..uow import UnitOfWork, transactional
from .models import Entity


class InvalidUSCCError(RegistryError):
    status = 400
    title = "Invalid unified social credit code"


def parse_uscc(raw: str) -> str:
    """The normalised code, or a 400 naming what is wrong with it."""
    try:
        return uscc_rules.validate(raw)
    except uscc_rules.InvalidUSCC as exc:
        raise InvalidUSCCError(message_en=exc.message_en, message_zh=exc.message_zh, code=exc.code) from None


def find_entity(uscc: str) -> Entity:
    entity = db.session.scalar(select(Entity).where(Entity.uscc == uscc))
    if entity is None:
        raise NotFound(message_en=f"no market entity with code {uscc}",
                       message_zh=f"未找到统一社会信用代码为 {uscc} 的市场主体",
                       code="enterprise_not_found")
    return entity


@transactional
def get_entity(viewer: Viewer, raw_uscc: str, count_records: Callable[[Viewer, int], dict[str, int]], *,
               uow: UnitOfWork) -> dict:
    """The entity as the viewer sees it, with how many of its records of each kind the viewer may see
    (`count_records`: records are a layer above entities). The legal representative's ID number shown
    unmasked to anyone but the enterprise itself goes into the audit trail."""
    entity = find_entity(parse_uscc(raw_uscc))
    counts = count_records(viewer, entity.id)
    district = db.session.get(District, entity.district_code)
    kind = uscc_rules.entity_kind(entity.uscc)
    own = viewer.reads_personal_data or is_party(viewer, entity.uscc)
    if own and entity.legal_rep_id_no and not is_party(viewer, entity.uscc):
        uow.audit("personal_id.read", viewer, "entity", entity.uscc)
    return {
        "uscc": entity.uscc,
        "name": entity.name,
        "former_names": entity.former_names or [],
        "party_category": entity.party_category,
        "entity_kind": {"key": kind.key, "name_zh": kind.name_zh},
        "district": {"code": entity.district_code, "name_zh": district.name_zh if district else None},
        "legal_rep": entity.legal_rep,
        "legal_rep_id_no": entity.legal_rep_id_no if own else mask_id(entity.legal_rep_id_no),
        "record_counts": {"penalty": counts.get("penalty", 0), "licence": counts.get("licence", 0)},
        "updated_at": entity.updated_at,
    }


def note_entities_of(uow: UnitOfWork, codes) -> None:
    """Note the entities with these USCCs for the search index (their record counts change with their records)."""
    codes = [code for code in set(codes) if code]
    for start in range(0, len(codes), 5000):
        chunk = codes[start : start + 5000]
        uow.changed(entities=uow.session.execute(select(Entity.id).where(Entity.uscc.in_(chunk))).scalars().all())
