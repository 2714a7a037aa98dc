"""What every `registry` sub-command shares: the app it runs in, one-line errors, the --date option."""

from datetime import date
from functools import wraps

import click
from sqlalchemy.exc import DBAPIError

from search.engine import SearchUnavailable

from .config import ConfigError
from .errors import RegistryError
from .runtime import today


def build_app():
    """The application a command runs against, from the environment's settings."""
    from . import create_app

    return create_app()


def with_app(command):
    """Run the command inside an application context; domain errors become one readable line."""

    @wraps(command)
    def run(*args, **kwargs):
        try:
            app = build_app()
            with app.app_context():
                return command(*args, **kwargs)
        except ConfigError as exc:
            raise click.ClickException(str(exc)) from None
        except RegistryError as exc:
            raise click.ClickException(f"{exc.message_en} ({exc.message_zh})") from None
        except DBAPIError as exc:
            raise click.ClickException(_database_problem(exc)) from None
        except SearchUnavailable as exc:
            raise click.ClickException(f"the search engine does not answer: {exc} (搜索服务无响应)") from None

    return run


def _database_problem(exc: DBAPIError) -> str:
    """What went wrong with the database, in one line (not the statement and its parameters)."""
    reason = str(exc.orig).strip().splitlines()[0] if exc.orig else exc.__class__.__name__
    if "no such table" in reason or ("relation" in reason and "does not exist" in reason):
        return f"the database has no registry schema ({reason}): run `registry init` first (数据库尚未初始化)"
    return f"cannot use the database: {reason} (数据库无法使用); check REGISTRY_DATABASE_URL"


def date_option(command):
    """--date for a daily job, so it can be run as of another day."""
    return click.option("--date", "day", type=click.DateTime(formats=["%Y-%m-%d"]), default=None,
                        help="Run as of this day (default: today).")(command)


def as_of(day) -> date:
    """The day a --date option asks for: the given one, or today."""
    return day.date() if day else today()
