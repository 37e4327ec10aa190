"""Net assets by funding pool at the end of a day (``fundledger report net-assets``, its
page and CSV): one function computes the figures, so the three say the same.

A pool's net assets are what the ledger holds for it: bank and the fund's other cash
accounts, contributions receivable and advances to organs, less what is owed back
(unapplied credits, refunds payable). Restriction follows the money (DESIGN §3), so
the pools of each class add up to the trial balance's net assets of that class; the
two total rows carry the trial balance's figure, and ``fundledger verify`` checks
that they agree on every day.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy.orm import Session

from fundledger.donors.queries import donor_codes
from fundledger.ledger.balances import pool_positions
from fundledger.ledger.chart import ADVANCES, RECEIVABLE
from fundledger.ledger.models import AccountType
from fundledger.money import quantize
from fundledger.reporting.figures import ZERO, chart, pool_key, position

UNRESTRICTED = "unrestricted"
RESTRICTED = "restricted"
#: The columns of the CLI table and the CSV, in order.
HEADER = ("pool", "class", "cash", "receivables", "advances", "liabilities", "net_assets")


@dataclass(frozen=True, slots=True)
class PoolLine:
    """One pool's figures in USD (liabilities as a positive amount owed), or a total."""

    pool: str
    klass: str
    cash: Decimal = ZERO
    receivables: Decimal = ZERO
    advances: Decimal = ZERO
    liabilities: Decimal = ZERO

    @property
    def net_assets(self) -> Decimal:
        return self.cash + self.receivables + self.advances - self.liabilities

    def plus(self, other: PoolLine) -> PoolLine:
        return PoolLine(
            self.pool, self.klass, self.cash + other.cash, self.receivables + other.receivables,
            self.advances + other.advances, self.liabilities + other.liabilities,
        )  # fmt: skip


@dataclass(frozen=True, slots=True)
class Total:
    """A class's pools summed, with the trial balance's net assets of the class."""

    pools: PoolLine
    #: The trial balance's net assets of the class (3100/4xxx/5xxx, or 3200/42xx).
    net_assets: Decimal


@dataclass(frozen=True, slots=True)
class NetAssets:
    as_of: dt.date
    #: The unrestricted pool first, then each earmark's by key.
    pools: tuple[PoolLine, ...]
    unrestricted: Total
    restricted: Total

    def rows(self) -> list[tuple[str | Decimal, ...]]:
        """The table's rows, amounts to the cent: pools, then the two totals."""
        lines = [(line, line.net_assets) for line in self.pools]
        lines += [(total.pools, total.net_assets) for total in (self.unrestricted, self.restricted)]
        return [
            (line.pool, line.klass, quantize(line.cash), quantize(line.receivables),
             quantize(line.advances), quantize(line.liabilities), quantize(net))
            for line, net in lines
        ]  # fmt: skip


def net_assets(session: Session, as_of: dt.date) -> NetAssets:
    """Every pool's net assets at the end of ``as_of``, and each class's total."""
    accounts = chart(session)
    codes = donor_codes(session)
    pools: dict[str, PoolLine] = {UNRESTRICTED: PoolLine(UNRESTRICTED, UNRESTRICTED)}
    for (donor_id, earmark, code), amount in pool_positions(session, as_of).items():
        key = pool_key(None if donor_id is None else codes[donor_id], earmark)
        klass = UNRESTRICTED if earmark is None else RESTRICTED
        if accounts[code].type == AccountType.LIABILITY:
            part = PoolLine(key, klass, liabilities=-amount)
        elif code == RECEIVABLE:
            part = PoolLine(key, klass, receivables=amount)
        elif code == ADVANCES:
            part = PoolLine(key, klass, advances=amount)
        else:  # the bank, and any cash account the Secretariat added to the chart
            part = PoolLine(key, klass, cash=amount)
        pools[key] = pools[key].plus(part) if key in pools else part
    ordered = sorted(pools.values(), key=lambda line: (line.pool != UNRESTRICTED, line.pool))
    trial = position(session, as_of, accounts)
    return NetAssets(
        as_of, tuple(ordered),
        _total(ordered, UNRESTRICTED, trial.unrestricted),
        _total(ordered, RESTRICTED, trial.restricted),
    )  # fmt: skip


def _total(lines: list[PoolLine], klass: str, trial_balance: Decimal) -> Total:
    summed = PoolLine(f"total {klass}", klass)
    for line in lines:
        if line.klass == klass:
            summed = summed.plus(line)
    return Total(summed, trial_balance)
