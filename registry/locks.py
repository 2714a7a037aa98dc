"""A lock that its holder's death releases, so that whatever it guarded can be taken up again at once.

PostgreSQL: a session advisory lock on a connection of its own (works across hosts).
SQLite: an flock on a file under the instance directory (the embedded default is one host).
"""

import fcntl
import os
from pathlib import Path

from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from .extensions import db


class ProcessLock:
    """Held by one live process at a time; `key` names it on PostgreSQL, `filename` on SQLite."""

    def __init__(self, key: int, filename: str, instance_dir: str):
        self.key, self.filename, self.instance_dir = key, filename, instance_dir
        self._connection = None
        self._fd = None

    def acquire(self) -> bool:
        """True if this process now holds the lock; False if another live process does."""
        if db.engine.dialect.name == "postgresql":
            self._connection = db.engine.connect()
            held = self._connection.execute(text("SELECT pg_try_advisory_lock(:key)"), {"key": self.key}).scalar()
            self._connection.commit()  # a connection of its own: the lock outlives the holder's transactions
            if not held:
                self._connection.close()
                self._connection = None
            return bool(held)
        folder = Path(self.instance_dir) / "locks"
        folder.mkdir(parents=True, exist_ok=True)
        self._fd = os.open(folder / self.filename, os.O_CREAT | os.O_RDWR)
        try:
            fcntl.flock(self._fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(self._fd)
            self._fd = None
            return False
        return True

    def release(self) -> None:
        if self._connection is not None:
            try:
                self._connection.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": self.key})
            except DBAPIError as exc:
                if not exc.connection_invalidated:
                    raise
                # The server dropped the connection (restarted, killed): the lock went with it.
            finally:
                self._connection.close()
                self._connection = None
        if self._fd is not None:
            fcntl.flock(self._fd, fcntl.LOCK_UN)
            os.close(self._fd)
            self._fd = None

    def __enter__(self) -> bool:
        return self.acquire()

    def __exit__(self, *exc) -> None:
        self.release()
