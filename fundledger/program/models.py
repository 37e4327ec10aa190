"""The Program's reference data as tables: loaded by ``fundledger init``, never edited."""

from __future__ import annotations

from sqlalchemy import Boolean, CheckConstraint, ForeignKey, Integer, String, Text
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
    __table_args__ = (
        CheckConstraint("number BETWEEN 1 AND 100", name="number_range"),
        CheckConstraint("fundable = (number <= 32)", name="fundable_only_oas_activities"),
    )

    number: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    title: Mapped[str] = mapped_column(Text)
    implementer_code: Mapped[str] = mapped_column(
        ForeignKey("implementers.code", ondelete="RESTRICT"), index=True
    )
    #: The fund may finance only activities 1–32, those of the OAS organs (section V.A).
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


# A posting names the programme by activity and objective number, an organ by its code,
# and an earmark in the canonical spelling parse_earmark gives it.
dimensions.register("activity", Activity.number)
dimensions.register("objective", Objective.number)
dimensions.register("organ", Implementer.code)
dimensions.register_earmark(lambda text: str(parse_earmark(text)))
