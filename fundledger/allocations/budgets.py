"""Annual work plans: planned amounts per fundable activity, approved by the CAJP.

A revision is a new version of the year's plan; approving it supersedes the version
approved before, whose history stays.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from fundledger.actors import Actor
from fundledger.allocations.checks import fundable_activity, text_field, usd_amount
from fundledger.allocations.errors import AllocationError, IllegalTransition, NotAllowed
from fundledger.allocations.models import Budget, BudgetLine
from fundledger.audit.operations import record
from fundledger.errors import Message, Term
from fundledger.i18n import N_
from fundledger.meetings.operations import decided_at

#: How a refusal names a work plan line's amount and reason.
LINE_AMOUNT = N_("activity %(activity)s's amount")
LINE_REASON = N_("activity %(activity)s's reason")


def propose_budget(
    session: Session,
    actor: Actor,
    *,
    year: int,
    lines: Sequence[tuple[int, Decimal, str]],
) -> Budget:
    """A new version of ``year``'s work plan: (activity, amount, justification) lines."""
    if not 2000 <= year <= 2199:
        raise AllocationError(N_("year %(year)s is outside 2000–2199"), year=year)
    if not lines:
        raise AllocationError(N_("a work plan needs at least one line"))
    activities = [activity for activity, _, _ in lines]
    if len(set(activities)) != len(activities):
        raise AllocationError(N_("an activity appears twice in the work plan"))
    version = (session.scalar(select(func.max(Budget.version)).filter_by(year=year)) or 0) + 1
    budget = Budget(
        year=year, version=version, status="proposed", proposed_by=actor.name,
        proposed_at=dt.datetime.now(dt.UTC),
        lines=[
            BudgetLine(activity_number=fundable_activity(session, activity).number,
                       amount=usd_amount(amount, Message(LINE_AMOUNT, {"activity": activity})),
                       justification=text_field(justification,
                                                Message(LINE_REASON, {"activity": activity})),
                       status="proposed")
            for activity, amount, justification in lines
        ],
    )  # fmt: skip
    session.add(budget)
    session.flush()
    record(session, actor, "budget.proposed", "budget", f"{year}v{version}",
           after={str(line.activity_number): line.amount for line in budget.lines})  # fmt: skip
    return budget


def decide_budget(
    session: Session,
    actor: Actor,
    budget: Budget,
    *,
    on: dt.date,
    reference: str | None,
    approve: bool | None = None,
    lines: Mapping[int, bool] | None = None,
    comment: str | None = None,
    meeting: int | None = None,
) -> Budget:
    """Approve or reject the plan as a whole (``approve``), or line by line (``lines``:
    activity → approved?), under its own ``reference`` or its ``meeting``'s. Approving
    supersedes the year's earlier approved version."""
    if budget.status != "proposed":
        raise IllegalTransition(
            N_("work plan %(year)s v%(version)s is %(status)s"),
            year=budget.year, version=budget.version, status=str(budget.status),
        )  # fmt: skip
    if actor.name == budget.proposed_by:
        raise NotAllowed(
            N_("%(user)s proposed this work plan and cannot decide on it"), user=actor.name
        )
    if (approve is None) == (lines is None):
        raise AllocationError(N_("decide the work plan as a whole or line by line, not both"))
    taken_at, reference_text = decided_at(session, meeting, reference, on)
    by_activity = {line.activity_number: line for line in budget.lines}
    verdicts = dict(lines) if lines is not None else dict.fromkeys(by_activity, approve)
    if set(verdicts) != set(by_activity):
        missing = sorted(set(by_activity) - set(verdicts))
        extra = sorted(set(verdicts) - set(by_activity))
        raise AllocationError(
            N_("decide every line of the work plan once (missing activities: %(missing)s; "
               "not in the plan: %(extra)s)"),
            missing=", ".join(map(str, missing)) or "—", extra=", ".join(map(str, extra)) or "—",
        )  # fmt: skip
    for activity, verdict in verdicts.items():
        by_activity[activity].status = "approved" if verdict else "rejected"
    approved = any(verdicts.values())
    if approved:
        for earlier in session.scalars(
            select(Budget).filter_by(year=budget.year, status="approved")
        ):
            earlier.status = "superseded"
    budget.status = "approved" if approved else "rejected"
    budget.decided_by, budget.decided_on = actor.name, on
    budget.meeting_id = None if taken_at is None else taken_at.id
    budget.decision_ref, budget.comment = (
        reference_text,
        text_field(comment, Term(N_("comment")), required=False),
    )
    session.flush()
    record(session, actor, f"budget.{budget.status}", "budget", f"{budget.year}v{budget.version}",
           after={"reference": reference_text, "meeting": budget.meeting_id,
                  "lines": {str(k): v for k, v in verdicts.items()}})  # fmt: skip
    return budget
