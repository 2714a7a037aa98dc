"""Serving behind nginx: a buffering front that reads slow requests and long uploads whole before a
gunicorn worker sees them, so neither a client sending a header line a second nor a 2 GB upload at
1 MB/s holds a worker (gunicorn's sync workers are few and killed after their timeout).

`registry serve` runs both as children of one process; nginx listens where the service is bound,
gunicorn on a Unix socket under the instance directory.
"""

import getpass
import json
import os
import shutil
import signal
import subprocess
import time
from pathlib import Path

NGINX = "nginx"
UPLOAD_LIMIT = "2100m"  # the 2 GB department file plus its multipart envelope; the app checks the rest

# The API's problem+json for an address too long to read, answered by nginx itself.
URI_TOO_LONG = json.dumps({
    "type": "https://credit-registry.example/problems/uri_too_long", "title": "URI Too Long", "status": 414,
    "code": "uri_too_long", "detail": "the address is longer than 6 KB; send long values in a request body",
    "message_en": "the address is longer than 6 KB; send long values in a request body",
    "message_zh": "请求网址过长（超过6 KB），请缩短查询条件"}, ensure_ascii=False)
CONFIG = """\
{user}worker_processes 1;
pid {run}/nginx.pid;
error_log stderr warn;
events {{ worker_connections 4096; }}
http {{
    access_log off;  # gunicorn logs each request it answers
    client_body_temp_path {run}/client-body;
    proxy_temp_path {run}/proxy;
    fastcgi_temp_path {run}/fastcgi;
    uwsgi_temp_path {run}/uwsgi;
    scgi_temp_path {run}/scgi;
    client_max_body_size {upload_limit};
    client_header_timeout 10s;  # a request line and headers must arrive within this
    client_body_timeout 60s;    # between two reads of a body: a stalled upload ends, a slow one goes on
    send_timeout 60s;
    keepalive_timeout 15s;
    proxy_request_buffering on;  # the whole body first, then one fast hand-over to a worker
    proxy_read_timeout 300s;
    server_tokens off;
    large_client_header_buffers 4 6k;  # a longer request line is answered here: gunicorn takes 8190
    server {{
        listen {listen};
        error_page 414 /.uri-too-long;
        location = /.uri-too-long {{
            internal;
            default_type application/problem+json;
            return 414 '{uri_too_long}';
        }}
        location / {{
            proxy_pass http://unix:{socket}:;
            proxy_http_version 1.1;
            proxy_set_header Host $http_host;
            proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
            proxy_set_header X-Forwarded-Proto $scheme;
        }}
    }}
}}
"""


def nginx_available() -> bool:
    return shutil.which(NGINX) is not None or Path("/usr/sbin/nginx").exists()


def write_config(bind: str, instance_dir: str) -> tuple[Path, Path]:
    """nginx's configuration for a service bound to `bind`; returns (config file, gunicorn's socket)."""
    run = Path(instance_dir).resolve() / "run"
    run.mkdir(parents=True, exist_ok=True)
    socket = run / "gunicorn.sock"
    # As root, nginx's workers would run as nobody, who cannot write the instance directory.
    user = f"user {getpass.getuser()};\n" if os.geteuid() == 0 else ""
    config = run / "nginx.conf"
    config.write_text(CONFIG.format(user=user, run=run, upload_limit=UPLOAD_LIMIT, listen=bind, socket=socket,
                                    uri_too_long=URI_TOO_LONG), encoding="utf-8")
    return config, socket


def serve_behind_nginx(bind: str, gunicorn_args: list[str], instance_dir: str) -> int:
    """Run gunicorn on a Unix socket and nginx on `bind` until either stops or a signal comes; the
    exit status of the one that stopped first."""
    config, socket = write_config(bind, instance_dir)
    socket.unlink(missing_ok=True)
    env = {**os.environ, "REGISTRY_TRUSTED_PROXIES": "1"}  # the client's address comes from nginx
    children = [subprocess.Popen([*gunicorn_args, "--bind", f"unix:{socket}"], env=env),
                subprocess.Popen([shutil.which(NGINX) or "/usr/sbin/nginx", "-c", str(config), "-g", "daemon off;"])]

    def stop(*_):
        for child in children:
            if child.poll() is None:
                child.terminate()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    while all(child.poll() is None for child in children):
        time.sleep(0.2)
    first = next(child for child in children if child.returncode is not None)
    stop()
    for child in children:
        child.wait()
    return first.returncode
