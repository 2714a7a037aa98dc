"""HTTP resources for market entities."""

from flask.views import MethodView
from marshmallow import Schema, fields

from ..access.http import current_viewer
from ..jsonbody import Blueprint
from ..jsonout import Timestamp
from ..records.schemas import RecordPageArgs, RecordPageOut
from ..records.services import count_records_by_kind, list_entity_records
from ..repairs.objections import under_objection
from . import services

blp = Blueprint("enterprises", __name__, url_prefix="/api/v1/enterprises", description="Market entities")


class KindOut(Schema):
    key = fields.String()
    name_zh = fields.String()


class DistrictOut(Schema):
    code = fields.String()
    name_zh = fields.String(allow_none=True)


class EnterpriseOut(Schema):
    uscc = fields.String()
    name = fields.String()
    former_names = fields.List(fields.String())
    party_category = fields.String()
    entity_kind = fields.Nested(KindOut)
    district = fields.Nested(DistrictOut)
    legal_rep = fields.String(allow_none=True)
    legal_rep_id_no = fields.String(allow_none=True)
    record_counts = fields.Dict(keys=fields.String(), values=fields.Integer())
    updated_at = Timestamp()


@blp.route("/<string:uscc>")
class Enterprise(MethodView):
    @blp.response(200, EnterpriseOut)
    def get(self, uscc: str):
        """A market entity by its unified social credit code (400 if malformed, 404 if unknown)."""
        return services.get_entity(current_viewer(), uscc, count_records_by_kind)


@blp.route("/<string:uscc>/records")
class EnterpriseRecords(MethodView):
    @blp.arguments(RecordPageArgs, location="query")
    @blp.response(200, RecordPageOut)
    def get(self, args, uscc: str):
        """The entity's records the caller may see, newest first, with a cursor for the next page."""
        viewer = current_viewer()
        entity = services.find_entity(services.parse_uscc(uscc))
        return list_entity_records(viewer, entity.uscc, under_objection, **args)
