"""Ledger tables.

Sign convention, used everywhere: a posting's ``amount`` is in USD, positive for a
debit and negative for a credit, so every entry's amounts sum to zero.

The database backs the service layer up (see the ledger migration): entries and
postings refuse UPDATE and DELETE, nothing can be posted into a closed period, and
``account_balances`` and ``daily_totals`` are maintained by triggers on every posting.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from enum import StrEnum

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from fundledger.db import MULTI_LINE, Base, Money


def debit_part(amount: Decimal) -> Decimal:
    """The debit column of a signed amount (debit positive): the amount or zero."""
    return amount if amount > 0 else Decimal("0.00")


def credit_part(amount: Decimal) -> Decimal:
    """The credit column of a signed amount: its magnitude if negative, else zero."""
    return -amount if amount < 0 else Decimal("0.00")


class AccountType(StrEnum):
    ASSET = "asset"
    LIABILITY = "liability"
    NET_ASSETS = "net_assets"
    REVENUE = "revenue"
    EXPENSE = "expense"


class Side(StrEnum):
    DEBIT = "debit"
    CREDIT = "credit"


class EntryKind(StrEnum):
    """What business event an entry records; later flows add their own kinds here."""

    MANUAL = "manual"
    OPENING = "opening"
    PLEDGE = "pledge"
    PLEDGE_REDUCTION = "pledge_reduction"
    RECEIPT = "receipt"
    CREDIT_APPLICATION = "credit_application"
    DISBURSEMENT = "disbursement"
    EXPENDITURE = "expenditure"
    RETURN = "return"
    REFUND = "refund"
    #: Money moved, with the donor's agreement, from one of its earmarks to another.
    RE_EARMARK = "re_earmark"
    FX = "fx"
    INTEREST = "interest"
    BANK_CHARGES = "bank_charges"
    CLOSING = "closing"
    REVERSAL = "reversal"
    RECLASSIFICATION = "reclassification"


class Account(Base):
    __tablename__ = "accounts"
    __table_args__ = (
        CheckConstraint(
            "type IN ('asset', 'liability', 'net_assets', 'revenue', 'expense')",
            name="type_known",
        ),
        CheckConstraint("normal_side IN ('debit', 'credit')", name="normal_side_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(20), unique=True)
    name: Mapped[str] = mapped_column(Text)
    type: Mapped[str] = mapped_column(String(20))
    #: The side on which the balance is normally carried; contra accounts differ from
    #: their type's usual side (4290 Releases — restricted class is a debit-side revenue).
    normal_side: Mapped[str] = mapped_column(String(6))
    active: Mapped[bool] = mapped_column(Boolean, default=True)

    def __repr__(self) -> str:
        return f"<Account {self.code} {self.name}>"


class AccountBalance(Base):
    """The cached balance of each account, kept by a database trigger on postings.

    ``fundledger verify`` checks that it equals the sum of the account's postings.
    """

    __tablename__ = "account_balances"

    account_id: Mapped[int] = mapped_column(
        ForeignKey("accounts.id", ondelete="RESTRICT"), primary_key=True
    )
    balance: Mapped[Decimal] = mapped_column(Money(18, 2), default=Decimal(0))


class DailyTotal(Base):
    """The sum of the postings of one day with the same account, entry kind, donor,
    earmark and allocation, kept by a database trigger on postings (revision 0006).

    Statements, dashboards and availability read these few rows instead of the
    postings; ``fundledger verify`` checks that they equal the postings' sums.
    """

    __tablename__ = "daily_totals"
    __table_args__ = (
        # The trigger's lookup of the day's row (not unique: NULLs would all differ).
        Index(
            "ix_daily_totals_key",
            "entry_date", "account_id", "kind", "donor_id", "earmark", "allocation_id",
        ),
        # One pool's days from a date on (the overdraft check, revision 0009).
        Index("ix_daily_totals_pool", "earmark", "donor_id", "entry_date"),
    )  # fmt: skip

    id: Mapped[int] = mapped_column(primary_key=True)
    entry_date: Mapped[dt.date] = mapped_column(Date)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="RESTRICT"))
    #: The kind of the postings' journal entries.
    kind: Mapped[str] = mapped_column(String(30))
    donor_id: Mapped[int | None] = mapped_column(ForeignKey("donors.id", ondelete="RESTRICT"))
    earmark: Mapped[str | None] = mapped_column(String(30))
    allocation_id: Mapped[int | None] = mapped_column(Integer)
    #: USD; debit positive, credit negative.
    amount: Mapped[Decimal] = mapped_column(Money(18, 2))


class PoolBalance(Base):
    """Each account's balance per pool, kept by a database trigger on postings (revision
    0009): the overdraft check reads a pool's balance before a date as this less the
    daily totals from that date on. ``fundledger verify`` checks it against the postings.
    """

    __tablename__ = "pool_balances"

    account_id: Mapped[int] = mapped_column(
        ForeignKey("accounts.id", ondelete="RESTRICT"), primary_key=True
    )
    #: The postings' donor id, 0 for none (the key holds no NULLs).
    donor_key: Mapped[int] = mapped_column(Integer, primary_key=True)
    #: The postings' earmark, '' for none.
    earmark_key: Mapped[str] = mapped_column(String(30), primary_key=True)
    #: USD; debit positive.
    balance: Mapped[Decimal] = mapped_column(Money(18, 2))


class FiscalPeriod(Base):
    """A fiscal year; once closed, no entry may be dated inside it."""

    __tablename__ = "fiscal_periods"
    __table_args__ = (CheckConstraint("start_date <= end_date", name="dates_ordered"),)

    year: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    start_date: Mapped[dt.date] = mapped_column(Date)
    end_date: Mapped[dt.date] = mapped_column(Date)
    closed: Mapped[bool] = mapped_column(Boolean, default=False)
    closed_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    closed_by: Mapped[str | None] = mapped_column(Text)


class LedgerHead(Base):
    """One row: the last entry's number and hash.

    Every append locks this row first (an UPDATE, which waits for any other writer on
    both databases), so entry numbers have no gaps and the hash chain cannot fork.
    """

    __tablename__ = "ledger_head"
    __table_args__ = (CheckConstraint("id = 1", name="single_row"),)

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    last_number: Mapped[int] = mapped_column(Integer, default=0)
    last_hash: Mapped[str] = mapped_column(String(64))


class JournalEntry(Base):
    __tablename__ = "journal_entries"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: Gapless sequence, 1, 2, 3 … in posting order.
    number: Mapped[int] = mapped_column(Integer, unique=True)
    entry_date: Mapped[dt.date] = mapped_column(Date, index=True)
    kind: Mapped[str] = mapped_column(String(30))
    #: The English sentence, hashed and printed by the CLI; a generated memo also has:
    memo: Mapped[str] = mapped_column(Text, default="", info=MULTI_LINE)
    #: The msgid a generated memo is worded from, for each reader's language (revision
    #: 0030; not hashed: ``memo`` is the record). None for a typed or older memo.
    memo_id: Mapped[str | None] = mapped_column(Text)
    #: JSON of the msgid's typed parameters (fundledger/ledger/memos.py).
    memo_params: Mapped[str | None] = mapped_column(Text)
    #: Where it came from: a bank reference, an import file and row, a document number.
    source_ref: Mapped[str | None] = mapped_column(Text)
    #: Posting the same key twice yields the first entry; None for one-off vouchers.
    idempotency_key: Mapped[str | None] = mapped_column(String(200), unique=True)
    #: SHA-256 of the entry's content without who/when: tells a retry from a conflict.
    content_digest: Mapped[str] = mapped_column(String(64))
    created_by: Mapped[str] = mapped_column(Text)
    #: The request (web request id, CLI invocation) that created the entry.
    request_id: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    #: The entry this one reverses; each entry can be reversed once.
    reverses_id: Mapped[int | None] = mapped_column(
        ForeignKey("journal_entries.id", ondelete="RESTRICT"), unique=True
    )
    prev_hash: Mapped[str] = mapped_column(String(64))
    #: SHA-256 over prev_hash and the canonical content, including who and when.
    hash: Mapped[str] = mapped_column(String(64), unique=True)

    postings: Mapped[list[Posting]] = relationship(
        back_populates="entry", order_by="Posting.line_no"
    )
    reverses: Mapped[JournalEntry | None] = relationship(remote_side=[id])

    def __repr__(self) -> str:
        return f"<JournalEntry #{self.number} {self.entry_date} {self.kind}>"


class Posting(Base):
    __tablename__ = "postings"
    __table_args__ = (
        CheckConstraint("amount <> 0", name="nonzero"),
        CheckConstraint(
            "(currency IS NULL AND original_amount IS NULL AND rate IS NULL)"
            " OR (currency IS NOT NULL AND original_amount IS NOT NULL AND rate > 0)",
            name="original_currency_complete",
        ),
        # Balances as of a date read only this index (no join to entries, no table).
        Index("ix_postings_account_date_amount", "account_id", "entry_date", "amount"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    entry_id: Mapped[int] = mapped_column(
        ForeignKey("journal_entries.id", ondelete="RESTRICT"), index=True
    )
    line_no: Mapped[int] = mapped_column(Integer)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="RESTRICT"))
    #: Copy of the entry's date, so that balances as of a date need no join.
    entry_date: Mapped[dt.date] = mapped_column(Date)
    #: USD; debit positive, credit negative.
    amount: Mapped[Decimal] = mapped_column(Money(18, 2))
    donor_id: Mapped[int | None] = mapped_column(
        ForeignKey("donors.id", ondelete="RESTRICT"), index=True
    )
    activity_number: Mapped[int | None] = mapped_column(
        ForeignKey("activities.number", ondelete="RESTRICT")
    )
    objective_number: Mapped[int | None] = mapped_column(
        ForeignKey("objectives.number", ondelete="RESTRICT")
    )
    organ_code: Mapped[str | None] = mapped_column(
        ForeignKey("implementers.code", ondelete="RESTRICT")
    )
    #: The funding pool the money belongs to: None (unrestricted), ``activity:N``,
    #: ``objective:N`` or ``organ:CODE``.
    earmark: Mapped[str | None] = mapped_column(String(30), index=True)
    #: The allocation the line belongs to (allocations arrive with budgeting).
    allocation_id: Mapped[int | None] = mapped_column(Integer, index=True)
    #: Foreign currency of the original amount; None when the line was in USD.
    currency: Mapped[str | None] = mapped_column(String(3))
    original_amount: Mapped[Decimal | None] = mapped_column(Money(20, 4))
    #: USD per one unit of ``currency``.
    rate: Mapped[Decimal | None] = mapped_column(Money(20, 10))
    memo: Mapped[str | None] = mapped_column(Text, info=MULTI_LINE)
    #: A generated line memo's msgid and parameters, as on the entry (revision 0030).
    memo_id: Mapped[str | None] = mapped_column(Text)
    memo_params: Mapped[str | None] = mapped_column(Text)

    entry: Mapped[JournalEntry] = relationship(back_populates="postings")
    account: Mapped[Account] = relationship(lazy="joined")

    @property
    def debit(self) -> Decimal:
        return debit_part(self.amount)

    @property
    def credit(self) -> Decimal:
        return credit_part(self.amount)
