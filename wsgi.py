"""WSGI entry point: gunicorn wsgi:app."""

import sys

from registry import create_app
from registry.config import ConfigError

try:
    app = create_app()
except ConfigError as exc:  # one line, as `registry serve` says it, not a traceback per worker
    sys.exit(f"Error: {exc}")
