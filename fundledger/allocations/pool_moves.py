"""Money that leaves a donor's pool outside an allocation: a refund of unused earmarked
money to its donor, and a re-earmark of money no allocation can use (issue 14). Each
takes only what the pool has available on every day from its date on.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from fundledger.actors import Actor
from fundledger.allocations.checks import text_field, usd_amount
from fundledger.allocations.errors import AllocationError, InsufficientFunds
from fundledger.allocations.pools import ZERO, Pool, lowest_available, parse_pool
from fundledger.audit.operations import record
from fundledger.donors.models import Donor
from fundledger.ledger.chart import BANK, CONTRIBUTIONS_RESTRICTED
from fundledger.ledger.dates import check_not_after_today
from fundledger.ledger.models import EntryKind, JournalEntry
from fundledger.ledger.operations import (
    Line,
    lock_ledger,
    post_entry,
    replayed_entry,
)
from fundledger.money import plain
from fundledger.program.earmarks import parse_earmark
from fundledger.program.usable import fundable_activities, unusable_reason


def _take_available(session: Session, pool: str, amount: Decimal, on: dt.date, what: str) -> None:
    """Refuse to ``what`` (refund, re-earmark) ``amount`` out of ``pool`` on ``on`` unless the
    pool has it available (money less open commitments) on every day from ``on``; takes
    the ledger's lock, which the caller keeps until it has posted."""
    check_not_after_today(on)
    lock_ledger(session)
    low = lowest_available(session, [pool], since=on, with_receivables=False)[pool]
    free = max(ZERO, low.balance)
    if amount > free:
        raise InsufficientFunds(
            f"pool {pool} has {plain(free)} available; it cannot {what} {plain(amount)} "
            f"(counting every day from {on.isoformat()} on, the lowest is "
            f"{low.day.isoformat()}: {plain(amount - free)} short)"
        )


def refund_to_donor(
    session: Session,
    actor: Actor,
    *,
    pool: str,
    amount: Decimal,
    on: dt.date,
    reason: str,
    idempotency_key: str | None = None,
) -> JournalEntry:
    """Give unused earmarked money back to its donor (within what the pool has available).

    Replaying the same ``idempotency_key`` returns the entry posted the first time.
    """
    if earlier := replayed_entry(session, idempotency_key):
        return earlier
    parsed = parse_pool(pool)
    if parsed.earmark is None:
        raise AllocationError("only earmarked money is refunded; name a DONOR/earmark pool")
    amount = usd_amount(amount, "refund")
    reason_text = text_field(reason, "a reason")
    _take_available(session, parsed.key, amount, on, "refund")
    donor_id = session.scalar(select(Donor.id).filter_by(code=parsed.donor_code))
    entry = post_entry(
        session, entry_date=on, kind=EntryKind.REFUND,
        lines=[Line(CONTRIBUTIONS_RESTRICTED, amount, donor_id=donor_id, earmark=parsed.earmark),
               Line(BANK, -amount, donor_id=donor_id, earmark=parsed.earmark)],
        memo=f"Refund to {parsed.donor_code} of unused {parsed.earmark} money: {reason_text}",
        idempotency_key=idempotency_key, created_by=actor.name, request_id=actor.request_id,
    )  # fmt: skip
    record(session, actor, "donor.refunded", "pool", parsed.key,
           after={"amount": amount, "reason": reason_text, "entry": entry.number})  # fmt: skip
    return entry


def re_earmark(
    session: Session,
    actor: Actor,
    *,
    pool: str,
    to: str,
    amount: Decimal,
    on: dt.date,
    reason: str,
    idempotency_key: str | None = None,
) -> JournalEntry:
    """Move a donor's money from an earmark no allocation can use to one that it can, with
    the donor's agreement (``reason`` says so): one entry moves the bank money and the
    restricted contribution between the two earmarks, so it stays restricted.

    Only the pool's available cash moves (a pledge still owed keeps its earmark: cancel
    it and pledge again). Replaying the same ``idempotency_key`` returns the entry posted
    the first time.
    """
    if earlier := replayed_entry(session, idempotency_key):
        return earlier
    source = parse_pool(pool)
    if source.earmark is None or source.donor_code is None:
        raise AllocationError("only earmarked money is re-earmarked; name a DONOR/earmark pool")
    earmark = parse_earmark(to)
    target = str(earmark)
    if target == source.earmark:
        raise AllocationError(f"pool {source.key} is already earmarked to {target}")
    if usable := fundable_activities(session, parse_earmark(source.earmark)):
        raise AllocationError(
            f"pool {source.key} can fund activities {', '.join(map(str, usable))}; only money "
            "no allocation can use is re-earmarked"
        )
    if (problem := unusable_reason(session, earmark)) is not None:
        raise AllocationError(f"earmark {target}: {problem}; re-earmark to one an activity can use")
    amount = usd_amount(amount, "re-earmark")
    reason_text = text_field(reason, "a reason")
    _take_available(session, source.key, amount, on, "re-earmark")
    donor_id = session.scalar(select(Donor.id).filter_by(code=source.donor_code))
    moved = Pool(source.donor_code, target)
    entry = post_entry(
        session, entry_date=on, kind=EntryKind.RE_EARMARK,
        lines=[Line(BANK, amount, donor_id=donor_id, earmark=target),
               Line(BANK, -amount, donor_id=donor_id, earmark=source.earmark),
               Line(CONTRIBUTIONS_RESTRICTED, amount, donor_id=donor_id, earmark=source.earmark),
               Line(CONTRIBUTIONS_RESTRICTED, -amount, donor_id=donor_id, earmark=target)],
        memo=f"Re-earmark of {source.donor_code} money from {source.earmark} to {target}: "
        f"{reason_text}",
        idempotency_key=idempotency_key, created_by=actor.name, request_id=actor.request_id,
    )  # fmt: skip
    record(session, actor, "pool.re_earmarked", "pool", source.key,
           after={"to": moved.key, "amount": amount, "reason": reason_text,
                  "entry": entry.number})  # fmt: skip
    return entry
