"""SQLite's insert guards for a load: once per batch instead of once per row.

SQLite has no statement-level triggers, and its row triggers on the ledger (closed
periods, a posting's date, the cached balances and daily totals) took most of a load's
insert time; revision 0013's (a restricted line names its donor and earmark) another 6 %
of a load's CPU. While a load holds the write lock, :func:`guarded_load` drops exactly those
triggers, lets the load insert, checks what it inserted with one query per guard, adds
it to ``account_balances`` and ``daily_totals`` with grouped statements, then re-creates
the triggers from the very SQL the schema stored. It all happens in the load's
transaction, which no other writer can enter: a failure rolls the triggers back with the
rows, and the triggers are re-created even when the load raises. Every other trigger
keeps firing per row.
PostgreSQL needs none of this: its guards run once per statement (revision 0007).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import bindparam, text
from sqlalchemy.orm import Session

from fundledger.i18n import N_
from fundledger.ledger import errors
from fundledger.ledger.chart import NET_ASSETS_RESTRICTED, RESTRICTED_PREFIX

#: The row triggers a load replaces, and what replaces each.
REPLACED = (
    "journal_entries_refuse_closed_period",
    "postings_refuse_closed_period",
    "postings_date_is_entry_date",
    "postings_update_balance",
    "postings_add_to_daily_totals",
    "postings_restricted_names_earmark",
)

_IN_CLOSED_PERIOD = text(
    "SELECT 1 FROM journal_entries AS entry JOIN fiscal_periods AS period ON period.closed"
    " AND entry.entry_date BETWEEN period.start_date AND period.end_date"
    " WHERE entry.id >= :first_entry LIMIT 1"
)
_POSTING_DATE_DIFFERS = text(
    "SELECT 1 FROM postings JOIN journal_entries AS entry ON entry.id = postings.entry_id"
    " WHERE postings.id >= :first_posting AND postings.entry_date IS NOT entry.entry_date"
    " LIMIT 1"
)
#: A restricted-class posting without its donor or earmark (revision 0013).
_UNEARMARKED_RESTRICTED = text(
    "SELECT 1 FROM postings JOIN accounts ON accounts.id = postings.account_id"  # noqa: S608  # nosec B608
    " WHERE postings.id >= :first_posting"
    " AND (postings.donor_id IS NULL OR postings.earmark IS NULL)"
    f" AND (accounts.code = '{NET_ASSETS_RESTRICTED}' OR accounts.code LIKE '{RESTRICTED_PREFIX}%')"
    " LIMIT 1"
)
#: The load's postings summed as ``daily_totals`` groups them (revision 0006).
_ADDED_TOTALS = (
    "SELECT postings.entry_date, postings.account_id, entry.kind, postings.donor_id,"
    " postings.earmark, postings.allocation_id, sum(postings.amount) AS amount"
    " FROM postings JOIN journal_entries AS entry ON entry.id = postings.entry_id"
    " WHERE postings.id >= :first_posting"
    " GROUP BY postings.entry_date, postings.account_id, entry.kind, postings.donor_id,"
    " postings.earmark, postings.allocation_id"
)
_SAME_TOTAL = (
    "daily_totals.entry_date = added.entry_date AND daily_totals.account_id = added.account_id"
    " AND daily_totals.kind = added.kind AND daily_totals.donor_id IS added.donor_id"
    " AND daily_totals.earmark IS added.earmark"
    " AND daily_totals.allocation_id IS added.allocation_id"
)
# The two statements below are composed of the constants above only.
_OPEN_NEW_TOTALS = text(
    "INSERT INTO daily_totals"  # noqa: S608  # nosec B608
    " (entry_date, account_id, kind, donor_id, earmark, allocation_id, amount)"
    " SELECT entry_date, account_id, kind, donor_id, earmark, allocation_id, 0"
    f" FROM ({_ADDED_TOTALS}) AS added"
    f" WHERE NOT EXISTS (SELECT 1 FROM daily_totals WHERE {_SAME_TOTAL})"
)
_ADD_TO_TOTALS = text(
    "UPDATE daily_totals SET amount = daily_totals.amount + added.amount"  # noqa: S608  # nosec B608
    f" FROM ({_ADDED_TOTALS}) AS added WHERE {_SAME_TOTAL}"
)
_ADD_TO_BALANCES = text(
    "UPDATE account_balances SET balance = balance + added.total"
    " FROM (SELECT account_id, sum(amount) AS total FROM postings"
    "       WHERE id >= :first_posting GROUP BY account_id) AS added"
    " WHERE account_balances.account_id = added.account_id"
)


@contextmanager
def guarded_load(session: Session, *, first_entry: int, first_posting: int) -> Iterator[None]:
    """Around a load that inserts entries from id ``first_entry`` and postings from id
    ``first_posting`` on, under the ledger's lock. Raises ``ClosedPeriod`` or
    ``InvalidEntry`` as the triggers would; the caller then rolls back."""
    if session.get_bind().dialect.name != "sqlite":
        yield
        return
    saved = session.execute(
        text("SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND name IN :names")
        .bindparams(bindparam("names", expanding=True)),
        {"names": list(REPLACED)},
    ).all()  # fmt: skip
    if {name for name, _sql in saved} != set(REPLACED):  # not this schema: rows guard
        yield
        return
    for name, _sql in saved:
        session.execute(text(f'DROP TRIGGER "{name}"'))
    try:
        yield
        _check_and_add(session, first_entry, first_posting)
    finally:
        for _name, sql in saved:
            session.execute(text(sql))


def _check_and_add(session: Session, first_entry: int, first_posting: int) -> None:
    if session.scalar(_IN_CLOSED_PERIOD, {"first_entry": first_entry}):
        raise errors.ClosedPeriod(N_("entry date falls in a closed fiscal period"))
    if session.scalar(_POSTING_DATE_DIFFERS, {"first_posting": first_posting}):
        raise errors.InvalidEntry(N_("a posting carries its entry's date"))
    if session.scalar(_UNEARMARKED_RESTRICTED, {"first_posting": first_posting}):
        raise errors.UnearmarkedRestriction(
            N_("a posting to the restricted class (3200, 42xx) names its donor and earmark")
        )
    for statement in (_ADD_TO_BALANCES, _OPEN_NEW_TOTALS, _ADD_TO_TOTALS):
        session.execute(statement, {"first_posting": first_posting})
