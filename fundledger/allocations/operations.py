"""Writers for allocations: propose, revise, submit, decide, disburse, report, close.

Each step checks the lifecycle table first, records an event on the allocation's
timeline, and posts its journal entry through the ledger. Approval takes the ledger's
lock before it reads the pools, so two approvals can never both spend the same money.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from decimal import ROUND_HALF_UP, Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from fundledger.actors import Actor
from fundledger.allocations import gender
from fundledger.allocations.categories import CATEGORIES
from fundledger.allocations.checks import (
    fundable_activity,
    receiving_organ,
    text_field,
    usd_amount,
)
from fundledger.allocations.errors import AllocationError, InsufficientFunds, NotAllowed
from fundledger.allocations.models import Allocation, AllocationEvent, AllocationPool, State
from fundledger.allocations.pools import (
    UNRESTRICTED,
    ZERO,
    Pool,
    eligibility_problem,
    lowest_available,
    lowest_money,
    parse_pool,
)
from fundledger.allocations.settings import counts_receivables, indirect_cost_rate
from fundledger.allocations.transitions import next_state
from fundledger.audit.operations import record
from fundledger.donors.models import Donor
from fundledger.errors import Message, Term
from fundledger.i18n import N_, listed
from fundledger.ledger.chart import (
    ADVANCES,
    BANK,
    EXPENDITURE,
    INDIRECT,
    RELEASES_RESTRICTED,
    RELEASES_UNRESTRICTED,
)
from fundledger.ledger.dates import check_not_after_today
from fundledger.ledger.models import EntryKind, JournalEntry
from fundledger.ledger.operations import (
    Line,
    lock_ledger,
    post_entry,
    replayed_entry,
)
from fundledger.meetings.models import Meeting
from fundledger.meetings.operations import decided_at
from fundledger.money import quantize
from fundledger.program.models import Activity

DECISIONS = {"approve": "approved", "reject": "rejected", "return": "returned"}

#: An allocation's period given the wrong way round.
PERIOD_BACKWARDS = N_("the period ends before it starts")


def _checked_pools(session: Session, activity: Activity, pools: Sequence[str]) -> list[Pool]:
    parsed = [parse_pool(text) for text in (pools or ["unrestricted"])]
    if len({pool.key for pool in parsed}) != len(parsed):
        raise AllocationError(N_("a funding pool is listed twice"))
    for pool in parsed:
        if (
            pool.donor_code is not None
            and session.scalar(select(Donor.id).filter_by(code=pool.donor_code)) is None
        ):
            raise AllocationError(
                N_("pool %(pool)s: unknown donor %(donor)s"), pool=str(pool), donor=pool.donor_code
            )
        if problem := eligibility_problem(session, pool, activity):
            raise AllocationError(problem)
    return parsed


def _event(
    session: Session,
    actor: Actor,
    allocation: Allocation,
    action: str,
    *,
    on: dt.date | None = None,
    amount: Decimal | None = None,
    comment: str | None = None,
    reference: str | None = None,
    category: str | None = None,
    entry: JournalEntry | None = None,
    meeting: Meeting | None = None,
) -> AllocationEvent:
    """Move the allocation to the state ``action`` leads to, and put it on its timeline."""
    before = allocation.state
    allocation.state = next_state(allocation.id, before, action)
    # Set from the event's side, the timeline is not loaded just to append to it (a
    # timeline already loaded gets the event all the same).
    event = AllocationEvent(
        allocation=allocation,
        action=action, from_state=before, to_state=allocation.state,
        actor=actor.name, at=dt.datetime.now(dt.UTC), on=on, amount=amount, comment=comment,
        reference=reference, category=category, entry_id=None if entry is None else entry.id,
        meeting_id=None if meeting is None else meeting.id,
    )  # fmt: skip
    session.add(event)
    session.flush()
    record(
        session, actor, f"allocation.{action}", "allocation", allocation.id,
        before={"state": before},
        after={"state": allocation.state, "amount": amount, "reference": reference,
               "meeting": None if meeting is None else meeting.id, "comment": comment,
               "entry": None if entry is None else entry.number},
    )  # fmt: skip
    return event


def propose_allocation(
    session: Session,
    actor: Actor,
    *,
    activity: int,
    amount: Decimal,
    purpose: str,
    period_start: dt.date,
    period_end: dt.date,
    pools: Sequence[str] = (),
    gender_marker: int | None = None,
    organ: str | None = None,
) -> Allocation:
    """A draft allocation to a fundable activity, drawing on the pools given in order;
    one to an activity all the organs carry names the ``organ`` that receives the money.

    The page, the command and the API require the ``gender_marker``; None records the
    allocation as not screened, as those proposed before the marker was asked."""
    found = fundable_activity(session, activity)
    organ_code = receiving_organ(session, found, organ)
    checked = _checked_pools(session, found, pools)
    if period_end < period_start:
        raise AllocationError(PERIOD_BACKWARDS)
    allocation = Allocation(
        activity_number=found.number,
        organ_code=organ_code,
        requested_amount=usd_amount(amount, Term(N_("requested amount"))),
        purpose=text_field(purpose, Term(N_("purpose"))),
        period_start=period_start,
        period_end=period_end,
        gender_marker=None if gender_marker is None else gender.gender_marker(gender_marker),
        state=State.DRAFT,
        proposed_by=actor.name,
        created_at=dt.datetime.now(dt.UTC),
        pools=[AllocationPool(position=n, pool=pool.key) for n, pool in enumerate(checked)],
    )
    session.add(allocation)
    session.flush()
    record(
        session, actor, "allocation.proposed", "allocation", allocation.id,
        after={"activity": activity, "amount": allocation.requested_amount,
               "pools": [pool.key for pool in checked], "state": allocation.state,
               "gender_marker": allocation.gender_marker},
    )  # fmt: skip
    return allocation


def revise_allocation(
    session: Session,
    actor: Actor,
    allocation: Allocation,
    *,
    amount: Decimal,
    purpose: str,
    period_start: dt.date,
    period_end: dt.date,
    pools: Sequence[str] = (),
) -> Allocation:
    """Change a draft or returned allocation; it goes back to draft."""
    session.refresh(allocation, with_for_update=True)  # one writer at a time; fresh state
    next_state(allocation.id, allocation.state, "revise")
    activity = fundable_activity(session, allocation.activity_number)
    checked = _checked_pools(session, activity, pools)
    if period_end < period_start:
        raise AllocationError(PERIOD_BACKWARDS)
    allocation.requested_amount = usd_amount(amount, Term(N_("requested amount")))
    allocation.purpose = text_field(purpose, Term(N_("purpose"))) or ""
    allocation.period_start, allocation.period_end = period_start, period_end
    for old in list(allocation.pools):
        session.delete(old)
    session.flush()
    allocation.pools = [AllocationPool(position=n, pool=p.key) for n, p in enumerate(checked)]
    _event(session, actor, allocation, "revise", amount=allocation.requested_amount)
    return allocation


def submit_allocation(session: Session, actor: Actor, allocation: Allocation) -> Allocation:
    """Put a draft in the CAJP's queue."""
    session.refresh(allocation, with_for_update=True)  # one writer at a time; fresh state
    _event(session, actor, allocation, "submit", amount=allocation.requested_amount)
    return allocation


