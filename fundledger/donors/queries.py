"""Readers for donors and contributions: lists, a donor's position, ageing."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from fundledger.donors.models import (
    Donor,
    Pledge,
    PledgeReduction,
    Receipt,
    ReceiptApplication,
)
from fundledger.inputs import upper_code
from fundledger.ledger.balances import donor_balances
from fundledger.ledger.chart import RECEIVABLE, UNAPPLIED
from fundledger.ledger.queries import not_reversed
from fundledger.money import to_base

ZERO = Decimal("0.00")


def donors(session: Session, *, include_inactive: bool = True) -> Sequence[Donor]:
    query = select(Donor).order_by(Donor.code)
    if not include_inactive:
        query = query.filter_by(active=True)
    return session.scalars(query).all()


@dataclass(frozen=True, slots=True)
class DonorPosition:
    """A donor's contributions in USD; outstanding and unapplied come from the ledger."""

    pledged: Decimal
    received: Decimal
    outstanding: Decimal
    unapplied: Decimal


def donor_position(session: Session, donor: Donor) -> DonorPosition:
    pledged = session.execute(
        select(func.coalesce(func.sum(Pledge.usd_amount), ZERO))
        .filter_by(donor_id=donor.id)
        .where(not_reversed(Pledge.entry_id))
    ).scalar_one()
    reduced = session.execute(
        select(func.coalesce(func.sum(PledgeReduction.usd_amount), ZERO))
        .join(Pledge, Pledge.id == PledgeReduction.pledge_id)
        .where(Pledge.donor_id == donor.id)
    ).scalar_one()
    received = session.execute(
        select(
            func.coalesce(func.sum(Receipt.usd_amount), ZERO)
            + func.coalesce(func.sum(Receipt.usd_charges), ZERO)
        )
        .filter_by(donor_id=donor.id)
        .where(not_reversed(Receipt.entry_id))
    ).scalar_one()
    balances = donor_balances(session, donor.id, [RECEIVABLE, UNAPPLIED])
    return DonorPosition(
        pledged=pledged - reduced,
        received=received,
        outstanding=balances.get(RECEIVABLE, ZERO),
        unapplied=-balances.get(UNAPPLIED, ZERO),
    )


@dataclass(frozen=True, slots=True)
class PledgeStatus:
    pledge: Pledge
    #: Still owed, in the pledge's currency and as carried in USD.
    outstanding: Decimal
    outstanding_usd: Decimal


def pledge_statuses(
    session: Session, donor: Donor | None = None, as_of: dt.date | None = None
) -> list[PledgeStatus]:
    """Every pledge (of one donor, or all) with what is still owed on it, as of a date.

    Three queries whatever the number of pledges.
    """
    last = as_of or dt.date.max
    pledges_query = (
        select(Pledge)
        .options(selectinload(Pledge.instalments))  # ageing reads them: one query, not one each
        .where(Pledge.pledge_date <= last, not_reversed(Pledge.entry_id))
        .order_by(Pledge.pledge_date, Pledge.id)
    )
    reductions_query = (
        select(
            PledgeReduction.pledge_id,
            func.sum(PledgeReduction.amount),
            func.sum(PledgeReduction.usd_amount),
        )
        .where(PledgeReduction.reduction_date <= last)
        .group_by(PledgeReduction.pledge_id)
    )
    applications_query = (
        select(
            ReceiptApplication.pledge_id,
            func.sum(ReceiptApplication.amount),
            func.sum(ReceiptApplication.pledge_usd),
        )
        .where(ReceiptApplication.applied_on <= last, not_reversed(ReceiptApplication.entry_id))
        .group_by(ReceiptApplication.pledge_id)
    )
    if donor is not None:
        pledges_query = pledges_query.filter_by(donor_id=donor.id)
        reductions_query = reductions_query.join(Pledge).where(Pledge.donor_id == donor.id)
        applications_query = applications_query.join(Pledge).where(Pledge.donor_id == donor.id)
    settled: dict[int, tuple[Decimal, Decimal]] = defaultdict(lambda: (Decimal(0), ZERO))
    for query in (reductions_query, applications_query):
        for pledge_id, original, usd in session.execute(query):
            before = settled[pledge_id]
            settled[pledge_id] = (before[0] + original, before[1] + usd)
    return [
        PledgeStatus(
            pledge,
            pledge.amount - settled[pledge.id][0],
            pledge.usd_amount - settled[pledge.id][1],
        )
        for pledge in session.scalars(pledges_query)
    ]


#: Age buckets of overdue amounts, in days past the due date (inclusive bounds).
AGE_BUCKETS = (("0-90", 0, 90), ("91-180", 91, 180), ("181-365", 181, 365), ("over-365", 366, None))


