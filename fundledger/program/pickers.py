"""The earmarks a person may choose, grouped for a chooser: one group per objective (the
objective itself, then each fundable activity serving it), then the organs. Only what
some fundable activity can draw on is offered; :mod:`fundledger.program.usable` decides, as
it does for the operations that refuse the rest."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from fundledger.i18n import N_
from fundledger.program.earmarks import Earmark
from fundledger.program.labels import OBJECTIVE, Gettext, ProgramNames, short
from fundledger.program.usable import fundable

ANY_OF_OBJECTIVE = N_("Objective %(number)s: any activity serving it")
ORGANS = N_("Organs: any activity of the organ")


@dataclass(frozen=True, slots=True)
class EarmarkGroup:
    """One optgroup: its label and its (earmark, label) options."""

    label: str
    options: tuple[tuple[str, str], ...]


def earmark_groups(session: Session, names: ProgramNames, gettext: Gettext) -> list[EarmarkGroup]:
    """The fundable earmarks, grouped by objective, then the organs'."""
    usable, groups = fundable(session), []
    for number, title in sorted(names.objectives.items()):
        objective = Earmark("objective", str(number))
        activities = usable.activities(objective)
        if not activities:
            continue
        options = [(str(objective), gettext(ANY_OF_OBJECTIVE, number=number))] + [
            (f"activity:{n}", names.earmark(f"activity:{n}", gettext)) for n in activities
        ]
        label = gettext(OBJECTIVE, number=number, title=short(title))
        groups.append(EarmarkGroup(label, tuple(options)))
    organs = tuple(
        (f"organ:{code}", names.earmark(f"organ:{code}", gettext))
        for code in sorted(names.organs)
        if usable.activities(Earmark("organ", code))
    )
    if organs:
        groups.append(EarmarkGroup(gettext(ORGANS), organs))
    return groups
