"""Donors, exchange rates, pledges and receipts.

Each pledge, reduction, receipt and application has a journal entry; these rows keep
what the ledger cannot say by itself (schedules, which receipt settled which pledge).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from decimal import Decimal
from enum import StrEnum

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    ForeignKey,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from fundledger.db import Base, Money
from fundledger.ledger import dimensions


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
    #: The donor chose not to be named in public: the public page, the IATI file and the
    #: public API show it as "Anonymous donor" (its money still counts in the totals).
    anonymous: Mapped[bool] = mapped_column(Boolean, default=False, server_default="0")
    #: Its name in each language, where it differs from ``name`` (statements and pages in
    #: that language print it; ``name`` is the fallback).
    name_en: Mapped[str | None] = mapped_column(Text)
    name_es: Mapped[str | None] = mapped_column(Text)
    name_fr: Mapped[str | None] = mapped_column(Text)
    name_pt: Mapped[str | None] = mapped_column(Text)

    def names(self) -> dict[str, str] | None:
        """Its names by language, those recorded; None when it has none."""
        found = {language: name for language in NAME_LANGUAGES
                 if (name := getattr(self, f"name_{language}"))}  # fmt: skip
        return found or None

    def name_in(self, language: str) -> str:
        return name_in(self.name, self.names(), language)


#: The languages a donor's name may be recorded in (the application's four).
NAME_LANGUAGES = ("en", "es", "fr", "pt")


def name_in(name: str, names: Mapping[str, str] | None, language: str) -> str:
    """A donor's name in ``language``: the one recorded for it, else its main name."""
    return (names or {}).get(language) or name


#: A posting's donor is a donor's id; a voucher may name it by code.
dimensions.register("donor", Donor.id, code=Donor.code)


class ExchangeRate(Base):
    """The Secretariat's rate for a currency on a day: USD per one unit of the currency."""

    __tablename__ = "exchange_rates"
    __table_args__ = (
        UniqueConstraint("currency", "rate_date"),
        CheckConstraint("rate > 0", name="positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    currency: Mapped[str] = mapped_column(String(3))
    rate_date: Mapped[dt.date] = mapped_column(Date)
    rate: Mapped[Decimal] = mapped_column(Money(20, 10))
    entered_by: Mapped[str] = mapped_column(Text)
    entered_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))


class Pledge(Base):
    """A signed agreement to contribute; its journal entry recognises the revenue.

    Never edited: reductions and cancellations are :class:`PledgeReduction` rows, each
    with its own entry. What is outstanding is derived from those and the applications.
    """

    __tablename__ = "pledges"
    __table_args__ = (CheckConstraint("amount > 0", name="positive"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    donor_id: Mapped[int] = mapped_column(ForeignKey("donors.id", ondelete="RESTRICT"), index=True)
    pledge_date: Mapped[dt.date] = mapped_column(Date)
    currency: Mapped[str] = mapped_column(String(3))
    #: In ``currency``.
    amount: Mapped[Decimal] = mapped_column(Money(20, 4))
    #: USD per unit at pledge; the receivable is carried at this rate until paid (1 for USD).
    rate: Mapped[Decimal] = mapped_column(Money(20, 10))
    usd_amount: Mapped[Decimal] = mapped_column(Money(18, 2))
    due_date: Mapped[dt.date | None] = mapped_column(Date)
    #: The agreement's reference, e.g. a note verbale number.
    reference: Mapped[str | None] = mapped_column(Text)
    #: None (unrestricted), ``activity:N``, ``objective:N`` or ``organ:CODE``.
    earmark: Mapped[str | None] = mapped_column(String(30))
    entry_id: Mapped[int] = mapped_column(
        ForeignKey("journal_entries.id", ondelete="RESTRICT"), unique=True
    )
    created_by: Mapped[str] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))

    donor: Mapped[Donor] = relationship(lazy="joined")
    instalments: Mapped[list[PledgeInstalment]] = relationship(
        order_by="PledgeInstalment.due_date", back_populates="pledge"
    )


