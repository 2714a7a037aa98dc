"""Opaque keyset cursors: no offset, so no 10,000-result wall."""

import base64
import json

from .errors import RegistryError

MAX_ID = 2**63 - 1  # ids above this are not ids (route converters answer 404, not a database overflow)


class InvalidCursor(RegistryError):
    status = 400
    code = "invalid_cursor"
    title = "Invalid cursor"


def encode_cursor(*values) -> str:
    raw = json.dumps(values, default=str, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str, arity: int) -> list:
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        values = json.loads(base64.urlsafe_b64decode(padded.encode()))
    except (ValueError, UnicodeDecodeError):
        values = None
    if not isinstance(values, list) or len(values) != arity:
        raise InvalidCursor(message_en="the cursor is not valid; start again without it",
                            message_zh="分页游标无效，请重新查询")
    return values


def decode_id_cursor(cursor: str) -> int:
    """The last id of a list ordered by id alone."""
    (last_id,) = decode_cursor(cursor, 1)
    return cursor_id(last_id)


def cursor_id(value) -> int:
    """An id read from a cursor. Anything else, a number no id can be included (the database could
    not even compare it), makes the cursor invalid."""
    if isinstance(value, int) and not isinstance(value, bool) and 0 <= value <= MAX_ID:
        return value
    raise InvalidCursor(message_en="the cursor is not valid; start again without it",
                        message_zh="分页游标无效，请重新查询")
