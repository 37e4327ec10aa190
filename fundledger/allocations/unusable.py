"""Earmarked pools no allocation can ever draw on, and what they hold.

Pledges and receipts are refused such earmarks now (:mod:`fundledger.program.usable`),
but money recorded before that still sits under them: ``verify`` warns of it and the
Secretariat's home page lists it, until it is re-earmarked or refunded to the donor.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy.orm import Session

from fundledger.allocations.pools import UNRESTRICTED, ZERO, availability, parse_pool, pool_money
from fundledger.errors import Message, english
from fundledger.program.earmarks import parse_earmark
from fundledger.program.usable import unusable_reason


@dataclass(frozen=True, slots=True)
class UnusablePool:
    """One donor's money under an earmark no fundable activity can use."""

    pool: str
    donor_code: str
    earmark: str
    #: Why no allocation can use it.
    reason: Message
    #: Bank money in the pool, less what is owed back (what a refund or re-earmark moves).
    cash: Decimal
    #: Pledged and not yet received.
    receivable: Decimal
    #: Cash not reserved by an open commitment: what may be moved or refunded today.
    available: Decimal


def unusable_pools(session: Session) -> list[UnusablePool]:
    """Every earmarked pool holding anything under an unusable earmark, by pool key."""
    cash = availability(session, with_receivables=False)
    with_receivables = pool_money(session, with_receivables=True)
    reasons: dict[str, Message | None] = {}
    found = []
    for key in sorted((set(cash) | set(with_receivables)) - {UNRESTRICTED}):
        pool = parse_pool(key)
        if pool.earmark is None or pool.donor_code is None:
            continue
        if pool.earmark not in reasons:
            reasons[pool.earmark] = unusable_reason(session, parse_earmark(pool.earmark))
        reason = reasons[pool.earmark]
        held = cash.get(key)
        money = held.money if held is not None else ZERO
        receivable = with_receivables.get(key, ZERO) - money
        if reason is None or not (money or receivable):
            continue
        found.append(
            UnusablePool(
                pool=key, donor_code=pool.donor_code, earmark=pool.earmark, reason=reason,
                cash=money, receivable=receivable,
                available=held.available if held is not None else ZERO,
            )
        )  # fmt: skip
    return found


def warnings(session: Session) -> list[str]:
    """What ``fundledger verify`` says of each unusable pool: a warning, not a violation
    (the books are right; the money is stuck)."""
    return [
        f"warning: pool {pool.pool} holds {pool.cash:,.2f} in the bank and "
        f"{pool.receivable:,.2f} receivable that no allocation can use: {english(pool.reason)}; "
        "re-earmark it (fundledger re-earmark) or refund it (fundledger refund)"
        for pool in unusable_pools(session)
    ]
