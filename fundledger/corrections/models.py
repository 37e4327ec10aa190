"""A reversal asked for and waiting for a second Secretariat user (four eyes)."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum

from sqlalchemy import Date, DateTime, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from fundledger.db import Base
from fundledger.ledger.models import JournalEntry


class RequestState(StrEnum):
    PENDING = "pending"
    APPROVED = "approved"
    REFUSED = "refused"


class ReversalRequest(Base):
    """One request to reverse ``entry``; decided once, by someone other than its author.

    An approved request names the reversal it posted."""

    __tablename__ = "reversal_requests"

    id: Mapped[int] = mapped_column(primary_key=True)
    entry_id: Mapped[int] = mapped_column(
        ForeignKey("journal_entries.id", ondelete="RESTRICT"), index=True
    )
    reason: Mapped[str] = mapped_column(Text)
    #: The reversal's date if one was given; otherwise the day it is approved.
    reversal_date: Mapped[dt.date | None] = mapped_column(Date)
    requested_by: Mapped[str] = mapped_column(Text)
    requested_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    state: Mapped[str] = mapped_column(String(10), default=RequestState.PENDING)
    decided_by: Mapped[str | None] = mapped_column(Text)
    decided_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    decision_note: Mapped[str | None] = mapped_column(Text)
    reversal_id: Mapped[int | None] = mapped_column(
        ForeignKey("journal_entries.id", ondelete="RESTRICT"), unique=True
    )

    entry: Mapped[JournalEntry] = relationship(foreign_keys=[entry_id], lazy="joined")
    reversal: Mapped[JournalEntry | None] = relationship(foreign_keys=[reversal_id])
