"""A migrated template per backend, copied for every test: each test gets a fresh, fully migrated database."""

from __future__ import annotations

import itertools
import os
import shutil
from pathlib import Path

import psycopg
from sqlalchemy.engine import make_url

from peel.db.migrate import upgrade


def _libpq(url: str, database: str) -> str:
    u = make_url(url)
    return f"host={u.host} port={u.port or 5432} user={u.username or 'postgres'} dbname={database}"


class PostgresTemplates:
    def __init__(self, admin_url: str, worker: str) -> None:
        self.admin_url = admin_url
        self.prefix = f"peel_test_{worker}_{os.getpid()}"
        self.template = f"{self.prefix}_tmpl"
        self._counter = itertools.count()
        self._admin("DROP DATABASE IF EXISTS {0} WITH (FORCE)", self.template)
        self._admin("CREATE DATABASE {0}", self.template)
        upgrade(self.url_for(self.template))

    def _admin(self, sql: str, name: str) -> None:
        with psycopg.connect(_libpq(self.admin_url, "postgres"), autocommit=True) as conn:
            conn.execute(sql.format(name))  # type: ignore[arg-type]

    def url_for(self, database: str) -> str:
        return make_url(self.admin_url).set(database=database).render_as_string(hide_password=False)

    def fresh(self) -> str:
        name = f"{self.prefix}_{next(self._counter)}"
        self._admin("DROP DATABASE IF EXISTS {0} WITH (FORCE)", name)
        self._admin(f"CREATE DATABASE {{0}} TEMPLATE {self.template}", name)
        return name

    def drop(self, name: str) -> None:
        self._admin("DROP DATABASE IF EXISTS {0} WITH (FORCE)", name)

    def close(self) -> None:
        self.drop(self.template)


class SqliteTemplate:
    def __init__(self, folder: Path) -> None:
        self.path = folder / "template.db"
        upgrade(f"sqlite:///{self.path}")

    def fresh(self, target: Path) -> str:
        shutil.copyfile(self.path, target)
        return f"sqlite:///{target}"
