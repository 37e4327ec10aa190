"""Recording the CAJP's meetings, and which meeting a decision names (writers: they
flush, the caller commits)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session

from fundledger.actors import Actor
from fundledger.audit.operations import record
from fundledger.errors import Term
from fundledger.i18n import N_
from fundledger.inputs import one_line
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
            N_("the kind of meeting is one of %(kinds)s, not “%(kind)s”"),
            kinds=", ".join(MeetingKind), kind=str(kind)[:40],
        )
    check_not_after_today(held_on)
    reference_text = _text(reference, Term(N_("the meeting's reference")))
    if reference_text is None:
        raise MeetingError(N_("the meeting's reference is required"))
    if session.scalar(select(Meeting.id).where(Meeting.reference == reference_text)):
        raise MeetingError(
            N_("a meeting is already recorded under %(reference)s"), reference=reference_text
        )
    meeting = Meeting(
        held_on=held_on, kind=kind, reference=reference_text,
        title=_text(title, Term(N_("the meeting's title"))), recorded_by=actor.name,
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
    own = _text(reference, Term(N_("the CAJP decision reference")))
    if meeting_id is None:
        if own is None:
            raise MeetingError(N_("a CAJP decision needs its meeting or its own reference"))
        return None, own
    meeting = session.get(Meeting, meeting_id)
    if meeting is None:
        raise MeetingError(N_("there is no meeting %(id)s"), id=meeting_id)
    if meeting.held_on != on:
        raise MeetingError(
            N_("the decision is dated %(on)s but meeting %(reference)s was held on %(held)s"),
            on=on, reference=meeting.reference, held=meeting.held_on,
        )
    return meeting, own or meeting.reference


def _text(value: str | None, what: Term) -> str | None:
    return one_line(value, what, MAX_TEXT, MeetingError)
