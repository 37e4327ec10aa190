"""Alembic environment: the engine comes from fundledger.setup.migrate, or from the environment."""

from __future__ import annotations

import os

from alembic import context
from sqlalchemy import Engine

from fundledger.db import Base, create_db_engine
from fundledger.setup.registry import register_all

register_all()
config = context.config


def _engine() -> Engine:
    engine = config.attributes.get("engine")
    if engine is not None:
        return engine  # type: ignore[no-any-return]
    url = context.get_x_argument(as_dictionary=True).get("url") or os.environ.get(
        "FUNDLEDGER_DATABASE_URL"
    )
    if not url:
        raise SystemExit("set FUNDLEDGER_DATABASE_URL or pass -x url=...")
    return create_db_engine(url)


def run_migrations_online() -> None:
    engine = _engine()
    with engine.connect() as connection:
        sqlite = connection.dialect.name == "sqlite"
        if sqlite:
            # A batch migration copies a table and drops the old one; with foreign keys
            # enforced, SQLite refuses to drop a table other rows point at (an existing
            # fund's allocations, donors, users). Enforcement is off while the migrations
            # run, outside any transaction (SQLite ignores the pragma inside one), and the
            # references are checked whole before the connection goes back to the pool.
            connection.connection.driver_connection.execute("PRAGMA foreign_keys = OFF")
        try:
            context.configure(
                connection=connection,
                target_metadata=Base.metadata,
                render_as_batch=sqlite,
                compare_type=True,
            )
            with context.begin_transaction():
                context.run_migrations()
                if sqlite:
                    broken = connection.exec_driver_sql("PRAGMA foreign_key_check").all()
                    if broken:
                        raise RuntimeError(f"the migration broke references: {broken[:5]}")
            connection.commit()
        finally:
            if sqlite:
                connection.connection.driver_connection.execute("PRAGMA foreign_keys = ON")


if context.is_offline_mode():
    raise SystemExit("offline migrations are not supported; run against a database")
run_migrations_online()
