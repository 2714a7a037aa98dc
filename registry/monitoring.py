"""Request instrumentation (a log line with the request's id and the HTTP metrics of every answer) and
`/metrics`, which only configured networks and admin keys may read."""

import ipaddress
import logging
import re
import time

from flask import Flask, Response, g, request
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from prometheus_client.core import GaugeMetricFamily
from sqlalchemy import func, select

from . import metrics
from .access.http import current_viewer
from .errors import Forbidden
from .extensions import db
from .outbox import lag_seconds
from .repairs.models import RepairApplication
from .repairs.rules import STATE_LABELS_ZH
from .runtime import settings

CONVERTER_ARGUMENTS = re.compile(r"<(\w+)\([^)]*\):")  # <int(max=9223372036854775807):id> is <int:id>
UNMATCHED = "unmatched"  # the route of a request no URL rule matched (404s of stray paths)
log = logging.getLogger("registry.request")


def init_app(app: Flask) -> None:
    app.before_request(_start)
    app.after_request(_finish)
    app.add_url_rule("/metrics", "metrics", scrape)


def _start() -> None:
    g.request_started = time.perf_counter()


def _finish(response: Response) -> Response:
    route = route_of(request.url_rule.rule) if request.url_rule else UNMATCHED
    seconds = time.perf_counter() - g.get("request_started", time.perf_counter())
    observe(route, request.method, response.status_code, seconds, request.remote_addr)
    return response


def route_of(rule: str) -> str:
    """A URL rule as metrics and log lines name it."""
    return CONVERTER_ARGUMENTS.sub(r"<\1:", rule)


def observe(route: str, method: str, status: int, seconds: float, client: str | None) -> None:
    """An answer's metrics and log line (also of answers given before Flask: registry.web.cache_front)."""
    metrics.observe_request(route, method, status, seconds)
    # The route, not the path: paths carry report numbers and repair query codes.
    fields = {"client": client, "route": route, "method": method, "status": status,
              "latency_ms": round(seconds * 1000, 1)}
    log.info("%s %s %s %.1f ms", method, route, status, fields["latency_ms"], extra=fields)


def scrape() -> Response:
    """The counters of every server process and the database's state now (a few indexed counts)."""
    _refuse_strangers()
    exposition = generate_latest(metrics.collected()) + generate_latest(_DatabaseState())
    return Response(exposition, mimetype=CONTENT_TYPE_LATEST)


def _refuse_strangers() -> None:
    if _from_metrics_network(request.remote_addr):
        return
    viewer = current_viewer()
    if viewer.is_public or viewer.role != "admin":
        raise Forbidden(message_en="metrics are served to the networks in REGISTRY_METRICS_NETWORKS, or with an "
                                   "admin key", message_zh="监控指标仅向配置的网络或持管理员密钥的调用方提供",
                        code="metrics_forbidden")


def _from_metrics_network(address: str | None) -> bool:
    try:
        client = ipaddress.ip_address(address or "")
    except ValueError:  # a Unix socket's peer has no address
        return False
    return any(client in network for network in settings().metrics_networks)


class _DatabaseState:
    """Gauges read from the database at scrape time, so every process and command agrees on them."""

    def collect(self):
        lag = GaugeMetricFamily("registry_outbox_lag_seconds", "Age of the oldest change the search engine has "
                                "not been sent yet (0: none pending)")
        lag.add_metric([], lag_seconds(db.session))
        states = dict.fromkeys(STATE_LABELS_ZH, 0)
        by_state = select(RepairApplication.state, func.count()).group_by(RepairApplication.state)
        states.update({state: count for state, count in db.session.execute(by_state)})
        repairs = GaugeMetricFamily("registry_repair_applications", "Credit repair applications, by state",
                                    labels=["state"])
        for state, count in sorted(states.items()):
            repairs.add_metric([state], count)
        return [lag, repairs]
