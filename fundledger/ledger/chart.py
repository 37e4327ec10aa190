"""The fund's default chart of accounts (DESIGN.md §3), shipped as data in chart.csv.

The chart is data: ``fundledger init`` adds the accounts that are missing and leaves
existing ones (and any the Secretariat added) alone.
"""

from __future__ import annotations

import csv
from importlib.resources import files

from sqlalchemy import select
from sqlalchemy.orm import Session

from fundledger.ledger.models import Account, AccountType, Side


def default_chart() -> list[Account]:
    """The accounts listed in chart.csv, as unsaved models."""
    text = files("fundledger.ledger").joinpath("chart.csv").read_text(encoding="utf-8")
    return [
        Account(
            code=row["code"],
            name=row["name"],
            type=AccountType(row["type"]),
            normal_side=Side(row["normal_side"]),
            active=True,
        )
        for row in csv.DictReader(text.splitlines())
    ]


def load_default_chart(session: Session) -> int:
    """Add the default accounts that are not there yet; return how many were added."""
    existing = set(session.scalars(select(Account.code)))
    missing = [account for account in default_chart() if account.code not in existing]
    session.add_all(missing)
    session.flush()
    return len(missing)
