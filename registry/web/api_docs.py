"""The API's documentation page: Swagger UI from the swagger-ui-bundle package, served by the registry
itself (no CDN), so that it works on an intranet and under the site's own script policy."""

from flask import Blueprint, render_template, send_from_directory, url_for
from swagger_ui_bundle import swagger_ui_path

ASSETS = ("swagger-ui.css", "swagger-ui-bundle.js")
bp = Blueprint("api_docs", __name__, url_prefix="/api/v1/docs")


@bp.get("")
def page():
    return render_template("web/api_docs.html", spec_url=url_for("api-docs.openapi_json"))


@bp.get("/assets/<name>")
def asset(name: str):
    if name not in ASSETS:
        return "", 404
    return send_from_directory(swagger_ui_path, name, max_age=86400)
