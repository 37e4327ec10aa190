"""Revaluation of foreign-currency money at a date (issue 14; DESIGN §3, Revaluation).

A pledge in another currency is carried at its own rate until it is paid, and so is
unapplied credit at its receipt's rate. Before a year closes, what is still open at its
end is restated at the rates of that day: one ``fx`` entry dated D moves each open
receivable (1100) and each unapplied credit (2100) to its value at D's rate, the
difference going to exchange gains or losses **in the class the money belongs to**
(:func:`~fundledger.donors.amounts.balancing_fx_lines`: an earmarked receivable's to
4240 / 4250 with its donor and earmark, the rest to 4400 / 5400), so each class keeps
equalling its pools. A second entry on D + 1, the first day of the next period, reverses
it (the usual method): the books of D show the money at D's rates, and a later receipt
still settles the pledge at the pledge's own rate.

One revaluation per date: the entry's idempotency key is ``fx-revaluation:D``, and a
second run for the same date posts nothing and says so. Receivables are not cash, so
revaluing them never overdraws a pool; a revalued credit is owed to the donor, so a
rise in it lowers the unrestricted pool on D, and the overdraft rule checks it like any
entry (ledger/overdraft.py).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, replace
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from fundledger import clock
from fundledger.actors import Actor
from fundledger.audit.operations import record
from fundledger.donors.amounts import balancing_fx_lines
from fundledger.donors.errors import MissingRate, RevaluationError
from fundledger.donors.models import ExchangeRate, Receipt, ReceiptApplication
from fundledger.donors.queries import pledge_statuses
from fundledger.errors import Message
from fundledger.i18n import N_
from fundledger.ledger.chart import RECEIVABLE, UNAPPLIED
from fundledger.ledger.models import EntryKind, FiscalPeriod, JournalEntry
from fundledger.ledger.operations import Line, lock_ledger, post_entry, replayed_entry
from fundledger.ledger.periods import RevaluationPending, fiscal_year
from fundledger.money import BASE_CURRENCY, plain, to_base

KEY_PREFIX = "fx-revaluation:"
ZERO = Decimal("0.00")


@dataclass(frozen=True, slots=True)
class OpenItem:
    """Foreign-currency money open at a date: a pledge's receivable or a receipt's
    unapplied credit, in its currency and as carried in USD (both positive)."""

    #: How the entry's line names it: ``pledge 12 (CAN-2025-3)``, ``credit of receipt 7``.
    name: Message
    account: str
    donor_id: int
    earmark: str | None
    currency: str
    original: Decimal
    carried: Decimal
    #: The rate it is carried at.
    rate: Decimal


@dataclass(frozen=True, slots=True)
class Revaluation:
    """What :func:`revalue` did for a date."""

    as_of: dt.date
    #: The revaluation and its reversal on the next day; None when nothing differed.
    entries: tuple[JournalEntry, JournalEntry] | None
    #: False when an earlier run had posted them (nothing was posted this time).
    new: bool
    #: How many receivables and credits were open at the date (None: not counted again).
    items: int | None


def revaluation_key(as_of: dt.date) -> str:
    return f"{KEY_PREFIX}{as_of.isoformat()}"


def open_items(session: Session, as_of: dt.date) -> list[OpenItem]:
    """Every foreign-currency receivable and unapplied credit open at the end of
    ``as_of``, pledges first, oldest first."""
    items = [
        OpenItem(Message(N_("pledge %(pledge)s (%(reference)s)"),
                         {"pledge": s.pledge.id, "reference": s.pledge.reference})
                 if s.pledge.reference
                 else Message(N_("pledge %(pledge)s"), {"pledge": s.pledge.id}),
                 RECEIVABLE, s.pledge.donor_id, s.pledge.earmark, s.pledge.currency,
                 s.outstanding, s.outstanding_usd, s.pledge.rate)
        for s in pledge_statuses(session, as_of=as_of)
        if s.pledge.currency != BASE_CURRENCY and (s.outstanding or s.outstanding_usd)
    ]  # fmt: skip
    return items + _open_credits(session, as_of)


def _open_credits(session: Session, as_of: dt.date) -> list[OpenItem]:
    """Unapplied credit left at the end of ``as_of`` on each foreign-currency receipt:
    the excess it was recorded with, less what was applied from it by then (at the
    receipt's rate, as :func:`~fundledger.donors.receipts.apply_credit` moves it)."""
    applied: dict[int, tuple[Decimal, Decimal]] = {}
    for receipt_id, original, usd in session.execute(
        select(ReceiptApplication.receipt_id, func.sum(ReceiptApplication.amount),
               func.sum(ReceiptApplication.receipt_usd))
        .join(Receipt, Receipt.id == ReceiptApplication.receipt_id)
        .where(ReceiptApplication.applied_on <= as_of,
               ReceiptApplication.entry_id != Receipt.entry_id)
        .group_by(ReceiptApplication.receipt_id)
    ):  # fmt: skip
        applied[receipt_id] = (original, usd)
    with_receipt: dict[int, Decimal] = {
        receipt_id: original
        for receipt_id, original in session.execute(
            select(ReceiptApplication.receipt_id, func.sum(ReceiptApplication.amount))
            .join(Receipt, Receipt.id == ReceiptApplication.receipt_id)
            .where(ReceiptApplication.entry_id == Receipt.entry_id)
            .group_by(ReceiptApplication.receipt_id)
        )
    }
    items = []
    for receipt in session.scalars(
        select(Receipt)
        .where(Receipt.unapplied_usd > 0, Receipt.currency != BASE_CURRENCY,
               Receipt.value_date <= as_of)
        .order_by(Receipt.value_date, Receipt.id)
    ):  # fmt: skip
        later_original, later_usd = applied.get(receipt.id, (Decimal(0), ZERO))
        excess = receipt.gross - receipt.revenue_amount - with_receipt.get(receipt.id, Decimal(0))
        original = excess - later_original
        carried = receipt.unapplied_usd - later_usd
        if original or carried:
            items.append(
                OpenItem(Message(N_("credit of receipt %(receipt)s"), {"receipt": receipt.id}),
                         UNAPPLIED, receipt.donor_id, None,
                         receipt.currency, original, carried, receipt.rate)
            )  # fmt: skip
    return items


def day_rates(session: Session, as_of: dt.date, currencies: set[str]) -> dict[str, Decimal]:
    """The rate table's rate of each currency on ``as_of``; refuses, naming every
    currency without one."""
    rates: dict[str, Decimal] = {
        currency: rate
        for currency, rate in session.execute(
            select(ExchangeRate.currency, ExchangeRate.rate).where(
                ExchangeRate.rate_date == as_of, ExchangeRate.currency.in_(sorted(currencies))
            )
        )
    }
    if missing := sorted(currencies - rates.keys()):
        raise MissingRate(
            N_("no rate for %(currencies)s on %(date)s: money in that currency was open that "
               "day; set the day's rate first") if len(missing) == 1
            else N_("no rate for %(currencies)s on %(date)s: money in those currencies was open "
                    "that day; set the day's rates first"),
            currencies=", ".join(missing), date=as_of,
        )  # fmt: skip
    return rates


def revaluation_lines(session: Session, as_of: dt.date) -> tuple[list[Line], int]:
    """The revaluation entry's lines for ``as_of`` (none when every open item is already
    carried at the day's rate), and how many items were open."""
    items = open_items(session, as_of)
    rates = day_rates(session, as_of, {item.currency for item in items})
    by_donor: dict[int, list[Line]] = defaultdict(list)
    for item in items:
        rate = rates[item.currency]
        difference = to_base(item.original, rate) - item.carried
        if not difference:
            continue
        memo = Message(
            N_("%(item)s: %(original)s %(currency)s carried at %(carried_rate)s "
               "(%(carried)s USD), at %(rate)s on %(date)s"),
            {"item": item.name, "original": Decimal(plain(item.original, item.currency)),
             "currency": item.currency, "carried_rate": item.rate.normalize(),
             "carried": Decimal(plain(item.carried)), "rate": rate.normalize(), "date": as_of},
        )  # fmt: skip
        # An asset rises with the rate; a credit owed to the donor is a liability.
        amount = difference if item.account == RECEIVABLE else -difference
        by_donor[item.donor_id].append(
            Line(item.account, amount, donor_id=item.donor_id, earmark=item.earmark, memo=memo)
        )
    lines: list[Line] = []
    for donor_id, donor_lines in by_donor.items():
        lines += donor_lines
        # The unrestricted gain or loss keeps its donor too, for whoever traces it.
        lines += [
            each if each.donor_id is not None else replace(each, donor_id=donor_id)
            for each in balancing_fx_lines(donor_lines)
        ]
    return lines, len(items)


def revalue(session: Session, actor: Actor, as_of: dt.date) -> Revaluation:
    """Revalue every foreign-currency receivable and unapplied credit open at the end of
    ``as_of`` at that day's rates, and reverse it on the next day; once per date."""
    today = clock.today()
    if as_of > today:
        raise RevaluationError(
            N_("date %(date)s is after today (%(today)s in the fund's timezone); money can "
               "only be revalued at a day that has passed"),
            date=as_of, today=today,
        )  # fmt: skip
    if as_of == today:
        raise RevaluationError(
            N_("a revaluation as of %(date)s is reversed the next day, which has not come yet; "
               "revalue as of today once the day is over"),
            date=as_of,
        )  # fmt: skip
    lock_ledger(session)  # nothing is posted between the reading and the entry
    key = revaluation_key(as_of)
    earlier = replayed_entry(session, key)
    period = session.get(FiscalPeriod, as_of.year)
    if period is not None and period.closed:
        if earlier is None:
            raise RevaluationError(
                N_("fiscal year %(year)s is closed: a closed year is not revalued again (an "
                   "admin reopens it first)"),
                year=as_of.year,
            )  # fmt: skip
        raise RevaluationError(
            N_("fiscal year %(year)s is closed; it was revalued by entry #%(entry)s: a closed "
               "year is not revalued again (an admin reopens it first)"),
            year=as_of.year, entry=earlier.number,
        )  # fmt: skip
    if earlier is not None:
        reversal = session.scalars(select(JournalEntry).filter_by(reverses_id=earlier.id)).one()
        return Revaluation(as_of, (earlier, reversal), new=False, items=None)
    lines, items = revaluation_lines(session, as_of)
    if not lines:
        return Revaluation(as_of, None, new=False, items=items)
    entry = post_entry(
        session, entry_date=as_of, kind=EntryKind.FX, lines=lines,
        memo=Message(N_("Revaluation of foreign-currency receivables and unapplied credits "
                        "at the rates of %(date)s"), {"date": as_of}),
        idempotency_key=key, created_by=actor.name, request_id=actor.request_id,
    )  # fmt: skip
    next_day = as_of + dt.timedelta(days=1)
    reversal = post_entry(
        session, entry_date=next_day, kind=EntryKind.FX,
        lines=[line.negated() for line in lines],
        memo=Message(N_("Reversal of #%(number)s: the revaluation as of %(date)s is "
                        "reversed on the first day of the next period"),
                     {"number": entry.number, "date": as_of}),
        idempotency_key=f"{key}:reversal", created_by=actor.name,
        request_id=actor.request_id, reverses=entry,
    )  # fmt: skip
    record(
        session, actor, "fx.revalued", "revaluation", as_of.isoformat(),
        after={"entry": entry.number, "reversal": reversal.number, "items": items},
    )  # fmt: skip
    return Revaluation(as_of, (entry, reversal), new=True, items=items)


def refuse_unrevalued_year(session: Session, year: int) -> None:
    """Asked before ``year`` closes (:func:`fundledger.ledger.periods.before_close`):
    refuse while foreign-currency money open at its last day differs from its value at
    that day's rates (or the rates are missing) and the revaluation was not posted."""
    _start, end = fiscal_year(year)
    if replayed_entry(session, revaluation_key(end)) is not None:
        return
    try:
        pending = bool(revaluation_lines(session, end)[0])
    except MissingRate:  # money was open and lacks its rate: it cannot have been revalued
        pending = True
    if pending:
        raise RevaluationPending(
            N_("fiscal year %(year)s cannot close yet: foreign-currency receivables or "
               "unapplied credits were open on %(as_of)s and the year-end revaluation has not "
               "been posted; revalue them at 31 December %(year)s first"),
            as_of=end, year=year,
        )  # fmt: skip
