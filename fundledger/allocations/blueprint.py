"""The allocations area's blueprint and what its page modules share.

The area's pages are split by sub-area: allocations, their steps and the CAJP's queue
(views.py), proposing and revising one (proposal_views.py), work plans and the budget
report (budget_views.py), funds available, refunds and the fund's settings
(fund_views.py). Every page joins the one blueprint here, so endpoints stay
``allocations.*`` and URLs are unchanged.
"""

from __future__ import annotations

import datetime as dt

from flask import Blueprint
from sqlalchemy import Row
from sqlalchemy.orm import Session
from wtforms import SelectChoice

from fundledger.allocations import queries
from fundledger.allocations.models import Allocation
from fundledger.allocations.pools import (
    Availability,
    availability,
)
from fundledger.allocations.settings import counts_receivables
from fundledger.auth import sessions
from fundledger.clock import local_date
from fundledger.errors import NotFound
from fundledger.program import queries as program
from fundledger.program.models import Activity
from fundledger.program.translated import title
from fundledger.web.i18n import _, current_language

blueprint = Blueprint("allocations", __name__)

#: Ids are 32-bit integers; a larger one in a URL names nothing.
MAX_ID = 2**31 - 1


def activities_by_number(db: Session) -> dict[int, Activity]:
    return {activity.number: activity for activity in program.activities(db)}


def activity_choices(db: Session) -> list[SelectChoice]:
    return [activity_choice(activity) for activity in queries.fundable_activities(db)]


def activity_choice(activity: Row[int, str, str]) -> SelectChoice:
    number, english, organ = activity
    shown = title("activities", number, english, current_language())
    return SelectChoice(str(number), f"{number} — {_short(shown)} ({organ})")


def _short(text: str, length: int = 70) -> str:
    return text if len(text) <= length else text[: length - 1].rstrip() + "…"


def availability_now(db: Session) -> dict[str, Availability]:
    return availability(db, with_receivables=counts_receivables(db))


def today() -> dt.date:
    """The fund's date by the app's clock (the rule's today, see fundledger.clock)."""
    return local_date(sessions.now())


def allocation_or_404(db: Session, allocation_id: int) -> Allocation:
    found = db.get(Allocation, allocation_id) if allocation_id <= MAX_ID else None
    if found is None:
        raise NotFound(_("There is no allocation #%(id)s.", id=allocation_id))
    return found
