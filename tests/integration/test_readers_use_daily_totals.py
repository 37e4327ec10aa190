"""The donor statement, the dashboards and funds availability read the daily totals,
never the postings, so their cost does not grow with the number of entries (issue 7)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from fundledger.actors import Actor
from fundledger.allocations.pools import availability
from fundledger.allocations.settings import SettingValues
from fundledger.dashboards.queries import (
    cajp_overview,
    donor_overview,
    fund_overview,
    secretariat_tasks,
)
from fundledger.db import Database
from fundledger.demo.dataset import load_demo
from fundledger.donors.models import Donor
from fundledger.reporting.donor_data import donor_statement
from tests.factories import statements_sent


def test_statement_dashboards_and_availability_never_read_the_postings(
    database: Database,
) -> None:
    with database.transaction() as session:
        load_demo(session, Actor("cli:demo"))
    today = dt.date(2026, 11, 30)
    with statements_sent(database.engine) as statements, database.session() as session:
        mexico = session.scalar(select(Donor).filter_by(code="MEX"))
        assert mexico is not None
        statement = donor_statement(
            session,
            mexico,
            dt.date(2022, 1, 1),
            dt.date(2026, 12, 31),
            settings=SettingValues.now(session),
        )
        overview = donor_overview(session, mexico, today)
        fund = fund_overview(session, today)
        cajp_overview(session)
        secretariat_tasks(session, today)
        pools = availability(session, with_receivables=False)
    assert statement.earmarked  # the demo's figures are there to read
    assert statement.received
    assert overview.earmarks
    assert fund.years
    assert pools
    assert not [sql for sql in statements if "postings" in sql], statements
