"""Readers of the Program's reference data."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from fundledger.program.models import Activity, ActivityObjective, GeneralObjective, Objective


def general_objectives(session: Session) -> Sequence[GeneralObjective]:
    return session.scalars(select(GeneralObjective).order_by(GeneralObjective.number)).all()


def objectives(session: Session) -> Sequence[Objective]:
    return session.scalars(select(Objective).order_by(Objective.number)).all()


def activities(session: Session) -> Sequence[Activity]:
    """All 100 activities with implementer and objectives loaded (no query per row)."""
    return session.scalars(
        select(Activity).options(selectinload(Activity.objectives)).order_by(Activity.number)
    ).all()


def crossref(session: Session) -> list[tuple[int, int]]:
    """(activity, objective) pairs of Appendix I, sorted by activity then objective."""
    rows = session.execute(
        select(ActivityObjective.activity_number, ActivityObjective.objective_number).order_by(
            ActivityObjective.activity_number, ActivityObjective.objective_number
        )
    )
    return [(row.activity_number, row.objective_number) for row in rows]
