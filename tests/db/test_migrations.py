"""Migrations and models agree, and migrate down and up cleanly."""

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine

from bot.db import migrate
from bot.db.base import Base


def test_models_match_migrations(db_url):
    engine = create_engine(db_url, future=True)
    # sqlite_sequence is SQLite's own bookkeeping for AUTOINCREMENT tables.
    ours = {"include_name": lambda name, kind, _parent: not (kind == "table" and name == "sqlite_sequence")}
    with engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn, opts=ours), Base.metadata)
    engine.dispose()
    assert diff == []


def test_downgrade_and_upgrade_round_trip(tmp_path):
    url = f"sqlite:///{tmp_path / 'm.db'}"
    migrate.upgrade(url)
    migrate.downgrade(url)
    migrate.upgrade(url)
