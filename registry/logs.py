"""The service's log: one line an event, as text or JSON (REGISTRY_LOG_FORMAT), with the request id of
the request it belongs to, and never a full ID number or an API key (masked before any handler writes)."""

import json
import logging
import re
import sys
import time

from .access.services import KEY_PREFIX
from .audit.services import current_request_id
from .domain.masking import ID_NUMBER_IN_TEXT, mask_id

API_KEY = re.compile(re.escape(KEY_PREFIX) + r"[A-Za-z0-9_-]{8,}")
KEY_SHOWN = 12  # characters of a key kept in a log: its prefix, as the key pages show it
TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"
# What a JSON line carries beside the message, when the event has it (the request log line's fields).
JSON_FIELDS = ("client", "route", "method", "status", "latency_ms", "task")


def mask_secrets(text: str) -> str:
    """The text with every ID number masked (150***********1234) and every API key cut to its prefix."""
    # A USCC made only of digits is masked as well: better a masked credit code than a person's number kept.
    text = ID_NUMBER_IN_TEXT.sub(lambda match: mask_id(match.group()), text)
    return API_KEY.sub(lambda match: match.group()[:KEY_SHOWN] + "…", text)


class MaskSecrets(logging.Filter):
    """Masks a record's message and traceback in place (a handler's filter sees every record it writes,
    whichever logger made it)."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            record.msg, record.args = mask_secrets(record.getMessage()), None
        except (TypeError, ValueError):  # a malformed call: its arguments are dropped, not written unmasked
            record.msg, record.args = mask_secrets(str(record.msg)), None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = mask_secrets(record.exc_text)
        if record.stack_info:
            record.stack_info = mask_secrets(record.stack_info)
        return True


class RequestId(logging.Filter):
    """Adds the current request's id to a record: the request being answered, or the one that started the
    task being run ("-" for neither, unless the record has one)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not hasattr(record, "request_id"):
            record.request_id = current_request_id() or "-"
        return True


class JsonLines(logging.Formatter):
    converter = time.gmtime  # times in UTC, marked Z

    def format(self, record: logging.LogRecord) -> str:
        event = {"time": self.formatTime(record, "%Y-%m-%dT%H:%M:%S") + f".{int(record.msecs):03d}Z",
                 "level": record.levelname, "logger": record.name, "message": record.getMessage(),
                 "request_id": getattr(record, "request_id", "-")}
        event.update({name: getattr(record, name) for name in JSON_FIELDS if hasattr(record, name)})
        if record.exc_text or record.exc_info:
            event["exception"] = record.exc_text or self.formatException(record.exc_info)
        return json.dumps(event, ensure_ascii=False, default=str)


class _Stderr(logging.StreamHandler):
    """Writes to whatever sys.stderr is at the time (a test's capture, a redirected stream)."""

    @property
    def stream(self):
        return sys.stderr

    @stream.setter
    def stream(self, _value):
        pass


def protect(handler: logging.Handler) -> logging.Handler:
    """Give a handler the request id and the masking (gunicorn's handlers, ours)."""
    for kind in (RequestId, MaskSecrets):
        if not any(isinstance(f, kind) for f in handler.filters):
            handler.addFilter(kind())
    return handler


def configure(level: str, style: str) -> None:
    """One handler on the root logger, made once a process (every app made again replaces its format)."""
    root = logging.getLogger()
    handler = next((h for h in root.handlers if isinstance(h, _Stderr)), None)
    if handler is None:
        handler = protect(_Stderr())
        root.addHandler(handler)
    handler.setFormatter(JsonLines() if style == "json" else logging.Formatter(TEXT_FORMAT))
    handler.setLevel(level.upper())  # a library that turns its own logger to DEBUG is not written below it
    for ours in ("registry", "search"):  # the project's two packages; libraries keep their own level
        logging.getLogger(ours).setLevel(level.upper())
