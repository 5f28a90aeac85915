"""The one settings object.

Every setting is read from the environment (prefix ``PEEL_``) or a ``.env`` file, carries a default and a help
text, and appears in the README's settings table (a test keeps the two in step).
"""

from __future__ import annotations

from pathlib import Path

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict


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
        SecretStr("dev-only-change-me-0123456789abcdef"),
        description="Secret for session cookies, CSRF tokens and audit checkpoint signatures. "
        "Set a long random value in production.",
    )
    force_name: str = Field("Peel Demonstration Constabulary", description="Name of the force shown in pages.")
    timezone: str = Field("Europe/London", description="Time zone in which times are shown (stored in UTC).")
    session_idle_minutes: int = Field(30, ge=1, description="Idle staff sessions expire after this many minutes.")
    lockout_threshold: int = Field(5, ge=1, description="Failed logins in a row that lock an account.")
    lockout_minutes: int = Field(15, ge=10, description="How long a locked account stays locked (at least 10).")
    token_hours: int = Field(8, ge=1, description="Lifetime of an API bearer token, in hours.")
    audit_checkpoint_every: int = Field(
        256, ge=2, description="Write a signed Merkle checkpoint of the audit chain every N events."
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
    cookie_secure: bool = Field(False, description="Mark cookies Secure (set true behind HTTPS).")
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