def decide_allocation(
    session: Session,
    actor: Actor,
    allocation: Allocation,
    *,
    decision: str,
    on: dt.date,
    reference: str | None,
    approved_amount: Decimal | None = None,
    comment: str | None = None,
    meeting: int | None = None,
) -> Allocation:
    """Record the CAJP's decision, under its own ``reference`` or its ``meeting``'s (see
    :func:`fundledger.meetings.operations.decided_at`). Approval commits the money in the
    pools, in order."""
    if decision not in DECISIONS:
        raise AllocationError(
            N_("decision must be one of %(decisions)s"), decisions=", ".join(DECISIONS)
        )
    session.refresh(allocation, with_for_update=True)  # one writer at a time; fresh state
    if actor.name in allocation.makers:
        raise NotAllowed(
            N_("%(user)s proposed or submitted allocation %(allocation)s and cannot decide on it"),
            user=actor.name, allocation=allocation.id,
        )
    check_not_after_today(on)
    taken_at, reference_text = decided_at(session, meeting, reference, on)
    comment_text = text_field(comment, Term(N_("comment")), required=False)
    next_state(allocation.id, allocation.state, decision)
    amount = None
    if decision == "approve":
        fundable_activity(session, allocation.activity_number, on)  # the Program of that day
        # A reduced amount of zero is a value, not a missing one: usd_amount refuses it.
        amount = usd_amount(
            allocation.requested_amount if approved_amount is None else approved_amount,
            Term(N_("the approved amount")),
        )
        if amount > allocation.requested_amount:
            raise AllocationError(
                N_("the approved amount %(amount)s exceeds the %(requested)s requested"),
                amount=quantize(amount), requested=quantize(allocation.requested_amount),
            )
        _commit(session, allocation, amount, on)
        allocation.approved_amount = amount
    _event(session, actor, allocation, decision, on=on, amount=amount, comment=comment_text,
           reference=reference_text, meeting=taken_at)  # fmt: skip
    return allocation


