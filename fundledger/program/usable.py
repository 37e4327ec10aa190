"""Which fundable activities an earmark can pay for: the one answer pledges, receipts,
allocations and the list of unusable earmarks all ask.

An earmark is only worth accepting when some activity the fund may finance (one an OAS
organ carries, on the day asked about: :func:`fundledger.program.as_of.program_on`) can
draw on it (DESIGN.md §3, flow 3): the activity itself, an activity of the organ, or an
activity serving the objective in the Appendix I cross-reference. Objectives 6, 7 and
20 are served by no fundable activity, and some OAS organs (PAHO) carry none, so money
earmarked to them could never be allocated.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass

from sqlalchemy.orm import Session

from fundledger.errors import Message
from fundledger.i18n import N_
from fundledger.program.as_of import program_on
from fundledger.program.earmarks import Earmark


@dataclass(frozen=True, slots=True)
class Fundable:
    """The fundable activities with their organ, and the objectives each serves: read in
    two queries, so that a chooser can ask about every earmark at once."""

    organs: Mapping[int, str]
    serving: Mapping[int, frozenset[int]]

    def activities(self, earmark: Earmark) -> list[int]:
        """The numbers of the fundable activities money under ``earmark`` may fund."""
        if earmark.kind == "activity":
            found = [n for n in self.organs if n == int(earmark.target)]
        elif earmark.kind == "organ":
            found = [n for n, organ in self.organs.items() if organ == earmark.target]
        else:
            found = list(self.serving.get(int(earmark.target), ()))
        return sorted(found)


def fundable(session: Session, on: dt.date | None = None) -> Fundable:
    """What the fund may finance on ``on`` (today when None), and what each fundable
    activity serves."""
    program = program_on(session, on)
    organs = program.fundable_activities()
    serving: dict[int, set[int]] = {}
    for activity, objective in program.crossref:
        if activity in organs:
            serving.setdefault(objective, set()).add(activity)
    return Fundable(organs, {k: frozenset(v) for k, v in serving.items()})


def fundable_activities(session: Session, earmark: Earmark, on: dt.date | None = None) -> list[int]:
    """The numbers of the fundable activities money under ``earmark`` may fund on ``on``
    (today when None), in order."""
    return fundable(session, on).activities(earmark)


def unusable_reason(session: Session, earmark: Earmark) -> Message | None:
    """Why no allocation could ever draw on ``earmark``, or None when some activity can."""
    if fundable_activities(session, earmark):
        return None
    if earmark.kind == "objective":
        return Message(
            N_("objective %(target)s is served by no activity the fund may finance "
               "(activities 1–32)"),
            {"target": earmark.target},
        )  # fmt: skip
    if earmark.kind == "organ":
        return Message(
            N_("organ %(target)s carries no activity the fund may finance (activities 1–32)"),
            {"target": earmark.target},
        )
    return Message(
        N_("activity %(target)s is not one the fund may finance (activities 1–32)"),
        {"target": earmark.target},
    )
