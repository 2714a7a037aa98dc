"""Extension singletons, bound to the app inside create_app."""

from flask_migrate import Migrate
from flask_smorest import Api
from flask_sqlalchemy import SQLAlchemy
from marshmallow import Schema, fields

from .db import Base
from .errors import PROBLEM_JSON


class _ProblemFieldError(Schema):
    field = fields.String()
    code = fields.String()
    message_zh = fields.String()
    message_en = fields.String()
    value = fields.Raw(allow_none=True)
    index = fields.Integer(metadata={"description": "the row of a batch"})


class Problem(Schema):
    """Every error answer (RFC 9457 problem details, with a stable code and Chinese and English text)."""

    type = fields.String()
    title = fields.String()
    status = fields.Integer()
    code = fields.String()
    detail = fields.String()
    message_en = fields.String()
    message_zh = fields.String()
    errors = fields.List(fields.Nested(_ProblemFieldError))


class _Api(Api):
    """The API as its OpenAPI document describes it: errors are problem+json (not flask-smorest's
    default error body)."""

    ERROR_SCHEMA = Problem

    def _register_responses(self):
        self.DEFAULT_RESPONSE_CONTENT_TYPE = PROBLEM_JSON  # for the error responses registered here
        try:
            super()._register_responses()
        finally:
            del self.DEFAULT_RESPONSE_CONTENT_TYPE


db = SQLAlchemy(model_class=Base)
migrate = Migrate()
api = _Api()
