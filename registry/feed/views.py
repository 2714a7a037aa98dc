"""HTTP: the change feed (page, long poll, server-sent events), its subscribers, and the bulk exports."""

import time

from flask import Response, request, send_file, stream_with_context
from flask.views import MethodView

from ..access.http import current_viewer, require_role
from ..access.models import ROLES
from ..extensions import db
from ..jsonbody import Blueprint
from ..jsonout import json_bytes, json_response
from ..pagination import MAX_ID
from ..runtime import settings
from ..uow import unit_of_work
from . import exports, subscribers
from .reader import Filters, read_changes, wait_for_changes
from .schemas import (
    ChangesArgs,
    ChangesOut,
    DeliveryOut,
    ManifestOut,
    ReplayIn,
    StreamArgs,
    SubscriberChange,
    SubscriberIn,
    SubscriberOut,
)

blp = Blueprint("changes", __name__, url_prefix="/api/v1", description="Open data: change feed and bulk exports")
HEARTBEAT_SECONDS = 15


@blp.route("/changes")
class Changes(MethodView):
    @blp.arguments(ChangesArgs, location="query")
    @blp.response(200, ChangesOut)
    def get(self, args):
        """Every change to what the caller may see, after the cursor `after`, in commit order.

        `wait` (seconds) holds the answer until a first event comes (long poll). 410
        `feed_cursor_expired` when events after the cursor were deleted after the retention period:
        start again from the latest export (its manifest names its cursor; Link header)."""
        page = wait_for_changes(current_viewer(), args["after"], Filters.of(args), args["limit"], args["wait"])
        return json_response(page)


@blp.route("/changes/stream")
class ChangeStream(MethodView):
    @blp.arguments(StreamArgs, location="query")
    @blp.response(200, {"type": "string"}, content_type="text/event-stream")
    def get(self, args):
        """The same events as server-sent events (`id:` is the cursor; reconnecting with Last-Event-ID
        resumes after it). The stream ends after REGISTRY_FEED_STREAM_SECONDS; clients reconnect."""
        viewer, filters = current_viewer(), Filters.of(args)
        after = args.get("after")
        if after is None:
            after = _last_event_id()
        read_changes(viewer, after, filters, 1)  # an expired cursor answers 410 before the stream starts
        db.session.rollback()
        return Response(stream_with_context(_events(viewer, after, filters)), mimetype="text/event-stream",
                        headers={"Cache-Control": "no-store", "X-Accel-Buffering": "no"})


def _last_event_id() -> int:
    raw = request.headers.get("Last-Event-ID", "0")
    return int(raw) if raw.isdigit() and int(raw) <= MAX_ID else 0


def _events(viewer, after: int, filters: Filters):
    deadline = time.monotonic() + settings().FEED_STREAM_SECONDS
    quiet_since = time.monotonic()
    yield "retry: 2000\n\n"
    while time.monotonic() < deadline:
        page = read_changes(viewer, after, filters, 500)
        db.session.rollback()  # the next look reads what committed since
        for event in page["events"]:
            yield f"id: {event['cursor']}\nevent: {event['kind']}\ndata: {json_bytes(event).decode()}\n\n"
        if page["events"]:
            quiet_since = time.monotonic()
        elif time.monotonic() - quiet_since >= HEARTBEAT_SECONDS:
            yield ": keep-alive\n\n"
            quiet_since = time.monotonic()
        if page["next"] == after:
            time.sleep(0.5)
        after = page["next"]


@blp.route("/changes/subscribers")
class Subscribers(MethodView):
    @blp.response(200, SubscriberOut(many=True))
    def get(self):
        """The key's subscribers (the credit centre: every one)."""
        return [_subscriber(s) for s in subscribers.subscribers_of(require_role(*ROLES))]

    @blp.arguments(SubscriberIn)
    @blp.response(201, SubscriberOut)
    def post(self, body):
        """Have the feed's events POSTed to `url`, signed (Registry-Signature, HMAC-SHA256 with the secret
        answered here, once), as this key sees them (or, added by the credit centre, as the key
        `principal_id` does), from the cursor `after`."""
        viewer = require_role(*ROLES)
        subscriber = subscribers.subscribe(viewer, body["url"], body["filters"], body["after"],
                                           body.get("principal_id"))
        return _subscriber(subscriber, secret=True)


