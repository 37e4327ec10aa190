"""Appending many journal entries fast: one COPY or executemany instead of the ORM.

``post_entry`` flushes one entry at a time through the unit of work, which is what a
request needs and about 100 times slower than a load needs. :func:`append_entries` checks
each entry with the same functions ``post_entry`` uses, computes the same content digest
and chain hash (``fundledger verify`` recomputes both), and inserts a batch of entries and
their postings in two statements under the ledger's lock (:mod:`fundledger.ledger.bulk_rows`).
The database keeps guarding what it guards (append-only, closed periods, cached balances
and totals, balanced entries): per statement on PostgreSQL, per batch on SQLite
(:mod:`fundledger.ledger.load_guards`).
Like every writer it only flushes; the caller commits.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from sqlalchemy import Table, func, select, text
from sqlalchemy.orm import InstrumentedAttribute, Session

from fundledger.ledger.bounds import refused_beyond_bound
from fundledger.ledger.bulk_rows import insert_rows
from fundledger.ledger.dates import check_not_after_today, check_open_period
from fundledger.ledger.hashing import chain_hash, content_digest
from fundledger.ledger.load_guards import guarded_load
from fundledger.ledger.memos import Memo, memo_english, memo_id, memo_params
from fundledger.ledger.models import EntryKind, FiscalPeriod, JournalEntry, Posting
from fundledger.ledger.operations import (
    _ADVANCE_HEAD,
    POSTING_FIELDS,
    Line,
    _accounts_by_code,
    _check_dimensions,
    _check_shape,
    _normalized,
    lock_ledger,
    posting_values,
)
from fundledger.ledger.overdraft import refuse_overdraft

#: The columns a load writes, in the order of the row tuples below.
ENTRY_COLUMNS = ("id", "number", "entry_date", "kind", "memo", "source_ref", "idempotency_key",
                 "content_digest", "created_by", "request_id", "created_at", "reverses_id",
                 "prev_hash", "hash", "memo_id", "memo_params")  # fmt: skip
POSTING_COLUMNS = ("id", *POSTING_FIELDS)

_ENTRIES: Table = JournalEntry.__table__  # type: ignore[assignment]
_POSTINGS: Table = Posting.__table__  # type: ignore[assignment]


@dataclass(frozen=True, slots=True)
class EntrySpec:
    """What ``post_entry`` takes for one entry (reversals are posted one by one)."""

    entry_date: dt.date
    lines: Sequence[Line]
    kind: EntryKind = EntryKind.MANUAL
    memo: Memo = ""
    source_ref: str | None = None
    idempotency_key: str | None = None


def append_entries(
    session: Session,
    specs: Iterable[EntrySpec],
    *,
    created_by: str,
    request_id: str | None = None,
) -> int:
    """Append ``specs`` in order as new entries; returns how many were appended.

    All or nothing: the first invalid entry raises the ``InvalidEntry`` that
    ``post_entry`` would, before anything is written; a balance or daily total the load
    would take beyond the bound raises ``BeyondBound`` and the load is rolled back.
    Idempotency keys must be new (the unique index refuses a repeat); a load is not a retry.
    """
    checked = [_checked(spec) for spec in specs]
    if not checked:
        return 0
    accounts = _accounts_by_code(session, {line.account for spec in checked for line in spec.lines})
    _check_dimensions(session, list({line for spec in checked for line in spec.lines}))
    check_not_after_today(max(spec.entry_date for spec in checked))
    _check_open_periods(session, {spec.entry_date for spec in checked})

    last_number, last_hash = lock_ledger(session)
    first_entry_id = _next_id(session, JournalEntry.id)
    first_posting_id = _next_id(session, Posting.id)
    created_at = dt.datetime.now(dt.UTC)
    entry_rows: list[tuple[object, ...]] = []
    posting_rows: list[tuple[object, ...]] = []
    for offset, spec in enumerate(checked):
        number = last_number + 1 + offset
        entry_id = first_entry_id + offset
        digest = content_digest(
            entry_date=spec.entry_date,
            kind=str(spec.kind),
            memo=memo_english(spec.memo) or "",
            source_ref=spec.source_ref,
            reverses_number=None,
            lines=[line.canonical() for line in spec.lines],
        )
        last_hash = chain_hash(
            prev_hash=(prev_hash := last_hash),
            number=number,
            digest=digest,
            idempotency_key=spec.idempotency_key,
            created_by=created_by,
            request_id=request_id,
            created_at=created_at,
        )
        entry_rows.append(
            (entry_id, number, spec.entry_date, str(spec.kind), memo_english(spec.memo),
             spec.source_ref, spec.idempotency_key, digest, created_by, request_id, created_at,
             None, prev_hash, last_hash, memo_id(spec.memo), memo_params(spec.memo))
        )  # fmt: skip
        for line_no, line in enumerate(spec.lines, start=1):
            values = posting_values(
                entry_id, line_no, line, accounts[line.account].id, spec.entry_date
            )
            posting_rows.append((first_posting_id + len(posting_rows), *values))
    appended = [(spec.entry_date, str(spec.kind), spec.lines) for spec in checked]
    with (
        refused_beyond_bound(session, appended),
        session.begin_nested(),  # a refused load leaves the caller's transaction usable
    ):
        with guarded_load(session, first_entry=first_entry_id, first_posting=first_posting_id):
            insert_rows(session, _ENTRIES, ENTRY_COLUMNS, entry_rows)
            insert_rows(session, _POSTINGS, POSTING_COLUMNS, posting_rows)
        # Once the daily totals hold the load (SQLite adds them as the guards end).
        refuse_overdraft(session, [(spec.entry_date, spec.lines) for spec in checked])
    session.execute(_ADVANCE_HEAD, {"number": last_number + len(checked), "hash": last_hash})
    _advance_sequences(session)
    return len(checked)


def refresh_statistics(session: Session) -> None:
    """After a large load, PostgreSQL's planner statistics describe the ledger before it:
    at 1M entries it then scanned all 2.6M postings for the journal page's 50 entries
    (220 ms instead of 1.4 ms) until autovacuum caught up. ANALYZE the ledger's tables.
    SQLite keeps no statistics unless asked, and plans by its indexes alone."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("ANALYZE journal_entries, postings, daily_totals"))


