"""``fundledger export hledger``: the ledger as an hledger journal.

One hledger account per ledger account, named ``<type>:<code> <name>`` (assets,
liabilities, equity, revenues, expenses), so ``hledger balance`` per account equals
``fundledger trial-balance`` to the cent. Entries are written in number order with
their number as the transaction code; dimensions travel as posting tags.
"""

from __future__ import annotations

from collections.abc import Iterator

from sqlalchemy import select
from sqlalchemy.orm import Session

from fundledger.ledger.models import Account, AccountType, JournalEntry, Posting

_TOP_LEVEL = {
    AccountType.ASSET: "assets",
    AccountType.LIABILITY: "liabilities",
    AccountType.NET_ASSETS: "equity",
    AccountType.REVENUE: "revenues",
    AccountType.EXPENSE: "expenses",
}


def hledger_account(account: Account) -> str:
    """``assets:1010 Bank``; colons would split the name, so they become dashes."""
    name = " ".join(account.name.replace(":", "-").split())
    return f"{_TOP_LEVEL[AccountType(account.type)]}:{account.code} {name}"


def _one_line(text: str) -> str:
    return " ".join(text.replace(";", ",").split())


def hledger_journal(session: Session) -> Iterator[str]:
    """The journal's lines, streamed: entries in number order, postings in line order."""
    names = {account.id: hledger_account(account) for account in session.scalars(select(Account))}
    yield "; fundledger export; amounts in USD, debit positive\n"
    for name in sorted(names.values()):
        yield f"account {name}\n"
    rows = session.execute(
        select(
            JournalEntry.number,
            JournalEntry.entry_date,
            JournalEntry.memo,
            JournalEntry.kind,
            Posting.account_id,
            Posting.amount,
            Posting.earmark,
        )
        .join(Posting, Posting.entry_id == JournalEntry.id)
        .order_by(JournalEntry.number, Posting.line_no)
        .execution_options(yield_per=10_000)
    )
    current = None
    for row in rows:
        if row.number != current:
            current = row.number
            memo = _one_line(row.memo) or row.kind
            yield f"\n{row.entry_date.isoformat()} * ({row.number}) {memo}  ; kind:{row.kind}\n"
        tag = f"  ; earmark:{row.earmark}" if row.earmark else ""
        yield f"    {names[row.account_id]}  {row.amount:f} USD{tag}\n"
