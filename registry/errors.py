"""Domain errors and their RFC 9457 problem+json rendering, with Chinese and English messages."""

from dataclasses import KW_ONLY, asdict, dataclass

from flask import Flask, Response, json, render_template, request
from marshmallow import Schema, fields
from sqlalchemy.exc import OperationalError
from werkzeug.exceptions import HTTPException, SecurityError

from .domain.errors import BilingualError

PROBLEM_JSON = "application/problem+json"


@dataclass(frozen=True)
class FieldError:
    """One problem with one field; `index` names the row of a batch or file. The messages and what
    follows them are keyword-only, so that Chinese and English cannot be swapped by position."""

    field: str
    code: str
    _: KW_ONLY
    message_zh: str
    message_en: str
    value: object = None
    index: int | None = None

    def to_dict(self) -> dict:
        data = asdict(self)
        if data["index"] is None:
            del data["index"]
        if isinstance(data["value"], str) and len(data["value"]) > 200:
            data["value"] = data["value"][:200] + "…"
        return data


class RegistryError(BilingualError):
    """Base of every error a caller can cause; carries its HTTP status and stable code."""

    status = 400
    code = "bad_request"
    title = "Bad request"

    def __init__(self, *, message_zh: str, message_en: str, code: str | None = None,
                 errors: list[FieldError] | None = None, headers: dict | None = None):
        super().__init__(message_zh=message_zh, message_en=message_en, code=code)
        self.errors = errors or []
        self.headers = headers or {}


class ValidationFailed(RegistryError):
    status = 422
    code = "validation_failed"
    title = "Validation failed"


class NotFound(RegistryError):
    status = 404
    code = "not_found"
    title = "Not found"


class Unauthorized(RegistryError):
    status = 401
    code = "unauthorized"
    title = "Unauthorized"

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.headers.setdefault("WWW-Authenticate", "Bearer")  # RFC 9110: a 401 names its scheme


class Forbidden(RegistryError):
    status = 403
    code = "forbidden"
    title = "Forbidden"


class Conflict(RegistryError):
    status = 409
    code = "conflict"
    title = "Conflict"


class ContentTooLarge(RegistryError):
    status = 413
    code = "content_too_large"
    title = "Content too large"


class StorageFull(RegistryError):
    """The server's disk has no room for what the request would store; nothing of it was kept."""

    status = 507
    code = "storage_full"
    title = "Insufficient storage"

    def __init__(self, what_en: str, what_zh: str):
        super().__init__(message_en=f"the server has no disk space left for {what_en}; nothing was stored. "
                                    "Try again later; the operators have been told",
                         message_zh=f"服务器磁盘空间不足，无法保存{what_zh}，未保存任何内容。请稍后重试，已通知运维人员")


class DatabaseUnavailable(RegistryError):
    """The database could not be reached or dropped the connection (restarted, failed over): retryable.
    What the request wrote was not acknowledged, so the caller sends it again (pushes are idempotent)."""

    status = 503
    code = "database_unavailable"
    title = "Service unavailable"
    page_title = "服务暂时不可用"  # a page's heading, where a person reads this error
    RETRY_AFTER_SECONDS = 5
    STATE_EN, STATE_ZH = "unavailable for a moment", "暂时不可用"

    def __init__(self):
        again = self.RETRY_AFTER_SECONDS
        super().__init__(message_en=f"the database is {self.STATE_EN}; nothing of this request was acknowledged, "
                                    f"send it again in {again} s",
                         message_zh=f"数据库{self.STATE_ZH}，本次请求未被确认，请{again}秒后重新提交",
                         headers={"Retry-After": str(again)})


class DatabaseBusy(DatabaseUnavailable):
    """The database is up but held by other writers past the wait (SQLite's lock, a PostgreSQL lock or
    statement timeout, a deadlock or serialisation failure): retryable, and sooner."""

    code = "database_busy"
    RETRY_AFTER_SECONDS = 2
    STATE_EN, STATE_ZH = "busy with other writes", "正忙于处理其他写入"


# PostgreSQL's lock_not_available, query_canceled (statement timeout), serialization_failure, deadlock_detected.
BUSY_SQLSTATES = frozenset({"55P03", "57014", "40001", "40P01"})


def is_busy(exc: OperationalError) -> bool:
    """A database that answered "wait" rather than one that went away."""
    if getattr(exc.orig, "sqlstate", None) in BUSY_SQLSTATES:
        return True
    return "database is locked" in str(exc.orig) or "database table is locked" in str(exc.orig)


