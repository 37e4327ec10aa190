"""Checks shared by budgets and allocations: USD amounts, text fields, fundable activities."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from sqlalchemy.orm import Session

from fundledger.allocations.errors import AllocationError
from fundledger.errors import Param, Term
from fundledger.i18n import N_
from fundledger.money import MAX_AMOUNT, fits_currency
from fundledger.program.as_of import program_on
from fundledger.program.models import Activity, Implementer
from fundledger.program.source_data import ALL_OAS_ORGANS, ImplementerGroup

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
            what=what,
            amount=amount,
        )
    return amount.quantize(Decimal("0.01"))


def text_field(value: str | None, what: Param, *, required: bool = True) -> str | None:
    cleaned = " ".join((value or "").split())
    if required and not cleaned:
        raise AllocationError(N_("%(what)s is required"), what=what)
    if len(cleaned) > 2000:
        raise AllocationError(N_("%(what)s is longer than 2000 characters"), what=what)
    return cleaned or None


def fundable_activity(session: Session, number: int, on: dt.date | None = None) -> Activity:
    """Activity ``number`` if the fund may finance it on ``on`` (today when None): an OAS
    organ carried it then (:func:`fundledger.program.as_of.program_on`)."""
    activity = session.get(Activity, number)
    if activity is None or not program_on(session, on).fundable(number):
        raise AllocationError(
            N_("activity %(number)s is not one the fund may finance (activities 1–32 only)"),
            number=number,
        )
    return activity


def receiving_organ(session: Session, activity: Activity, organ: str | None) -> str:
    """The organ an allocation to ``activity`` pays: the activity's carrier, or, for an
    activity all the OAS organs carry (30–32 in the resolution), the one organ named."""
    named = (organ or "").strip().upper() or None
    if activity.implementer_code != ALL_OAS_ORGANS:
        if named is not None and named != activity.implementer_code:
            raise AllocationError(
                N_("activity %(number)s is carried by %(carrier)s; an allocation to it pays "
                   "%(carrier)s, not %(organ)s"),
                number=activity.number, carrier=activity.implementer_code, organ=named[:20],
            )  # fmt: skip
        return activity.implementer_code
    if named is None:
        raise AllocationError(
            N_("activity %(number)s is carried by all the OAS organs: name the organ that "
               "receives the money"),
            number=activity.number,
        )  # fmt: skip
    found = session.get(Implementer, named[:20])
    if found is None or found.kind != ImplementerGroup.OAS_ORGAN or found.code == ALL_OAS_ORGANS:
        raise AllocationError(
            N_("%(organ)s is not an OAS organ, agency or entity that can receive the money"),
            organ=named[:20],
        )
    return found.code
