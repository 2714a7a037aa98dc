"""Entity look-ups by unified social credit code; USCC look-ups always go to the database."""

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from sqlalchemy import select

from ..access.services import Viewer, is_party
from ..db import among
from ..departments.models import Department, District
from ..domain import uscc as uscc_rules
from ..domain.masking import mask_id
from ..domain.names import normalise_name
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
        "record_counts": counts,
        "updated_at": entity.updated_at,
    }


def note_entities_of(uow: UnitOfWork, codes) -> None:
    """Note the entities with these USCCs for the search index (their record counts change with their records)."""
    codes = [code for code in set(codes) if code]
    for start in range(0, len(codes), 5000):
        chunk = codes[start : start + 5000]
        uow.changed(entities=uow.session.execute(select(Entity.id).where(Entity.uscc.in_(chunk))).scalars().all())


# The domain of the departments that register market entities: their records name and rename the
# entities; other departments' names stay on their records.
REGISTRATION_DOMAIN = "market_supervision"


def names_entities(department: Department) -> bool:
    """Whether this department's records are the registration authority's word on entity names."""
    return department.domain_key == REGISTRATION_DOMAIN


@dataclass(frozen=True)
class NameMismatch:
    """A record's party name that is neither its entity's registered name nor one of its former names."""

    uscc: str
    given: str
    registered: str

    def warning(self, index: int | None = None) -> dict:
        """The data-quality warning a department gets (its records are kept as sent)."""
        warning = {"field": "party_name", "code": "name_differs_from_registration", "uscc": self.uscc,
                   "value": self.given, "registered_name": self.registered,
                   "message_zh": f"当事人名称“{self.given}”与登记名称“{self.registered}”不一致，记录已保存，请核对",
                   "message_en": f"the party name {self.given!r} is not the registered name {self.registered!r}; "
                                 "the record was saved, please check it"}
        return warning if index is None else {"index": index, **warning}


def names_off_register(session, named: Iterable[tuple[str, str]]) -> list[NameMismatch]:
    """Of (USCC, party name) pairs, those whose name, folded, is neither the entity's name nor a former one."""
    named = {(code, name) for code, name in named if code}
    registered = {}
    codes, dialect = sorted({code for code, _ in named}), session.get_bind().dialect.name
    for start in range(0, len(codes), 5000):
        query = select(Entity.uscc, Entity.name, Entity.former_names).where(
            among(Entity.uscc, codes[start:start + 5000], dialect))
        for code, name, former in session.execute(query):
            registered[code] = name, {normalise_name(n) for n in [name, *(former or ())]}
    return sorted(NameMismatch(code, name, registered[code][0]) for code, name in named
                  if code in registered and normalise_name(name) not in registered[code][1])
