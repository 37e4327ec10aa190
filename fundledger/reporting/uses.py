"""How a donor's money was used, for its statement.

Earmarked money is traced: each of the donor's earmarks is a funding pool, and the
allocations that drew on it show what was disbursed, spent and returned. Unrestricted
money is pooled, so the donor is shown its share of each unrestricted use, as
:mod:`fundledger.ledger.attribution` attributes it day by day over the whole history:
the period only chooses which uses are shown, so shares of consecutive periods add up.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from fundledger.allocations.models import Allocation, AllocationPool
from fundledger.donors.models import Donor, Pledge, Receipt, ReceiptApplication
from fundledger.ledger import balances
from fundledger.ledger.attribution import (
    attribute,
    unrestricted_inflows,
    unrestricted_uses,
)
from fundledger.ledger.chart import (
    ADVANCES,
    CASH_ACCOUNTS,
    EXPENDITURE,
    INDIRECT,
    RECEIVABLE,
    USE_ACCOUNTS,
)
from fundledger.ledger.models import EntryKind
from fundledger.program.models import Activity, Implementer
from fundledger.reporting.figures import (
    ZERO,
    Decision,
    approvals,
    closings,
    drawn,
    open_on,
    pool_key,
)

#: How the ledger's entry kinds move the money held in an earmark.
POOL_MOVEMENTS: dict[str, str] = {
    EntryKind.RECEIPT: "received",
    EntryKind.CREDIT_APPLICATION: "from_credit",
    EntryKind.DISBURSEMENT: "disbursed",
    EntryKind.RETURN: "returned",
    EntryKind.REFUND: "refunded",
}


@dataclass(frozen=True, slots=True)
class AllocationInfo:
    """What identifies an allocation on a statement (Program titles are in English)."""

    id: int
    activity: int
    activity_title: str
    organ: str
    organ_name: str
    purpose: str
    decided_on: dt.date | None
    reference: str | None


@dataclass(frozen=True, slots=True)
class AllocationUse:
    """One allocation's use of one pool: committed at approval; period flows; at the end."""

    allocation: AllocationInfo
    committed: Decimal
    #: Advances and indirect costs paid from the pool in the period.
    disbursed: Decimal
    #: Expenditure the organ reported, and indirect costs, in the period.
    spent: Decimal
    #: Unspent advances the organ gave back in the period.
    returned: Decimal
    #: Advances the organ still held at the end.
    held: Decimal


@dataclass(frozen=True, slots=True)
class PoolUse:
    """One of the donor's earmarks: the money in it, and the allocations it funded."""

    earmark: str
    opening: Decimal
    #: (key, amount): received, from_credit, disbursed, returned, refunded, other.
    movements: tuple[tuple[str, Decimal], ...]
    closing: Decimal
    #: Pledged to this earmark and not yet paid at the end.
    receivable: Decimal
    #: Whether the fund counts pledged money as available (its availability basis).
    counts_receivable: bool
    commitments: Decimal
    allocations: tuple[AllocationUse, ...]

    @property
    def available(self) -> Decimal:
        counted = self.receivable if self.counts_receivable else ZERO
        return self.closing + counted - self.commitments

    @property
    def spent(self) -> Decimal:
        return sum((a.spent for a in self.allocations), ZERO)


@dataclass(frozen=True, slots=True)
class SharedUse:
    """An unrestricted use in the period and the donor's share of it, by year."""

    allocation: AllocationInfo
    #: year → (what the allocation used from the unrestricted pool, the donor's share).
    years: dict[int, tuple[Decimal, Decimal]] = field(default_factory=dict)

    @property
    def used(self) -> Decimal:
        return sum((used for used, _ in self.years.values()), ZERO)

    @property
    def share(self) -> Decimal:
        return sum((share for _, share in self.years.values()), ZERO)


@dataclass(frozen=True, slots=True)
class UnrestrictedShare:
    #: Unrestricted money the donor gave in the period, and all the fund received.
    donor_received: Decimal
    fund_received: Decimal
    uses: tuple[SharedUse, ...]

    @property
    def ratio(self) -> Decimal:
        if self.fund_received <= 0 or self.donor_received <= 0:
            return Decimal(0)
        return self.donor_received / self.fund_received

    @property
    def used(self) -> Decimal:
        return sum((u.used for u in self.uses), ZERO)

    @property
    def share(self) -> Decimal:
        return sum((u.share for u in self.uses), ZERO)


@dataclass(frozen=True, slots=True)
class YearFigures:
    year: int
    received: Decimal
    used_earmarked: Decimal
    used_unrestricted: Decimal

    @property
    def used(self) -> Decimal:
        return self.used_earmarked + self.used_unrestricted


