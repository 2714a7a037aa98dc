"""Settings, read once from REGISTRY_* environment variables and validated at start-up."""

import ipaddress
import os
import secrets
from dataclasses import dataclass, field, fields
from datetime import date
from pathlib import Path
from urllib.parse import quote, urlsplit, urlunsplit

SINGLE_SIGN_ON = ("OIDC_ISSUER", "OIDC_CLIENT_ID", "OIDC_CLIENT_SECRET", "OIDC_ROLE_MAP")
LOOPBACK = ("127.0.0.1", "localhost", "::1")
ENVIRONMENTS = ("embedded", "production")
# Values shipped in examples and old compose files, or guessed first: production refuses to start on them.
KNOWN_SECRETS = frozenset({"", "change-me", "changeme", "secret", "password", "registry", "postgres", "admin",
                           "opensearch", "dev", "development", "test"})
SECRET_KEY_MIN_LENGTH = 32


class ConfigError(ValueError):
    """A setting that cannot work; the message is one line naming the variable."""


def _bool(name: str, raw: str) -> bool:
    value = raw.strip().lower()
    if value in ("1", "true", "yes", "on"):
        return True
    if value in ("0", "false", "no", "off", ""):
        return False
    raise ConfigError(f"REGISTRY_{name} must be true or false, got {raw!r}")


def _int(name: str, raw: str) -> int:
    try:
        return int(raw)
    except ValueError:
        raise ConfigError(f"REGISTRY_{name} must be a whole number, got {raw!r}") from None


