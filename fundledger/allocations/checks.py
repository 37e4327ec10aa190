"""Checks shared by budgets and allocations: USD amounts, text fields, fundable activities."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy.orm import Session

from fundledger.allocations.errors import AllocationError
from fundledger.money import MAX_AMOUNT, fits_currency
from fundledger.program.models import Activity


def usd_amount(amount: Decimal, what: str = "amount") -> Decimal:
    if not amount.is_finite() or amount <= 0:
        raise AllocationError(f"{what} must be more than zero, not {amount}")
    if amount >= MAX_AMOUNT or not fits_currency(amount, "USD"):
        raise AllocationError(f"{what} {amount} is not a USD amount with at most 2 decimals")
    return amount.quantize(Decimal("0.01"))


def text_field(value: str | None, what: str, *, required: bool = True) -> str | None:
    cleaned = " ".join((value or "").split())
    if required and not cleaned:
        raise AllocationError(f"{what} is required")
    if len(cleaned) > 2000:
        raise AllocationError(f"{what} is longer than 2000 characters")
    return cleaned or None


def fundable_activity(session: Session, number: int) -> Activity:
    activity = session.get(Activity, number)
    if activity is None or not activity.fundable:
        raise AllocationError(
            f"activity {number} is not one the fund may finance (activities 1–32 only)"
        )
    return activity
