"""Request arguments read the same way by every endpoint: a body nested too deeply, or holding a
number of more digits than Python converts (4,300), is invalid JSON like any other, not an error
answered with a 500; a query parameter sent empty is not
sent (an HTML form or a URL template like SPEC §8's `?q=&kind=&domain=` sends every name)."""

import json

import flask_smorest
from flask import request
from flask.json.provider import DefaultJSONProvider
from webargs.flaskparser import FlaskParser
from werkzeug.datastructures import MultiDict

from .errors import RegistryError

_TOO_DEEP = "JSON nested too deeply"
_TOO_LONG = "a number has too many digits"


class JSONProvider(DefaultJSONProvider):
    """app.json: what request.get_json reads with."""

    def loads(self, s, **kwargs):
        try:
            return super().loads(s, **kwargs)
        except RecursionError:
            raise ValueError(_TOO_DEEP) from None  # get_json's invalid-JSON path


class _ArgumentsParser(FlaskParser):
    def _raw_load_json(self, req):
        try:
            return super()._raw_load_json(req)
        except RecursionError:
            raise _invalid(_TOO_DEEP) from None
        except ValueError as exc:
            if isinstance(exc, json.JSONDecodeError):
                raise
            raise _invalid(_TOO_LONG) from None  # int(): "Exceeds the limit (4300 digits)"

    def _handle_invalid_json_error(self, error, req, *args, **kwargs):
        raise _invalid(getattr(error, "msg", str(error)))

    def load_querystring(self, req, schema):
        sent = MultiDict((key, value) for key, value in req.args.items(multi=True) if value.strip())
        return self._makeproxy(sent, schema)


def json_body(*, required: bool):
    """The request's JSON body; None when it has none and none is required. A body sent as JSON
    that is not valid JSON is refused (400 invalid_json), as the arguments parser refuses it."""
    body = request.get_json(silent=True)
    if body is None and (required or (request.is_json and request.get_data())):
        raise _invalid("send a JSON document with Content-Type: application/json")
    return body


def _invalid(reason: str) -> RegistryError:
    return RegistryError(message_en=f"the body is not valid JSON: {reason}", message_zh="请求体不是有效的 JSON",
                         code="invalid_json")


class Blueprint(flask_smorest.Blueprint):
    """The API's blueprints: their arguments are read by the parser above."""

    ARGUMENTS_PARSER = _ArgumentsParser()
