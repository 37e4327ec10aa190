"""Sources and uses of funds, for a period and since the Fund's first day side by side:
the bank's movements by the business event that made them, so that opening cash plus
sources less uses is the bank's balance at the end.

Sources are contributions received from each donor (gross: what the bank credited plus
the charges it deducted), money implementing organs returned, and interest; uses are
advances transferred to the organs, indirect support costs, refunds to donors and bank
charges (deducted from receipts or debited apart). Whatever else moved the bank (a
manual voucher, a reversal, opening balances) is "other movements", never absorbed.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from fundledger.donors.models import Donor, name_in
from fundledger.ledger.balances import balances, first_day, kind_movements
from fundledger.ledger.chart import ADVANCES, BANK, BANK_CHARGES, INDIRECT
from fundledger.ledger.models import EntryKind
from fundledger.reporting.figures import ADDED_LATER, ZERO

#: The lines of each side, in the order printed (the donors' contributions come first).
SOURCES = ("returns", "interest")
USES = ("transfers", "indirect", "refunds", "charges")


@dataclass(frozen=True, slots=True)
class Flow:
    """One line: for the period, and since the Fund's first day."""

    period: Decimal
    inception: Decimal


@dataclass(frozen=True, slots=True)
class DonorFlow:
    code: str | None
    name: str
    flow: Flow
    #: Its name by language (:meth:`Donor.names`); None for none.
    names: Mapping[str, str] | None = field(default=None, metadata=ADDED_LATER)

    def name_in(self, language: str) -> str:
        return name_in(self.name, self.names, language)


@dataclass(frozen=True, slots=True)
class SourcesAndUses:
    #: The Fund's first day (its earliest entry); None for an empty ledger.
    since: dt.date | None
    contributions: tuple[DonorFlow, ...]
    #: The other sources (returns, interest) and the uses, by key (SOURCES, USES).
    lines: dict[str, Flow]
    #: What else moved the bank: manual vouchers, reversals, opening balances.
    other: Flow
    #: The bank at the start of each column (the day before): since inception, nothing.
    opening: Flow
    #: The bank at the end of the period (the same in both columns).
    closing: Decimal

    def total(self, keys: tuple[str, ...], *, contributions: bool) -> Flow:
        flows = [self.lines[key] for key in keys]
        if contributions:
            flows += [row.flow for row in self.contributions]
        return Flow(sum((f.period for f in flows), ZERO), sum((f.inception for f in flows), ZERO))

    @property
    def sources(self) -> Flow:
        return self.total(SOURCES, contributions=True)

    @property
    def uses(self) -> Flow:
        return self.total(USES, contributions=False)


@dataclass(frozen=True, slots=True)
class _Span:
    """One column: the period's flows, or those since the first day."""

    by_donor: dict[int | None, Decimal]
    lines: dict[str, Decimal]
    other: Decimal


def sources_and_uses(session: Session, start: dt.date, end: dt.date) -> SourcesAndUses:
    """The period ``start``–``end`` beside the whole life up to ``end``."""
    since = first_day(session)
    period = _span(session, start, end)
    life = _span(session, since, end) if since is not None and since <= end else None
    names: dict[int | None, tuple[str | None, str, Mapping[str, str] | None]] = {
        None: (None, "", None)
    }
    names |= {d.id: (d.code, d.name, d.names()) for d in session.scalars(select(Donor))}
    donors = sorted(set(period.by_donor) | set(life.by_donor if life else ()),
                    key=lambda d: (d is None, names[d][0] or ""))  # fmt: skip
    contributions = tuple(
        DonorFlow(names[d][0], names[d][1],
                  Flow(period.by_donor.get(d, ZERO), life.by_donor.get(d, ZERO) if life else ZERO),
                  names[d][2])
        for d in donors
    )  # fmt: skip
    lines = {key: Flow(period.lines[key], life.lines[key] if life else ZERO)
             for key in (*SOURCES, *USES)}  # fmt: skip
    before = balances(session, start - dt.timedelta(days=1)).get(BANK, ZERO)
    return SourcesAndUses(
        since=since,
        contributions=contributions,
        lines=lines,
        other=Flow(period.other, life.other if life else ZERO),
        opening=Flow(before, ZERO),
        closing=balances(session, end).get(BANK, ZERO),
    )


def _span(session: Session, start: dt.date, end: dt.date) -> _Span:
    moved = kind_movements(session, [BANK, ADVANCES, INDIRECT, BANK_CHARGES], start, end)
    by_donor: dict[int | None, Decimal] = defaultdict(lambda: ZERO)
    kinds: dict[tuple[str, str], Decimal] = defaultdict(lambda: ZERO)
    for (code, kind, donor_id), amount in moved.items():
        kinds[code, kind] += amount
        if kind == EntryKind.RECEIPT and code in (BANK, BANK_CHARGES):
            by_donor[donor_id] += amount  # the bank's credit and the charges it deducted
    lines = {
        "returns": kinds[BANK, EntryKind.RETURN],
        "interest": kinds[BANK, EntryKind.INTEREST],
        "transfers": kinds[ADVANCES, EntryKind.DISBURSEMENT],
        "indirect": kinds[INDIRECT, EntryKind.DISBURSEMENT],
        "refunds": -kinds[BANK, EntryKind.REFUND],
        "charges": kinds[BANK_CHARGES, EntryKind.RECEIPT] + kinds[BANK_CHARGES,
                                                                 EntryKind.BANK_CHARGES],
    }  # fmt: skip
    bank = sum((amount for (code, _kind), amount in kinds.items() if code == BANK), ZERO)
    explained = (sum(by_donor.values(), ZERO) + lines["returns"] + lines["interest"]
                 - sum((lines[key] for key in USES), ZERO))  # fmt: skip
    return _Span({d: a for d, a in by_donor.items() if a}, lines, bank - explained)
