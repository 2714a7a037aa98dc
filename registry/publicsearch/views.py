"""GET /api/v1/search: entities and records by name fragment, former name, credit code or pinyin."""

from flask.views import MethodView

from .. import ratelimit
from ..jsonbody import Blueprint
from ..jsonout import json_response
from . import services
from .schemas import SearchArgs, SearchOut

blp = Blueprint("search", __name__, url_prefix="/api/v1/search", description="Public search")


@blp.route("")
class Search(MethodView):
    @blp.arguments(SearchArgs, location="query")
    @blp.response(200, SearchOut)
    def get(self, args):
        """Search published records and entities; 503 `search_unavailable` with Retry-After when the engine
        is down (look-ups by credit code keep working); 429 with Retry-After when this address searched
        more than REGISTRY_SEARCH_LIMIT times in REGISTRY_SEARCH_WINDOW seconds."""
        ratelimit.tally(services.SEARCH_LIMIT)
        # Written without the SearchOut pass: dumping a page of twenty records through marshmallow
        # took longer than reading them from the database.
        return json_response(services.search(args))
