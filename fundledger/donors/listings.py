"""Readers behind the contribution pages: donors paged, filtered and sorted; a donor's
receipts, earmarks and unapplied credit; the rate table; which import rows are posted.

Like :mod:`fundledger.donors.queries`, these only read; none of them imports Flask.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Generic, TypeVar

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
from fundledger.donors.queries import ZERO, pledge_statuses
from fundledger.donors.receipts import Credit, unapplied_credits
from fundledger.ledger.models import JournalEntry

T = TypeVar("T")

#: How the donor list may be sorted; each key ends on the code, so the order is total.
DONOR_SORTS: dict[str, tuple[Any, ...]] = {
    "code": (Donor.code,),
    "name": (func.lower(Donor.name), Donor.code),
    "type": (Donor.type, Donor.code),
}
#: Idempotency keys looked up per query when checking an import file.
_KEYS_PER_QUERY = 500


@dataclass(frozen=True, slots=True)
class Page(Generic[T]):
    """One page of a longer list."""

    items: Sequence[T]
    page: int
    per_page: int
    total: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))


def _page_of(session: Session, query: Select[T], page: int, per_page: int) -> Page[T]:
    """The page of ``query``'s rows; a page past either end is the nearest one."""
    total = session.scalar(select(func.count()).select_from(query.order_by(None).subquery())) or 0
    page = min(max(1, page), max(1, -(-total // per_page)))
    items = session.scalars(query.limit(per_page).offset((page - 1) * per_page)).all()
    return Page(items, page, per_page, total)


# --- donors ---------------------------------------------------------------------------


def _donor_query(type: str | None, active: bool | None, sort: str) -> Select[Donor]:
    query = select(Donor).order_by(*DONOR_SORTS[sort])
    if type:
        query = query.filter_by(type=type)
    if active is not None:
        query = query.filter_by(active=active)
    return query


def donor_page(
    session: Session,
    *,
    type: str | None = None,
    active: bool | None = None,
    sort: str = "code",
    page: int = 1,
    per_page: int = 50,
) -> Page[Donor]:
    """Donors of one ``type`` (or all), active, inactive (or both), in ``sort`` order."""
    return _page_of(session, _donor_query(type, active, sort), page, per_page)


def donors_matching(
    session: Session, *, type: str | None = None, active: bool | None = None, sort: str = "code"
) -> Sequence[Donor]:
    """Every donor :func:`donor_page` would list, on one page (for exports)."""
    return session.scalars(_donor_query(type, active, sort)).all()


def donor_by_code(session: Session, code: str) -> Donor | None:
    """The donor with this code (any case), or none."""
    return session.scalar(select(Donor).filter_by(code=code.strip().upper()))


def pledge_of(session: Session, donor: Donor, pledge_id: int) -> Pledge | None:
    """The donor's pledge with this id, or none (also when it is another donor's)."""
    if not 0 < pledge_id <= 2**31 - 1:
        return None
    return session.scalar(select(Pledge).filter_by(id=pledge_id, donor_id=donor.id))


# --- one donor's contributions --------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ReceiptLine:
    receipt: Receipt
    #: The pledges its money settled, by id: when recorded, or later as applied credit.
    applied_to: tuple[int, ...]
    entry_number: int

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
    return [
        ReceiptLine(receipt, tuple(applied[receipt.id]), numbers[receipt.entry_id])
        for receipt in receipts
    ]


def entry_numbers(session: Session, entry_ids: Iterable[int]) -> dict[int, int]:
    """Journal entry numbers by entry id."""
    wanted = sorted(set(entry_ids))
    if not wanted:
        return {}
    rows = session.execute(
        select(JournalEntry.id, JournalEntry.number).where(JournalEntry.id.in_(wanted))
    )
    return {entry_id: number for entry_id, number in rows}


def credits_of(session: Session, donor: Donor) -> list[Credit]:
    """Unapplied credit the donor has left, by receipt, in every currency."""
    currencies = session.scalars(
        select(Receipt.currency)
        .where(Receipt.donor_id == donor.id, Receipt.unapplied_usd > 0)
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
            .where(Pledge.donor_id == donor.id).group_by(Pledge.earmark)),
        (-1, select(Pledge.earmark, func.coalesce(func.sum(PledgeReduction.usd_amount), ZERO))
            .join(Pledge, Pledge.id == PledgeReduction.pledge_id)
            .where(Pledge.donor_id == donor.id).group_by(Pledge.earmark)),
        (1, select(Receipt.earmark,
                   func.coalesce(func.sum(Receipt.usd_amount + Receipt.usd_charges), ZERO))
            .where(Receipt.donor_id == donor.id, Receipt.revenue_amount > 0)
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


def rate_page(
    session: Session, *, currency: str | None = None, page: int = 1, per_page: int = 50
) -> Page[ExchangeRate]:
    """The rate table, newest date first, for one currency or all."""
    query = select(ExchangeRate).order_by(
        ExchangeRate.rate_date.desc(), ExchangeRate.currency, ExchangeRate.id
    )
    if currency:
        query = query.filter_by(currency=currency)
    return _page_of(session, query, page, per_page)


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
