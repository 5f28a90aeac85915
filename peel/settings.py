"""The one settings object.

Every setting is read from the environment (prefix ``PEEL_``) or a ``.env`` file, carries a default and a help
text, and appears in the README's settings table (a test keeps the two in step).
"""

from __future__ import annotations

from pathlib import Path

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict
from sqlalchemy.engine import make_url

# Published in the source, so anyone can sign with it: `peel serve` refuses it outside demo mode.
DEVELOPMENT_SECRET_KEY = "dev-only-change-me-0123456789abcdef"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="PEEL_", env_file=".env", extra="ignore")

    database_url: str = Field(
        "sqlite:///./var/peel.db",
        description="SQLAlchemy URL of the database. SQLite (WAL mode) by default; "
        "`postgresql+psycopg://user@host/db` for PostgreSQL.",
    )
    redis_url: str | None = Field(
        None,
        description="Redis URL (e.g. `redis://127.0.0.1:6379/0`). When set, domain events fan out through Redis "
        "so several server processes share them.",
    )
    secret_key: SecretStr = Field(
        SecretStr(DEVELOPMENT_SECRET_KEY),
        description="Secret for session cookies, CSRF tokens and audit checkpoint signatures. "
        "Set a long random value in production.",
    )
    force_name: str = Field("Peel Demonstration Constabulary", description="Name of the force shown in pages.")
    timezone: str = Field("Europe/London", description="Time zone in which times are shown (stored in UTC).")
    session_idle_minutes: int = Field(30, ge=1, description="Idle staff sessions expire after this many minutes.")
    lockout_threshold: int = Field(
        5, ge=1, description="Failed sign-ins in a row to one account from one address before that address must wait."
    )
    lockout_minutes: int = Field(
        15,
        ge=10,
        description="The first wait, in minutes (at least 10); each further failure from that address doubles it, "
        "up to 24 hours. Also how long the account-wide safety net locks an account.",
    )
    lockout_account_threshold: int = Field(
        50,
        ge=2,
        description="Failed sign-ins to one account from all addresses together that lock it for "
        "`PEEL_LOCKOUT_MINUTES` and flag it for an administrator.",
    )
    token_hours: int = Field(8, ge=1, description="Lifetime of an API bearer token, in hours.")
    audit_checkpoint_every: int = Field(
        256, ge=2, description="Write a signed Merkle checkpoint of the audit chain every N events."
    )
    audit_witness: Path | None = Field(
        None,
        description="Append-only file that witnesses every signed audit checkpoint (and, beside it, the signed "
        "chain head) outside the database; `peel audit verify` checks the database against it. Default: next to "
        "the SQLite database (`var/peel-audit-witness.jsonl`), or `var/<database>-audit-witness.jsonl` for "
        "PostgreSQL. Keep it where the database's host cannot rewrite it.",
    )
    sqlite_synchronous: str = Field(
        "FULL", description="SQLite `synchronous` pragma (FULL keeps acknowledged writes through power loss)."
    )
    database_busy_seconds: float = Field(
        30.0,
        gt=0,
        description="How long a write waits for another writer (SQLite lock, PostgreSQL row lock) before a 503.",
    )
    outbox_poll_seconds: float = Field(
        0.5, gt=0, description="How often the event relay looks for committed events not yet published."
    )
    outbox_retention_days: int = Field(
        7,
        ge=1,
        description="Published events are kept this many days for live pages that reconnect; a page away longer "
        "is told to reload.",
    )
    cookie_secure: bool = Field(False, description="Served over HTTPS: mark every cookie Secure and send HSTS.")
    trusted_proxies: str = Field(
        "",
        max_length=500,
        description="Comma-separated addresses of reverse proxies whose X-Forwarded-For is believed (empty: none). "
        "Behind a TLS proxy, set it so sign-in back-off and the audit see each client's own address.",
    )
    assets_dir: Path = Field(
        Path("node_modules"),
        description="Folder holding front-end libraries installed from the npm registry.",
    )
    road_graph: Path = Field(
        Path("data/osm-westminster/westminster_drive.graphml.gz"),
        description="OpenStreetMap road graph (OSMnx GraphML, optionally gzipped) of the force area.",
    )
    g1_urban_minutes: int = Field(15, ge=1, description="Grade 1 (emergency) attendance target in urban areas.")
    g1_rural_minutes: int = Field(20, ge=1, description="Grade 1 (emergency) attendance target in rural areas.")
    g2_minutes: int = Field(60, ge=1, description="Grade 2 (priority) attendance target.")
    g3_hours: int = Field(48, ge=1, description="Grade 3 (scheduled) appointment must fall within this many hours.")
    public_reports_per_minute: int = Field(
        5, ge=1, description="Public submissions (online reports, tips, Open311) allowed per client per minute."
    )
    host: str = Field("127.0.0.1", description="Address `peel serve` listens on.")
    port: int = Field(8000, ge=1, le=65535, description="Port `peel serve` listens on.")
    workers: int = Field(1, ge=1, description="Server processes started by `peel serve`.")
    data_dir: Path = Field(Path("var"), description="Folder for files Peel keeps, e.g. uploads waiting to be imported.")
    job_threads: int = Field(
        1, ge=0, description="Job worker threads in each server process (0: run jobs only with `peel jobs work`)."
    )
    job_poll_seconds: float = Field(1.0, gt=0, description="How often an idle job worker looks for queued jobs.")
    job_lease_seconds: int = Field(
        300, ge=5, description="A running job whose worker has not renewed it for this long is taken as abandoned."
    )
    job_max_attempts: int = Field(3, ge=1, description="Times an abandoned job is started again before it fails.")

    @field_validator("sqlite_synchronous")
    @classmethod
    def _known_sync(cls, value: str) -> str:
        upper = value.upper()
        if upper not in {"OFF", "NORMAL", "FULL", "EXTRA"}:
            raise ValueError("must be one of OFF, NORMAL, FULL, EXTRA")
        return upper

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")

    @property
    def audit_witness_path(self) -> Path:
        if self.audit_witness is not None:
            return self.audit_witness
        url = make_url(self.database_url)
        if self.is_sqlite:
            on_disk = url.database not in (None, "", ":memory:")
            db = Path(url.database) if on_disk and url.database else Path("var/peel.db")
            return db.with_name(f"{db.stem}-audit-witness.jsonl")
        return Path("var") / f"{url.database or 'peel'}-audit-witness.jsonl"
