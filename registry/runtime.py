"""The one accessor for what a running application holds: its settings and what create_app made of them."""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from flask import current_app, has_app_context

from .config import Config
from .domain.periods import BEIJING

EXTENSION = "registry"


def china_today() -> date:
    """The day it is in China, where the rules count days, whatever the server's time zone (a UTC
    server's date.today() is still yesterday there until 08:00)."""
    return datetime.now(BEIJING).date()


@dataclass
class Runtime:
    """Made once by create_app. Services read their settings and shared objects here (or take them
    as arguments), never from Flask's config, so the same objects serve requests, tasks and commands."""

    settings: Config
    after_commit: list[tuple[str, Callable]] = field(default_factory=list)  # (name, hook) run after each commit
    search_engine: Any = None  # search.engine.SearchEngine
    calendar: Any = None  # registry.domain.workdays.Calendar, reloaded when a schedule is loaded
    report_keyring: Any = None  # registry.reports.signing.KeyRing
    single_sign_on: Any = None  # registry.accounts.sso_pages.SingleSignOn, when REGISTRY_OIDC_* is set
    clock: Callable[[], date] = china_today  # what day it is (REGISTRY_TODAY fixes it, tests move it)


def runtime() -> Runtime:
    """The current application's runtime (inside an application context)."""
    return current_app.extensions[EXTENSION]


def today() -> date:
    """The current day by the application's clock (China's, for code used outside an application)."""
    return runtime().clock() if has_app_context() else china_today()


def settings() -> Config:
    """The current application's settings."""
    return runtime().settings
