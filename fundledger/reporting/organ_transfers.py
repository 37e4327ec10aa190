"""Transfers by implementing organ: for each organ, what it held at the start of a
period, what the Fund transferred to it, the expenditure it reported, what it returned,
what it holds at the end, and how many expenditure reports it still owes.

All of it is the advances account (1200) by allocation, read by business date: an
allocation's lines belong to its organ; lines that name no allocation (a manual voucher)
are "not attributed to an organ". A report is still due for an allocation whose period
ended before the last day and whose organ holds some of its advances then. Corrections
(reversals and vouchers) are their own column, so that every line adds up: held at the
start + transferred − reported − returned + corrections = held at the end.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from fundledger.allocations.models import Allocation
from fundledger.ledger.balances import allocation_movements
from fundledger.ledger.chart import ADVANCES
from fundledger.ledger.models import EntryKind
from fundledger.program.models import Implementer
from fundledger.reporting.figures import ZERO

#: The organ of advances that name no allocation.
NO_ORGAN = ""
#: The columns of the table the pages download (CSV, XLSX): one line per organ.
HEADER = ("organ", "name", "held_at_start", "transferred", "expenditure_reported",
          "refunded", "corrections", "held_at_end", "reports_due")  # fmt: skip


@dataclass(frozen=True, slots=True)
class OrganTransfers:
    #: The implementer's code, or :data:`NO_ORGAN`.
    organ: str
    #: The implementer's (English) name, Program data.
    name: str
    opening: Decimal
    transferred: Decimal
    reported: Decimal
    returned: Decimal
    #: Reversals and manual vouchers on the advances.
    corrections: Decimal
    closing: Decimal
    #: Allocations whose period is over and whose advances are not all accounted for.
    reports_due: int


def transfers_by_organ(
    session: Session, start: dt.date, end: dt.date
) -> tuple[OrganTransfers, ...]:
    """Every organ with money moved or held from ``start`` to ``end``, by code."""
    allocations = {
        allocation_id: (organ, period_end)
        for allocation_id, organ, period_end in session.execute(
            select(Allocation.id, Allocation.organ_code, Allocation.period_end)
        )
    }

    def organ_of(allocation_id: int | None) -> str:
        return NO_ORGAN if allocation_id is None else allocations[allocation_id][0]

    figures: dict[str, dict[str, Decimal]] = defaultdict(lambda: defaultdict(lambda: ZERO))
    held: dict[int | None, Decimal] = defaultdict(lambda: ZERO)
    before = start - dt.timedelta(days=1)
    for (allocation_id, _kind), amount in allocation_movements(
        session, [ADVANCES], until=before
    ).items():
        figures[organ_of(allocation_id)]["opening"] += amount
        held[allocation_id] += amount
    for (allocation_id, kind), amount in allocation_movements(
        session, [ADVANCES], since=start, until=end
    ).items():
        column = {EntryKind.DISBURSEMENT: "transferred", EntryKind.EXPENDITURE: "reported",
                  EntryKind.RETURN: "returned"}.get(EntryKind(kind), "corrections")  # fmt: skip
        sign = -1 if column in ("reported", "returned") else 1
        figures[organ_of(allocation_id)][column] += sign * amount
        held[allocation_id] += amount
    due: dict[str, int] = defaultdict(int)
    for allocation_id, amount in held.items():
        if allocation_id is not None and amount > 0 and allocations[allocation_id][1] < end:
            due[organ_of(allocation_id)] += 1
    names = dict(session.execute(select(Implementer.code, Implementer.name)).all())
    result = []
    for organ in sorted(figures, key=lambda code: (code == NO_ORGAN, code)):
        f = figures[organ]
        closing = (f["opening"] + f["transferred"] - f["reported"] - f["returned"]
                   + f["corrections"])  # fmt: skip
        result.append(OrganTransfers(
            organ, names.get(organ, ""), f["opening"], f["transferred"], f["reported"],
            f["returned"], f["corrections"], closing, due[organ],
        ))  # fmt: skip
    return tuple(
        row for row in result
        if row.opening or row.transferred or row.reported or row.returned or row.corrections
        or row.closing
    )  # fmt: skip


def table_rows(rows: tuple[OrganTransfers, ...]) -> list[tuple[object, ...]]:
    """``rows`` as the lines of :data:`HEADER`: typed values, an organ's name as the Program
    has it."""
    return [(row.organ, row.name, row.opening, row.transferred, row.reported, row.returned,
             row.corrections, row.closing, row.reports_due) for row in rows]  # fmt: skip
