"""Readers behind the contribution pages: the donor list and its order; a donor's
receipts, earmarks and unapplied credit; the rate table; which import rows are posted.

Like :mod:`fundledger.donors.queries`, these only read; none of them imports Flask.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from fundledger.donors.models import (
    Donor,
    ExchangeRate,
    Pledge,
    PledgeReduction,
    Receipt,
    ReceiptApplication,
)
from fundledger.donors.queries import ZERO, PledgeStatus, pledge_statuses
from fundledger.donors.receipts import Credit, unapplied_credits
from fundledger.ledger.models import JournalEntry
from fundledger.ledger.queries import entry_numbers, not_reversed, reversal_links
from fundledger.listing import Columns, RowKey, Sorts

#: How the donor list may be sorted; each key ends on the code, so the order is total.
DONOR_SORTS: Sorts[Columns] = Sorts(
    {
        "code": (Donor.code,),
        "name": (func.lower(Donor.name), Donor.code),
        "type": (Donor.type, Donor.code),
        "country": (func.coalesce(Donor.country, ""), Donor.code),
        "language": (Donor.language, Donor.code),
        "active": (Donor.active, Donor.code),
    },
    default="code",
)
#: How the rate table may be sorted; newest first unless asked otherwise.
RATE_SORTS: Sorts[Columns] = Sorts(
    {
        "date": (ExchangeRate.rate_date, ExchangeRate.currency, ExchangeRate.id),
        "currency": (ExchangeRate.currency, ExchangeRate.rate_date, ExchangeRate.id),
        "rate": (ExchangeRate.rate, ExchangeRate.id),
    },
    default="date",
    descending=True,
)
#: How the pledge list may be sorted (in memory: what is owed is computed); newest first.
PLEDGE_SORTS: Sorts[RowKey] = Sorts(
    {
        "id": lambda s: s.pledge.id,
        "date": lambda s: (s.pledge.pledge_date, s.pledge.id),
        "donor": lambda s: (s.pledge.donor.code, s.pledge.id),
        "amount": lambda s: (s.pledge.usd_amount, s.pledge.id),
        "outstanding": lambda s: (s.outstanding_usd, s.pledge.id),
        "due": lambda s: (s.pledge.due_date or dt.date.max, s.pledge.id),
    },
    default="date",
    descending=True,
)
#: How the receipt list may be sorted; newest first unless asked otherwise.
RECEIPT_SORTS: Sorts[Columns] = Sorts(
    {
        "id": (Receipt.id,),
        "date": (Receipt.value_date, Receipt.id),
        "donor": (Donor.code, Receipt.id),
        "amount": (Receipt.usd_amount, Receipt.id),
        "unapplied": (Receipt.unapplied_usd, Receipt.id),
    },
    default="date",
    descending=True,
)
#: How the ageing report may be sorted (it has a totals row: it is not paged).
AGEING_SORTS: Sorts[RowKey] = Sorts(
    {
        "donor": lambda row: row.donor.code,
        "not_due": lambda row: (row.not_due, row.donor.code),
        "total": lambda row: (row.total, row.donor.code),
    },
    default="donor",
)
#: Idempotency keys looked up per query when checking an import file.
_KEYS_PER_QUERY = 500


# --- donors ---------------------------------------------------------------------------


def donors_query(*, type: str | None = None, active: bool | None = None) -> Select[Donor]:
    """The donors of one ``type`` (or all), active, inactive (or both), in no order yet
    (see :data:`DONOR_SORTS`)."""
    query = select(Donor)
    if type:
        query = query.filter_by(type=type)
    if active is not None:
        query = query.filter_by(active=active)
    return query


def pledges_matching(
    session: Session,
    *,
    donor_id: int | None = None,
    start: dt.date | None = None,
    end: dt.date | None = None,
    currency: str | None = None,
    outstanding: bool | None = None,
) -> list[PledgeStatus]:
    """Every pledge of a donor, dated from ``start`` to ``end``, in a currency, with
    money still owed or settled (each or all), with what is owed; in no order yet (see
    :data:`PLEDGE_SORTS`). Three queries."""
    return [
        status
        for status in pledge_statuses(session)
        if (donor_id is None or status.pledge.donor_id == donor_id)
        and (start is None or status.pledge.pledge_date >= start)
        and (end is None or status.pledge.pledge_date <= end)
        and (not currency or status.pledge.currency == currency)
        and (outstanding is None or (status.outstanding > 0) == outstanding)
    ]


def receipts_query(
    *,
    donor_id: int | None = None,
    start: dt.date | None = None,
    end: dt.date | None = None,
    currency: str | None = None,
) -> Select[Receipt]:
    """Receipts of a donor, dated from ``start`` to ``end``, in a currency (each or all),
    in no order yet (see :data:`RECEIPT_SORTS`, which may order by the donor's code)."""
    query = (
        select(Receipt)
        .join(Donor, Donor.id == Receipt.donor_id)
        .where(not_reversed(Receipt.entry_id))
    )
    if donor_id is not None:
        query = query.where(Receipt.donor_id == donor_id)
    if start is not None:
        query = query.where(Receipt.value_date >= start)
    if end is not None:
        query = query.where(Receipt.value_date <= end)
    if currency:
        query = query.where(Receipt.currency == currency)
    return query


def pledge_of(session: Session, donor: Donor, pledge_id: int) -> Pledge | None:
    """The donor's pledge with this id, or none (also when it is another donor's, or
    was reversed)."""
    if not 0 < pledge_id <= 2**31 - 1:
        return None
    return session.scalar(
        select(Pledge)
        .filter_by(id=pledge_id, donor_id=donor.id)
        .where(not_reversed(Pledge.entry_id))
    )


# --- one donor's contributions --------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ReceiptLine:
    receipt: Receipt
    #: The pledges its money settled, by id: when recorded, or later as applied credit.
    applied_to: tuple[int, ...]
    entry_number: int
    #: The number of the entry that reversed it, if it was.
    reversed_by: int | None = None

    @property
    def usd_gross(self) -> Decimal:
        """What the donor paid, in USD: the bank's credit plus its charges."""
        return self.receipt.usd_amount + self.receipt.usd_charges


def receipts_of(session: Session, donor: Donor) -> list[ReceiptLine]:
    """The donor's receipts, oldest first, with the pledges each settled. Three queries."""
    receipts = session.scalars(
        select(Receipt).filter_by(donor_id=donor.id).order_by(Receipt.value_date, Receipt.id)
    ).all()
    applied: dict[int, list[int]] = defaultdict(list)
    for receipt_id, pledge_id in session.execute(
        select(ReceiptApplication.receipt_id, ReceiptApplication.pledge_id)
        .join(Receipt, Receipt.id == ReceiptApplication.receipt_id)
        .where(Receipt.donor_id == donor.id)
        .order_by(ReceiptApplication.id)
    ):
        if pledge_id not in applied[receipt_id]:
            applied[receipt_id].append(pledge_id)
    numbers = entry_numbers(session, [receipt.entry_id for receipt in receipts])
    _, reversed_by = reversal_links(session, list(numbers.values()))
    return [
        ReceiptLine(
            receipt, tuple(applied[receipt.id]), numbers[receipt.entry_id],
            reversed_by.get(numbers[receipt.entry_id]),
        )
        for receipt in receipts
    ]


def credits_of(session: Session, donor: Donor) -> list[Credit]:
    """Unapplied credit the donor has left, by receipt, in every currency."""
    currencies = session.scalars(
        select(Receipt.currency)
        .where(Receipt.donor_id == donor.id, Receipt.unapplied_usd > 0,
               not_reversed(Receipt.entry_id))
        .distinct()
        .order_by(Receipt.currency)
    ).all()
    return [c for currency in currencies for c in unapplied_credits(session, donor, currency)]


@dataclass(frozen=True, slots=True)
class EarmarkLine:
    #: None for unrestricted money.
    earmark: str | None
    #: Pledges net of reductions (at the pledges' rates) and unpledged receipts, in USD.
    contributed: Decimal
    #: Still owed on the pledges, as carried in USD.
    outstanding: Decimal


def earmarks_of(session: Session, donor: Donor) -> list[EarmarkLine]:
    """The donor's contributions by restriction, unrestricted first."""
    contributed: dict[str | None, Decimal] = defaultdict(lambda: ZERO)
    outstanding: dict[str | None, Decimal] = defaultdict(lambda: ZERO)
    queries = (
        (1, select(Pledge.earmark, func.coalesce(func.sum(Pledge.usd_amount), ZERO))
            .where(Pledge.donor_id == donor.id, not_reversed(Pledge.entry_id))
            .group_by(Pledge.earmark)),
        (-1, select(Pledge.earmark, func.coalesce(func.sum(PledgeReduction.usd_amount), ZERO))
            .join(Pledge, Pledge.id == PledgeReduction.pledge_id)
            .where(Pledge.donor_id == donor.id).group_by(Pledge.earmark)),
        (1, select(Receipt.earmark,
                   func.coalesce(func.sum(Receipt.usd_amount + Receipt.usd_charges), ZERO))
            .where(Receipt.donor_id == donor.id, Receipt.revenue_amount > 0,
                   not_reversed(Receipt.entry_id))
            .group_by(Receipt.earmark)),
    )  # fmt: skip
    for sign, query in queries:
        for earmark, usd in session.execute(query):
            contributed[earmark] += sign * usd
    for status in pledge_statuses(session, donor):
        outstanding[status.pledge.earmark] += status.outstanding_usd
    earmarks = sorted(set(contributed) | set(outstanding), key=lambda e: (e is not None, e or ""))
    return [EarmarkLine(e, contributed[e], outstanding[e]) for e in earmarks]


# --- rates and imports ----------------------------------------------------------------


def rates_query(*, currency: str | None = None) -> Select[ExchangeRate]:
    """The rate table, for one currency or all, in no order yet (see :data:`RATE_SORTS`)."""
    query = select(ExchangeRate)
    if currency:
        query = query.filter_by(currency=currency)
    return query


def last_rate(session: Session, currency: str, on: dt.date) -> ExchangeRate | None:
    """The latest rate of ``currency`` on or before ``on``: what a form that found no rate
    for the day offers to start from."""
    query = (
        select(ExchangeRate)
        .filter(ExchangeRate.currency == currency, ExchangeRate.rate_date <= on)
        .order_by(ExchangeRate.rate_date.desc())
        .limit(1)
    )
    return session.scalar(query)


def posted_keys(session: Session, keys: Iterable[str]) -> set[str]:
    """Those of the idempotency ``keys`` some journal entry already carries."""
    wanted = sorted(set(keys))
    found: set[str] = set()
    for start in range(0, len(wanted), _KEYS_PER_QUERY):
        chunk = wanted[start : start + _KEYS_PER_QUERY]
        found.update(
            key
            for key in session.scalars(
                select(JournalEntry.idempotency_key).where(JournalEntry.idempotency_key.in_(chunk))
            )
            if key is not None
        )
    return found
