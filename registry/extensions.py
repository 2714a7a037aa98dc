"""Extension singletons, bound to the app inside create_app."""

from flask_migrate import Migrate
from flask_smorest import Api
from flask_sqlalchemy import SQLAlchemy

from .db import Base
from .errors import PROBLEM_JSON, Problem


class _Api(Api):
    """The API as its OpenAPI document describes it: errors are problem+json (not flask-smorest's
    default error body)."""

    ERROR_SCHEMA = Problem

    def _init_spec(self, *args, **kwargs):
        super()._init_spec(*args, **kwargs)
        self.ma_plugin.converter.add_parameter_attribute_function(_empty_query_value_allowed)

    def _register_responses(self):
        self.DEFAULT_RESPONSE_CONTENT_TYPE = PROBLEM_JSON  # for the error responses registered here
        try:
            super()._register_responses()
        finally:
            del self.DEFAULT_RESPONSE_CONTENT_TYPE


def _empty_query_value_allowed(converter, field, ret, **kwargs) -> dict:
    """A query parameter sent empty is read as not sent (registry.jsonbody): the description says so."""
    return {"allowEmptyValue": True} if ret.get("in") == "query" else {}


db = SQLAlchemy(model_class=Base)
migrate = Migrate()
api = _Api()