class PledgeInstalment(Base):
    """One due date of a pledge's schedule; the amounts add up to the pledge."""

    __tablename__ = "pledge_instalments"
    __table_args__ = (
        UniqueConstraint("pledge_id", "due_date"),
        CheckConstraint("amount > 0", name="positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    pledge_id: Mapped[int] = mapped_column(ForeignKey("pledges.id", ondelete="RESTRICT"))
    due_date: Mapped[dt.date] = mapped_column(Date)
    amount: Mapped[Decimal] = mapped_column(Money(20, 4))

    pledge: Mapped[Pledge] = relationship(back_populates="instalments")


class PledgeReduction(Base):
    """A pledge reduced or cancelled (the rest of it), with the reason and its entry."""

    __tablename__ = "pledge_reductions"
    __table_args__ = (CheckConstraint("amount > 0", name="positive"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    pledge_id: Mapped[int] = mapped_column(
        ForeignKey("pledges.id", ondelete="RESTRICT"), index=True
    )
    reduction_date: Mapped[dt.date] = mapped_column(Date)
    #: In the pledge's currency; its USD value is at the pledge's rate.
    amount: Mapped[Decimal] = mapped_column(Money(20, 4))
    usd_amount: Mapped[Decimal] = mapped_column(Money(18, 2))
    cancellation: Mapped[bool] = mapped_column(Boolean, default=False)
    reason: Mapped[str] = mapped_column(Text)
    entry_id: Mapped[int] = mapped_column(
        ForeignKey("journal_entries.id", ondelete="RESTRICT"), unique=True
    )
    created_by: Mapped[str] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))


class Receipt(Base):
    """Money the bank credited from a donor.

    ``amount`` is what the bank credited and ``charges`` what it deducted, so the donor
    paid ``amount + charges``. That gross is applied to pledges, recognised directly as
    revenue (``revenue_amount``, for unpledged money), or kept as unapplied credit.
    """

    __tablename__ = "receipts"
    __table_args__ = (
        CheckConstraint("amount > 0", name="positive"),
        CheckConstraint("charges >= 0", name="charges_not_negative"),
        CheckConstraint("revenue_amount >= 0", name="revenue_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    donor_id: Mapped[int] = mapped_column(ForeignKey("donors.id", ondelete="RESTRICT"), index=True)
    value_date: Mapped[dt.date] = mapped_column(Date)
    currency: Mapped[str] = mapped_column(String(3))
    amount: Mapped[Decimal] = mapped_column(Money(20, 4))
    charges: Mapped[Decimal] = mapped_column(Money(20, 4))
    #: USD per unit on the value date (1 for USD).
    rate: Mapped[Decimal] = mapped_column(Money(20, 10))
    usd_amount: Mapped[Decimal] = mapped_column(Money(18, 2))
    #: USD value of the charges: the gross at the rate less ``usd_amount``, so the two add up.
    usd_charges: Mapped[Decimal] = mapped_column(Money(18, 2))
    #: USD booked to unapplied donor credit (2100) when the receipt was recorded.
    unapplied_usd: Mapped[Decimal] = mapped_column(Money(18, 2))
    #: The part of the gross recognised straight as revenue (an unpledged contribution).
    revenue_amount: Mapped[Decimal] = mapped_column(Money(20, 4))
    #: For unpledged money: the restriction the donor put on it.
    earmark: Mapped[str | None] = mapped_column(String(30))
    reference: Mapped[str | None] = mapped_column(Text)
    entry_id: Mapped[int] = mapped_column(
        ForeignKey("journal_entries.id", ondelete="RESTRICT"), unique=True
    )
    created_by: Mapped[str] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))

    donor: Mapped[Donor] = relationship(lazy="joined")

    @property
    def gross(self) -> Decimal:
        return self.amount + self.charges


class ReceiptApplication(Base):
    """Part of a receipt settling part of a pledge (same currency), with its entry."""

    __tablename__ = "receipt_applications"
    __table_args__ = (CheckConstraint("amount > 0", name="positive"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    receipt_id: Mapped[int] = mapped_column(
        ForeignKey("receipts.id", ondelete="RESTRICT"), index=True
    )
    pledge_id: Mapped[int] = mapped_column(
        ForeignKey("pledges.id", ondelete="RESTRICT"), index=True
    )
    applied_on: Mapped[dt.date] = mapped_column(Date)
    #: In the common currency of receipt and pledge.
    amount: Mapped[Decimal] = mapped_column(Money(20, 4))
    #: The receivable settled, at the pledge's rate.
    pledge_usd: Mapped[Decimal] = mapped_column(Money(18, 2))
    #: The same money at the receipt's rate; the difference is the FX gain or loss.
    receipt_usd: Mapped[Decimal] = mapped_column(Money(18, 2))
    entry_id: Mapped[int] = mapped_column(
        ForeignKey("journal_entries.id", ondelete="RESTRICT"), index=True
    )


class PledgeAnnouncement(Base):
    """A pledge a donor announced (at a pledging conference, in a letter) and has not
    signed yet: it commits no money, so it has no journal entry and counts in no total.
    Signing it records the :class:`Pledge` (:func:`fundledger.donors.announcements.sign`),
    which ``pledge_id`` then names; a donor that takes it back has it withdrawn, kept with
    who recorded that, when and why. Its status is :meth:`status`."""

    __tablename__ = "pledge_announcements"
    __table_args__ = (
        CheckConstraint("amount > 0", name="positive"),
        CheckConstraint(
            "(withdrawn_at IS NULL AND withdrawn_by IS NULL AND withdrawn_reason IS NULL)"
            " OR (withdrawn_at IS NOT NULL AND withdrawn_by IS NOT NULL"
            " AND withdrawn_reason IS NOT NULL AND pledge_id IS NULL)",
            name="withdrawn_whole_and_unsigned",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    donor_id: Mapped[int] = mapped_column(ForeignKey("donors.id", ondelete="RESTRICT"), index=True)
    announced_on: Mapped[dt.date] = mapped_column(Date)
    currency: Mapped[str] = mapped_column(String(3))
    #: In ``currency``.
    amount: Mapped[Decimal] = mapped_column(Money(20, 4))
    #: USD per unit on the day announced (1 for USD): what the IATI file reports it at.
    rate: Mapped[Decimal] = mapped_column(Money(20, 10))
    usd_amount: Mapped[Decimal] = mapped_column(Money(18, 2))
    #: As a pledge's: None (unrestricted), ``activity:N``, ``objective:N`` or ``organ:CODE``.
    earmark: Mapped[str | None] = mapped_column(String(30))
    reference: Mapped[str | None] = mapped_column(Text)
    #: The pledge signed for it; None while it is only announced.
    pledge_id: Mapped[int | None] = mapped_column(
        ForeignKey("pledges.id", ondelete="RESTRICT"), unique=True
    )
    created_by: Mapped[str] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    #: Set, all three, when the donor took the announcement back (never once signed).
    withdrawn_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    withdrawn_by: Mapped[str | None] = mapped_column(Text)
    withdrawn_reason: Mapped[str | None] = mapped_column(Text)

    donor: Mapped[Donor] = relationship(lazy="joined")

    def status(self) -> PledgeState:
        if self.pledge_id is not None:
            return PledgeState.SIGNED
        return PledgeState.ANNOUNCED if self.withdrawn_at is None else PledgeState.WITHDRAWN


class PledgeState(StrEnum):
    """Where a pledge stands: announced (no money committed), signed (in the ledger), or
    withdrawn before it was signed."""

    ANNOUNCED = "announced"
    SIGNED = "signed"
    WITHDRAWN = "withdrawn"
