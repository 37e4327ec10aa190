"""Migrations on both databases: up to head without drift, down to nothing, up again."""

from __future__ import annotations

from sqlalchemy import inspect

from fundledger.db import Base, Database
from fundledger.setup import migrate
from fundledger.setup.registry import register_all


def tables(database: Database) -> set[str]:
    return set(inspect(database.engine).get_table_names()) - {"alembic_version"}


def test_upgrade_check_downgrade_and_upgrade_again(empty_database: Database) -> None:
    register_all()
    migrate.upgrade(empty_database.engine)
    assert tables(empty_database) == set(Base.metadata.tables)
    migrate.check(empty_database.engine)  # raises if models and migrations drift

    migrate.downgrade(empty_database.engine, "base")
    assert tables(empty_database) == set()

    migrate.upgrade(empty_database.engine)
    migrate.check(empty_database.engine)
