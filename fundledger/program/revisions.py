"""Revising the Program (issue 17): a CAJP decision, under its meeting or its own
reference, adds an activity or an implementer, moves an activity to another carrier, or
links or unlinks an activity and a specific objective, from an effective date on.

The revision and its changes are kept append-only; the Program's tables are brought to
the Program as it stands today (revisions take effect no later than today), and
:func:`fundledger.program.as_of.program_on` reads the Program of an earlier date back.
Revisions are recorded in the order of their effective dates, so that undoing the later
ones always gives the earlier Program.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from fundledger.actors import Actor
from fundledger.allocations.models import Allocation, State
from fundledger.audit.operations import record
from fundledger.errors import FundledgerError, Term
from fundledger.i18n import N_
from fundledger.inputs import one_line
from fundledger.ledger.dates import check_not_after_today
from fundledger.meetings.operations import decided_at
from fundledger.program.as_of import ProgramOn, program_on
from fundledger.program.models import (
    Activity,
    ActivityObjective,
    Implementer,
    Objective,
    ProgramChange,
    ProgramRevision,
)
from fundledger.program.source_data import ImplementerGroup

#: The day the General Assembly adopted the Program (AG/RES. 2141, June 7, 2005): no
#: revision takes effect before it.
PROGRAM_START = dt.date(2005, 6, 7)
#: States of an allocation that still draws on its activity being fundable.
_LIVE = [s.value for s in State if s not in (State.CLOSED, State.REJECTED)]


class RevisionError(FundledgerError):
    """A Program revision that cannot be recorded as given."""


@dataclass(frozen=True, slots=True)
class Change:
    """One change asked for; which fields count depends on ``kind`` (see the module)."""

    kind: str
    activity: int | None = None
    objective: int | None = None
    implementer: str | None = None
    text: str | None = None
    group: str | None = None


def revise_program(
    session: Session,
    actor: Actor,
    *,
    effective_on: dt.date,
    changes: list[Change],
    reference: str | None = None,
    meeting: int | None = None,
    decided_on: dt.date | None = None,
    existing_continue: bool = False,
) -> ProgramRevision:
    """Record the CAJP's revision and bring the Program's tables to it; refuse, writing
    nothing, a revision that is empty, dated outside the Program's life, names what does
    not exist or exists already, or leaves a live allocation's activity unfundable
    without the decision saying the allocations continue."""
    if not changes:
        raise RevisionError(N_("a Program revision needs at least one change"))
    _check_effective(session, effective_on)
    day = effective_on if decided_on is None else decided_on
    check_not_after_today(day)
    taken_at, reference_text = decided_at(session, meeting, reference, day)
    before = program_on(session)
    after = ProgramOn(before.on, dict(before.carriers), dict(before.kinds), before.crossref)
    crosses = set(before.crossref)
    rows = [_apply(session, n, change, after, crosses) for n, change in enumerate(changes)]
    _check_allocations(session, before, after, existing_continue=existing_continue)
    revision = ProgramRevision(
        effective_on=effective_on, decided_on=day, reference=reference_text,
        meeting_id=None if taken_at is None else taken_at.id,
        existing_continue=existing_continue, recorded_by=actor.name,
        recorded_at=dt.datetime.now(dt.UTC), changes=rows,
    )  # fmt: skip
    session.add(revision)
    _write(session, rows, after)
    session.flush()
    record(session, actor, "program.revised", "program_revision", revision.id,
           after={"effective_on": effective_on.isoformat(), "reference": reference_text,
                  "existing_continue": existing_continue,
                  "changes": [describe(row) for row in rows]})  # fmt: skip
    return revision


def describe(change: ProgramChange) -> str:
    """A change in one line, for the audit log, the command and the revisions page."""
    if change.kind == "add_activity":
        return f"add activity {change.activity_number} ({change.implementer_code})"
    if change.kind == "add_implementer":
        return f"add implementer {change.implementer_code} ({change.implementer_kind})"
    if change.kind == "move_activity":
        return (f"move activity {change.activity_number} from {change.previous_code} "
                f"to {change.implementer_code}")  # fmt: skip
    return f"{change.kind} activity {change.activity_number} – objective {change.objective_number}"


def revisions(session: Session, activity: int | None = None) -> list[ProgramRevision]:
    """The revisions, latest effective first; those changing ``activity`` when given."""
    query = select(ProgramRevision).order_by(
        ProgramRevision.effective_on.desc(), ProgramRevision.id.desc()
    )
    if activity is not None:
        query = query.where(
            ProgramRevision.id.in_(
                select(ProgramChange.revision_id).where(ProgramChange.activity_number == activity)
            )
        )
    return list(session.scalars(query))


def _check_effective(session: Session, effective_on: dt.date) -> None:
    if effective_on < PROGRAM_START:
        raise RevisionError(
            N_("a revision cannot take effect on %(date)s, before the Program was adopted "
               "(%(start)s)"),
            date=effective_on, start=PROGRAM_START,
        )  # fmt: skip
    check_not_after_today(effective_on)
    latest = session.scalar(select(func.max(ProgramRevision.effective_on)))
    if latest is not None and effective_on < latest:
        raise RevisionError(
            N_("a revision cannot take effect on %(date)s, before the latest recorded one "
               "(%(latest)s): revisions are recorded in the order they take effect"),
            date=effective_on, latest=latest,
        )  # fmt: skip


def _apply(
    session: Session, position: int, change: Change, after: ProgramOn, crosses: set[tuple[int, int]]
) -> ProgramChange:
    """Check ``change`` against the Program as revised so far and apply it to ``after``."""
    row = ProgramChange(position=position, kind=change.kind, activity_number=change.activity,
                        objective_number=change.objective,
                        implementer_code=change.implementer)  # fmt: skip
    if change.kind == "add_implementer":
        code = _code(change.implementer)
        if code in after.kinds:
            raise RevisionError(N_("implementer %(code)s exists already"), code=code)
        if change.group not in set(ImplementerGroup):
            raise RevisionError(
                N_("an implementer's group is one of %(groups)s, not “%(group)s”"),
                groups=", ".join(ImplementerGroup),
                group=str(change.group)[:40],
            )
        row.implementer_code, row.implementer_kind = code, change.group
        row.text = _required(change.text, Term(N_("the implementer's name")))
        after.kinds[code] = str(change.group)
        return row
    number = _activity_number(change.activity)
    if change.kind == "add_activity":
        if number in after.carriers:
            raise RevisionError(N_("activity %(number)s exists already"), number=number)
        row.implementer_code = _known(after, change.implementer)
        row.text = _required(change.text, Term(N_("the activity's title")))
        after.carriers[number] = row.implementer_code
        return row
    if number not in after.carriers:
        raise RevisionError(N_("there is no activity %(number)s"), number=number)
    if change.kind == "move_activity":
        row.implementer_code = _known(after, change.implementer)
        row.previous_code = after.carriers[number]
        if row.implementer_code == row.previous_code:
            raise RevisionError(
                N_("activity %(number)s is carried by %(code)s already"),
                number=number,
                code=row.implementer_code,
            )
        after.carriers[number] = row.implementer_code
        return row
    if change.kind in ("link", "unlink"):
        objective = change.objective
        if objective is None:
            raise RevisionError(N_("the change needs the specific objective's number"))
        if session.get(Objective, objective) is None:
            raise RevisionError(N_("there is no specific objective %(number)s"),
                                number=str(objective))  # fmt: skip
        pair = (number, objective)
        if change.kind == "link" and pair in crosses:
            raise RevisionError(N_("activity %(activity)s serves objective %(objective)s "
                                   "already"), activity=number, objective=objective)  # fmt: skip
        if change.kind == "unlink" and pair not in crosses:
            raise RevisionError(
                N_("activity %(activity)s does not serve objective %(objective)s"),
                activity=number, objective=objective,
            )  # fmt: skip
        (crosses.add if change.kind == "link" else crosses.discard)(pair)
        return row
    raise RevisionError(N_("“%(kind)s” is not a change a revision can make"),
                        kind=str(change.kind)[:40])  # fmt: skip


def _check_allocations(
    session: Session, before: ProgramOn, after: ProgramOn, *, existing_continue: bool
) -> None:
    lost = [n for n in before.carriers if before.fundable(n) and not after.fundable(n)]
    if not lost or existing_continue:
        return
    live = session.scalars(
        select(Allocation.id)
        .where(Allocation.activity_number.in_(lost), Allocation.state.in_(_LIVE))
        .order_by(Allocation.id)
    ).all()
    if live:
        raise RevisionError(
            N_(
                "the revision makes the activity of allocations %(ids)s unfundable; say in "
                "the decision that existing allocations continue"
            ),
            ids=", ".join(str(i) for i in live),
            hint=N_("record the revision with existing allocations continuing"),
        )


def _write(session: Session, rows: list[ProgramChange], after: ProgramOn) -> None:
    """Bring the Program's tables to the revised Program."""
    for row in rows:
        number = row.activity_number
        if row.kind == "add_implementer":
            session.add(Implementer(code=row.implementer_code, name=row.text,
                                    kind=row.implementer_kind))  # fmt: skip
            session.flush()
        elif row.kind == "add_activity" and number is not None:
            session.add(Activity(number=number, title=row.text,
                                 implementer_code=row.implementer_code,
                                 fundable=after.fundable(number)))  # fmt: skip
            session.flush()
        elif row.kind == "move_activity" and number is not None:
            activity = session.get_one(Activity, number)
            activity.implementer_code = str(row.implementer_code)
            activity.fundable = after.fundable(number)
        elif row.kind == "link":
            session.add(ActivityObjective(activity_number=number,
                                          objective_number=row.objective_number))  # fmt: skip
        elif row.kind == "unlink":
            session.delete(session.get_one(ActivityObjective, (number, row.objective_number)))
        session.flush()


def _activity_number(value: int | None) -> int:
    if value is None:
        raise RevisionError(N_("the change needs the activity's number"))
    if not 1 <= value <= 9999:
        raise RevisionError(N_("an activity's number runs from 1 to 9999, not %(number)s"),
                            number=str(value))  # fmt: skip
    return value


def _known(after: ProgramOn, code: str | None) -> str:
    found = _code(code)
    if found not in after.kinds:
        raise RevisionError(N_("there is no implementer %(code)s"), code=found)
    return found


def _code(code: str | None) -> str:
    found = (code or "").strip().upper()
    if not found or len(found) > 20 or not found.isascii():
        raise RevisionError(N_("an implementer's code is 1 to 20 ASCII characters"))
    return found


def _required(value: str | None, what: Term) -> str:
    text = one_line(value, what, 2000, RevisionError)
    if text is None:
        raise RevisionError(N_("%(what)s is required"), what=what)
    return text
