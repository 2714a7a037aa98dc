"""A real webhook receiver: an HTTP server in a thread that records what it receives."""

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from registry.signing import HEADER


@pytest.fixture
def receiver():
    """Records each body received (`received`) with its raw bytes and signature header (`signed`);
    `failures` answers 503 first."""

    class Receiver:
        received: list = []
        signed: list = []  # (raw body, Registry-Signature header)
        failures = 0

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            raw = self.rfile.read(int(self.headers["Content-Length"]))
            if Receiver.failures > 0:
                Receiver.failures -= 1
                self.send_response(503)
            else:
                Receiver.received.append(json.loads(raw))
                Receiver.signed.append((raw, self.headers.get(HEADER)))
                self.send_response(204)
            self.end_headers()

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    Receiver.url = f"http://127.0.0.1:{server.server_port}/hook"
    yield Receiver
    server.shutdown()
    thread.join()
