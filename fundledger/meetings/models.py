"""The CAJP's meetings. The Program (section VI) names three kinds: the committee's
regular sessions, the annual meeting with the Program's implementers, and the meeting
of experts the CAJP convenes before each Summit of the Americas. A decision recorded on
an allocation or a work plan may name the meeting that took it."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum

from sqlalchemy import CheckConstraint, Date, DateTime, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from fundledger.db import Base


class MeetingKind(StrEnum):
    REGULAR = "regular"
    IMPLEMENTERS = "implementers"
    EXPERTS = "experts"


class Meeting(Base):
    """One meeting, as its record says: when, which kind, under which document."""

    __tablename__ = "meetings"
    __table_args__ = (
        CheckConstraint("kind IN ('regular', 'implementers', 'experts')", name="kind_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    held_on: Mapped[dt.date] = mapped_column(Date, index=True)
    kind: Mapped[str] = mapped_column(String(12))
    #: The meeting's document, e.g. CP/CAJP/SA.612/26; one meeting per reference.
    reference: Mapped[str] = mapped_column(Text, unique=True)
    #: What the meeting was about, as its agenda says (optional).
    title: Mapped[str | None] = mapped_column(Text)
    recorded_by: Mapped[str] = mapped_column(Text)
    recorded_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
