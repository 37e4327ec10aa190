"""Loading the Program's reference data from the resolution into its tables."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from fundledger.db import Base
from fundledger.program import models
from fundledger.program.source import Program, read_program


def load_program(session: Session, program: Program | None = None) -> int:
    """Insert the Program data that is not there yet; return the number of rows added.

    Idempotent: rows are keyed by number or code, and existing rows are left alone.
    """
    program = program or read_program()
    added = 0

    def add_missing(model: type[Base], key: str, rows: list[Any]) -> None:
        nonlocal added
        column = getattr(model, key)
        existing = set(session.scalars(select(column)))
        new = [row for row in rows if getattr(row, key) not in existing]
        session.add_all(new)
        session.flush()
        added += len(new)

    add_missing(
        models.GeneralObjective,
        "number",
        [
            models.GeneralObjective(number=g.number, title=g.title)
            for g in program.general_objectives
        ],
    )
    add_missing(
        models.Objective,
        "number",
        [models.Objective(number=o.number, title=o.title) for o in program.objectives],
    )
    add_missing(
        models.Implementer,
        "code",
        [
            models.Implementer(code=i.code, name=i.name, kind=str(i.group))
            for i in program.implementers
        ],
    )
    add_missing(
        models.Activity,
        "number",
        [
            models.Activity(
                number=a.number,
                title=a.title,
                implementer_code=a.implementer_code,
                fundable=a.fundable,
            )
            for a in program.activities
        ],
    )
    # A cross a revision linked or unlinked is the revision's to keep or to have removed.
    revised = {
        (row.activity_number, row.objective_number)
        for row in session.execute(
            select(models.ProgramChange.activity_number, models.ProgramChange.objective_number)
        )
    }
    existing_crosses = revised | {
        (row.activity_number, row.objective_number)
        for row in session.execute(
            select(
                models.ActivityObjective.activity_number, models.ActivityObjective.objective_number
            )
        )
    }
    new_crosses = [
        models.ActivityObjective(activity_number=activity, objective_number=objective)
        for activity, objective in program.crossref
        if (activity, objective) not in existing_crosses
    ]
    session.add_all(new_crosses)
    session.flush()
    return added + len(new_crosses)
