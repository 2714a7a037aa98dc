"""CSRF protection of every form a page posts (Flask-WTF). The API is left out: it takes API keys,
never the session cookie, so a page elsewhere cannot make a browser call it as someone."""

from flask import Flask, render_template, request
from flask_wtf.csrf import CSRFError, CSRFProtect

csrf = CSRFProtect()
UNSAFE = frozenset({"POST", "PUT", "PATCH", "DELETE"})


def init_app(app: Flask) -> None:
    app.config.update(WTF_CSRF_CHECK_DEFAULT=False, WTF_CSRF_TIME_LIMIT=None,  # a form lives as long as its session
                      SESSION_COOKIE_SAMESITE="Lax", SESSION_COOKIE_HTTPONLY=True)
    csrf.init_app(app)

    @app.before_request
    def protect_forms():
        if request.method in UNSAFE and not request.path.startswith("/api/"):
            csrf.protect()

    @app.errorhandler(CSRFError)
    def refused(_exc):
        page = render_template("web/error.html", title="表单已失效", params={},
                               details=["页面停留过久或来源不明，为保护您的账号，本次提交未被受理。请返回上一页刷新后重新提交。"])
        return page, 400
