"""Request arguments read the same way by every endpoint: a body nested too deeply, or holding a
number of more digits than Python converts (4,300), is invalid JSON like any other, not an error
answered with a 500; a body's text holding a NUL is refused; a query parameter sent empty is not
sent (an HTML form or a URL template like SPEC §8's `?q=&kind=&domain=` sends every name)."""

import json

import flask_smorest
from flask import request
from flask.json.provider import DefaultJSONProvider
from webargs.flaskparser import FlaskParser
from werkzeug.datastructures import MultiDict

from .errors import FieldError, RegistryError, ValidationFailed

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
        # A NUL in a query is a space, as search reads one pasted in: a filter is never stored, and
        # PostgreSQL refuses a parameter holding one.
        sent = MultiDict((key, value.replace("\x00", " ")) for key, value in req.args.items(multi=True) if value)
        return self._makeproxy(sent, schema)

    def load_json(self, req, schema):
        body = super().load_json(req, schema)
        refuse_nul(body)
        return body


def refuse_nul(value) -> None:
    """Refuse (422, a field error each) text holding a NUL character, which PostgreSQL cannot store:
    refused alike on every database, before any service sees it."""
    errors = [FieldError(path, "invalid_character", message_zh=f"“{path}”含有不允许的空字符（NUL）",
                         message_en=f"{path}: contains a NUL character") for path in _nul_paths(value, "")]
    if errors:
        raise ValidationFailed(message_en="text may not contain NUL characters", message_zh="文本不能含有空字符（NUL）",
                               code="invalid_character", errors=errors)


def _nul_paths(value, path: str):
    if isinstance(value, str):
        if "\x00" in value:
            yield path or "(body)"
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _nul_paths(item, f"{path}.{key}" if path else str(key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _nul_paths(item, f"{path}[{index}]")


def json_body(*, required: bool):
    """The request's JSON body; None when it has none and none is required. A body sent as JSON
    that is not valid JSON is refused (400 invalid_json), as the arguments parser refuses it."""
    body = request.get_json(silent=True)
    if body is None and (required or (request.is_json and request.get_data())):
        raise _invalid("send a JSON document with Content-Type: application/json")
    refuse_nul(body)
    return body


def _invalid(reason: str) -> RegistryError:
    return RegistryError(message_en=f"the body is not valid JSON: {reason}", message_zh="请求体不是有效的 JSON",
                         code="invalid_json")


class Blueprint(flask_smorest.Blueprint):
    """The API's blueprints: their arguments are read by the parser above."""

    ARGUMENTS_PARSER = _ArgumentsParser()
