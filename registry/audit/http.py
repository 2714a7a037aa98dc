"""Every response names its request (X-Request-Id), as the audit entries the request left do."""

from flask import Flask

from .services import request_id


def init_app(app: Flask) -> None:
    @app.after_request
    def name_the_request(response):
        response.headers["X-Request-Id"] = request_id()
        return response
