"""Who may see which record, and which personal identifiers they may see unmasked (SPEC §2, §7)."""

from datetime import date
from functools import lru_cache

from sqlalchemy import and_, or_, true

from ..access.models import PARTNERS
from ..access.services import Viewer, is_party
from .models import PUBLISHED, Record


@lru_cache(maxsize=16)
def public_condition(publish_natural_persons: bool, today: date):
    """A SQL condition selecting the records anyone may see (and the search index holds) on `today`;
    made once a day (an expression is immutable, and building it cost a public page a tenth of its CPU).

    The publicity end is compared with the day itself, not only through the stored status that the
    daily sweep keeps: a penalty leaves every public channel on its end date whether or not the
    sweep has run.
    """
    public = and_(Record.status == PUBLISHED, or_(Record.publicity_end.is_(None), Record.publicity_end > today))
    if not publish_natural_persons:
        public = and_(public, Record.party_category != "natural_person")
    return public


def sees_natural_persons(viewer: Viewer, publish_natural_persons: bool) -> bool:
    """Whether the viewer is shown natural persons' records on display: where the deployment publishes
    them, and to data-sharing partners and the credit centre always."""
    return publish_natural_persons or viewer.role in PARTNERS or viewer.is_credit_centre


def visible_condition(viewer: Viewer, publish_natural_persons: bool, today: date):
    """A SQL condition selecting the records `viewer` may see on `today`."""
    if viewer.is_credit_centre:
        return true()
    public = public_condition(sees_natural_persons(viewer, publish_natural_persons), today)
    if viewer.role == "enterprise":
        return or_(public, Record.uscc == viewer.uscc)
    if viewer.role == "department":
        return or_(public, Record.department_id == viewer.department_id)
    return public


def sees_personal_ids(viewer: Viewer, record: Record) -> bool:
    """Full ID numbers only for the source department, the party itself and the credit centre's
    reviewers (not its admins: SPEC §7)."""
    return (
        viewer.reads_personal_data
        or (viewer.role == "department" and viewer.department_id == record.department_id)
        or (is_party(viewer, record.uscc)
            and record.party_category != "natural_person")  # a person's record is not the enterprise's
    )


def sees_person_names(viewer: Viewer, record: Record) -> bool:
    """A natural person's name in full: for whom sees the ID numbers, and for data-sharing partners."""
    return viewer.role in PARTNERS or sees_personal_ids(viewer, record)


def serves_personal_ids(viewer: Viewer, record: Record) -> bool:
    """Whether showing the record to the viewer serves an ID number unmasked to someone other than the
    party itself: each such read goes into the audit trail."""
    return bool(record.legal_rep_id_no or record.id_no) and sees_personal_ids(viewer, record) \
        and not is_party(viewer, record.uscc)