@dataclass
class Config:
    """Every setting with its embedded default; `from_env` overlays the environment."""

    # Where the SQLite file, uploads and keys live.
    INSTANCE_DIR: str = field(default_factory=lambda: str(Path.cwd() / "instance"))
    # "production" requires the public base URL and refuses known default secrets (docs: Security).
    ENV: str = "embedded"
    DATABASE_URL: str = ""  # default: SQLite file under INSTANCE_DIR
    DATABASE_PASSWORD: str = ""  # put into DATABASE_URL (which may then leave it out): a secret of its own
    SEARCH_URL: str = "builtin"  # or http(s)://host:9200 (Elasticsearch 8/9, OpenSearch 2/3)
    SEARCH_PASSWORD: str = ""  # the external engine's password, put into SEARCH_URL (user@ in it)
    SEARCH_INDEX_PREFIX: str = "registry"  # index names on an external engine (<prefix>-search alias)
    SECRET_KEY: str = ""  # signs sessions and forms; default: made once, kept in INSTANCE_DIR/secret-key
    PUBLISH_NATURAL_PERSONS: bool = False  # SPEC §2: natural persons are not shown publicly
    PAGE_SIZE_MAX: int = 100  # largest page of a list
    BATCH_MAX: int = 1000  # most records in one push
    # Rows per committed batch of an import; 0: 2,500 on SQLite, 5,000 on PostgreSQL (2,000 when the
    # import keeps pace with an external engine).
    IMPORT_BATCH_ROWS: int = 0
    IMPORT_WORKERS: int = 2  # processes reading, validating and preparing an import's rows
    # An import expected to bring at least this many rows, and four times the records stored,
    # loads without the records' secondary indexes (and foreign keys, on PostgreSQL) and makes them at its
    # end (registry/records/set_aside.py);
    # 0: never.
    IMPORT_BULK_LOAD_ROWS: int = 100000
    # An import waits between batches while an external search engine is more than this many seconds
    # behind the database (registry/publicsearch/pace.py); 0: never waits.
    IMPORT_MAX_SEARCH_LAG_SECONDS: int = 0
    LOG_LEVEL: str = "INFO"  # DEBUG, INFO, WARNING or ERROR
    CALENDAR_DIR: str = ""  # extra yearly holiday schedules (<year>.json) that replace the shipped ones
    REPAIR_UPLOAD_MAX_BYTES: int = 10 * 1024 * 1024  # size limit of one repair material
    REPAIR_RESULT_WORKDAYS: int = 10  # result to the applicant, from submission
    REPAIR_DEPARTMENT_WORKDAYS: int = 3  # the source department's decision, from forwarding
    REPAIR_MATERIALS_WORKDAYS: int = 5  # missing materials (容缺受理), from acceptance
    REPAIR_LOCKOUT_MONTHS: int = 12  # no new application after a revoked repair
    WEBHOOK_MAX_ATTEMPTS: int = 8  # deliveries of one webhook event before it is given up
    WEBHOOK_TIMEOUT_SECONDS: int = 5  # wait for a partner's answer to one delivery
    SESSION_IDLE_MINUTES: int = 30  # a signed-in person's session ends after this long without a request ...
    SESSION_MAX_HOURS: int = 12  # ... and this long after sign-in, whatever
    SIGN_IN_LOCK_FAILURES: int = 5  # failed sign-ins of one email that lock it ...
    SIGN_IN_LOCK_MINUTES: int = 15  # ... for this long
    TRUSTED_PROXIES: int = 0  # proxies before the app whose X-Forwarded-For/-Proto it believes (serve's nginx: 1)
    PUBLIC_BASE_URL: str = ""  # where the public pages are served (report QR codes); default: the request's host
    TRUSTED_HOSTS: str = ""  # Host names the app answers, comma-separated; loopback and PUBLIC_BASE_URL's always
    REPORTS_ISSUER: str = "公共信用信息平台"  # issuer named in reports
    REPORTS_SHOW_REPAIRED: bool = False  # list repaired records marked 已修复 instead of leaving them out
    REPORTS_KEY_DIR: str = ""  # signing keys; default: INSTANCE_DIR/report-keys
    REPORTS_FONT: str = "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc"  # CJK font for PDFs (503 if missing)
    # Rate limits per client address, counted in the database by every server process (registry.ratelimit):
    REPORTS_VERIFY_LIMIT: int = 30  # verifications per client address ...
    REPORTS_VERIFY_WINDOW: int = 60  # ... per this many seconds
    AUTH_FAILURE_LIMIT: int = 10  # API keys refused, after which the address gets 429 even with a good key ...
    AUTH_FAILURE_WINDOW: int = 300  # ... until this window ends
    SEARCH_LIMIT: int = 120  # searches (API and page) ...
    SEARCH_WINDOW: int = 60  # ... per this many seconds
    REPAIR_LOOKUP_LIMIT: int = 10  # repair progress look-ups by number and query code ...
    REPAIR_LOOKUP_WINDOW: int = 300  # ... per this many seconds
    # Single sign-on (OpenID Connect), on when all four are set (docs: People and single sign-on).
    OIDC_ISSUER: str = ""  # the identity provider's issuer URL (discovery under it)
    OIDC_CLIENT_ID: str = ""  # this service's client at the provider
    OIDC_CLIENT_SECRET: str = ""  # that client's secret
    OIDC_ROLE_MAP: str = ""  # a JSON file's path, or the JSON itself: rules from claims to a role
    OBJECTION_WORKDAYS: int = 5  # the source department's answer to an objection (SPEC §5), from filing
    # Statistics and data quality (统计与数据质量): 双公示 data is due within this many working days of its decision.
    SUBMISSION_WORKDAYS: int = 7
    # Import limits (hostile files, storage): docs, Security.
    IMPORT_XLSX_MAX_UNPACKED_BYTES: int = 4 * 1024**3  # a workbook's parts together, unpacked
    IMPORT_XLSX_MAX_PART_BYTES: int = 256 * 1024**2  # a part read whole (the shared strings ...), unpacked
    IMPORT_XLSX_MAX_RATIO: int = 100  # unpacked over packed size of a part (Excel's files: about 15)
    IMPORT_MAX_REJECTED_ROWS: int = 10000  # an import stops once it has rejected more rows than this ...
    IMPORT_MAX_REJECTED_PERCENT: int = 50  # ... or more than this share of the rows read ...
    IMPORT_REJECTED_SHARE_AFTER: int = 1000  # ... once it has read at least this many
    IMPORT_RETENTION_DAYS: int = 30  # `registry imports purge` deletes uploaded files older than this
    IMPORT_DAILY_BYTES: int = 8 * 1024**3  # a department's uploads over any 24 hours
    # A bank's reports in bulk (registry/reports/batches.py).
    REPORT_BATCH_WORKERS: int = 2  # processes rendering a batch's PDFs; 0: in the batch's own thread
    # Report batch upkeep: a stalled batch is failed; its PDFs are deleted after retention.
    REPORT_BATCH_STALL_MINUTES: int = 10  # a queued or running batch without progress this long has died
    REPORT_BATCH_RETENTION_DAYS: int = 30  # `registry reports purge-batches` deletes older batches' PDFs
    # Operations: metrics and logs (docs: Monitoring).
    METRICS_NETWORKS: str = "127.0.0.1/32,::1/128"  # CIDRs that may read /metrics without a key (else an admin key)
    LOG_FORMAT: str = "text"  # or json: one JSON object a line, with the request id, route, status and latency
    # /readyz answers 503 once the search engine is this many seconds behind the database; 0: never for that.
    READY_OUTBOX_LAG_SECONDS: int = 0
    # --- Task queue (docs: operators/jobs.md) ---
    # Empty: a SQLite queue under INSTANCE_DIR, worked by `registry serve` itself (the embedded default);
    # redis://host:port/db: Redis, worked by `registry worker` processes on any number of machines.
    QUEUE_URL: str = ""
    QUEUE_NAME: str = "registry"  # the queue's name in Redis (deployments that share one Redis differ here)
    QUEUE_WORKERS: int = 2  # threads running tasks in `registry serve` (and `registry worker`'s default)
    # Drills and tests only: the schedule's clock starts at this UTC moment (ISO 8601) and runs on from there.
    QUEUE_CLOCK_START: str = ""
    # --- end of the task queue's settings ---
    # --- Public answers cached (registry/web/caching.py; docs: operators/load.md) ---
    # Anonymous search and entity answers kept this long by each server process and by browsers and
    # proxies together: the longest a withdrawal or repair may still show there. 0: not kept.
    PUBLIC_CACHE_SECONDS: int = 10
    # --- end of the public cache's settings ---
    # How long a SQLite write waits for another writer to finish before it is refused (503 database_busy).
    SQLITE_BUSY_SECONDS: int = 30
    # --- Open data: the change feed and bulk exports (registry/feed) ---
    FEED_RETENTION_DAYS: int = 365  # `registry changes purge` deletes older events (older cursors: 410)
    FEED_WAIT_MAX_SECONDS: int = 30  # longest long-poll (`wait=`) of GET /api/v1/changes
    FEED_STREAM_SECONDS: int = 300  # a server-sent-events stream ends after this long (clients reconnect)
    EXPORT_DIR: str = ""  # the daily exports; default: INSTANCE_DIR/exports
    EXPORT_KEEP_DAYS: int = 7  # `registry exports build` deletes exports older than this
    # Processes reading and encoding parts of an export on PostgreSQL besides the building process (they
    # join its snapshot); 0: none. SQLite's exports are built in the building process alone.
    EXPORT_WORKERS: int = 1
    # --- The day the rules count from (issue 26) ---
    # Drills and tests only: the day the registry believes it is (YYYY-MM-DD), the same in every process
    # of a drill; empty: the day in China by the system clock.
    TODAY: str = ""
    # --- end of the day's setting ---

    @classmethod
    def from_env(cls, environ=None, overrides=None) -> "Config":
        environ = os.environ if environ is None else environ
        config = cls()
        for f in fields(cls):
            raw = _value_or_file(environ, f"REGISTRY_{f.name}")
            if raw is not None:
                setattr(config, f.name, _parse(f.name, f.type, raw))
        for key, value in (overrides or {}).items():
            if hasattr(config, key):
                setattr(config, key, value)
        config.validate()
        return config

    def validate(self) -> None:
        try:
            Path(self.INSTANCE_DIR).mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise ConfigError(f"REGISTRY_INSTANCE_DIR {self.INSTANCE_DIR!r} cannot be made: {exc.strerror}") from None
        if not self.DATABASE_URL:
            self.DATABASE_URL = f"sqlite:///{Path(self.INSTANCE_DIR).resolve() / 'registry.sqlite3'}"
        if not self.DATABASE_URL.startswith(("sqlite://", "postgresql://", "postgresql+psycopg://")):
            raise ConfigError(
                "REGISTRY_DATABASE_URL must be a sqlite:/// or postgresql+psycopg:// URL, "
                f"got {self.DATABASE_URL!r}"
            )
        if self.DATABASE_URL in ("sqlite://", "sqlite:///", "sqlite:///:memory:"):
            raise ConfigError("REGISTRY_DATABASE_URL names an in-memory SQLite database, which keeps nothing; "
                              "name a file (sqlite:////path/registry.sqlite3)")
        if self.DATABASE_URL.startswith("postgresql://"):
            self.DATABASE_URL = "postgresql+psycopg://" + self.DATABASE_URL[len("postgresql://"):]
        if self.QUEUE_URL and not self.QUEUE_URL.startswith(("redis://", "rediss://", "unix://")):
            raise ConfigError(f"REGISTRY_QUEUE_URL must be empty (the embedded queue) or a redis:// URL, "
                              f"got {self.QUEUE_URL!r}")
        if self.SEARCH_URL != "builtin" and not self.SEARCH_URL.startswith(("http://", "https://")):
            raise ConfigError(f"REGISTRY_SEARCH_URL must be 'builtin' or an http(s) URL, got {self.SEARCH_URL!r}")
        if not self.SEARCH_INDEX_PREFIX or self.SEARCH_INDEX_PREFIX != self.SEARCH_INDEX_PREFIX.lower():
            raise ConfigError("REGISTRY_SEARCH_INDEX_PREFIX must be a non-empty lower-case name")
        if self.LOG_LEVEL.upper() not in ("DEBUG", "INFO", "WARNING", "ERROR"):
            raise ConfigError(f"REGISTRY_LOG_LEVEL must be DEBUG, INFO, WARNING or ERROR, got {self.LOG_LEVEL!r}")
        if not self.IMPORT_BATCH_ROWS:
            # SQLite batches travel between processes as parameter tuples, not COPY bytes, and take more
            # memory: at 5,000 rows a million-row import peaked at 401 MB PSS, at 2,500 at 341-343 MB.
            # A paced import's changes reach the engine a batch at a time: the outbox lag is at least
            # a batch's time of sending, about 1 s for 2,000 rows (a million-row import, bound 2 s,
            # peaked at 5.5 s with batches of 5,000, at 1.9 s with 2,000 on 200,000 rows).
            self.IMPORT_BATCH_ROWS = 2500 if self.is_sqlite else 2000 if self.import_paced else 5000
        if not 1 <= self.IMPORT_BATCH_ROWS <= 100000:
            raise ConfigError("REGISTRY_IMPORT_BATCH_ROWS must be between 1 and 100000")
        if not 1 <= self.IMPORT_WORKERS <= 16:
            raise ConfigError("REGISTRY_IMPORT_WORKERS must be between 1 and 16")
        self._check_import_limits()
        self._check_open_data()
        self._check_today()
        if not 1 <= self.PAGE_SIZE_MAX <= 1000:
            raise ConfigError("REGISTRY_PAGE_SIZE_MAX must be between 1 and 1000")
        for name in ("BATCH_MAX", "REPAIR_UPLOAD_MAX_BYTES", "REPAIR_RESULT_WORKDAYS", "REPAIR_DEPARTMENT_WORKDAYS",
                     "REPAIR_MATERIALS_WORKDAYS", "REPAIR_LOCKOUT_MONTHS", "WEBHOOK_MAX_ATTEMPTS",
                     "WEBHOOK_TIMEOUT_SECONDS", "SESSION_IDLE_MINUTES", "SESSION_MAX_HOURS",
                     "SIGN_IN_LOCK_FAILURES", "SIGN_IN_LOCK_MINUTES", "SUBMISSION_WORKDAYS"):
            if getattr(self, name) < 1:
                raise ConfigError(f"REGISTRY_{name} must be a positive whole number")
        if self.CALENDAR_DIR and not Path(self.CALENDAR_DIR).is_dir():
            raise ConfigError(f"REGISTRY_CALENDAR_DIR must be a directory, got {self.CALENDAR_DIR!r}")
        if not self.REPORTS_KEY_DIR:
            self.REPORTS_KEY_DIR = str(Path(self.INSTANCE_DIR) / "report-keys")
        for limit in ("REPORTS_VERIFY", "AUTH_FAILURE", "SEARCH", "REPAIR_LOOKUP"):
            if getattr(self, f"{limit}_LIMIT") < 1 or getattr(self, f"{limit}_WINDOW") < 1:
                raise ConfigError(f"REGISTRY_{limit}_LIMIT and REGISTRY_{limit}_WINDOW must be at least 1")
        if not 0 <= self.TRUSTED_PROXIES <= 5:
            raise ConfigError("REGISTRY_TRUSTED_PROXIES must be between 0 and 5")
        if self.PUBLIC_BASE_URL and not self.PUBLIC_BASE_URL.startswith(("http://", "https://")):
            raise ConfigError(f"REGISTRY_PUBLIC_BASE_URL must be an http(s) URL, got {self.PUBLIC_BASE_URL!r}")
        self.PUBLIC_BASE_URL = self.PUBLIC_BASE_URL.rstrip("/")
        if self.ENV not in ENVIRONMENTS:
            raise ConfigError(f"REGISTRY_ENV must be embedded or production, got {self.ENV!r}")
        if self.production and not self.PUBLIC_BASE_URL:
            raise ConfigError("REGISTRY_PUBLIC_BASE_URL must be set in production (REGISTRY_ENV=production): "
                              "verification links in reports must not follow a request's Host header")
        if self.production:
            self._refuse_known_secrets()
        if not self.SECRET_KEY:
            self.SECRET_KEY = _kept_secret(Path(self.INSTANCE_DIR) / "secret-key")
        self.DATABASE_URL = _with_password("DATABASE", self.DATABASE_URL, self.DATABASE_PASSWORD)
        if self.SEARCH_URL != "builtin":
            self.SEARCH_URL = _with_password("SEARCH", self.SEARCH_URL, self.SEARCH_PASSWORD)
        self._check_single_sign_on()
        self._check_operations()

    def _check_import_limits(self) -> None:
        for name in ("IMPORT_XLSX_MAX_UNPACKED_BYTES", "IMPORT_XLSX_MAX_PART_BYTES", "IMPORT_XLSX_MAX_RATIO",
                     "IMPORT_MAX_REJECTED_ROWS", "IMPORT_REJECTED_SHARE_AFTER", "IMPORT_RETENTION_DAYS",
                     "IMPORT_DAILY_BYTES"):
            if getattr(self, name) < 1:
                raise ConfigError(f"REGISTRY_{name} must be a positive whole number")
        if self.IMPORT_BULK_LOAD_ROWS < 0:
            raise ConfigError("REGISTRY_IMPORT_BULK_LOAD_ROWS must be 0 (never) or a positive whole number")
        if not 1 <= self.IMPORT_MAX_REJECTED_PERCENT <= 100:
            raise ConfigError("REGISTRY_IMPORT_MAX_REJECTED_PERCENT must be between 1 and 100")

    def _check_today(self) -> None:
        try:
            self.today_fixed()
        except ValueError:
            raise ConfigError(f"REGISTRY_TODAY must be empty or a day as YYYY-MM-DD, got {self.TODAY!r}") from None

    def today_fixed(self) -> date | None:
        """The day REGISTRY_TODAY fixes, or None for the day in China by the system clock."""
        return date.fromisoformat(self.TODAY) if self.TODAY else None

    def _check_open_data(self) -> None:
        for name in ("FEED_RETENTION_DAYS", "FEED_WAIT_MAX_SECONDS", "FEED_STREAM_SECONDS", "EXPORT_KEEP_DAYS"):
            if getattr(self, name) < 1:
                raise ConfigError(f"REGISTRY_{name} must be a positive whole number")
        if not 0 <= self.EXPORT_WORKERS <= 16:
            raise ConfigError("REGISTRY_EXPORT_WORKERS must be between 0 and 16")
        if not self.EXPORT_DIR:
            self.EXPORT_DIR = str(Path(self.INSTANCE_DIR) / "exports")

    def _refuse_known_secrets(self) -> None:
        """Production starts only with secrets of its own: not a value shipped in an example, and an
        external search engine that asks for a password (OpenSearch's security plugin on)."""
        if self.SECRET_KEY and (self.SECRET_KEY in KNOWN_SECRETS or len(self.SECRET_KEY) < SECRET_KEY_MIN_LENGTH):
            raise ConfigError(f"REGISTRY_SECRET_KEY is a known default or shorter than {SECRET_KEY_MIN_LENGTH} "
                              "characters; set a random one (python -c 'import secrets; print(secrets.token_hex(32))')")
        database = urlsplit(self.DATABASE_URL)
        if not self.is_sqlite and (self.DATABASE_PASSWORD or database.password or "") in KNOWN_SECRETS:
            raise ConfigError("REGISTRY_DATABASE_PASSWORD (or the password in REGISTRY_DATABASE_URL) is missing or "
                              "a known default; set the database's own password")
        if self.SEARCH_URL != "builtin" and (self.SEARCH_PASSWORD or urlsplit(self.SEARCH_URL).password or "") \
                in KNOWN_SECRETS:
            raise ConfigError("REGISTRY_SEARCH_PASSWORD (or the password in REGISTRY_SEARCH_URL) is missing or a "
                              "known default; run the search engine with its security plugin and a password of its own")

    def _check_single_sign_on(self) -> None:
        """All four settings or none; the issuer over HTTPS but on this machine, as the client secret
        and the tokens go to it. The role map is read and checked where it is used (accounts)."""
        missing = [f"REGISTRY_{name}" for name in SINGLE_SIGN_ON if not getattr(self, name)]
        if 0 < len(missing) < len(SINGLE_SIGN_ON):
            raise ConfigError(f"single sign-on needs {', '.join(missing)} as well (or none of the REGISTRY_OIDC_*)")
        issuer = urlsplit(self.OIDC_ISSUER)
        if self.OIDC_ISSUER and not (issuer.scheme == "https" and issuer.hostname
                                     or issuer.scheme == "http" and issuer.hostname in LOOPBACK):
            raise ConfigError("REGISTRY_OIDC_ISSUER must be an https:// URL (http:// only on 127.0.0.1 or "
                              f"localhost), got {self.OIDC_ISSUER!r}")

    def _check_operations(self) -> None:
        if self.LOG_FORMAT not in ("text", "json"):
            raise ConfigError(f"REGISTRY_LOG_FORMAT must be text or json, got {self.LOG_FORMAT!r}")
        _networks(self.METRICS_NETWORKS)
        if not 0 <= self.IMPORT_MAX_SEARCH_LAG_SECONDS <= 3600:
            raise ConfigError("REGISTRY_IMPORT_MAX_SEARCH_LAG_SECONDS must be between 0 (never wait) and 3600")
        if self.READY_OUTBOX_LAG_SECONDS < 0:
            raise ConfigError("REGISTRY_READY_OUTBOX_LAG_SECONDS must be 0 (not checked) or a number of seconds")
        if not 0 <= self.SQLITE_BUSY_SECONDS <= 600:
            raise ConfigError("REGISTRY_SQLITE_BUSY_SECONDS must be between 0 (refuse at once) and 600")
        if not 0 <= self.PUBLIC_CACHE_SECONDS <= 300:  # the public cache: a bound people can be told
            raise ConfigError("REGISTRY_PUBLIC_CACHE_SECONDS must be between 0 (not kept) and 300")

    @property
    def metrics_networks(self) -> list:
        """The networks whose clients read /metrics without a key."""
        return _networks(self.METRICS_NETWORKS)

    @property
    def production(self) -> bool:
        return self.ENV == "production"

    @property
    def trusted_hosts(self) -> list[str]:
        """The Host names requests may carry: loopback, the public base URL's and REGISTRY_TRUSTED_HOSTS."""
        configured = [host.strip() for host in self.TRUSTED_HOSTS.split(",") if host.strip()]
        public = [urlsplit(self.PUBLIC_BASE_URL).hostname] if self.PUBLIC_BASE_URL else []
        return [*LOOPBACK, *public, *configured]

    @property
    def is_sqlite(self) -> bool:
        return self.DATABASE_URL.startswith("sqlite")

    @property
    def import_paced(self) -> bool:
        """An import keeps pace with the search drain: a bound is set and the engine is an external one
        (on the built-in engine an import indexes its own changes)."""
        return bool(self.IMPORT_MAX_SEARCH_LAG_SECONDS) and self.SEARCH_URL != "builtin"

    @property
    def single_sign_on(self) -> bool:
        return bool(self.OIDC_ISSUER)


