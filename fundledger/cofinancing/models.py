"""Co-financing items: what was spent on one Program activity in one year from outside
the Fund. A memorandum record, never a ledger posting (see the package's docstring); an
item recorded in error is withdrawn with a reason, never deleted."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from enum import StrEnum

from sqlalchemy import CheckConstraint, DateTime, ForeignKey, Integer, Numeric, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from fundledger.db import Base


class SourceKind(StrEnum):
    """Where the money came from (section VII of the Program: the Fund is in addition to
    the Regular Fund; implementers may raise their own for the optional activities)."""

    REGULAR_FUND = "regular_fund"
    OWN_RESOURCES = "own_resources"
    MEMBER_STATE = "member_state"
    OTHER = "other"


class CofinancingItem(Base):
    __tablename__ = "cofinancing_items"
    __table_args__ = (
        CheckConstraint(
            "source_kind IN ('regular_fund', 'own_resources', 'member_state', 'other')",
            name="source_kind_known",
        ),
        CheckConstraint("amount > 0", name="amount_positive"),
        CheckConstraint("year BETWEEN 2005 AND 2199", name="year_range"),
        CheckConstraint(
            "(withdrawn_at IS NULL) = (withdrawn_by IS NULL)"
            " AND (withdrawn_at IS NULL) = (withdrawal_reason IS NULL)",
            name="withdrawal_complete",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    activity_number: Mapped[int] = mapped_column(
        ForeignKey("activities.number", ondelete="RESTRICT"), index=True
    )
    #: The calendar year the resources were spent in.
    year: Mapped[int] = mapped_column(Integer, index=True)
    source_kind: Mapped[str] = mapped_column(String(16))
    #: Who gave it: an organ's code from the implementers table, a state, an institution.
    source_name: Mapped[str] = mapped_column(Text)
    #: In USD, as the source reported it.
    amount: Mapped[Decimal] = mapped_column(Numeric(18, 2))
    #: What it paid for, and the document that reports it.
    description: Mapped[str] = mapped_column(Text)
    recorded_by: Mapped[str] = mapped_column(Text)
    recorded_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    withdrawn_by: Mapped[str | None] = mapped_column(Text)
    withdrawn_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    withdrawal_reason: Mapped[str | None] = mapped_column(Text)
