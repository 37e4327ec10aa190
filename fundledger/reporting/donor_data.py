"""The donor statement's data: contributions, balances and the use of the money.

Plain values only (no ORM objects), read from the ledger and the contribution tables by
business date. Every figure a renderer prints comes from here, and the roll-forwards
end on the ledger's own balances, so the statement reconciles to the cent.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal

from sqlalchemy import and_, func, select
from sqlalchemy.orm import Session, aliased

from fundledger.allocations.pools import pool_money
from fundledger.allocations.settings import SettingValues
from fundledger.donors.models import (
    Donor,
    Pledge,
    PledgeReduction,
    Receipt,
    ReceiptApplication,
    name_in,
)
from fundledger.errors import FundledgerError
from fundledger.inputs import FIRST_DAY, LAST_DAY
from fundledger.ledger.balances import balances, movements, period_movements
from fundledger.ledger.chart import RECEIVABLE, UNAPPLIED, USE_ACCOUNTS
from fundledger.ledger.models import EntryKind, JournalEntry
from fundledger.ledger.queries import not_reversed
from fundledger.reporting import uses
from fundledger.reporting.figures import (
    ADDED_LATER,
    ZERO,
    AccountInfo,
    Position,
    open_commitments,
    position,
    statement_chart,
)


class PeriodOutsideLedger(FundledgerError):
    """No entry can be dated there, and a period of thousands of years would print a
    year-by-year table as long (and the day before 0001-01-01 does not exist)."""


@dataclass(frozen=True, slots=True)
class DonorDetails:
    code: str
    name: str
    type: str
    country: str | None
    language: str
    #: Its name by language where the donor record has one (:meth:`Donor.names`); None
    #: for none, and for statements issued before donors had them.
    names: Mapping[str, str] | None = field(default=None, metadata=ADDED_LATER)

    def name_in(self, language: str) -> str:
        return name_in(self.name, self.names, language)


@dataclass(frozen=True, slots=True)
class Movement:
    """One line of a roll-forward; ``key`` names it (the renderer holds the labels)."""

    key: str
    amount: Decimal


@dataclass(frozen=True, slots=True)
class RollForward:
    """A balance at the start, what moved it, and the balance at the end (the ledger's).

    ``other`` is whatever the listed movements do not explain (manual vouchers,
    reversals), so that the lines always add up to the closing balance.
    """

    opening: Decimal
    movements: tuple[Movement, ...]
    closing: Decimal

    @property
    def other(self) -> Decimal:
        return self.closing - self.opening - sum((m.amount for m in self.movements), ZERO)


@dataclass(frozen=True, slots=True)
class PledgeLine:
    date: dt.date
    reference: str | None
    earmark: str | None
    currency: str
    amount: Decimal
    rate: Decimal
    usd: Decimal
    due: dt.date | None


@dataclass(frozen=True, slots=True)
class ReductionLine:
    date: dt.date
    pledge_date: dt.date
    pledge_reference: str | None
    currency: str
    amount: Decimal
    usd: Decimal
    cancellation: bool
    reason: str


@dataclass(frozen=True, slots=True)
class ReceiptLine:
    """A payment: what the donor paid (``gross``, in its currency) and where it went."""

    date: dt.date
    reference: str | None
    currency: str
    gross: Decimal
    charges: Decimal
    rate: Decimal
    #: The gross at the day's rate (what the donor gave, in USD).
    usd: Decimal
    usd_charges: Decimal
    #: The pledges it settled, at the pledges' rates.
    applied: Decimal
    #: Recognised as a contribution at once (no pledge), and under which earmark.
    unpledged: Decimal
    earmark: str | None
    #: Kept as unapplied credit.
    unapplied: Decimal
    #: The day its entry was reversed, if that was by the end of the period (the
    #: statement lists it as recorded and marks it; the roll-forwards' "other" line
    #: holds the reversal).
    reversed_on: dt.date | None = None

    @property
    def exchange_difference(self) -> Decimal:
        """Gain (positive) or loss on the pledges settled: the day's rate against theirs."""
        return self.usd - self.applied - self.unpledged - self.unapplied


@dataclass(frozen=True, slots=True)
class OutstandingLine:
    pledge_date: dt.date
    reference: str | None
    due: dt.date | None
    earmark: str | None
    currency: str
    outstanding: Decimal
    usd: Decimal


@dataclass(frozen=True, slots=True)
class FundSummary:
    """The whole fund, for context: the period's flows and the position at its end."""

    received: Decimal
    used: Decimal
    accounts: dict[str, AccountInfo]
    position: Position
    commitments: Decimal
    available_unrestricted: Decimal


@dataclass(frozen=True, slots=True)
class DonorStatementData:
    donor: DonorDetails
    start: dt.date
    end: dt.date
    receivable: RollForward
    unapplied: RollForward
    pledges: tuple[PledgeLine, ...]
    reductions: tuple[ReductionLine, ...]
    receipts: tuple[ReceiptLine, ...]
    outstanding: tuple[OutstandingLine, ...]
    earmarked: tuple[uses.PoolUse, ...]
    unrestricted: uses.UnrestrictedShare
    years: tuple[uses.YearFigures, ...]
    fund: FundSummary
    #: Gain (positive) or loss on unapplied credit applied to pledges in the period: the
    #: credit at its receipts' rates against the receivable at the pledges' rates.
    credit_exchange: Decimal
    #: Gain (positive) or loss from revaluing open pledges and credit at the rates of a
    #: day in the period, net of the reversals the period holds (the ``fx`` entries).
    revaluation: Decimal

    @property
    def received(self) -> Decimal:
        return sum((r.usd for r in self.receipts), ZERO)

    @property
    def exchange_differences(self) -> Decimal:
        """Every exchange gain (positive) or loss on the donor's money in the period."""
        return (sum((r.exchange_difference for r in self.receipts), ZERO)
                + self.credit_exchange + self.revaluation)  # fmt: skip

    @property
    def outstanding_total(self) -> Decimal:
        return sum((line.usd for line in self.outstanding), ZERO)


def donor_statement(
    session: Session, donor: Donor, start: dt.date, end: dt.date, *, settings: SettingValues
) -> DonorStatementData:
    """Everything the donor's statement for [start, end] prints, with the fund's
    ``settings`` as they stood when it was issued."""
    if not (start >= FIRST_DAY and end <= LAST_DAY):
        raise PeriodOutsideLedger(
            f"a statement's period lies within the ledger's dates, {FIRST_DAY.isoformat()} "
            f"to {LAST_DAY.isoformat()}"
        )
    details = DonorDetails(donor.code, donor.name, donor.type, donor.country, donor.language,
                           donor.names())
    # The donor's receivable and unapplied credit at the start and at the end.
    opening = balances(session, start - dt.timedelta(days=1), donor_id=donor.id)
    closing = balances(session, end, donor_id=donor.id)
    pledges = _pledges(session, donor, start, end)
    reductions = _reductions(session, donor, start, end)
    applications = _applications(session, donor, start, end)
    receipts = _receipts(session, donor, start, end, applications)
    from_credit = [a for a in applications if not a.with_receipt]
    revalued: dict[str, Decimal] = defaultdict(lambda: ZERO)
    for moved in movements(session, [RECEIVABLE, UNAPPLIED], since=start, until=end,
                           donor_id=donor.id):  # fmt: skip
        if moved.kind == EntryKind.FX:
            revalued[moved.account] += moved.amount
    receivable = RollForward(
        opening.get(RECEIVABLE, ZERO),
        (
            Movement("pledged", sum((p.usd for p in pledges), ZERO)),
            Movement("reduced", -sum((r.usd for r in reductions), ZERO)),
            Movement("settled_by_payments", -sum((r.applied for r in receipts), ZERO)),
            Movement("settled_from_credit", -sum((a.pledge_usd for a in from_credit), ZERO)),
            Movement("revalued", revalued[RECEIVABLE]),
        ),
        closing.get(RECEIVABLE, ZERO),
    )
    unapplied = RollForward(
        -opening.get(UNAPPLIED, ZERO),
        (
            Movement("overpaid", sum((r.unapplied for r in receipts), ZERO)),
            Movement("applied", -sum((a.receipt_usd for a in from_credit), ZERO)),
            Movement("revalued", -revalued[UNAPPLIED]),
        ),
        -closing.get(UNAPPLIED, ZERO),
    )
    with_receivables = settings.counts_receivables
    earmarked = uses.earmarked_pools(session, donor, start, end, with_receivables=with_receivables)
    unrestricted = uses.unrestricted_share(session, donor, start, end)
    years = uses.by_year(session, donor, start, end, receipts=[(r.date, r.usd) for r in receipts],
                         unrestricted=unrestricted)  # fmt: skip
    return DonorStatementData(
        donor=details,
        start=start,
        end=end,
        receivable=receivable,
        unapplied=unapplied,
        pledges=tuple(pledges),
        reductions=tuple(reductions),
        receipts=tuple(receipts),
        outstanding=tuple(_outstanding(session, donor, end)),
        earmarked=tuple(earmarked),
        unrestricted=unrestricted,
        years=tuple(years),
        fund=fund_summary(session, start, end, with_receivables=with_receivables),
        credit_exchange=sum((a.receipt_usd - a.pledge_usd for a in from_credit), ZERO),
        revaluation=revalued[RECEIVABLE] + revalued[UNAPPLIED],
    )


def _pledges(session: Session, donor: Donor, start: dt.date, end: dt.date) -> list[PledgeLine]:
    rows = session.execute(
        select(Pledge.pledge_date, Pledge.reference, Pledge.earmark, Pledge.currency,
               Pledge.amount, Pledge.rate, Pledge.usd_amount, Pledge.due_date)
        .where(Pledge.donor_id == donor.id, Pledge.pledge_date.between(start, end))
        .order_by(Pledge.pledge_date, Pledge.id)
    )  # fmt: skip
    return [PledgeLine(*row) for row in rows]


def _reductions(
    session: Session, donor: Donor, start: dt.date, end: dt.date
) -> list[ReductionLine]:
    rows = session.execute(
        select(PledgeReduction, Pledge)
        .join(Pledge, Pledge.id == PledgeReduction.pledge_id)
        .where(Pledge.donor_id == donor.id, PledgeReduction.reduction_date.between(start, end))
        .order_by(PledgeReduction.reduction_date, PledgeReduction.id)
    )
    return [
        ReductionLine(r.reduction_date, p.pledge_date, p.reference, p.currency, r.amount,
                      r.usd_amount, r.cancellation, r.reason)
        for r, p in rows
    ]  # fmt: skip


@dataclass(frozen=True, slots=True)
class _Application:
    receipt_id: int
    #: Whether it came with the receipt (else it applied earlier unapplied credit).
    with_receipt: bool
    pledge_usd: Decimal
    receipt_usd: Decimal


def _applications(
    session: Session, donor: Donor, start: dt.date, end: dt.date
) -> list[_Application]:
    rows = session.execute(
        select(
            ReceiptApplication.receipt_id,
            ReceiptApplication.entry_id == Receipt.entry_id,
            ReceiptApplication.pledge_usd,
            ReceiptApplication.receipt_usd,
        )
        .join(Receipt, Receipt.id == ReceiptApplication.receipt_id)
        .where(Receipt.donor_id == donor.id, ReceiptApplication.applied_on.between(start, end))
        .order_by(ReceiptApplication.id)
    )
    return [_Application(r, bool(w), p, u) for r, w, p, u in rows]


def _receipts(
    session: Session,
    donor: Donor,
    start: dt.date,
    end: dt.date,
    applications: list[_Application],
) -> list[ReceiptLine]:
    applied: dict[int, Decimal] = defaultdict(lambda: ZERO)
    for application in applications:
        if application.with_receipt:
            applied[application.receipt_id] += application.pledge_usd
    reversal = aliased(JournalEntry)
    rows = session.execute(
        select(Receipt.id, Receipt.value_date, Receipt.reference, Receipt.currency,
               Receipt.amount, Receipt.charges, Receipt.rate, Receipt.usd_amount,
               Receipt.usd_charges, Receipt.revenue_amount, Receipt.earmark, Receipt.unapplied_usd,
               reversal.entry_date)
        .outerjoin(reversal, and_(reversal.reverses_id == Receipt.entry_id,
                                  reversal.entry_date <= end))
        .where(Receipt.donor_id == donor.id, Receipt.value_date.between(start, end))
        .order_by(Receipt.value_date, Receipt.id)
    )  # fmt: skip
    lines = []
    for (receipt_id, value_date, reference, currency, amount, charges, rate, usd_amount,
         usd_charges, revenue_amount, earmark, unapplied_usd, reversed_on) in rows:  # fmt: skip
        usd = usd_amount + usd_charges
        lines.append(
            ReceiptLine(value_date, reference, currency, amount + charges, charges, rate, usd,
                        usd_charges, applied[receipt_id], usd if revenue_amount else ZERO,
                        earmark, unapplied_usd, reversed_on)
        )  # fmt: skip
    return lines


def _outstanding(session: Session, donor: Donor, end: dt.date) -> list[OutstandingLine]:
    """What each pledge still owed at the end: the pledge less the reductions and the
    applications dated by then (the same rule as :func:`donors.queries.pledge_statuses`,
    read as plain columns because a donor may have thousands of pledges)."""
    settled: dict[int, tuple[Decimal, Decimal]] = defaultdict(lambda: (Decimal(0), ZERO))
    for query in (
        select(PledgeReduction.pledge_id, func.sum(PledgeReduction.amount),
               func.sum(PledgeReduction.usd_amount))
        .join(Pledge, Pledge.id == PledgeReduction.pledge_id)
        .where(Pledge.donor_id == donor.id, PledgeReduction.reduction_date <= end)
        .group_by(PledgeReduction.pledge_id),
        select(ReceiptApplication.pledge_id, func.sum(ReceiptApplication.amount),
               func.sum(ReceiptApplication.pledge_usd))
        .join(Pledge, Pledge.id == ReceiptApplication.pledge_id)
        .where(Pledge.donor_id == donor.id, ReceiptApplication.applied_on <= end,
               not_reversed(ReceiptApplication.entry_id, by=end))
        .group_by(ReceiptApplication.pledge_id),
    ):  # fmt: skip
        for pledge_id, original, usd in session.execute(query):
            before = settled[pledge_id]
            settled[pledge_id] = (before[0] + original, before[1] + usd)
    rows = session.execute(
        select(Pledge.id, Pledge.pledge_date, Pledge.reference, Pledge.due_date, Pledge.earmark,
               Pledge.currency, Pledge.amount, Pledge.usd_amount)
        .where(Pledge.donor_id == donor.id, Pledge.pledge_date <= end,
               not_reversed(Pledge.entry_id, by=end))
        .order_by(Pledge.pledge_date, Pledge.id)
    )  # fmt: skip
    lines = []
    for pledge_id, day, reference, due, earmark, currency, amount, usd in rows:
        original, carried = settled[pledge_id]
        if amount - original or usd - carried:
            lines.append(OutstandingLine(day, reference, due, earmark, currency, amount - original,
                                         usd - carried))  # fmt: skip
    return lines


def fund_summary(
    session: Session, start: dt.date, end: dt.date, *, with_receivables: bool
) -> FundSummary:
    """The fund's receipts and use of money in the period, and its position at the end."""
    received = session.execute(
        select(
            func.coalesce(func.sum(Receipt.usd_amount), ZERO)
            + func.coalesce(func.sum(Receipt.usd_charges), ZERO)
        ).where(Receipt.value_date.between(start, end))
    ).scalar_one()
    moved = period_movements(session, start, end)
    used = sum((total for (code, _donor), total in moved.items() if code in USE_ACCOUNTS), ZERO)
    commitments = open_commitments(session, end)
    money = pool_money(session, with_receivables=with_receivables, as_of=end)
    accounts = statement_chart(session, (end,), (code for code, _donor in moved))
    return FundSummary(
        received=received,
        used=used,
        accounts=accounts,
        position=position(session, end, accounts),
        commitments=sum(commitments.values(), ZERO),
        available_unrestricted=money.get("unrestricted", ZERO)
        - commitments.get("unrestricted", ZERO),
    )
