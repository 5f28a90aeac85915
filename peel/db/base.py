"""Declarative base, naming convention and column types shared by every capability's models."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import DateTime, MetaData, TypeDecorator
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class UTCDateTime(TypeDecorator[datetime]):
    """A timestamp stored in UTC and always read back timezone-aware (SQLite forgets the zone)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetimes are ambiguous; pass a UTC-aware datetime")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)
    type_annotation_map = {datetime: UTCDateTime()}


def all_models() -> type[Base]:
    """Import every capability's models so Base.metadata is complete (for Alembic and tests)."""
    from peel.analytics import models as _analytics  # noqa: F401
    from peel.analytics.patrol import models as _patrol  # noqa: F401
    from peel.audit import models as _audit  # noqa: F401
    from peel.cases import models as _cases  # noqa: F401
    from peel.contact import models as _contact  # noqa: F401
    from peel.core import references as _refs  # noqa: F401
    from peel.events import models as _events  # noqa: F401
    from peel.identity import models as _identity  # noqa: F401
    from peel.incidents import models as _incidents  # noqa: F401
    from peel.jobs import models as _jobs  # noqa: F401
    from peel.people import models as _people  # noqa: F401
    from peel.workforce import models as _workforce  # noqa: F401

    return Base
