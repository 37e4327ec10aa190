"""Donors: who gives to the fund. Pledges and receipts are ledger entries that name one."""

from __future__ import annotations

from enum import StrEnum

from sqlalchemy import Boolean, CheckConstraint, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from fundledger.db import Base


class DonorType(StrEnum):
    """Who may contribute (resolution point 5)."""

    MEMBER_STATE = "member_state"
    PERMANENT_OBSERVER = "permanent_observer"
    REGIONAL_ORG = "regional_org"
    INTERNATIONAL_ORG = "international_org"
    CIVIL_SOCIETY = "civil_society"
    OTHER = "other"


class Donor(Base):
    __tablename__ = "donors"
    __table_args__ = (
        CheckConstraint(
            "type IN ('member_state', 'permanent_observer', 'regional_org', "
            "'international_org', 'civil_society', 'other')",
            name="type_known",
        ),
        CheckConstraint("language IN ('en', 'es', 'fr', 'pt')", name="language_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    #: Short unique code used everywhere a donor is named: MEX, CAN, ES-OBS, IOM.
    code: Mapped[str] = mapped_column(String(20), unique=True)
    name: Mapped[str] = mapped_column(Text)
    type: Mapped[str] = mapped_column(String(20))
    #: ISO 3166 alpha-2, or none for organizations without one.
    country: Mapped[str | None] = mapped_column(String(2))
    #: The language its statements are issued in by default.
    language: Mapped[str] = mapped_column(String(2), default="en")
    contact: Mapped[str | None] = mapped_column(Text)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
