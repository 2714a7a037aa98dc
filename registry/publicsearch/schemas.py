"""Query arguments and answers of the public search, shared by the API and the search page."""

from marshmallow import Schema, fields, post_load, validate

from search.engine import LIST_KINDS, RECORD_KINDS

from ..records.layout import KIND_LABELS, SEVERITIES
from ..records.schemas import RecordOut


def _named(kinds) -> str:
    return ", ".join(f"{kind} ({KIND_LABELS[kind]})" for kind in kinds)


class SearchArgs(Schema):
    q = fields.String(load_default="", validate=validate.Length(max=100),
                      metadata={"description": "name fragment, former name, credit code (or prefix), pinyin, initials"})
    kind = fields.String(validate=validate.OneOf(("entity", "record")))
    record_kind = fields.String(validate=validate.OneOf(RECORD_KINDS), metadata={
        "description": "records of this kind only: " + _named(RECORD_KINDS) + "; implies kind=record"})
    list_status = fields.String(validate=validate.OneOf(LIST_KINDS), metadata={
        "description": "entities on this list today (an entry of it published and not past its end): "
                       + _named(LIST_KINDS) + "; implies kind=entity"})
    domain = fields.String(validate=validate.Length(max=40))
    department = fields.Integer(validate=validate.Range(min=1, max=2**31 - 1))
    district = fields.String(validate=validate.Regexp(r"^\d{6}$"))
    region = fields.String(validate=validate.Regexp(r"^\d{6}$"), metadata={"description": "same as district"})
    severity = fields.String(validate=validate.OneOf(tuple(SEVERITIES)))
    from_ = fields.Date(data_key="from")
    to = fields.Date()
    cursor = fields.String(validate=validate.Length(max=1000))
    limit = fields.Integer(load_default=20, validate=validate.Range(min=1, max=100))

    @post_load
    def _named_as_the_service_reads_them(self, args, **_):
        args["from"] = args.pop("from_", None)
        region = args.pop("region", None)
        args.setdefault("district", region)  # SPEC §8 names the filter `region`
        return args


class EntityHitOut(Schema):
    uscc = fields.String()
    name = fields.String()
    former_names = fields.List(fields.String())
    party_category = fields.String()
    district = fields.Dict()


class HitOut(Schema):
    kind = fields.String()
    score = fields.Float()
    matched = fields.List(fields.String(), metadata={
        "description": "uscc, name, former_name, pinyin, initials, text, "
                       "decision_no (the record's 文书号, whole or its beginning)"})
    highlights = fields.Dict(keys=fields.String(), values=fields.List(fields.String()))
    entity = fields.Nested(EntityHitOut)
    record = fields.Nested(RecordOut)


class SearchOut(Schema):
    items = fields.List(fields.Nested(HitOut))
    total = fields.Integer(metadata={"description": "hits counted; a lower bound when total_exact is false"})
    total_exact = fields.Boolean(metadata={
        "description": "false when more hits matched than a search counts (10,000 on an external engine, "
                       "2,000 per index on the built-in one): total and facets then count a part of them, "
                       "and paging still goes through every hit"})
    facets = fields.Dict(keys=fields.String(), values=fields.Dict(keys=fields.String(), values=fields.Integer()),
                         metadata={"description": "counts by value over the hits counted in total; list_status "
                                               "counts the entities on each list today"})
    next_cursor = fields.String(allow_none=True)
    engine = fields.String()