def allocation_infos(session: Session, ids: Iterable[int]) -> dict[int, AllocationInfo]:
    wanted = sorted(set(ids))
    if not wanted:
        return {}
    decided = approvals(session, wanted)
    rows = session.execute(
        select(Allocation, Activity.title, Implementer.name)
        .join(Activity, Activity.number == Allocation.activity_number)
        .join(Implementer, Implementer.code == Allocation.organ_code)
        .where(Allocation.id.in_(wanted))
    )
    result = {}
    for allocation, title, organ_name in rows:
        decision = decided.get(allocation.id, Decision(None, None, None))
        result[allocation.id] = AllocationInfo(
            allocation.id, allocation.activity_number, title, allocation.organ_code, organ_name,
            allocation.purpose, decision.on, decision.reference,
        )  # fmt: skip
    return result


def earmarked_pools(
    session: Session, donor: Donor, start: dt.date, end: dt.date, *, with_receivables: bool
) -> list[PoolUse]:
    """Each earmark the donor's money sat in up to ``end``, with its allocations;
    ``with_receivables`` is the availability basis the figures are given on."""
    money: dict[str, dict[str, Decimal]] = defaultdict(lambda: defaultdict(lambda: ZERO))
    receivable: dict[str, Decimal] = defaultdict(lambda: ZERO)
    rows = balances.movements(session, [*CASH_ACCOUNTS, RECEIVABLE], until=end,
                              donor_id=donor.id, earmarked=True)  # fmt: skip
    for row in rows:
        earmark, code, kind, day, total = row.earmark, row.account, row.kind, row.day, row.amount
        if earmark is None:  # excluded by the query; narrows the type
            continue
        if code == RECEIVABLE:
            receivable[earmark] += total
        else:
            money[earmark]["opening" if day < start else POOL_MOVEMENTS.get(kind, "other")] += total
    keys = {earmark: pool_key(donor.code, earmark) for earmark in set(money) | set(receivable)}
    figures = _allocation_figures(session, donor, keys, start, end)
    pools = []
    for earmark in sorted(keys, key=_earmark_order):
        flows = money[earmark]
        opening = flows.pop("opening", ZERO)
        order = ("received", "from_credit", "disbursed", "returned", "refunded", "other")
        movements = tuple((key, flows[key]) for key in order if flows.get(key))
        allocations = figures.get(keys[earmark], [])
        if not (opening or movements or allocations or receivable[earmark]):
            continue
        pools.append(
            PoolUse(
                earmark=earmark, opening=opening, movements=movements,
                closing=opening + sum((amount for _, amount in movements), ZERO),
                receivable=receivable[earmark], counts_receivable=with_receivables,
                commitments=sum((a.committed - a.disbursed_to_end for a in allocations
                                 if a.open_at_end), ZERO),
                allocations=tuple(a.use for a in allocations),
            )
        )  # fmt: skip
    return pools


def _earmark_order(earmark: str) -> tuple[str, int, str]:
    """``activity:5`` before ``activity:18``: by kind, then by number."""
    kind, _, target = earmark.partition(":")
    return (kind, int(target) if target.isdigit() else 0, target)


@dataclass(frozen=True, slots=True)
class _Figures:
    use: AllocationUse
    committed: Decimal
    disbursed_to_end: Decimal
    open_at_end: bool


def _allocation_figures(
    session: Session, donor: Donor, keys: dict[str, str], start: dt.date, end: dt.date
) -> dict[str, list[_Figures]]:
    """For each pool key, the allocations that drew on it and what they did in the period."""
    if not keys:
        return {}
    pools = session.execute(
        select(AllocationPool.allocation_id, AllocationPool.pool, AllocationPool.committed)
        .where(AllocationPool.pool.in_(list(keys.values())))
        .order_by(AllocationPool.allocation_id)
    ).all()  # fmt: skip
    if not pools:
        return {}
    ids = sorted({allocation_id for allocation_id, _, _ in pools})
    flows: dict[tuple[int, str], dict[str, Decimal]] = defaultdict(
        lambda: defaultdict(lambda: ZERO)
    )
    rows = balances.movements(session, [ADVANCES, EXPENDITURE, INDIRECT], until=end,
                              donor_id=donor.id, earmarked=True, allocation_ids=ids)  # fmt: skip
    for row in rows:
        allocation_id, earmark, code, kind, total = (row.allocation_id, row.earmark,
                                                     row.account, row.kind, row.amount)  # fmt: skip
        if allocation_id is None:  # excluded by the query; narrows the type
            continue
        cell = flows[(allocation_id, pool_key(donor.code, earmark))]
        cell["held"] += total if code == ADVANCES else ZERO
        if row.day < start:
            continue
        if kind == EntryKind.DISBURSEMENT and code in (ADVANCES, INDIRECT):
            cell["disbursed"] += total
        if code in (EXPENDITURE, INDIRECT):
            cell["spent"] += total
        if kind == EntryKind.RETURN and code == ADVANCES:
            cell["returned"] -= total
    infos = allocation_infos(session, ids)
    decided = approvals(session, ids)
    closed = closings(session)
    taken = drawn(session, end, ids)
    result: dict[str, list[_Figures]] = defaultdict(list)
    for allocation_id, pool, committed in pools:
        cell = flows.get((allocation_id, pool), {})
        decision, closed_on = decided.get(allocation_id), closed.get(allocation_id)
        moved = any(cell.get(k) for k in ("disbursed", "spent", "returned", "held"))
        open_at_end = open_on(decision, closed_on, end)
        ran_in_period = open_at_end or (
            decision is not None and decision.on is not None and decision.on <= end
            and closed_on is not None and closed_on >= start
        )  # fmt: skip
        if not moved and not (committed and ran_in_period):
            continue
        use = AllocationUse(
            infos[allocation_id], committed, cell.get("disbursed", ZERO),
            cell.get("spent", ZERO), cell.get("returned", ZERO), cell.get("held", ZERO),
        )  # fmt: skip
        result[pool].append(
            _Figures(use, committed, taken.get((allocation_id, pool), ZERO), open_at_end)
        )
    return dict(result)


