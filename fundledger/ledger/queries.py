"""Readers of the ledger: balances, the trial balance, the journal, the fiscal years.

Balances always come from postings: the current balance from the trigger-kept cache
(which ``verify`` proves equal to the sum), a balance as of a date from the
``(account_id, entry_date, amount)`` index.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from itertools import groupby
from typing import Any

from sqlalchemy import ColumnElement, Row, Select, func, or_, select
from sqlalchemy.orm import QueryableAttribute, Session, aliased, selectinload

from fundledger.ledger.models import (
    Account,
    AccountBalance,
    DailyTotal,
    FiscalPeriod,
    JournalEntry,
    LedgerHead,
    Posting,
    credit_part,
    debit_part,
)
from fundledger.listing import Columns, ListArgs, Page, RowKey, Sorts, page_of

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
    """Every account with a non-zero balance, by code; as of a date if one is given.

    Both read what the posting triggers keep: the current balances, or the daily totals
    up to the date (some 12,000 rows at 1M entries, where the postings up to a date are
    millions)."""
    if as_of is None:
        balance = AccountBalance.balance
        source = select(AccountBalance.account_id, balance.label("balance")).subquery()
    else:
        total = func.coalesce(func.sum(DailyTotal.amount), ZERO)
        source = (
            select(DailyTotal.account_id, total.label("balance"))
            .where(DailyTotal.entry_date <= as_of)
            .group_by(DailyTotal.account_id)
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


#: How the chart of accounts may be sorted (it is small: sorted in memory).
ACCOUNT_SORTS: Sorts[RowKey] = Sorts(
    {
        "code": lambda line: line.account.code,
        "name": lambda line: (line.account.name.lower(), line.account.code),
        "type": lambda line: (line.account.type, line.account.code),
        "debit": lambda line: (line.debit, line.account.code),
        "credit": lambda line: (line.credit, line.account.code),
    },
    default="code",
)
#: How the trial balance may be sorted (one row per account with a balance).
TRIAL_BALANCE_SORTS: Sorts[RowKey] = Sorts(
    {
        "code": lambda row: row.code,
        "name": lambda row: (row.name.lower(), row.code),
        "debit": lambda row: (row.debit, row.code),
        "credit": lambda row: (row.credit, row.code),
    },
    default="code",
)

#: How the fiscal years may be sorted; newest first unless asked otherwise.
PERIOD_SORTS: Sorts[Columns] = Sorts(
    {
        "year": (FiscalPeriod.year,),
        "status": (FiscalPeriod.closed, FiscalPeriod.year),
        "closed_by": (func.coalesce(FiscalPeriod.closed_by, ""), FiscalPeriod.year),
        "closed_at": (FiscalPeriod.closed_at, FiscalPeriod.year),
    },
    default="year",
    descending=True,
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


#: How the journal may be sorted: newest first unless asked; each key ends on the number.
JOURNAL_SORTS: Sorts[Columns] = Sorts(
    {
        "number": (JournalEntry.number,),
        "date": (JournalEntry.entry_date, JournalEntry.number),
        "kind": (JournalEntry.kind, JournalEntry.number),
    },
    default="number",
    descending=True,
)


def journal_query(
    *,
    start: dt.date | None = None,
    end: dt.date | None = None,
    kind: str | None = None,
    account: str | None = None,
    donor_id: int | None = None,
) -> Select[JournalEntry]:
    """Entries dated from ``start`` to ``end`` (both included), of one kind, with a
    posting to the account with this code, with a posting for this donor (each or all),
    in no order yet (see :data:`JOURNAL_SORTS`). The page (:func:`journal_page`) and the
    export read them through :func:`journal_lines`."""
    query = select(JournalEntry)
    if start is not None:
        query = query.where(JournalEntry.entry_date >= start)
    if end is not None:
        query = query.where(JournalEntry.entry_date <= end)
    if kind:
        query = query.where(JournalEntry.kind == kind)
    if account:
        posted_to = select(Posting.entry_id).join(Account, Account.id == Posting.account_id)
        query = query.where(JournalEntry.id.in_(posted_to.where(Account.code == account)))
    if donor_id is not None:
        for_donor = select(Posting.entry_id).where(Posting.donor_id == donor_id)
        query = query.where(JournalEntry.id.in_(for_donor))
    return query


def journal_lines(entries: Select[JournalEntry]) -> Select[*tuple[Any, ...]]:
    """One row per posting of the entries ``entries`` selects, in its order and line by
    line: the entry's and the posting's columns with the account's code and name, in one
    query and no objects (the journal's CSV of every filtered entry)."""
    return (
        entries.with_only_columns(
            JournalEntry.number, JournalEntry.entry_date, JournalEntry.kind,
            JournalEntry.memo.label("entry_memo"), Account.code, Account.name, Posting.amount,
            Posting.donor_id, Posting.activity_number, Posting.objective_number,
            Posting.organ_code, Posting.earmark, Posting.allocation_id, Posting.currency,
            Posting.original_amount, Posting.rate, Posting.memo,
            JournalEntry.memo_id.label("entry_memo_id"),
            JournalEntry.memo_params.label("entry_memo_params"), Posting.memo_id,
            Posting.memo_params,
        )
        .select_from(JournalEntry)
        .join(Posting, Posting.entry_id == JournalEntry.id)
        .join(Account, Account.id == Posting.account_id)
        .order_by(Posting.line_no)
    )  # fmt: skip


@dataclass(frozen=True, slots=True)
class JournalPageEntry:
    """An entry as the journal page shows it, with its postings as :func:`journal_lines`
    rows (the account's ``code`` and ``name`` beside each posting's columns)."""

    number: int
    entry_date: dt.date
    kind: str
    memo: str | None
    lines: Sequence[Row[Any]]
    #: The number of the entry this one reverses, and of the one that reverses it.
    reverses: int | None = None
    reversed_by: int | None = None
    #: A generated memo's message, for the reader's language (ledger/memos.py).
    memo_id: str | None = None
    memo_params: str | None = None


_LAST_NUMBER = select(LedgerHead.last_number)


def journal_page(
    session: Session, entries: Select[JournalEntry], args: ListArgs
) -> Page[JournalPageEntry]:
    """The page of the ordered ``entries`` that ``args`` asks for, in three queries (the
    count, the page's entries, their postings) and as rows: building ORM objects for the
    entries, postings and accounts cost more than the rest of the page's queries.
    Unfiltered, the count is the ledger head's number (numbers have no gaps): counting a
    million entries took longer than the rest of the page."""
    whole = None if entries.whereclause is not None else session.scalar(_LAST_NUMBER)
    ids = page_of(session, entries.with_only_columns(JournalEntry.id), args, total=whole)
    lines = session.execute(journal_lines(entries.where(JournalEntry.id.in_(ids.items))))
    groups = [list(group) for _, group in groupby(lines, key=lambda line: line.number)]
    reverses, reversed_by = reversal_links(session, [rows[0].number for rows in groups])
    shown = [
        JournalPageEntry(
            head.number, head.entry_date, head.kind, head.entry_memo, rows,
            reverses.get(head.number), reversed_by.get(head.number),
            memo_id=head.entry_memo_id, memo_params=head.entry_memo_params,
        )
        for rows in groups
        for head in rows[:1]
    ]  # fmt: skip
    return Page(shown, ids.page, ids.per_page, ids.total)


def reversal_links(
    session: Session, numbers: Sequence[int]
) -> tuple[dict[int, int], dict[int, int]]:
    """For the entries numbered ``numbers``: the entry each reverses, and the entry that
    reverses each (by number), in one query."""
    if not numbers:
        return {}, {}
    original = aliased(JournalEntry)
    rows = session.execute(
        select(JournalEntry.number, original.number)
        .join(original, original.id == JournalEntry.reverses_id)
        .where(or_(JournalEntry.number.in_(numbers), original.number.in_(numbers)))
    ).all()
    return {rev: orig for rev, orig in rows}, {orig: rev for rev, orig in rows}


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


def not_reversed(
    entry_id: QueryableAttribute[int], by: dt.date | None = None
) -> ColumnElement[bool]:
    """True where ``entry_id`` (a receipt's, a pledge's) names an entry not reversed (by
    the end of day ``by``, if given): a receipt or pledge whose entry was reversed no
    longer counts."""
    reversed_ids = select(JournalEntry.reverses_id).where(JournalEntry.reverses_id.is_not(None))
    if by is not None:
        reversed_ids = reversed_ids.where(JournalEntry.entry_date <= by)
    return entry_id.not_in(reversed_ids)


def reversal_of(session: Session, entry: JournalEntry) -> int | None:
    """The number of the entry that reverses ``entry`` (there is at most one), or None."""
    return session.scalar(select(JournalEntry.number).filter_by(reverses_id=entry.id))


def periods_query(*, closed: bool | None = None) -> Select[FiscalPeriod]:
    """The fiscal years ever closed, closed now or reopened (each or all); in no order
    yet (see :data:`PERIOD_SORTS`)."""
    query = select(FiscalPeriod)
    if closed is not None:
        query = query.where(FiscalPeriod.closed.is_(closed))
    return query


def last_entry_number(session: Session) -> int:
    """The number of the ledger's last entry (0 when it has none)."""
    return session.scalar(_LAST_NUMBER) or 0


def entries_since(session: Session, number: int, *, dated_by: dt.date) -> list[int]:
    """The numbers of the entries appended after entry ``number`` and dated on or before
    ``dated_by``: those that can have changed figures as of that day."""
    return list(
        session.scalars(
            select(JournalEntry.number)
            .where(JournalEntry.number > number, JournalEntry.entry_date <= dated_by)
            .order_by(JournalEntry.number)
        )
    )
