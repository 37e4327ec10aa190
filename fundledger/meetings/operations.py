"""Recording the CAJP's meetings, and which meeting a decision names (writers: they
flush, the caller commits)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session

from fundledger.actors import Actor
from fundledger.audit.operations import record
from fundledger.inputs import text_problem
from fundledger.ledger.dates import check_not_after_today
from fundledger.meetings.errors import MeetingError
from fundledger.meetings.models import Meeting, MeetingKind

#: Longest reference or title kept: a document symbol, an agenda line.
MAX_TEXT = 200


def record_meeting(
    session: Session,
    actor: Actor,
    *,
    held_on: dt.date,
    kind: str,
    reference: str,
    title: str | None = None,
) -> Meeting:
    """A meeting that was held: one record per reference, never dated after today (the
    application records what the CAJP did, not its calendar)."""
    if kind not in set(MeetingKind):
        raise MeetingError(
            f"the kind of meeting is one of {', '.join(MeetingKind)}, not {kind!r}"
        )
    check_not_after_today(held_on)
    reference_text = _text(reference, "the meeting's reference")
    if reference_text is None:
        raise MeetingError("the meeting's reference is required")
    if session.scalar(select(Meeting.id).where(Meeting.reference == reference_text)):
        raise MeetingError(f"a meeting is already recorded under {reference_text}")
    meeting = Meeting(
        held_on=held_on, kind=kind, reference=reference_text,
        title=_text(title, "the meeting's title"), recorded_by=actor.name,
        recorded_at=dt.datetime.now(dt.UTC),
    )  # fmt: skip
    session.add(meeting)
    session.flush()
    record(session, actor, "meeting.recorded", "meeting", meeting.id,
           after={"held_on": held_on.isoformat(), "kind": kind, "reference": reference_text,
                  "title": meeting.title})  # fmt: skip
    return meeting


def decided_at(
    session: Session, meeting_id: int | None, reference: str | None, on: dt.date
) -> tuple[Meeting | None, str]:
    """The meeting a CAJP decision dated ``on`` names, if any, and the reference it is
    recorded under: its own document's, else its meeting's. A decision names a meeting,
    carries its own reference, or both; a meeting's decisions bear its date."""
    own = _text(reference, "the CAJP decision reference")
    if meeting_id is None:
        if own is None:
            raise MeetingError("a CAJP decision needs its meeting or its own reference")
        return None, own
    meeting = session.get(Meeting, meeting_id)
    if meeting is None:
        raise MeetingError(f"there is no meeting {meeting_id}")
    if meeting.held_on != on:
        raise MeetingError(
            f"the decision is dated {on.isoformat()} but meeting {meeting.reference} was held "
            f"on {meeting.held_on.isoformat()}"
        )
    return meeting, own or meeting.reference


def _text(value: str | None, what: str) -> str | None:
    """``value`` on one line, spaces collapsed; None if blank."""
    cleaned = " ".join((value or "").split())
    problem = text_problem(cleaned)
    if problem is not None:
        raise MeetingError(f"{what} {problem}")
    if len(cleaned) > MAX_TEXT:
        raise MeetingError(f"{what} is longer than {MAX_TEXT} characters")
    return cleaned or None