@dataclass(slots=True)
class AgeingRow:
    donor: Donor
    not_due: Decimal = ZERO
    overdue: dict[str, Decimal] = field(default_factory=lambda: dict.fromkeys(
        (name for name, _, _ in AGE_BUCKETS), ZERO))  # fmt: skip

    @property
    def overdue_total(self) -> Decimal:
        """Overdue in all, whatever the age."""
        return sum(self.overdue.values(), ZERO)

    @property
    def total(self) -> Decimal:
        return self.not_due + self.overdue_total


@dataclass(frozen=True, slots=True)
class AgeingTotal:
    """The ageing report's total line."""

    not_due: Decimal
    overdue: dict[str, Decimal]
    total: Decimal


def ageing_total(rows: Sequence[AgeingRow]) -> AgeingTotal:
    """What the rows add up to, column by column."""
    return AgeingTotal(
        sum((row.not_due for row in rows), ZERO),
        {name: sum((row.overdue[name] for row in rows), ZERO) for name, _, _ in AGE_BUCKETS},
        sum((row.total for row in rows), ZERO),
    )


def _bucket(days_overdue: int) -> str:
    for name, low, high in AGE_BUCKETS:
        if days_overdue >= low and (high is None or days_overdue <= high):
            return name
    raise AssertionError("the buckets cover every age")  # pragma: no cover


def ageing(session: Session, as_of: dt.date) -> list[AgeingRow]:
    """Outstanding pledges by donor, in USD at the pledges' rates, by how overdue.

    A pledge is due on each instalment's date (or its due date, or else the pledge
    date); payments cover the earliest instalments first, so what is outstanding sits
    in the latest ones.
    """
    rows: dict[int, AgeingRow] = {}
    for status in pledge_statuses(session, as_of=as_of):
        if status.outstanding <= 0:
            continue
        pledge = status.pledge
        row = rows.setdefault(pledge.donor_id, AgeingRow(pledge.donor))
        for due, usd in _outstanding_by_due_date(status):
            if due > as_of:
                row.not_due += usd
            else:
                bucket = _bucket((as_of - due).days)
                row.overdue[bucket] += usd
    return sorted(rows.values(), key=lambda row: row.donor.code)


def _outstanding_by_due_date(status: PledgeStatus) -> list[tuple[dt.date, Decimal]]:
    pledge = status.pledge
    schedule = [(i.due_date, i.amount) for i in pledge.instalments] or [
        (pledge.due_date or pledge.pledge_date, pledge.amount)
    ]
    left = status.outstanding
    parts: list[tuple[dt.date, Decimal]] = []
    for due, amount in reversed(schedule):
        if left <= 0:
            break
        part = min(left, amount)
        parts.append((due, part))
        left -= part
    parts.reverse()
    # USD at the pledge's rate, the last part taking the rounding so they add up.
    usd_left = status.outstanding_usd
    result = []
    for index, (due, part) in enumerate(parts):
        usd = usd_left if index == len(parts) - 1 else to_base(part, pledge.rate)
        usd_left -= usd
        result.append((due, usd))
    return result


def donor_by_code(session: Session, code: str) -> Donor | None:
    """The donor with this code, written in any case and with spaces around it, or None.

    The one look-up of a donor by code. It refuses nothing but a code that is not ASCII
    (:class:`~fundledger.inputs.InvalidInput`): what a missing donor means is the caller's
    to say (a 404 for a page, a form error, :func:`~fundledger.donors.operations.known_donor`'s
    refusal for an operation)."""
    return session.scalar(select(Donor).filter_by(code=upper_code(code, "donor code")))


def similar_donors(session: Session, *, name: str, country: str | None) -> list[Donor]:
    """The donors a new one named ``name`` in ``country`` may duplicate ("Japan" twice):
    the same name, ignoring case and spacing, or the same country. A warning's list, not a
    rule: two donors may share a country (a state and one of its agencies)."""
    wanted = " ".join(name.split()).casefold()
    same = select(Donor).order_by(Donor.code)
    return [
        donor for donor in session.scalars(same)
        if " ".join(donor.name.split()).casefold() == wanted
        or (country is not None and donor.country == country)
    ]  # fmt: skip


def donor_codes(session: Session, ids: Iterable[int] | None = None) -> dict[int, str]:
    """Donor codes by donor id: of the donors ``ids`` names, or of every donor.

    The one map from ids to codes (statements' pools, the users list, a filter's choices:
    ``sorted(donor_codes(session).values())``)."""
    query = select(Donor.id, Donor.code)
    if ids is not None:
        wanted = set(ids)
        if not wanted:
            return {}
        query = query.where(Donor.id.in_(wanted))
    return {donor_id: code for donor_id, code in session.execute(query)}


def donor_names(session: Session) -> dict[str, str]:
    """Every donor's name by its code: what a pool's or an earmark's label names."""
    return {key: name for key, name in session.execute(select(Donor.code, Donor.name))}
