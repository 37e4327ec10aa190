"""The fund's default chart of accounts (DESIGN.md §3), shipped as data in chart.csv.

The chart is data: ``fundledger init`` adds the accounts that are missing and leaves
existing ones (and any the Secretariat added) alone. The codes the program posts to or
reads by name are the constants below, and only here: no other module spells a code
(tests/unit/test_layers.py checks), so a reader finds every use of an account by name.
"""

from __future__ import annotations

import csv
from importlib.resources import files

from sqlalchemy import select
from sqlalchemy.orm import Session

from fundledger.errors import Message, Term
from fundledger.i18n import N_
from fundledger.ledger.models import Account, AccountType, Side

BANK = "1010"
RECEIVABLE = "1100"
ADVANCES = "1200"
UNAPPLIED = "2100"
REFUNDS_PAYABLE = "2200"
NET_ASSETS_UNRESTRICTED = "3100"
NET_ASSETS_RESTRICTED = "3200"
CONTRIBUTIONS_UNRESTRICTED = "4100"
RELEASES_UNRESTRICTED = "4190"
CONTRIBUTIONS_RESTRICTED = "4200"
#: Interest shared to an earmark stays in its restricted class (interest_distribution).
INTEREST_RESTRICTED = "4230"
#: Gains and losses on earmarked money stay in the earmark's restricted class (DESIGN §3).
FX_GAINS_RESTRICTED = "4240"
FX_LOSSES_RESTRICTED = "4250"
RELEASES_RESTRICTED = "4290"
INTEREST = "4300"
FX_GAINS = "4400"
EXPENDITURE = "5100"
INDIRECT = "5200"
BANK_CHARGES = "5300"
FX_LOSSES = "5400"

#: Accounts the chart gained after statements were issued (revision 0021): a statement's
#: data name one only once it holds or moves money (reporting.figures.statement_chart).
LATE_ACCOUNTS = (INTEREST_RESTRICTED,)
#: Revenue accounts of the restricted class start so (what closes into 3200).
RESTRICTED_PREFIX = "42"
#: Accounts whose balances make up the money in a pool: bank, less what is owed back.
CASH_ACCOUNTS = (BANK, UNAPPLIED, REFUNDS_PAYABLE)
#: Accounts whose debits are money leaving a pool for an allocation (advances, indirect).
DRAW_ACCOUNTS = (ADVANCES, INDIRECT)
#: Expenses that count as the use of money: what organs spent, and indirect cost recovery.
USE_ACCOUNTS = (EXPENDITURE, INDIRECT)
#: Contributions of both classes.
CONTRIBUTION_ACCOUNTS = (CONTRIBUTIONS_UNRESTRICTED, CONTRIBUTIONS_RESTRICTED)


def is_restricted(code: str) -> bool:
    """Whether an account belongs to the restricted class of net assets (3200, 42xx)."""
    return code == NET_ASSETS_RESTRICTED or code.startswith(RESTRICTED_PREFIX)


def restriction_problem(code: str, donor_id: int | None, earmark: str | None) -> Message | None:
    """Why a line on account ``code`` cannot be posted as given, or None: a line of the
    restricted class says whose restriction it is, a donor and an earmark, or no pool
    would hold what the class holds (DESIGN.md §3; revision 0013 refuses it too)."""
    if not is_restricted(code) or (donor_id is not None and earmark is not None):
        return None
    missing = (
        N_("donor and earmark") if donor_id is None and earmark is None
        else N_("donor") if donor_id is None
        else N_("earmark")
    )  # fmt: skip
    return Message(
        N_("account %(account)s is in the restricted class, so the line names the donor and "
           "the earmark whose money it is (it has no %(missing)s); unrestricted money goes to "
           "%(unrestricted)s or a 41xx account"),
        {"account": code, "missing": Term(missing), "unrestricted": NET_ASSETS_UNRESTRICTED},
    )  # fmt: skip


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
