"""Storage: one SQLAlchemy code path for SQLite (WAL) and PostgreSQL, migrated by Alembic."""