def _approved_on(allocation: Allocation) -> dt.date | None:
    """The business date of the allocation's approval, if it has one."""
    dates = [event.on for event in allocation.events if event.action == "approve" and event.on]
    return max(dates) if dates else None


def _indirect(advance: Decimal, rate: Decimal) -> Decimal:
    return (advance * rate).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def _commit(session: Session, allocation: Allocation, amount: Decimal, on: dt.date) -> None:
    """Reserve the approved amount plus indirect costs in the pools, first pool first.

    A decision dated ``on`` commits the money on that day and every day after, so each
    pool gives at most its lowest availability from ``on`` on (no overdraft on any day).
    """
    lock_ledger(session)
    needed = amount + _indirect(amount, indirect_cost_rate(session))
    lowest = lowest_available(
        session, [pool.pool for pool in allocation.pools], since=on,
        with_receivables=counts_receivables(session), excluding=allocation.id,
    )  # fmt: skip
    left = needed
    for pool in allocation.pools:
        pool.committed = max(ZERO, min(left, lowest[pool.pool].balance))
        left -= pool.committed
    if left > 0:
        shown = listed([
            Message(N_("%(pool)s %(amount)s"),
                    {"pool": pool.pool, "amount": quantize(max(ZERO, lowest[pool.pool].balance))})
            for pool in allocation.pools
        ])  # fmt: skip
        days = listed([
            Message(N_("%(pool)s on %(day)s"), {"pool": pool.pool, "day": lowest[pool.pool].day})
            for pool in allocation.pools
        ])  # fmt: skip
        raise InsufficientFunds(
            N_("approving %(amount)s needs %(needed)s but its pools have only %(available)s "
               "available (%(pools)s); counting every day from %(on)s on, the lowest is "
               "%(days)s: %(short)s short"),
            amount=quantize(amount), needed=quantize(needed), available=quantize(needed - left),
            pools=shown, on=on, days=days, short=quantize(left),
        )  # fmt: skip
    session.flush()


def _line(
    session: Session, account: str, amount: Decimal, allocation: Allocation, pool: AllocationPool
) -> Line:
    """A line of this allocation, carrying its activity, organ and the pool's donor/earmark."""
    parsed = parse_pool(pool.pool)
    donor_id = (
        None
        if parsed.donor_code is None
        else session.scalar(select(Donor.id).filter_by(code=parsed.donor_code))
    )
    return Line(
        account, amount, donor_id=donor_id, earmark=parsed.earmark, allocation_id=allocation.id,
        activity=allocation.activity_number, organ=allocation.organ_code,
    )  # fmt: skip


def _release(
    session: Session, amount: Decimal, allocation: Allocation, pool: AllocationPool
) -> list[Line]:
    """Earmarked money spent leaves its restriction (4290 → 4190): expenses are booked in
    the unrestricted class, and the earmark gives up what paid them (DESIGN §3)."""
    return [
        _line(session, RELEASES_RESTRICTED, amount, allocation, pool),
        _line(session, RELEASES_UNRESTRICTED, -amount, allocation, pool),
    ]


