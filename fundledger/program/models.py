"""The Program's reference data as tables: loaded by ``fundledger init``, then changed only
by the CAJP's Program revisions (:mod:`fundledger.program.revisions`), so the tables hold the
Program as it stands today and the revisions, append-only, say how it stood before."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    ForeignKey,
    Integer,
    String,
    Text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from fundledger.db import Base
from fundledger.ledger import dimensions
from fundledger.program.earmarks import parse_earmark


class GeneralObjective(Base):
    __tablename__ = "general_objectives"

    number: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    title: Mapped[str] = mapped_column(Text)


class Objective(Base):
    """A specific objective (section IV.B), the unit of the cross-reference table."""

    __tablename__ = "objectives"
    __table_args__ = (CheckConstraint("number BETWEEN 1 AND 20", name="number_range"),)

    number: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    title: Mapped[str] = mapped_column(Text)


class Implementer(Base):
    """An organ, state group, multilateral organization or other implementer (section III)."""

    __tablename__ = "implementers"

    code: Mapped[str] = mapped_column(String(20), primary_key=True)
    name: Mapped[str] = mapped_column(Text)
    #: oas_organ, member_states, state_forum, multilateral or other (section III's groups).
    kind: Mapped[str] = mapped_column(String(20))


class Activity(Base):
    __tablename__ = "activities"
    #: A revision may add activities after the resolution's 100.
    __table_args__ = (CheckConstraint("number >= 1", name="number_positive"),)

    number: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    title: Mapped[str] = mapped_column(Text)
    implementer_code: Mapped[str] = mapped_column(
        ForeignKey("implementers.code", ondelete="RESTRICT"), index=True
    )
    #: The fund may finance only the activities of the OAS organs (section V.A): those its
    #: implementer carries today (kept in step by the revisions).
    fundable: Mapped[bool] = mapped_column(Boolean)

    implementer: Mapped[Implementer] = relationship(lazy="joined")
    objectives: Mapped[list[Objective]] = relationship(
        secondary="activity_objectives", order_by="Objective.number"
    )


class ActivityObjective(Base):
    """One cross in the Appendix I cross-reference table."""

    __tablename__ = "activity_objectives"

    activity_number: Mapped[int] = mapped_column(
        ForeignKey("activities.number", ondelete="RESTRICT"), primary_key=True
    )
    objective_number: Mapped[int] = mapped_column(
        ForeignKey("objectives.number", ondelete="RESTRICT"), primary_key=True
    )


class ProgramRevision(Base):
    """A CAJP decision revising the Program, effective on a date (append-only)."""

    __tablename__ = "program_revisions"

    id: Mapped[int] = mapped_column(primary_key=True)
    effective_on: Mapped[dt.date] = mapped_column(Date, index=True)
    decided_on: Mapped[dt.date] = mapped_column(Date)
    reference: Mapped[str] = mapped_column(Text)
    meeting_id: Mapped[int | None] = mapped_column(
        ForeignKey("meetings.id", ondelete="RESTRICT"), index=True
    )
    #: The decision says the allocations already made to an activity it makes
    #: unfundable continue (without it such a revision is refused).
    existing_continue: Mapped[bool] = mapped_column(Boolean, default=False)
    recorded_by: Mapped[str] = mapped_column(Text)
    recorded_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))

    changes: Mapped[list[ProgramChange]] = relationship(
        order_by="ProgramChange.position", lazy="selectin"
    )


class ProgramChange(Base):
    """One change a revision makes, with what it replaced (so the Program on an earlier
    date can be read back)."""

    __tablename__ = "program_changes"
    __table_args__ = (
        CheckConstraint(
            "kind IN ('add_activity', 'add_implementer', 'move_activity', 'link', 'unlink')",
            name="kind_known",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    revision_id: Mapped[int] = mapped_column(
        ForeignKey("program_revisions.id", ondelete="RESTRICT"), index=True
    )
    position: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(16))
    activity_number: Mapped[int | None] = mapped_column(Integer, index=True)
    objective_number: Mapped[int | None] = mapped_column(Integer)
    implementer_code: Mapped[str | None] = mapped_column(String(20))
    #: The activity's implementer before a move.
    previous_code: Mapped[str | None] = mapped_column(String(20))
    #: An added activity's title, or an added implementer's name.
    text: Mapped[str | None] = mapped_column(Text)
    #: An added implementer's group (section III).
    implementer_kind: Mapped[str | None] = mapped_column(String(20))


# A posting names the programme by activity and objective number, an organ by its code,
# and an earmark in the canonical spelling parse_earmark gives it.
dimensions.register("activity", Activity.number)
dimensions.register("objective", Objective.number)
dimensions.register("organ", Implementer.code)
dimensions.register_earmark(lambda text: str(parse_earmark(text)))
