"""Migrations on both databases: up to head without drift, down to nothing, up again."""

from __future__ import annotations

from sqlalchemy import inspect, select

from fundledger.db import Base, Database
from fundledger.ledger.chart import default_chart, load_default_chart
from fundledger.ledger.models import Account
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


def test_revision_0012_adds_the_restricted_exchange_accounts_to_an_older_chart(
    empty_database: Database,
) -> None:
    """A chart loaded before 4240 and 4250 existed gets them from ``migrate`` alone, once;
    an empty database gets nothing (``init`` loads the whole chart)."""
    register_all()
    engine = empty_database.engine
    migrate.upgrade(engine, "0011")
    assert codes(empty_database) == set()
    with empty_database.transaction() as session:  # the chart as it was before them
        session.add_all(a for a in default_chart() if a.code not in ("4240", "4250"))
    migrate.upgrade(engine)
    with empty_database.session() as session:
        added = session.scalars(select(Account).where(Account.code.in_(["4240", "4250"])))
        assert {(a.code, a.type, a.normal_side, a.active) for a in added} == {
            ("4240", "revenue", "credit", True), ("4250", "revenue", "debit", True),
        }  # fmt: skip
    assert codes(empty_database) == {account.code for account in default_chart()}
    migrate.downgrade(engine, "0011")  # nothing posted to them: they go
    assert {"4240", "4250"} & codes(empty_database) == set()
    migrate.upgrade(engine)
    migrate.downgrade(engine, "0011")
    with empty_database.transaction() as session:  # a chart with them already: unchanged
        load_default_chart(session)
    migrate.upgrade(engine)
    assert codes(empty_database) == {account.code for account in default_chart()}


def codes(database: Database) -> set[str]:
    with database.session() as session:
        return set(session.scalars(select(Account.code)))
