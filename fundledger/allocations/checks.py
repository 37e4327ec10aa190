"""Checks shared by budgets and allocations: USD amounts, text fields, fundable activities."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy.orm import Session

from fundledger.allocations.errors import AllocationError
from fundledger.errors import Param, Term
from fundledger.i18n import N_
from fundledger.money import MAX_AMOUNT, fits_currency
from fundledger.program.models import Activity

#: How a refusal names the amount it refuses, when no other name is given.
AMOUNT = Term(N_("amount"))


def usd_amount(amount: Decimal, what: Param = AMOUNT) -> Decimal:
    if not amount.is_finite() or amount <= 0:
        raise AllocationError(
            N_("%(what)s must be more than zero, not %(amount)s"), what=what, amount=amount
        )
    if amount >= MAX_AMOUNT or not fits_currency(amount, "USD"):
        raise AllocationError(
            N_("%(what)s %(amount)s is not a USD amount with at most 2 decimals"),
            what=what, amount=amount,
        )
    return amount.quantize(Decimal("0.01"))


def text_field(value: str | None, what: Param, *, required: bool = True) -> str | None:
    cleaned = " ".join((value or "").split())
    if required and not cleaned:
        raise AllocationError(N_("%(what)s is required"), what=what)
    if len(cleaned) > 2000:
        raise AllocationError(N_("%(what)s is longer than 2000 characters"), what=what)
    return cleaned or None


def fundable_activity(session: Session, number: int) -> Activity:
    activity = session.get(Activity, number)
    if activity is None or not activity.fundable:
        raise AllocationError(
            N_("activity %(number)s is not one the fund may finance (activities 1–32 only)"),
            number=number,
        )
    return activity
