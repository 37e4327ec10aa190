"""The demo's Program revision: on the story's last day the CAJP links activity 20 (the
meeting of experts the Summits Secretariat convenes) to specific objective 20, which no
fundable activity served. Recorded through the service after everything else, so the
rest of the demo is the same with or without it."""

from __future__ import annotations

import datetime as dt

from sqlalchemy.orm import Session

from fundledger.actors import Actor
from fundledger.program.as_of import program_on
from fundledger.program.revisions import Change, revise_program

#: The cross-reference link the demo's revision adds: (activity, objective).
LINK = (20, 20)


def record_revision(session: Session, actor: Actor, on: dt.date) -> bool:
    """Record the revision on ``on``; False when the Program lacks the activity or has
    the link already (a Program loaded otherwise)."""
    activity, objective = LINK
    program = program_on(session, on)
    if activity not in program.carriers or LINK in program.crossref:
        return False
    revise_program(session, actor, effective_on=on, reference=f"CP/CAJP/DEC. {on.year}/1",
                   changes=[Change("link", activity=activity, objective=objective)])  # fmt: skip
    return True
