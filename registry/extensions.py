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

    def _register_responses(self):
        self.DEFAULT_RESPONSE_CONTENT_TYPE = PROBLEM_JSON  # for the error responses registered here
        try:
            super()._register_responses()
        finally:
            del self.DEFAULT_RESPONSE_CONTENT_TYPE


db = SQLAlchemy(model_class=Base)
migrate = Migrate()
api = _Api()
