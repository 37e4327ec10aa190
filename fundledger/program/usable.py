"""Which fundable activities an earmark can pay for: the one answer pledges, receipts,
allocations and the list of unusable earmarks all ask.

An earmark is only worth accepting when some activity the fund may finance (1–32) can
draw on it (DESIGN.md §3, flow 3): the activity itself, an activity of the organ, or an
activity serving the objective in the Appendix I cross-reference. Objectives 6, 7 and
20 are served by no fundable activity, and some OAS organs (PAHO) carry none, so money
earmarked to them could never be allocated.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from fundledger.errors import Message
from fundledger.i18n import N_
from fundledger.program.earmarks import Earmark
from fundledger.program.models import Activity, ActivityObjective


def fundable_activities(session: Session, earmark: Earmark) -> list[int]:
    """The numbers of the fundable activities money under ``earmark`` may fund, in order."""
    query = select(Activity.number).where(Activity.fundable.is_(True))
    if earmark.kind == "activity":
        query = query.where(Activity.number == int(earmark.target))
    elif earmark.kind == "organ":
        query = query.where(Activity.implementer_code == earmark.target)
    else:
        serving = select(ActivityObjective.activity_number).where(
            ActivityObjective.objective_number == int(earmark.target)
        )
        query = query.where(Activity.number.in_(serving))
    return list(session.scalars(query.order_by(Activity.number)))


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