def _networks(raw: str) -> list:
    try:
        return [ipaddress.ip_network(cidr.strip()) for cidr in raw.split(",") if cidr.strip()]
    except ValueError as exc:
        raise ConfigError(f"REGISTRY_METRICS_NETWORKS must be CIDRs separated by commas: {exc}") from None


def _kept_secret(path: Path) -> str:
    """The embedded default's signing secret: made once and kept under the instance directory (0600),
    so that every server process, and the next start, signs sessions and forms alike. Real
    deployments set REGISTRY_SECRET_KEY (docs: Configuration)."""
    if not path.exists():
        # Written whole under another name, then linked: processes starting together all read one key.
        draft = path.with_name(f".{path.name}.{os.getpid()}")
        descriptor = os.open(draft, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(descriptor, "w", encoding="ascii") as out:
            out.write(secrets.token_hex(32))
        try:
            os.link(draft, path)
        except FileExistsError:
            pass  # another process was first
        finally:
            draft.unlink()
    return path.read_text(encoding="ascii").strip()


def _value_or_file(environ, name: str) -> str | None:
    """A setting from its variable, or from the file its `_FILE` variable names (Docker secrets)."""
    path = environ.get(f"{name}_FILE")
    if path is None:
        return environ.get(name)
    if name in environ:
        raise ConfigError(f"{name} and {name}_FILE are both set; keep one")
    try:
        return Path(path).read_text(encoding="utf-8").rstrip("\r\n")
    except OSError as exc:
        raise ConfigError(f"{name}_FILE names {path!r}, which cannot be read: {exc.strerror}") from None


def _with_password(name: str, url: str, password: str) -> str:
    """`url` (REGISTRY_<name>_URL) with `password` for its user (URL-quoted), if a password is given."""
    if not password:
        return url
    parts = urlsplit(url)
    if not parts.username:
        raise ConfigError(f"REGISTRY_{name}_PASSWORD is set but REGISTRY_{name}_URL names no user "
                          "(scheme://user@host/...)")
    host = parts.netloc.rpartition("@")[2]
    netloc = f"{parts.username}:{quote(password, safe='')}@{host}"
    return urlunsplit((parts.scheme, netloc, parts.path, parts.query, parts.fragment))


def _parse(name: str, kind, raw: str):
    if kind in (bool, "bool"):
        return _bool(name, raw)
    if kind in (int, "int"):
        return _int(name, raw)
    return raw
