"""A progress report on one allocation for one period, and its results: one row per
indicator, against one specific objective the allocation's activity serves.

A result row carries exactly one unit, and its baseline, target and actual are numbers in
that unit: a target "in another unit than the actual" cannot be written down at all."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from enum import StrEnum

from sqlalchemy import CheckConstraint, Date, DateTime, ForeignKey, Integer, Numeric, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from fundledger.db import Base


class ReportState(StrEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"
    REVIEWED = "reviewed"


class ProgressReport(Base):
    __tablename__ = "progress_reports"
    __table_args__ = (
        CheckConstraint("period_start <= period_end", name="period_ordered"),
        CheckConstraint("state IN ('draft', 'submitted', 'reviewed')", name="state_known"),
        CheckConstraint("length(narrative) > 0", name="narrative_present"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    allocation_id: Mapped[int] = mapped_column(
        ForeignKey("allocations.id", ondelete="RESTRICT"), index=True
    )
    period_start: Mapped[dt.date] = mapped_column(Date)
    period_end: Mapped[dt.date] = mapped_column(Date)
    narrative: Mapped[str] = mapped_column(Text)
    state: Mapped[str] = mapped_column(String(10), default=ReportState.DRAFT, index=True)
    recorded_by: Mapped[str] = mapped_column(Text)
    recorded_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    submitted_by: Mapped[str | None] = mapped_column(Text)
    submitted_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    reviewed_by: Mapped[str | None] = mapped_column(Text)
    reviewed_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))

    results: Mapped[list[ProgressResult]] = relationship(
        order_by="ProgressResult.position", cascade="all, delete-orphan"
    )


class ProgressResult(Base):
    __tablename__ = "progress_results"
    __table_args__ = (CheckConstraint("length(unit) > 0", name="unit_present"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    report_id: Mapped[int] = mapped_column(
        ForeignKey("progress_reports.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int] = mapped_column(Integer)
    objective_number: Mapped[int] = mapped_column(
        ForeignKey("objectives.number", ondelete="RESTRICT")
    )
    indicator: Mapped[str] = mapped_column(Text)
    #: The one unit of the baseline, the target and the actual.
    unit: Mapped[str] = mapped_column(String(40))
    baseline: Mapped[Decimal] = mapped_column(Numeric(18, 4))
    target: Mapped[Decimal] = mapped_column(Numeric(18, 4))
    actual: Mapped[Decimal] = mapped_column(Numeric(18, 4))
