"""Expenditure by category: what the organs reported spending and the indirect support
costs the Fund paid in a period, under the eight UN harmonised categories
(:mod:`fundledger.allocations.categories`), all eight listed, zeros included.

Program expenditure (5100) counts under the category of the expenditure report that
posted it, a reversal under the category of the report it reverses; indirect cost
recovery (5200) is the indirect support costs. Expenditure no report posted (a manual
voucher) is "not categorised", listed when there is any, never absorbed: the lines add
up to the period's expenses of both accounts, as the changes in net assets show them.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from fundledger.allocations.categories import CATEGORIES, INDIRECT_SUPPORT
from fundledger.allocations.models import AllocationEvent
from fundledger.ledger.chart import EXPENDITURE, INDIRECT
from fundledger.ledger.posting_totals import entry_movements
from fundledger.reporting.figures import ZERO

#: The line of expenditure that no report filed under a category.
UNCATEGORISED = ""


@dataclass(frozen=True, slots=True)
class CategoryLine:
    #: A harmonised category, or :data:`UNCATEGORISED`.
    category: str
    amount: Decimal


def expenditure_by_category(
    session: Session, start: dt.date, end: dt.date
) -> tuple[CategoryLine, ...]:
    """The eight categories in their order, from ``start`` to ``end`` (both included),
    then the uncategorised expenditure when there is any."""
    filed = dict(
        session.execute(
            select(AllocationEvent.entry_id, AllocationEvent.category).where(
                AllocationEvent.action == "report", AllocationEvent.entry_id.is_not(None)
            )
        ).all()
    )
    totals = dict.fromkeys((*CATEGORIES, UNCATEGORISED), ZERO)
    for (code, entry_id), amount in entry_movements(
        session, [EXPENDITURE, INDIRECT], start, end
    ).items():
        category = INDIRECT_SUPPORT if code == INDIRECT else filed.get(entry_id) or ""
        totals[category if category in CATEGORIES else UNCATEGORISED] += amount
    return tuple(
        CategoryLine(category, amount)
        for category, amount in totals.items()
        if category != UNCATEGORISED or amount
    )