def unrestricted_received(
    session: Session, start: dt.date, end: dt.date, donor: Donor | None = None
) -> Decimal:
    """Unrestricted money received in the period (at the receipts' rates): payments on
    unrestricted pledges, credit applied to them, and unrestricted gifts without a pledge."""
    applied = (
        select(func.coalesce(func.sum(ReceiptApplication.receipt_usd), ZERO))
        .join(Pledge, Pledge.id == ReceiptApplication.pledge_id)
        .where(Pledge.earmark.is_(None), ReceiptApplication.applied_on.between(start, end))
    )
    gifts = select(
        func.coalesce(func.sum(Receipt.usd_amount), ZERO)
        + func.coalesce(func.sum(Receipt.usd_charges), ZERO)
    ).where(
        Receipt.revenue_amount > 0, Receipt.earmark.is_(None),
        Receipt.value_date.between(start, end),
    )  # fmt: skip
    if donor is not None:
        applied = applied.where(Pledge.donor_id == donor.id)
        gifts = gifts.where(Receipt.donor_id == donor.id)
    return session.execute(applied).scalar_one() + session.execute(gifts).scalar_one()


def unrestricted_share(
    session: Session, donor: Donor, start: dt.date, end: dt.date
) -> UnrestrictedShare:
    """The unrestricted uses of the period, each with the donor's share of it, by year."""
    used: dict[int, dict[int, Decimal]] = defaultdict(lambda: defaultdict(lambda: ZERO))
    shares: dict[int, dict[int, Decimal]] = defaultdict(lambda: defaultdict(lambda: ZERO))
    history = unrestricted_inflows(session, end), unrestricted_uses(session, end)
    for attribution in attribute(*history):
        use = attribution.use
        if use.day < start:
            continue
        used[use.allocation_id][use.day.year] += use.amount
        shares[use.allocation_id][use.day.year] += attribution.donors.get(donor.id, ZERO)
    infos = allocation_infos(session, used)
    uses = []
    for allocation_id in sorted(used, key=lambda i: (infos[i].activity, i)):
        years = {
            year: (amount, shares[allocation_id][year])
            for year, amount in sorted(used[allocation_id].items())
            if amount or shares[allocation_id][year]
        }
        if years:
            uses.append(SharedUse(infos[allocation_id], years))
    return UnrestrictedShare(
        unrestricted_received(session, start, end, donor),
        unrestricted_received(session, start, end),
        tuple(uses),
    )


def by_year(
    session: Session,
    donor: Donor,
    start: dt.date,
    end: dt.date,
    *,
    receipts: Sequence[tuple[dt.date, Decimal]],
    unrestricted: UnrestrictedShare,
) -> list[YearFigures]:
    """Received and used, year by year through the period (the chart's figures)."""
    received: dict[int, Decimal] = defaultdict(lambda: ZERO)
    for day, usd in receipts:
        received[day.year] += usd
    earmarked: dict[int, Decimal] = defaultdict(lambda: ZERO)
    for moved in balances.movements(session, USE_ACCOUNTS, since=start, until=end,
                                    donor_id=donor.id, earmarked=True):  # fmt: skip
        if moved.kind != EntryKind.CLOSING:
            earmarked[moved.day.year] += moved.amount
    shared: dict[int, Decimal] = defaultdict(lambda: ZERO)
    for use in unrestricted.uses:
        for year, (_, part) in use.years.items():
            shared[year] += part
    return [
        YearFigures(year, received[year], earmarked[year], shared[year])
        for year in range(start.year, end.year + 1)
    ]
