"""Alembic: upgrade head from empty, downgrade to nothing and up again, and the
migrated tables match the models."""

from __future__ import annotations

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.migration import MigrationContext
from sqlalchemy import inspect

from geo.data.registry import Registry
from geo.data.registry.models import Base
from geo.data.registry.store import MIGRATIONS

TABLES = {"meta", "records", "changesets", "changes", "reports", "rate_events", "editors", "auth_log"}


def run(reg, action, target):
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    with reg.engine.begin() as conn:
        cfg.attributes["connection"] = conn
        getattr(command, action)(cfg, target)


def test_upgrade_downgrade_upgrade(db_url):
    reg = Registry(db_url)
    run(reg, "upgrade", "head")
    assert set(inspect(reg.engine).get_table_names()) >= TABLES
    with reg.engine.connect() as conn:
        assert compare_metadata(MigrationContext.configure(conn), Base.metadata) == []
        assert MigrationContext.configure(conn).get_current_revision() == "0001"
    run(reg, "downgrade", "base")
    assert not TABLES & set(inspect(reg.engine).get_table_names())
    reg.init()  # upgrade again, then seed
    assert reg.version() == 1
    reg.dispose()