class RateLimited(RegistryError):
    status = 429
    code = "rate_limited"
    title = "Too many requests"
    page_title = "请求过于频繁"

    def __init__(self, retry_after: int):
        super().__init__(message_en=f"too many requests; try again in {retry_after} s",
                         message_zh=f"请求过于频繁，请{retry_after}秒后再试", headers={"Retry-After": str(retry_after)})


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


def problem(status: int, code: str, title: str, *, message_zh: str, message_en: str,
            errors: list[FieldError] | None = None, headers: dict | None = None) -> Response:
    body = {
        "type": f"https://credit-registry.example/problems/{code}",
        "title": title,
        "status": status,
        "code": code,
        "detail": message_en,
        "message_en": message_en,
        "message_zh": message_zh,
    }
    if errors:
        body["errors"] = [e.to_dict() for e in errors]
    response = Response(json.dumps(body, ensure_ascii=False), status=status, mimetype=PROBLEM_JSON)
    for key, value in (headers or {}).items():
        response.headers[key] = value
    return response


# Chinese messages for the HTTP errors Flask and webargs raise themselves.
# What a page says for an error whose code alone would not tell a person what to do.
_PAGE_ERRORS = {404: ("页面不存在", ["请检查网址，或从首页查询。"]),
                403: ("无权访问", ["您的账号所属角色不能使用此页面。", "请从页首的“工作台”进入您自己的工作台。"])}
_HTTP_ZH = {
    400: "请求格式错误",
    404: "资源不存在",
    405: "不支持该请求方法",
    413: "请求内容过大",
    415: "不支持的内容类型",
    422: "请求参数校验失败",
    429: "请求过于频繁，请稍后再试",
}


def _webargs_errors(exc: HTTPException) -> list[FieldError]:
    """Flatten webargs/marshmallow messages ({location: {field: [msg]}}) into field errors."""
    messages = (getattr(exc, "data", None) or {}).get("messages") or {}
    errors = []
    for location_messages in messages.values():
        for field, msgs in (location_messages or {}).items():
            field = field if isinstance(field, str) else "(unnamed)"  # a form part whose name could not be read
            for msg in msgs if isinstance(msgs, list) else [msgs]:
                errors.append(FieldError(field, "invalid", message_zh=f"参数“{field}”无效：{msg}", message_en=str(msg)))
    return errors


def _wants_a_page() -> bool:
    """A browser asking for a page outside the API gets a Chinese page, not problem+json."""
    return (not request.path.startswith("/api/")
            and request.accept_mimetypes.best_match([PROBLEM_JSON, "text/html"]) == "text/html")


def register_error_handlers(app: Flask) -> None:
    @app.errorhandler(RegistryError)
    def handle_registry_error(exc: RegistryError):
        if isinstance(exc, (RateLimited, DatabaseUnavailable)) and _wants_a_page():
            page = render_template("web/error.html", title=exc.page_title, details=[exc.message_zh], params={})
            return page, exc.status, exc.headers
        return problem(exc.status, exc.code, exc.title, message_en=exc.message_en, message_zh=exc.message_zh,
                       errors=exc.errors, headers=exc.headers)

    @app.errorhandler(HTTPException)
    def handle_http_exception(exc: HTTPException):
        status = exc.code or 500
        if _wants_a_page() and not isinstance(exc, SecurityError):  # an untrusted Host: no page links to make
            title, details = _PAGE_ERRORS.get(status, (_HTTP_ZH.get(status, exc.name), []))
            return render_template("web/error.html", title=title, details=details, params={}), status
        errors = _webargs_errors(exc) if status == 422 else []
        code = "validation_failed" if status == 422 else (exc.name or "error").lower().replace(" ", "_")
        headers = {k: v for k, v in exc.get_headers() if k != "Content-Type"}  # Allow of a 405, for one
        return problem(status, code, exc.name, message_en=exc.description or exc.name,
                       message_zh=_HTTP_ZH.get(status, exc.name), errors=errors, headers=headers)

    @app.errorhandler(OperationalError)
    def handle_database_unavailable(exc: OperationalError):
        # The pool's pre-ping replaces a dead connection at checkout; one lost mid-request ends that
        # request here, and the session is discarded with the request's context.
        refused = DatabaseBusy() if is_busy(exc) else DatabaseUnavailable()
        app.logger.warning("%s: %s", refused.code.replace("_", " "), (str(exc.orig or exc).splitlines() or ["?"])[0])
        return handle_registry_error(refused)

    @app.errorhandler(Exception)
    def handle_unexpected(exc: Exception):
        app.logger.exception("unhandled error")
        return problem(500, "internal_error", "Internal server error",
                       message_en="An unexpected error occurred; it has been logged.",
                       message_zh="服务器内部错误，已记录。")