#: post_entry's check of one line is a pure function of the line and its number; a load
#: repeats lines (the same pledge pattern, the same accounts), so it is remembered.
_normalized_line = functools.lru_cache(maxsize=100_000)(_normalized)


def _checked(spec: EntrySpec) -> EntrySpec:
    """The spec with its lines normalized, or the ``InvalidEntry`` post_entry would raise."""
    lines = [_normalized_line(number, line) for number, line in enumerate(spec.lines, start=1)]
    _check_shape(spec.entry_date, spec.kind, memo_english(spec.memo) or "", spec.source_ref,
                 spec.idempotency_key, lines)  # fmt: skip
    return EntrySpec(spec.entry_date, lines, spec.kind, spec.memo, spec.source_ref,
                     spec.idempotency_key)  # fmt: skip


def _check_open_periods(session: Session, dates: set[dt.date]) -> None:
    """``post_entry``'s closed-period check for many dates, in one query."""
    closed = session.execute(
        select(FiscalPeriod.start_date, FiscalPeriod.end_date).where(FiscalPeriod.closed)
    ).all()
    for start, end in closed:
        inside = sorted(day for day in dates if start <= day <= end)
        if inside:
            check_open_period(session, inside[0])  # raises, naming the period


def _next_id(session: Session, column: InstrumentedAttribute[int]) -> int:
    """The first free primary key; safe because appends hold the ledger's lock."""
    return int(session.scalar(select(func.coalesce(func.max(column), 0))) or 0) + 1


def _advance_sequences(session: Session) -> None:
    """Explicit ids do not move PostgreSQL's sequences: move them past what was inserted."""
    if session.get_bind().dialect.name != "postgresql":
        return
    for statement in _SEQUENCE_CATCH_UP:
        session.execute(text(statement))


_SEQUENCE_CATCH_UP = (
    "SELECT setval(pg_get_serial_sequence('journal_entries', 'id'),"
    " (SELECT max(id) FROM journal_entries))",
    "SELECT setval(pg_get_serial_sequence('postings', 'id'), (SELECT max(id) FROM postings))",
)