def disburse(
    session: Session,
    actor: Actor,
    allocation: Allocation,
    *,
    amount: Decimal,
    on: dt.date,
    reference: str | None = None,
    idempotency_key: str | None = None,
) -> JournalEntry:
    """Pay a tranche to the organ: advances up, bank down, indirect costs on their own line
    (released from the restriction when an earmark pays them).

    The tranche draws on the pools in order, within what approval committed in each;
    the bank must hold the money (under the receivables basis it may not have come yet).
    Replaying the same ``idempotency_key`` returns the entry posted the first time.
    """
    session.refresh(allocation, with_for_update=True)  # one writer at a time; fresh state
    if earlier := replayed_entry(session, idempotency_key):
        return earlier
    next_state(allocation.id, allocation.state, "disburse")
    amount = usd_amount(amount, Term(N_("tranche")))
    advanced = sum((pool.advanced for pool in allocation.pools), ZERO)
    approved = allocation.approved_amount if allocation.approved_amount is not None else ZERO
    if advanced + amount > approved:
        raise AllocationError(
            N_("allocation %(allocation)s was approved for %(approved)s and %(advanced)s is "
               "disbursed; a tranche of %(amount)s is too much"),
            allocation=allocation.id, approved=quantize(approved), advanced=quantize(advanced),
            amount=quantize(amount),
        )  # fmt: skip
    approved_on = _approved_on(allocation)
    if approved_on is not None and on < approved_on:
        raise AllocationError(
            N_("allocation %(allocation)s was approved on %(approved)s; a tranche cannot be paid "
               "on %(on)s, before it"),
            allocation=allocation.id, approved=approved_on, on=on,
        )  # fmt: skip
    check_not_after_today(on)
    lock_ledger(session)
    cash = lowest_money(session, [pool.pool for pool in allocation.pools], since=on)
    lines: list[Line] = []
    left_advance = amount
    left_indirect = _indirect(amount, indirect_cost_rate(session))
    for pool in allocation.pools:
        take_advance = min(left_advance, pool.undrawn)
        take_indirect = min(left_indirect, pool.undrawn - take_advance)
        drawn = take_advance + take_indirect
        if not drawn:
            continue
        if (low := cash[pool.pool]).balance < drawn:
            raise InsufficientFunds(
                N_("pool %(pool)s has %(balance)s in hand; the tranche needs %(drawn)s from it "
                   "(pledged money not received yet?); counting every day from %(on)s on, the "
                   "lowest is %(day)s: %(short)s short"),
                pool=pool.pool, balance=quantize(low.balance), drawn=quantize(drawn), on=on,
                day=low.day, short=quantize(drawn - low.balance),
            )  # fmt: skip
        if take_advance:
            lines.append(_line(session, ADVANCES, take_advance, allocation, pool))
        if take_indirect:
            lines.append(_line(session, INDIRECT, take_indirect, allocation, pool))
            if pool.pool != UNRESTRICTED:  # an expense paid from earmarked money
                lines += _release(session, take_indirect, allocation, pool)
        lines.append(_line(session, BANK, -drawn, allocation, pool))
        pool.advanced += take_advance
        pool.indirect += take_indirect
        left_advance -= take_advance
        left_indirect -= take_indirect
    if left_advance or left_indirect:  # pragma: no cover - approval committed enough
        raise InsufficientFunds(
            N_("allocation %(allocation)s's commitment does not cover this"),
            allocation=allocation.id,
        )
    entry = post_entry(
        session, entry_date=on, kind=EntryKind.DISBURSEMENT, lines=lines,
        memo=Message(N_("Disbursement to %(organ)s, allocation %(allocation)s"),
                     {"organ": allocation.organ_code, "allocation": allocation.id}),
        source_ref=reference, idempotency_key=idempotency_key, created_by=actor.name,
        request_id=actor.request_id,
    )  # fmt: skip
    _event(session, actor, allocation, "disburse", on=on, amount=amount, reference=reference,
           entry=entry)  # fmt: skip
    return entry


