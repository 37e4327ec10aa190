"""Money that leaves a pool outside an allocation: a refund of unused earmarked money to
its donor, a re-earmark of money no allocation can use, and a manual journal voucher
paying out of a pool (issue 14). Each takes only what the pool has available (money less
what approvals commit) on every day from its date on.
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
from fundledger.allocations.settings import counts_receivables
from fundledger.audit.operations import record
from fundledger.donors.models import Donor
from fundledger.errors import Message, Term
from fundledger.i18n import N_
from fundledger.ledger.balances import UNRESTRICTED_POOL, PoolKey, pool_key
from fundledger.ledger.chart import BANK, CASH_ACCOUNTS, CONTRIBUTIONS_RESTRICTED
from fundledger.ledger.dates import check_not_after_today
from fundledger.ledger.models import EntryKind, JournalEntry
from fundledger.ledger.operations import (
    Line,
    lock_ledger,
    post_entry,
    post_or_replay,
    replayed_entry,
)
from fundledger.ledger.overdraft import pool_name
from fundledger.ledger.vouchers import Voucher
from fundledger.money import quantize
from fundledger.program.earmarks import parse_earmark
from fundledger.program.usable import fundable_activities, unusable_reason


def _take_available(session: Session, pool: str, amount: Decimal, on: dt.date, what: Term) -> None:
    """Refuse to ``what`` (refund, re-earmark) ``amount`` out of ``pool`` on ``on`` unless the
    pool has it available (money less open commitments) on every day from ``on``; takes
    the ledger's lock, which the caller keeps until it has posted."""
    check_not_after_today(on)
    lock_ledger(session)
    low = lowest_available(session, [pool], since=on, with_receivables=False)[pool]
    free = max(ZERO, low.balance)
    if amount > free:
        raise InsufficientFunds(
            N_("pool %(pool)s has %(free)s available; it cannot %(what)s %(amount)s (counting "
               "every day from %(on)s on, the lowest is %(day)s: %(short)s short)"),
            pool=pool, free=quantize(free), what=what, amount=quantize(amount), on=on,
            day=low.day, short=quantize(amount - free),
        )  # fmt: skip


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
        raise AllocationError(N_("only earmarked money is refunded; name a DONOR/earmark pool"))
    amount = usd_amount(amount, Term(N_("refund")))
    reason_text = text_field(reason, Term(N_("a reason")))
    _take_available(session, parsed.key, amount, on, Term(N_("refund")))
    donor_id = session.scalar(select(Donor.id).filter_by(code=parsed.donor_code))
    entry = post_entry(
        session, entry_date=on, kind=EntryKind.REFUND,
        lines=[Line(CONTRIBUTIONS_RESTRICTED, amount, donor_id=donor_id, earmark=parsed.earmark),
               Line(BANK, -amount, donor_id=donor_id, earmark=parsed.earmark)],
        memo=Message(N_("Refund to %(donor)s of unused %(earmark)s money: %(reason)s"),
                     {"donor": str(parsed.donor_code), "earmark": parsed.earmark,
                      "reason": str(reason_text)}),
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
        raise AllocationError(
            N_("only earmarked money is re-earmarked; name a DONOR/earmark pool")
        )
    earmark = parse_earmark(to)
    target = str(earmark)
    if target == source.earmark:
        raise AllocationError(
            N_("pool %(pool)s is already earmarked to %(earmark)s"), pool=source.key, earmark=target
        )
    if usable := fundable_activities(session, parse_earmark(source.earmark)):
        raise AllocationError(
            N_("pool %(pool)s can fund activities %(activities)s; only money no allocation can "
               "use is re-earmarked"),
            pool=source.key, activities=", ".join(map(str, usable)),
        )  # fmt: skip
    if (problem := unusable_reason(session, earmark)) is not None:
        raise AllocationError(
            N_("earmark %(earmark)s: %(reason)s; re-earmark to one an activity can use"),
            earmark=target, reason=problem,
        )
    amount = usd_amount(amount, Term(N_("re-earmark")))
    reason_text = text_field(reason, Term(N_("a reason")))
    _take_available(session, source.key, amount, on, Term(N_("re-earmark")))
    donor_id = session.scalar(select(Donor.id).filter_by(code=source.donor_code))
    moved = Pool(source.donor_code, target)
    entry = post_entry(
        session, entry_date=on, kind=EntryKind.RE_EARMARK,
        lines=[Line(BANK, amount, donor_id=donor_id, earmark=target),
               Line(BANK, -amount, donor_id=donor_id, earmark=source.earmark),
               Line(CONTRIBUTIONS_RESTRICTED, amount, donor_id=donor_id, earmark=source.earmark),
               Line(CONTRIBUTIONS_RESTRICTED, -amount, donor_id=donor_id, earmark=target)],
        memo=Message(N_("Re-earmark of %(donor)s money from %(source)s to %(target)s: %(reason)s"),
                     {"donor": str(source.donor_code), "source": str(source.earmark),
                      "target": target, "reason": str(reason_text)}),
        idempotency_key=idempotency_key, created_by=actor.name, request_id=actor.request_id,
    )  # fmt: skip
    record(session, actor, "pool.re_earmarked", "pool", source.key,
           after={"to": moved.key, "amount": amount, "reason": reason_text,
                  "entry": entry.number})  # fmt: skip
    return entry


def post_voucher(session: Session, actor: Actor, voucher: Voucher) -> JournalEntry:
    """Post a manual journal voucher. One that pays out of a pool (its cash lines lower
    the pool) is refused if the pool's availability — money less what approved
    allocations commit, on the basis the fund approves on — would fall below zero at the
    end of any day from the voucher's date on: the ledger's own check counts the money
    only, and an approval dated earlier has already promised some of it.

    The entry is posted in a savepoint and checked under the ledger's lock, so a refusal
    writes nothing. Replaying the same idempotency key returns the first entry.
    """
    with session.begin_nested():
        posted = post_or_replay(
            session, entry_date=voucher.entry_date, lines=voucher.lines, memo=voucher.memo,
            source_ref=voucher.source_ref, idempotency_key=voucher.idempotency_key,
            created_by=actor.name, request_id=actor.request_id,
        )  # fmt: skip
        if posted.new:
            _keep_commitments(session, posted.entry)
    return posted.entry


def _keep_commitments(session: Session, entry: JournalEntry) -> None:
    """Raise InsufficientFunds if ``entry``, already posted, leaves a pool it pays out
    of with less available than its open commitments on some day from its date on."""
    paid: dict[PoolKey, Decimal] = {}
    for posting in entry.postings:
        if posting.account.code in CASH_ACCOUNTS:
            key = pool_key(posting.donor_id, posting.earmark)
            paid[key] = paid.get(key, ZERO) - posting.amount
    # An earmarked line with no donor names no pool an allocation can draw on: nothing is
    # committed there, and the ledger's own check keeps its money from going below zero.
    names = {
        pool_name(session, key): out
        for key, out in paid.items()
        if out > 0 and (key == UNRESTRICTED_POOL or key[0] is not None)
    }
    if not names:
        return
    on = entry.entry_date
    lowest = lowest_available(session, names, since=on,
                              with_receivables=counts_receivables(session))  # fmt: skip
    for name, out in sorted(names.items()):
        low = lowest[name]
        if low.balance < 0:
            raise InsufficientFunds(
                N_("pool %(pool)s has %(free)s available; it cannot pay %(amount)s by voucher "
                   "(counting every day from %(on)s on, the lowest is %(day)s: %(short)s short)"),
                pool=name, free=quantize(max(ZERO, low.balance + out)), amount=quantize(out),
                on=on, day=low.day, short=quantize(-low.balance),
            )  # fmt: skip
