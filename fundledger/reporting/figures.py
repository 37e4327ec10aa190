"""Ledger figures the statements share: balances as of a day, the fund's position, and
the funding pools' money and open commitments as they stood at the end of a day.

Everything is read by business date (``entry_date``, decision dates), the ledger's
figures through :mod:`fundledger.ledger.balances`, so a statement for a past period says
the same thing whenever it is rendered again.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from types import MappingProxyType
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from fundledger.allocations.models import AllocationEvent, AllocationPool
from fundledger.allocations.pools import Pool
from fundledger.donors.queries import donor_codes
from fundledger.ledger.balances import balances, draws
from fundledger.ledger.chart import LATE_ACCOUNTS, is_restricted
from fundledger.ledger.models import Account, AccountType

ZERO = Decimal("0.00")

#: Metadata of a statement data field added after statements of its kind were issued:
#: while it is None, the figures digest and the attached figures leave it out, so those
#: statements keep both (``dataclasses.field(default=None, metadata=ADDED_LATER)``).
ADDED_LATER: Mapping[str, bool] = MappingProxyType({"added_later": True})


def figure_fields(value: Any) -> list[tuple[str, Any]]:
    """A statement data class's fields and values, as the digest and the attached figures
    read them: a field :data:`ADDED_LATER` is left out while it is None."""
    return [
        (name, item)
        for name, later in _fields_of(type(value))
        if not ((item := getattr(value, name)) is None and later)
    ]


#: Each data class's field names, each with whether it was :data:`ADDED_LATER`.
_FIELDS: dict[type, tuple[tuple[str, bool], ...]] = {}


def _fields_of(kind: type) -> tuple[tuple[str, bool], ...]:
    """Read once per class: a statement walks thousands of instances of a few classes."""
    fields = _FIELDS.get(kind)
    if fields is None:
        marks = dataclasses.fields(kind)
        fields = _FIELDS[kind] = tuple((f.name, bool(f.metadata.get("added_later"))) for f in marks)
    return fields


@dataclass(frozen=True, slots=True)
class AccountInfo:
    code: str
    #: The chart's (English) name; renderers translate the standard chart's names.
    name: str
    type: str


def chart(session: Session) -> dict[str, AccountInfo]:
    """Every account by code, in code order."""
    rows = session.execute(select(Account.code, Account.name, Account.type).order_by(Account.code))
    return {code: AccountInfo(code, name, kind) for code, name, kind in rows}


def statement_chart(
    session: Session, days: Iterable[dt.date], moved: Iterable[str] = ()
) -> dict[str, AccountInfo]:
    """The chart a statement's data carry: every account, but one the chart gained after
    statements were issued (``ledger.chart.LATE_ACCOUNTS``) only if it holds money at the
    end of one of ``days`` or is among the accounts ``moved`` in the period. The statement
    prints nothing on it otherwise, and so one issued before it existed keeps its figures
    digest (a new account in the data would read as "figures since changed")."""
    accounts = chart(session)
    late = [code for code in LATE_ACCOUNTS if code in accounts]
    if not late:
        return accounts
    used = set(moved)
    for day in days:
        used.update(balances(session, day))
    return {code: info for code, info in accounts.items() if code not in late or code in used}


@dataclass(frozen=True, slots=True)
class Position:
    """The statement of financial position at the end of a day.

    Assets are debit balances; liabilities and net assets are shown as credit balances.
    Net assets are split by class: the restricted class is 3200 and the 42xx revenue
    accounts (what the year-end close moves into 3200), the rest is unrestricted, so the
    split is the same before and after a year is closed.
    """

    as_of: dt.date
    assets: Mapping[str, Decimal]
    liabilities: Mapping[str, Decimal]
    unrestricted: Decimal
    restricted: Decimal

    @property
    def total_assets(self) -> Decimal:
        return sum(self.assets.values(), ZERO)

    @property
    def total_liabilities(self) -> Decimal:
        return sum(self.liabilities.values(), ZERO)

    @property
    def net_assets(self) -> Decimal:
        return self.unrestricted + self.restricted


def position(session: Session, as_of: dt.date, accounts: Mapping[str, AccountInfo]) -> Position:
    """The fund's position at the end of ``as_of``; every asset and liability account of
    the chart has a line, zero or not."""
    balance = balances(session, as_of)
    assets = {c: balance.get(c, ZERO) for c, a in accounts.items() if a.type == AccountType.ASSET}
    liabilities = {
        c: -balance.get(c, ZERO) for c, a in accounts.items() if a.type == AccountType.LIABILITY
    }
    restricted = unrestricted = ZERO
    for code, amount in balance.items():
        if accounts[code].type in (AccountType.ASSET, AccountType.LIABILITY):
            continue
        if is_restricted(code):
            restricted -= amount
        else:
            unrestricted -= amount
    return Position(as_of, assets, liabilities, unrestricted, restricted)


def pool_key(donor_code: str | None, earmark: str | None) -> str:
    return Pool(donor_code, earmark).key


@dataclass(frozen=True, slots=True)
class Decision:
    """The CAJP's approval of an allocation: when, under which document, how much."""

    on: dt.date | None
    reference: str | None
    amount: Decimal | None


def approvals(session: Session, allocation_ids: Iterable[int] | None = None) -> dict[int, Decision]:
    """The approval of each allocation that has one, by allocation id."""
    query = select(AllocationEvent).filter_by(action="approve").order_by(AllocationEvent.id)
    if allocation_ids is not None:
        query = query.where(AllocationEvent.allocation_id.in_(list(allocation_ids)))
    return {
        event.allocation_id: Decision(event.on, event.reference, event.amount)
        for event in session.scalars(query)
    }


def closings(session: Session) -> dict[int, dt.date | None]:
    """The closing date of every closed allocation."""
    rows = session.execute(
        select(AllocationEvent.allocation_id, AllocationEvent.on).filter_by(action="close")
    )
    return dict(rows.all())


def open_on(approval: Decision | None, closed: dt.date | None, day: dt.date) -> bool:
    """Whether an allocation's commitment stood at the end of ``day``."""
    if approval is None or approval.on is None or approval.on > day:
        return False
    return closed is None or closed > day


def drawn(
    session: Session, until: dt.date, allocation_ids: Sequence[int] | None = None
) -> dict[tuple[int, str], Decimal]:
    """What each allocation drew from each pool (advances and indirect costs) up to the
    end of ``until``, by (allocation id, pool key)."""
    codes = donor_codes(session)
    result: dict[tuple[int, str], Decimal] = defaultdict(lambda: ZERO)
    for (allocation_id, donor_id, earmark, _year), total in draws(
        session, until=until, allocation_ids=allocation_ids
    ).items():
        code = None if donor_id is None else codes.get(donor_id)
        result[(allocation_id, pool_key(code, earmark))] += total
    return dict(result)


def open_commitments(session: Session, day: dt.date) -> dict[str, Decimal]:
    """What approved, unclosed allocations had reserved and not yet drawn at the end of
    ``day``, by pool key."""
    approved = approvals(session)
    closed = closings(session)
    taken = drawn(session, day)
    result: dict[str, Decimal] = defaultdict(lambda: ZERO)
    pools = session.execute(
        select(AllocationPool.allocation_id, AllocationPool.pool, AllocationPool.committed)
    )
    for allocation_id, pool, committed in pools:
        if open_on(approved.get(allocation_id), closed.get(allocation_id), day):
            result[pool] += committed - taken.get((allocation_id, pool), ZERO)
    return dict(result)
