"""The Program as it stood on a date: the tables (the Program today) with the changes of
the revisions effective after that date undone, newest first. Every question of
fundability asks this one reader, for the date of the entry or decision it checks."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from fundledger.clock import today
from fundledger.program.models import (
    Activity,
    ActivityObjective,
    Implementer,
    ProgramChange,
    ProgramRevision,
)
from fundledger.program.source_data import ImplementerGroup


@dataclass(frozen=True, slots=True)
class ProgramOn:
    """Who carried each activity, which group each implementer belongs to, and the
    cross-reference, on one date."""

    on: dt.date
    carriers: dict[int, str]
    kinds: dict[str, str]
    crossref: frozenset[tuple[int, int]]

    def fundable(self, activity: int) -> bool:
        """Whether the fund may finance ``activity``: its carrier is an OAS organ, agency
        or entity (section V.A), whatever its number."""
        carrier = self.carriers.get(activity)
        return carrier is not None and self.kinds.get(carrier) == ImplementerGroup.OAS_ORGAN

    def fundable_activities(self) -> dict[int, str]:
        """The fundable activities and their carriers."""
        return {n: code for n, code in self.carriers.items() if self.fundable(n)}

    def objectives_of(self, activity: int) -> list[int]:
        return sorted(o for a, o in self.crossref if a == activity)


def program_on(session: Session, on: dt.date | None = None) -> ProgramOn:
    """The Program as it stood on ``on`` (today when None)."""
    day = today() if on is None else on
    carriers = {
        n: code for n, code in session.execute(select(Activity.number, Activity.implementer_code))
    }
    kinds = {
        code: kind for code, kind in session.execute(select(Implementer.code, Implementer.kind))
    }
    crosses = {
        (a, o)
        for a, o in session.execute(
            select(ActivityObjective.activity_number, ActivityObjective.objective_number)
        )
    }
    later = session.scalars(
        select(ProgramChange)
        .join(ProgramRevision, ProgramRevision.id == ProgramChange.revision_id)
        .where(ProgramRevision.effective_on > day)
        .order_by(
            ProgramRevision.effective_on.desc(),
            ProgramRevision.id.desc(),
            ProgramChange.position.desc(),
        )
    )
    for change in later:
        _undo(change, carriers, kinds, crosses)
    return ProgramOn(day, carriers, kinds, frozenset(crosses))


def _undo(
    change: ProgramChange,
    carriers: dict[int, str],
    kinds: dict[str, str],
    crosses: set[tuple[int, int]],
) -> None:
    activity, objective = change.activity_number, change.objective_number
    if change.kind == "add_activity" and activity is not None:
        carriers.pop(activity, None)
        crosses.difference_update({pair for pair in crosses if pair[0] == activity})
    elif change.kind == "add_implementer" and change.implementer_code:
        kinds.pop(change.implementer_code, None)
    elif change.kind == "move_activity" and activity is not None and change.previous_code:
        carriers[activity] = change.previous_code
    elif change.kind == "link" and activity is not None and objective is not None:
        crosses.discard((activity, objective))
    elif change.kind == "unlink" and activity is not None and objective is not None:
        crosses.add((activity, objective))