SUBSCRIBER = f"/changes/subscribers/<int(max={MAX_ID}):subscriber_id>"


@blp.route(SUBSCRIBER)
class Subscriber(MethodView):
    @blp.arguments(SubscriberChange)
    @blp.response(200, SubscriberOut)
    def patch(self, body, subscriber_id: int):
        """Pause (`active: false`) or resume the deliveries; resuming sends what is due at once."""
        return _subscriber(subscribers.set_active(require_role(*ROLES), subscriber_id, body["active"]))

    @blp.response(204)
    def delete(self, subscriber_id: int):
        """Remove the subscriber and its delivery log."""
        subscribers.remove(require_role(*ROLES), subscriber_id)


@blp.route(f"{SUBSCRIBER}/secret")
class SubscriberSecret(MethodView):
    @blp.response(200, SubscriberOut)
    def post(self, subscriber_id: int):
        """A new secret, answered here once; deliveries are signed with it from now on."""
        return _subscriber(subscribers.rotate_secret(require_role(*ROLES), subscriber_id), secret=True)


@blp.route(f"{SUBSCRIBER}/replay")
class Replay(MethodView):
    @blp.arguments(ReplayIn)
    @blp.response(200, SubscriberOut)
    def post(self, body, subscriber_id: int):
        """Deliver again every event after `cursor`."""
        return _subscriber(subscribers.replay(require_role(*ROLES), subscriber_id, body["cursor"]))


@blp.route(f"{SUBSCRIBER}/deliveries")
class Deliveries(MethodView):
    @blp.response(200, DeliveryOut(many=True))
    def get(self, subscriber_id: int):
        """The subscriber's latest delivery attempts, newest first."""
        return subscribers.deliveries_of(require_role(*ROLES), subscriber_id)


def _subscriber(subscriber, secret: bool = False) -> dict:
    shown = {name: getattr(subscriber, name) for name in ("id", "principal_id", "url", "filters", "cursor", "active",
                                                          "attempts", "next_attempt_at")}
    return {**shown, "secret": subscriber.secret} if secret else shown


@blp.route("/exports/latest")
class LatestExport(MethodView):
    @blp.response(200, ManifestOut)
    def get(self):
        """The manifest of the latest bulk export: of the public record, or a data-sharing partner's
        (every record on display, natural persons' included) for a partner's key."""
        return _with_urls(exports.manifest_of(None, exports.audience_of(current_viewer())))


@blp.route("/exports/<string(length=10):day>")
class ExportOfDay(MethodView):
    @blp.response(200, ManifestOut)
    def get(self, day: str):
        """The manifest of the export of one day (YYYY-MM-DD)."""
        return _with_urls(exports.manifest_of(day, exports.audience_of(current_viewer())))


@blp.route("/exports/<string(length=10):day>/<string:name>")
class ExportFile(MethodView):
    @blp.response(200, {"type": "string", "format": "binary"}, content_type="application/gzip")
    def get(self, day: str, name: str):
        """One file of the caller's export (the public's, or a partner's); every download goes into the
        audit trail."""
        viewer = current_viewer()
        audience = exports.audience_of(viewer)
        path = exports.export_file(day, name, audience)
        with unit_of_work() as uow:
            uow.audit("export.download", viewer, "export", f"{day}/{name}", {"audience": audience})
        return send_file(path, mimetype="application/gzip", as_attachment=True, download_name=name)


def _with_urls(manifest: dict) -> dict:
    for entry in manifest["files"]:
        entry["url"] = f"/api/v1/exports/{manifest['day']}/{entry['name']}"
    return manifest
