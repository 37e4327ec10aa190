"""Pledges: recording one (revenue recognised at pledge), reducing or cancelling it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from decimal import Decimal

from sqlalchemy.orm import Session

from fundledger.actors import Actor
from fundledger.audit.operations import record
from fundledger.donors.amounts import (
    checked_amount,
    checked_earmark,
    line,
    owed,
    replayed,
    revenue_account,
)
from fundledger.donors.errors import ContributionError
from fundledger.donors.models import Donor, Pledge, PledgeInstalment, PledgeReduction
from fundledger.donors.operations import inactive_donor, resolve_rate
from fundledger.errors import Message, Term
from fundledger.i18n import N_
from fundledger.ledger.chart import RECEIVABLE
from fundledger.ledger.models import EntryKind
from fundledger.ledger.operations import post_entry, post_or_replay
from fundledger.money import check_currency, quantize, to_base

#: How a refusal names an instalment's amount.
INSTALMENT = Term(N_("instalment"))


def record_pledge(
    session: Session,
    actor: Actor,
    donor: Donor,
    *,
    pledge_date: dt.date,
    amount: Decimal,
    currency: str,
    rate: Decimal | None = None,
    earmark: str | None = None,
    due_date: dt.date | None = None,
    reference: str | None = None,
    instalments: Sequence[tuple[dt.date, Decimal]] = (),
    idempotency_key: str | None = None,
) -> Pledge:
    """Receivable up, contribution revenue up (restricted when earmarked).

    Replaying the same ``idempotency_key`` returns the pledge recorded the first time.
    """
    if earlier := replayed(session, Pledge, idempotency_key):
        return earlier
    if not donor.active:
        raise ContributionError(inactive_donor(donor.code))
    currency = check_currency(currency)
    amount = checked_amount(amount, currency)
    rate = resolve_rate(session, currency, pledge_date, rate)
    earmark = checked_earmark(session, earmark)
    schedule = _checked_schedule(pledge_date, amount, currency, instalments)
    if schedule:
        due_date = due_date or schedule[-1][0]
    if due_date is not None and due_date < pledge_date:
        raise ContributionError(
            N_("due date %(due)s is before the pledge date %(date)s"),
            due=due_date, date=pledge_date,
        )
    usd = to_base(amount, rate)
    dims = {"donor_id": donor.id, "earmark": earmark}
    posted = post_or_replay(
        session,
        entry_date=pledge_date,
        kind=EntryKind.PLEDGE,
        memo=Message(N_("Pledge from %(donor)s, %(reference)s"),
                     {"donor": donor.code, "reference": reference})
        if reference
        else Message(N_("Pledge from %(donor)s"), {"donor": donor.code}),
        source_ref=reference,
        idempotency_key=idempotency_key,
        created_by=actor.name,
        request_id=actor.request_id,
        lines=[
            line(RECEIVABLE, usd, original=amount, currency=currency, rate=rate, **dims),
            line(revenue_account(earmark), -usd, original=amount, currency=currency, rate=rate,
                 **dims),
        ],
    )  # fmt: skip
    entry = posted.entry
    pledge = Pledge(
        donor_id=donor.id,
        pledge_date=pledge_date,
        currency=currency,
        amount=amount,
        rate=rate,
        usd_amount=usd,
        due_date=due_date,
        reference=reference,
        earmark=earmark,
        entry_id=entry.id,
        created_by=actor.name,
        created_at=entry.created_at,
        instalments=[PledgeInstalment(due_date=on, amount=part) for on, part in schedule],
    )
    session.add(pledge)
    session.flush()
    record(
        session, actor, "pledge.recorded", "pledge", pledge.id,
        after={"donor": donor.code, "amount": amount, "currency": currency, "rate": rate,
               "usd": usd, "earmark": earmark, "entry": entry.number},
    )  # fmt: skip
    return pledge


def _checked_schedule(
    pledge_date: dt.date,
    amount: Decimal,
    currency: str,
    instalments: Sequence[tuple[dt.date, Decimal]],
) -> list[tuple[dt.date, Decimal]]:
    schedule = sorted(instalments)
    for on, part in schedule:
        checked_amount(part, currency, what=INSTALMENT)
        if on < pledge_date:
            raise ContributionError(
                N_("instalment due %(due)s is before the pledge date %(date)s"),
                due=on, date=pledge_date,
            )
    if len({on for on, _ in schedule}) != len(schedule):
        raise ContributionError(N_("two instalments fall on the same date"))
    total = sum((part for _, part in schedule), Decimal(0))
    if schedule and total != amount:
        raise ContributionError(
            N_("instalments add up to %(total)s %(currency)s, the pledge is %(amount)s "
               "%(currency)s"),
            total=total, amount=amount, currency=currency,
        )
    return schedule


def reduce_pledge(
    session: Session,
    actor: Actor,
    pledge: Pledge,
    *,
    on: dt.date,
    reason: str,
    amount: Decimal | None = None,
    idempotency_key: str | None = None,
) -> PledgeReduction:
    """Reduce what a donor owes on a pledge, or cancel all of it (``amount=None``).

    Reverses that part of the revenue and the receivable at the pledge's rate. Replaying
    the same ``idempotency_key`` returns the reduction recorded the first time.
    """
    if earlier := replayed(session, PledgeReduction, idempotency_key):
        return earlier
    reason = " ".join(reason.split())
    if not reason:
        raise ContributionError(N_("a reduction or cancellation needs a reason"))
    outstanding = owed(session, pledge)
    if outstanding.original <= 0:
        raise ContributionError(
            N_("pledge %(pledge)s has nothing outstanding to reduce"), pledge=pledge.id
        )
    cancellation = amount is None or amount == outstanding.original
    amount = outstanding.original if amount is None else checked_amount(amount, pledge.currency)
    if amount > outstanding.original:
        raise ContributionError(
            N_("pledge %(pledge)s has %(outstanding)s %(currency)s outstanding; it cannot be "
               "reduced by %(amount)s"),
            pledge=pledge.id, outstanding=quantize(outstanding.original, pledge.currency),
            currency=pledge.currency, amount=quantize(amount, pledge.currency),
        )  # fmt: skip
    if on < pledge.pledge_date:
        raise ContributionError(
            N_("%(on)s is before the pledge date %(date)s"), on=on, date=pledge.pledge_date
        )
    usd = outstanding.usd_for(amount, pledge.rate)
    if usd == 0:  # the receivable, carried in cents, would not move: no entry to post
        raise ContributionError(
            N_("a reduction of %(amount)s %(currency)s moves 0.00 USD of pledge %(pledge)s's "
               "receivable at its rate %(rate)s; reduce it by more, or cancel what is outstanding"),
            amount=quantize(amount, pledge.currency), currency=pledge.currency, pledge=pledge.id,
            rate=pledge.rate,
        )  # fmt: skip
    dims = {"donor_id": pledge.donor_id, "earmark": pledge.earmark}
    rate, currency = pledge.rate, pledge.currency
    entry = post_entry(
        session,
        entry_date=on,
        kind=EntryKind.PLEDGE_REDUCTION,
        memo=Message(
            N_("Cancellation of pledge %(pledge)s (%(donor)s): %(reason)s")
            if cancellation
            else N_("Reduction of pledge %(pledge)s (%(donor)s): %(reason)s"),
            {"pledge": pledge.id, "donor": pledge.donor.code, "reason": reason},
        ),
        idempotency_key=idempotency_key,
        created_by=actor.name,
        request_id=actor.request_id,
        lines=[
            line(revenue_account(pledge.earmark), usd, original=amount, currency=currency,
                 rate=rate, **dims),
            line(RECEIVABLE, -usd, original=amount, currency=currency, rate=rate, **dims),
        ],
    )  # fmt: skip
    reduction = PledgeReduction(
        pledge_id=pledge.id,
        reduction_date=on,
        amount=amount,
        usd_amount=usd,
        cancellation=cancellation,
        reason=reason,
        entry_id=entry.id,
        created_by=actor.name,
        created_at=entry.created_at,
    )
    session.add(reduction)
    session.flush()
    record(
        session, actor, f"pledge.{'cancellation' if cancellation else 'reduction'}", "pledge",
        pledge.id,
        before={"outstanding": outstanding.original},
        after={"outstanding": outstanding.original - amount, "reason": reason,
               "entry": entry.number},
    )  # fmt: skip
    return reduction