def report_expenditure(
    session: Session,
    actor: Actor,
    allocation: Allocation,
    *,
    amount: Decimal,
    period_end: dt.date,
    category: str,
    reference: str | None = None,
    idempotency_key: str | None = None,
) -> JournalEntry:
    """The organ reports spending: expenditure up, advances down; restricted money spent
    is released from its restriction (4290 → 4190). The period reported ends within the
    allocation's period (issue 15). Replaying the same ``idempotency_key`` returns the
    entry posted the first time."""
    session.refresh(allocation, with_for_update=True)  # one writer at a time; fresh state
    if earlier := replayed_entry(session, idempotency_key):
        return earlier
    next_state(allocation.id, allocation.state, "report")
    if category not in CATEGORIES:
        raise AllocationError(
            N_("category '%(category)s' must be one of %(categories)s"),
            category=category[:30], categories=", ".join(CATEGORIES),
        )
    if not allocation.period_start <= period_end <= allocation.period_end:
        raise AllocationError(
            N_("allocation %(allocation)s runs from %(start)s to %(end)s: a report for a period "
               "ending %(ending)s is outside it"),
            allocation=allocation.id, start=allocation.period_start, end=allocation.period_end,
            ending=period_end,
        )  # fmt: skip
    amount = usd_amount(amount, Term(N_("expenditure")))
    unspent = sum((pool.unspent for pool in allocation.pools), ZERO)
    if amount > unspent:
        raise AllocationError(
            N_("allocation %(allocation)s has %(unspent)s of advances unspent; it cannot report "
               "%(amount)s"),
            allocation=allocation.id, unspent=quantize(unspent), amount=quantize(amount),
        )  # fmt: skip
    lines: list[Line] = []
    left = amount
    for pool in allocation.pools:
        part = min(left, pool.unspent)
        if not part:
            continue
        lines += [
            _line(session, EXPENDITURE, part, allocation, pool),
            _line(session, ADVANCES, -part, allocation, pool),
        ]
        if pool.pool != UNRESTRICTED:
            lines += _release(session, part, allocation, pool)
        pool.spent += part
        left -= part
    entry = post_entry(
        session, entry_date=period_end, kind=EntryKind.EXPENDITURE, lines=lines,
        memo=Message(N_("Expenditure report of %(organ)s, allocation %(allocation)s, "
                        "%(category)s"),
                     {"organ": allocation.organ_code, "allocation": allocation.id,
                      "category": category}),
        source_ref=reference, idempotency_key=idempotency_key, created_by=actor.name,
        request_id=actor.request_id,
    )  # fmt: skip
    _event(session, actor, allocation, "report", on=period_end, amount=amount,
           reference=reference, category=category, entry=entry)  # fmt: skip
    return entry


def close_allocation(
    session: Session,
    actor: Actor,
    allocation: Allocation,
    *,
    on: dt.date,
    comment: str | None = None,
    idempotency_key: str | None = None,
) -> JournalEntry | None:
    """Close: the organ returns the unspent advances and the commitment is released.

    Replaying the same ``idempotency_key`` returns the return entry posted the first
    time; a close that returned nothing posted no entry, and the closed state refuses
    a second one.
    """
    session.refresh(allocation, with_for_update=True)  # one writer at a time; fresh state
    if earlier := replayed_entry(session, idempotency_key):
        return earlier
    next_state(allocation.id, allocation.state, "close")
    check_not_after_today(on)
    lines: list[Line] = []
    returned = ZERO
    for pool in allocation.pools:
        part = pool.unspent
        if part:
            lines += [
                _line(session, BANK, part, allocation, pool),
                _line(session, ADVANCES, -part, allocation, pool),
            ]
            pool.returned += part
            returned += part
    entry = None
    if lines:
        entry = post_entry(
            session, entry_date=on, kind=EntryKind.RETURN, lines=lines,
            memo=Message(N_("%(organ)s returns the unspent balance of allocation "
                            "%(allocation)s"),
                         {"organ": allocation.organ_code, "allocation": allocation.id}),
            idempotency_key=idempotency_key, created_by=actor.name, request_id=actor.request_id,
        )  # fmt: skip
    _event(session, actor, allocation, "close", on=on, amount=returned, entry=entry,
           comment=text_field(comment, Term(N_("comment")), required=False))  # fmt: skip
    return entry
