"""Reading the CAJP's meetings (the decisions taken at each are the allocations area's:
:func:`fundledger.allocations.queries.meeting_decisions`)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from fundledger.meetings.models import Meeting


def meeting_by_reference(session: Session, reference: str) -> Meeting | None:
    """The meeting recorded under ``reference`` (one per reference), if any."""
    return session.scalars(select(Meeting).filter_by(reference=reference)).one_or_none()


def meetings(session: Session) -> list[Meeting]:
    """Every meeting, latest first: a few a year, so one list, never paged."""
    return list(session.scalars(select(Meeting).order_by(Meeting.held_on.desc(),
                                                         Meeting.id.desc())))  # fmt: skip
