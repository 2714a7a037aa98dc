"""The public search page and an enterprise's page: the same services as the API, rendered in Chinese."""

from flask import Blueprint, redirect, render_template, request, url_for
from marshmallow import EXCLUDE, ValidationError

from .. import ratelimit
from ..access.services import PUBLIC
from ..departments.services import reference_names
from ..domain import uscc as uscc_rules
from ..enterprises.services import get_entity
from ..errors import RegistryError
from ..pagination import InvalidCursor
from ..publicsearch.schemas import SearchArgs
from ..publicsearch.services import RETRY_AFTER_SECONDS, SEARCH_LIMIT, SearchUnavailableError, search
from ..records.services import count_records_by_domain, count_records_by_kind, list_entity_records
from ..repairs.objections import under_objection
from . import labels

bp = Blueprint("web", __name__, template_folder="templates", static_folder="static",
               static_url_path="/web/static")

PAGE_SIZE = 20
# Query parameters a link to another page of the same search keeps.
SEARCH_PARAMS = ("q", "kind", "record_kind", "list_status", "domain", "district", "severity", "from", "to")


@bp.app_context_processor
def _labels():
    return {"labels": labels}


@bp.get("/")
def search_page():
    params = {key: request.args[key].strip() for key in SEARCH_PARAMS if request.args.get(key, "").strip()}
    if not params:
        return render_template("web/search.html", params={}, result=None)
    code = _full_uscc(params.get("q", ""))
    if code and set(params) == {"q"}:  # a whole credit code is a look-up, answered by the database
        return redirect(url_for("web.enterprise_page", uscc=code))
    ratelimit.tally(SEARCH_LIMIT)  # over it: the Chinese 429 page (registry.errors)
    try:
        cursor = {"cursor": request.args["cursor"]} if request.args.get("cursor") else {}
        args = SearchArgs(unknown=EXCLUDE).load({**params, **cursor, "limit": PAGE_SIZE})
        result = search(args)
    except ValidationError as exc:
        wrong = [f"“{labels.PARAM_LABELS.get(key, key)}”的格式不正确。" for key in exc.messages]
        return _error_page(400, "查询条件有误", wrong, params)
    except InvalidCursor:
        return _error_page(400, "分页链接已失效", ["请从第一页重新查询。"], params)
    except SearchUnavailableError:
        page = render_template("web/unavailable.html", params=params)
        return page, 503, {"Retry-After": str(RETRY_AFTER_SECONDS)}
    page_number = request.args.get("page", 1, type=int)
    return render_template("web/search.html", params=params, result=result,
                           facets=_facet_options(result["facets"], params),
                           page_number=max(page_number, 1), page_size=PAGE_SIZE)


@bp.get("/enterprises/<string:uscc>")
def enterprise_page(uscc: str):
    domain = request.args.get("domain") or None
    try:
        entity = get_entity(PUBLIC, uscc, count_records_by_kind)
        records = list_entity_records(PUBLIC, entity["uscc"], under_objection, domain=domain,
                                      cursor=request.args.get("cursor"), limit=PAGE_SIZE)
    except InvalidCursor:
        return _error_page(400, "分页链接已失效", ["请从第一页重新查看。"])
    except RegistryError as exc:
        return _error_page(exc.status, exc.message_zh, [])
    names = reference_names()["domain"]
    counts = count_records_by_domain(PUBLIC, entity["uscc"])
    domains = sorted(((key, names.get(key, key), count) for key, count in counts.items()), key=lambda d: -d[2])
    return render_template("web/enterprise.html", entity=entity, records=records["items"],
                           next_cursor=records["next_cursor"], domains=domains, domain=domain,
                           total=sum(counts.values()))


def _full_uscc(text: str) -> str | None:
    try:
        return uscc_rules.validate(text)
    except uscc_rules.InvalidUSCC:
        return None


def _facet_options(facets: dict[str, dict[str, int]], params: dict) -> list[dict]:
    """Each facet with its values by count; a value's link narrows the search to it, or lifts the filter
    when it is the one already chosen."""
    names = {**reference_names(), "kind": labels.KIND_LABELS, "severity": labels.SEVERITY_LABELS,
             "record_kind": labels.RECORD_KIND_LABELS, "list_status": labels.LIST_STATUS_LABELS}
    options = []
    for facet, counts in facets.items():
        values = []
        for value, count in sorted(counts.items(), key=lambda item: (-item[1], item[0])):
            chosen = params.get(facet) == value
            narrowed = {key: val for key, val in params.items() if key != facet}
            if not chosen:
                narrowed[facet] = value
            values.append({"label": names.get(facet, {}).get(value, value), "count": count, "chosen": chosen,
                           "url": url_for("web.search_page", **narrowed)})
        if values:
            options.append({"name": facet, "title": labels.FACET_TITLES.get(facet, facet), "values": values})
    return options


def _error_page(status: int, title: str, details: list[str], params: dict | None = None):
    return render_template("web/error.html", title=title, details=details, params=params or {}), status
