"""Work plans, allocations, CAJP decisions, commitments, and the fund's settings.

An approved allocation commits money in one or more funding pools (like a pending
transfer: reserved now, posted by disbursements, released at close). The ledger holds
the money; these tables hold the decisions and the reservations.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from enum import StrEnum

from sqlalchemy import (
    CheckConstraint,
    Date,
    DateTime,
    ForeignKey,
    Integer,
    SmallInteger,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from fundledger.db import Base, Money


class State(StrEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"
    APPROVED = "approved"
    REJECTED = "rejected"
    RETURNED = "returned"
    DISBURSED = "disbursed"
    REPORTED = "reported"
    CLOSED = "closed"


class Budget(Base):
    """One version of a year's work plan; a revision is a new version."""

    __tablename__ = "budgets"
    __table_args__ = (
        UniqueConstraint("year", "version"),
        CheckConstraint(
            "status IN ('proposed', 'approved', 'rejected', 'superseded')", name="status_known"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    year: Mapped[int] = mapped_column(Integer)
    version: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(12), default="proposed")
    proposed_by: Mapped[str] = mapped_column(Text)
    proposed_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    decided_by: Mapped[str | None] = mapped_column(Text)
    decided_on: Mapped[dt.date | None] = mapped_column(Date)
    #: The CAJP document recording the decision, e.g. CP/CAJP-2450/06.
    decision_ref: Mapped[str | None] = mapped_column(Text)
    #: The CAJP meeting that took the decision, when it names one.
    meeting_id: Mapped[int | None] = mapped_column(
        ForeignKey("meetings.id", ondelete="RESTRICT"), index=True
    )
    comment: Mapped[str | None] = mapped_column(Text)

    lines: Mapped[list[BudgetLine]] = relationship(
        back_populates="budget", order_by="BudgetLine.activity_number"
    )

    @property
    def total(self) -> Decimal:
        """What all its lines ask for."""
        return sum((line.amount for line in self.lines), Decimal(0))

    @property
    def approved_total(self) -> Decimal:
        """What the CAJP approved of it, line by line."""
        return sum((line.amount for line in self.lines if line.status == "approved"), Decimal(0))


class BudgetLine(Base):
    __tablename__ = "budget_lines"
    __table_args__ = (
        UniqueConstraint("budget_id", "activity_number"),
        CheckConstraint("amount > 0", name="positive"),
        CheckConstraint("status IN ('proposed', 'approved', 'rejected')", name="status_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    budget_id: Mapped[int] = mapped_column(ForeignKey("budgets.id", ondelete="RESTRICT"))
    activity_number: Mapped[int] = mapped_column(
        ForeignKey("activities.number", ondelete="RESTRICT")
    )
    amount: Mapped[Decimal] = mapped_column(Money(18, 2))
    justification: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(10), default="proposed")

    budget: Mapped[Budget] = relationship(back_populates="lines")


class Allocation(Base):
    __tablename__ = "allocations"
    __table_args__ = (
        CheckConstraint("requested_amount > 0", name="requested_positive"),
        CheckConstraint("approved_amount IS NULL OR approved_amount > 0", name="approved_positive"),
        CheckConstraint("period_start <= period_end", name="period_ordered"),
        CheckConstraint(
            "gender_marker IS NULL OR gender_marker IN (0, 1, 2)", name="gender_marker_known"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    activity_number: Mapped[int] = mapped_column(
        ForeignKey("activities.number", ondelete="RESTRICT"), index=True
    )
    #: The organ that carries the activity out (from the Program data).
    organ_code: Mapped[str] = mapped_column(ForeignKey("implementers.code", ondelete="RESTRICT"))
    requested_amount: Mapped[Decimal] = mapped_column(Money(18, 2))
    approved_amount: Mapped[Decimal | None] = mapped_column(Money(18, 2))
    purpose: Mapped[str] = mapped_column(Text)
    period_start: Mapped[dt.date] = mapped_column(Date)
    period_end: Mapped[dt.date] = mapped_column(Date)
    state: Mapped[str] = mapped_column(String(10), default=State.DRAFT, index=True)
    #: The OECD DAC gender-equality policy marker (see :mod:`fundledger.allocations.gender`);
    #: None for allocations proposed before the marker was asked: not screened.
    gender_marker: Mapped[int | None] = mapped_column(SmallInteger)
    proposed_by: Mapped[str] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))

    pools: Mapped[list[AllocationPool]] = relationship(
        back_populates="allocation", order_by="AllocationPool.position"
    )
    events: Mapped[list[AllocationEvent]] = relationship(
        back_populates="allocation", order_by="AllocationEvent.id"
    )

    # What the allocation's pools hold, in all: the one place these figures are summed,
    # for the page, the CSV and the command line alike.

    @property
    def committed(self) -> Decimal:
        """Reserved at approval in all its pools."""
        return sum((pool.committed for pool in self.pools), Decimal(0))

    @property
    def disbursed(self) -> Decimal:
        """What its tranches advanced to the organ."""
        return sum((pool.advanced for pool in self.pools), Decimal(0))

    @property
    def undisbursed(self) -> Decimal:
        """Approved but not yet advanced (nothing before approval)."""
        if self.approved_amount is None:
            return Decimal(0)
        return self.approved_amount - self.disbursed

    @property
    def indirect(self) -> Decimal:
        """Indirect cost recovery paid with the tranches."""
        return sum((pool.indirect for pool in self.pools), Decimal(0))

    @property
    def spent(self) -> Decimal:
        """What the organ reported spent."""
        return sum((pool.spent for pool in self.pools), Decimal(0))

    @property
    def returned(self) -> Decimal:
        """Unspent advances the organ returned at close."""
        return sum((pool.returned for pool in self.pools), Decimal(0))

    @property
    def unspent(self) -> Decimal:
        """Advances the organ still holds."""
        return sum((pool.unspent for pool in self.pools), Decimal(0))

    @property
    def makers(self) -> set[str]:
        """Everyone who proposed, revised or submitted it: none of them may decide on it."""
        return {self.proposed_by} | {
            event.actor for event in self.events if event.action in ("revise", "submit")
        }


class AllocationPool(Base):
    """A funding pool an allocation draws on, in order, and what approval committed in it."""

    __tablename__ = "allocation_pools"
    __table_args__ = (
        UniqueConstraint("allocation_id", "pool"),
        CheckConstraint("committed >= 0", name="committed_not_negative"),
        CheckConstraint("advanced + indirect <= committed", name="draws_within_commitment"),
        CheckConstraint("spent + returned <= advanced", name="uses_within_advances"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    allocation_id: Mapped[int] = mapped_column(ForeignKey("allocations.id", ondelete="RESTRICT"))
    position: Mapped[int] = mapped_column(Integer)
    #: ``unrestricted`` or ``DONOR/earmark`` (e.g. ``MEX/activity:5``).
    pool: Mapped[str] = mapped_column(String(60))
    #: Reserved at approval (advances plus indirect cost recovery); 0 until then.
    committed: Mapped[Decimal] = mapped_column(Money(18, 2), default=Decimal(0))
    #: Paid to the organ as advances from this pool (1200).
    advanced: Mapped[Decimal] = mapped_column(Money(18, 2), default=Decimal(0))
    #: Indirect cost recovery paid from this pool with the advances (5200).
    indirect: Mapped[Decimal] = mapped_column(Money(18, 2), default=Decimal(0))
    #: Advances the organ reported as spent (5100).
    spent: Mapped[Decimal] = mapped_column(Money(18, 2), default=Decimal(0))
    #: Unspent advances the organ returned at close.
    returned: Mapped[Decimal] = mapped_column(Money(18, 2), default=Decimal(0))

    @property
    def undrawn(self) -> Decimal:
        """Committed but not yet paid out."""
        return self.committed - self.advanced - self.indirect

    @property
    def unspent(self) -> Decimal:
        """Advances the organ still holds."""
        return self.advanced - self.spent - self.returned

    allocation: Mapped[Allocation] = relationship(back_populates="pools")


class AllocationEvent(Base):
    """One step of an allocation's timeline: who moved it, when, why, and its entry."""

    __tablename__ = "allocation_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    allocation_id: Mapped[int] = mapped_column(
        ForeignKey("allocations.id", ondelete="RESTRICT"), index=True
    )
    action: Mapped[str] = mapped_column(String(20))
    from_state: Mapped[str] = mapped_column(String(10))
    to_state: Mapped[str] = mapped_column(String(10))
    actor: Mapped[str] = mapped_column(Text)
    at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    #: The business date (decision date, value date, period end).
    on: Mapped[dt.date | None] = mapped_column(Date)
    amount: Mapped[Decimal | None] = mapped_column(Money(18, 2))
    comment: Mapped[str | None] = mapped_column(Text)
    #: CAJP document reference, expenditure report reference, bank reference.
    reference: Mapped[str | None] = mapped_column(Text)
    #: The CAJP meeting that took the decision, when it names one (decisions only).
    meeting_id: Mapped[int | None] = mapped_column(
        ForeignKey("meetings.id", ondelete="RESTRICT"), index=True
    )
    #: Expenditure category of a report (allocations.categories, the UN harmonised ones).
    category: Mapped[str | None] = mapped_column(String(20))
    entry_id: Mapped[int | None] = mapped_column(
        ForeignKey("journal_entries.id", ondelete="RESTRICT")
    )

    allocation: Mapped[Allocation] = relationship(back_populates="events")


class FundSetting(Base):
    """The fund's settings, changed by an admin and audited."""

    __tablename__ = "fund_settings"

    key: Mapped[str] = mapped_column(String(40), primary_key=True)
    value: Mapped[str] = mapped_column(Text)
