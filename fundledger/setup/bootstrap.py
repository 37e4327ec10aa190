"""``fundledger init``: bring a database to the current schema and load reference data."""

from __future__ import annotations

from dataclasses import dataclass

from fundledger.db import Database
from fundledger.ledger.chart import load_default_chart
from fundledger.program.operations import load_program
from fundledger.setup.migrate import upgrade


@dataclass(frozen=True, slots=True)
class InitReport:
    accounts_added: int
    program_rows_added: int


def initialize(database: Database) -> InitReport:
    """Migrate to head, then add missing accounts and Program rows; safe to run again."""
    upgrade(database.engine)
    with database.transaction() as session:
        accounts = load_default_chart(session)
        program_rows = load_program(session)
    return InitReport(accounts, program_rows)
