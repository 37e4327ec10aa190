"""Readers of the ledger: balances, the trial balance, the journal.

Balances always come from postings: the current balance from the trigger-kept cache
(which ``verify`` proves equal to the sum), a balance as of a date from the
``(account_id, entry_date, amount)`` index.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from fundledger.ledger.models import (
    Account,
    AccountBalance,
    JournalEntry,
    Posting,
    credit_part,
    debit_part,
)

ZERO = Decimal("0.00")


class _Columns:
    """The debit and credit columns of a signed ``balance`` (debit positive)."""

    __slots__ = ()
    balance: Decimal

    @property
    def debit(self) -> Decimal:
        return debit_part(self.balance)

    @property
    def credit(self) -> Decimal:
        return credit_part(self.balance)


@dataclass(frozen=True, slots=True)
class TrialBalanceRow(_Columns):
    code: str
    name: str
    type: str
    #: Debit positive, credit negative, like postings.
    balance: Decimal


@dataclass(frozen=True, slots=True)
class AccountLine(_Columns):
    """An account of the chart with its current balance."""

    account: Account
    balance: Decimal


@dataclass(frozen=True, slots=True)
class TrialBalance:
    as_of: dt.date | None
    rows: Sequence[TrialBalanceRow]

    @property
    def total_debit(self) -> Decimal:
        return sum((row.debit for row in self.rows), ZERO)

    @property
    def total_credit(self) -> Decimal:
        return sum((row.credit for row in self.rows), ZERO)


def trial_balance(session: Session, as_of: dt.date | None = None) -> TrialBalance:
    """Every account with a non-zero balance, by code; as of a date if one is given."""
    if as_of is None:
        balance = AccountBalance.balance
        source = select(AccountBalance.account_id, balance.label("balance")).subquery()
    else:
        total = func.coalesce(func.sum(Posting.amount), ZERO)
        source = (
            select(Posting.account_id, total.label("balance"))
            .where(Posting.entry_date <= as_of)
            .group_by(Posting.account_id)
            .subquery()
        )
    rows = session.execute(
        select(Account.code, Account.name, Account.type, source.c.balance)
        .join(source, source.c.account_id == Account.id)
        .where(source.c.balance != 0)
        .order_by(Account.code)
    )
    return TrialBalance(
        as_of, [TrialBalanceRow(row.code, row.name, row.type, row.balance) for row in rows]
    )


def accounts(session: Session) -> Sequence[Account]:
    return session.scalars(select(Account).order_by(Account.code)).all()


def account_lines(session: Session) -> list[AccountLine]:
    """Every account, by code, with its current (cached) balance."""
    balances = account_balances(session)
    return [AccountLine(account, balances.get(account.id, ZERO)) for account in accounts(session)]


def account_balances(session: Session) -> dict[int, Decimal]:
    """The cached balance of every account, by account id."""
    return {
        row.account_id: row.balance
        for row in session.execute(select(AccountBalance.account_id, AccountBalance.balance))
    }


@dataclass(frozen=True, slots=True)
class Page:
    entries: Sequence[JournalEntry]
    page: int
    per_page: int
    total: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))


def journal_page(session: Session, page: int = 1, per_page: int = 50) -> Page:
    """Entries newest first, with their postings and accounts loaded in two queries."""
    total = session.scalar(select(func.count()).select_from(JournalEntry)) or 0
    page = min(max(1, page), max(1, -(-total // per_page)))
    entries = session.scalars(
        select(JournalEntry)
        .options(selectinload(JournalEntry.postings))
        .order_by(JournalEntry.number.desc())
        .limit(per_page)
        .offset((page - 1) * per_page)
    ).all()
    return Page(entries, page, per_page, total)


def entry_by_number(session: Session, number: int) -> JournalEntry | None:
    """The entry with its postings, or None."""
    return session.scalar(
        select(JournalEntry).options(selectinload(JournalEntry.postings)).filter_by(number=number)
    )


def entry_numbers(session: Session, entry_ids: Iterable[int]) -> dict[int, int]:
    """Journal entry numbers by entry id."""
    wanted = sorted(set(entry_ids))
    if not wanted:
        return {}
    rows = session.execute(
        select(JournalEntry.id, JournalEntry.number).where(JournalEntry.id.in_(wanted))
    )
    return {entry_id: number for entry_id, number in rows}


def reversal_of(session: Session, entry: JournalEntry) -> int | None:
    """The number of the entry that reverses ``entry`` (there is at most one), or None."""
    return session.scalar(select(JournalEntry.number).filter_by(reverses_id=entry.id))
