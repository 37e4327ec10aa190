"""Recompute every ledger invariant from the stored rows (``fundledger verify``).

Nothing here trusts what the service layer did: balances are summed again, hashes are
recomputed from the rows, and the results are compared with what is stored.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections import defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from fundledger.clock import today
from fundledger.inputs import FIRST_DAY
from fundledger.ledger.balances import History, account_history, pool_histories
from fundledger.ledger.chart import BANK, CASH_ACCOUNTS, is_restricted
from fundledger.ledger.hashing import (
    GENESIS_HASH,
    CanonicalLine,
    chain_hash,
    content_digest,
)
from fundledger.ledger.memos import words_its_text
from fundledger.ledger.models import (
    Account,
    AccountBalance,
    AccountType,
    DailyTotal,
    FiscalPeriod,
    JournalEntry,
    LedgerHead,
    PoolBalance,
    Posting,
)
from fundledger.ledger.overdraft import pool_name
from fundledger.ledger.queries import ZERO


@dataclass(slots=True)
class Report:
    entries: int = 0
    postings: int = 0
    violations: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.violations

    def summary(self) -> str:
        verdict = "ledger verified" if self.ok else f"{len(self.violations)} violation(s)"
        return (
            f"{verdict}: {self.entries} entries, {self.postings} postings; "
            "entries balance, hash chain intact, cached account and pool balances and daily totals "
            "equal sums, "
            "closed periods untouched, no pool and not the bank below zero on any day, "
            "each class's net assets equal its pools' on every day"
            if self.ok
            else f"{verdict} in {self.entries} entries, {self.postings} postings"
        )


def verify_ledger(session: Session) -> Report:
    report = Report()
    report.violations.extend(_unbalanced_entries(session))
    report.violations.extend(_chain_breaks(session, report))
    report.violations.extend(_stale_balances(session))
    report.violations.extend(_stale_daily_totals(session))
    report.violations.extend(_late_postings(session))
    report.violations.extend(_classes_apart_from_pools(session))


    report.violations.extend(stale_pool_balances(session))
    report.violations.extend(overdrawn_days(session))
    return report


def _unbalanced_entries(session: Session) -> Iterator[str]:
    totals = (
        select(
            JournalEntry.number,
            func.coalesce(func.sum(Posting.amount), ZERO).label("total"),
            func.count(Posting.id).label("lines"),
        )
        .outerjoin(Posting, Posting.entry_id == JournalEntry.id)
        .group_by(JournalEntry.number)
        .having((func.coalesce(func.sum(Posting.amount), ZERO) != 0) | (func.count(Posting.id) < 2))
        .order_by(JournalEntry.number)
    )
    for row in session.execute(totals):
        yield f"entry #{row.number} does not balance: {row.lines} lines summing to {row.total:f}"


def _chain_breaks(session: Session, report: Report) -> Iterator[str]:
    lines = session.execute(
        select(
            Posting.entry_id,
            Account.code,
            Posting.amount,
            Posting.donor_id,
            Posting.activity_number,
            Posting.objective_number,
            Posting.organ_code,
            Posting.earmark,
            Posting.allocation_id,
            Posting.currency,
            Posting.original_amount,
            Posting.rate,
            Posting.memo,
            Posting.entry_date,
            Posting.memo_id,
            Posting.memo_params,
        )
        .join(Account, Account.id == Posting.account_id)
        .join(JournalEntry, JournalEntry.id == Posting.entry_id)
        .order_by(JournalEntry.number, Posting.line_no)
        .execution_options(yield_per=5000)
    )
    lines_by_entry = itertools.groupby(lines, key=lambda row: row.entry_id)
    pending = next(lines_by_entry, None)
    reversed_numbers = {
        row.id: row.number
        for row in session.execute(
            select(JournalEntry.id, JournalEntry.number).where(
                JournalEntry.id.in_(select(JournalEntry.reverses_id))
            )
        )
    }
    entries = session.scalars(
        select(JournalEntry).order_by(JournalEntry.number).execution_options(yield_per=2000)
    )
    previous = GENESIS_HASH
    for expected_number, entry in enumerate(entries, start=1):
        report.entries += 1
        own_lines: list[CanonicalLine] = []
        if pending is not None and pending[0] == entry.id:
            for row in pending[1]:
                report.postings += 1
                if row.entry_date != entry.entry_date:
                    yield f"entry #{entry.number}: a posting is dated {row.entry_date}"
                if not words_its_text(row.memo, row.memo_id, row.memo_params):
                    yield f"entry #{entry.number}: a posting's memo and its message differ"
                own_lines.append(
                    CanonicalLine(
                        account_code=row.code,
                        amount=row.amount,
                        donor_id=row.donor_id,
                        activity_number=row.activity_number,
                        objective_number=row.objective_number,
                        organ_code=row.organ_code,
                        earmark=row.earmark,
                        allocation_id=row.allocation_id,
                        currency=row.currency,
                        original_amount=row.original_amount,
                        rate=row.rate,
                        memo=row.memo,
                    )
                )
            pending = next(lines_by_entry, None)
        if entry.number != expected_number:
            yield f"entry numbers jump from {expected_number - 1} to {entry.number}"
        if entry.prev_hash != previous:
            yield f"entry #{entry.number} does not chain to the entry before it"
        digest = content_digest(
            entry_date=entry.entry_date,
            kind=entry.kind,
            memo=entry.memo,
            source_ref=entry.source_ref,
            reverses_number=reversed_numbers.get(entry.reverses_id)
            if entry.reverses_id is not None
            else None,
            lines=own_lines,
        )
        if digest != entry.content_digest:
            yield f"entry #{entry.number} was altered: its content no longer matches its digest"
        if not words_its_text(entry.memo, entry.memo_id, entry.memo_params):
            yield f"entry #{entry.number}: its memo and its message differ"
        recomputed = chain_hash(
            prev_hash=entry.prev_hash,
            number=entry.number,
            digest=entry.content_digest,
            idempotency_key=entry.idempotency_key,
            created_by=entry.created_by,
            request_id=entry.request_id,
            created_at=entry.created_at,
        )
        if recomputed != entry.hash:
            yield f"entry #{entry.number} was altered: its hash does not match its record"
        previous = entry.hash
        session.expunge(entry)
    head = session.get(LedgerHead, 1)
    if head is None or head.last_number != report.entries or head.last_hash != previous:
        yield "the ledger head does not point at the last entry"


def _stale_balances(session: Session) -> Iterator[str]:
    sums = (
        select(Posting.account_id, func.sum(Posting.amount).label("total"))
        .group_by(Posting.account_id)
        .subquery()
    )
    summed = func.coalesce(sums.c.total, ZERO)
    rows = session.execute(
        select(Account.code, AccountBalance.balance, summed.label("total"))
        .join(AccountBalance, AccountBalance.account_id == Account.id, isouter=True)
        .join(sums, sums.c.account_id == Account.id, isouter=True)
        .where((AccountBalance.balance.is_(None)) | (AccountBalance.balance != summed))
        .order_by(Account.code)
    )
    for row in rows:
        yield (
            f"account {row.code}: cached balance {row.balance} but postings sum to {row.total:f}"
        )


def _stale_daily_totals(session: Session) -> Iterator[str]:
    """The trigger-kept daily totals against the postings summed again by the same key,
    compared here because the keys hold NULLs (thousands of rows however long the ledger)."""
    kept: dict[tuple[object, ...], Decimal] = defaultdict(lambda: ZERO)
    rows = session.execute(
        select(DailyTotal.entry_date, Account.code, DailyTotal.kind, DailyTotal.donor_id,
               DailyTotal.earmark, DailyTotal.allocation_id, DailyTotal.amount)
        .join(Account, Account.id == DailyTotal.account_id)
    )  # fmt: skip
    for *key, amount in rows:
        kept[tuple(key)] += amount
    summed = session.execute(
        select(Posting.entry_date, Account.code, JournalEntry.kind, Posting.donor_id,
               Posting.earmark, Posting.allocation_id, func.sum(Posting.amount))
        .join(Account, Account.id == Posting.account_id)
        .join(JournalEntry, JournalEntry.id == Posting.entry_id)
        .group_by(Posting.entry_date, Account.code, JournalEntry.kind, Posting.donor_id,
                  Posting.earmark, Posting.allocation_id)
    )  # fmt: skip
    for *key, total in summed:
        found = kept.pop(tuple(key), None)
        if found != total:
            yield f"daily total {_describe(key)}: kept {found} but postings sum to {total:f}"
    for orphan, amount in sorted(kept.items(), key=str):
        yield f"daily total {_describe(orphan)}: kept {amount:f} but no postings have its key"


def _describe(key: Sequence[object]) -> str:
    """``2025-03-01 1010 receipt donor 3 earmark activity:5 allocation -``."""
    day, code, kind, donor_id, earmark, allocation_id = (
        "-" if part is None else str(part) for part in key
    )
    return f"{day} {code} {kind} donor {donor_id} earmark {earmark} allocation {allocation_id}"


def _late_postings(session: Session) -> Iterator[str]:
    rows = session.execute(
        select(JournalEntry.number, FiscalPeriod.year)
        .join(
            FiscalPeriod,
            JournalEntry.entry_date.between(FiscalPeriod.start_date, FiscalPeriod.end_date),
        )
        .where(FiscalPeriod.closed, JournalEntry.created_at > FiscalPeriod.closed_at)
        .order_by(JournalEntry.number)
    )
    for row in rows:
        yield f"entry #{row.number} was posted into fiscal year {row.year} after it was closed"


#: The two classes of net assets, as verify names them.
_CLASSES = ("unrestricted", "restricted")


def _classes_apart_from_pools(session: Session) -> Iterator[str]:
    """Each class's net assets in the trial balance against the sum of its pools' net
    assets, at the end of every day that has postings (DESIGN §3, "classes follow the
    money"): the restricted class (3200, 42xx) against the asset and liability lines
    that carry an earmark, the unrestricted class against those that carry none.

    Read from the daily totals in date order, a running sum per class; one line per
    class names the first day they part, by how much, and on how many days they differ.
    """
    balance_sheet = (AccountType.ASSET, AccountType.LIABILITY)
    rows = session.execute(
        select(DailyTotal.entry_date, Account.code, Account.type,
               DailyTotal.earmark.is_not(None), func.sum(DailyTotal.amount))
        .join(Account, Account.id == DailyTotal.account_id)
        .group_by(DailyTotal.entry_date, Account.code, Account.type,
                  DailyTotal.earmark.is_not(None))
        .order_by(DailyTotal.entry_date)
    )  # fmt: skip
    # Per class: pools' net assets (debit positive) + the class's own lines; zero when equal.
    apart = {name: ZERO for name in _CLASSES}
    first: dict[str, tuple[dt.date, Decimal]] = {}
    days = {name: 0 for name in _CLASSES}
    for day, group in itertools.groupby(rows, key=lambda row: row[0]):
        for _day, code, kind, earmarked, amount in group:
            if kind in balance_sheet:
                apart[_CLASSES[bool(earmarked)]] += amount
            else:
                apart[_CLASSES[is_restricted(code)]] += amount
        for name in _CLASSES:
            if apart[name]:
                days[name] += 1
                first.setdefault(name, (day, apart[name]))
    for name in _CLASSES:
        if name in first:
            day, difference = first[name]
            yield (
                f"{name} net assets differ from the sum of their pools by {difference:f} at "
                f"the end of {day} (pools minus class), and on {days[name]} day(s) in all"
            )


def stale_pool_balances(session: Session) -> Iterator[str]:
    """The trigger-kept balance of each account per pool (revision 0009), which the
    overdraft check starts from, against the postings summed again."""
    donor_key = func.coalesce(Posting.donor_id, 0)
    earmark_key = func.coalesce(Posting.earmark, "")
    summed = {
        (code, donor, earmark): total
        for code, donor, earmark, total in session.execute(
            select(Account.code, donor_key, earmark_key, func.sum(Posting.amount))
            .join(Account, Account.id == Posting.account_id)
            .group_by(Account.code, donor_key, earmark_key)
        )
    }
    kept = session.execute(
        select(Account.code, PoolBalance.donor_key, PoolBalance.earmark_key, PoolBalance.balance)
        .join(Account, Account.id == PoolBalance.account_id)
    )
    for code, donor, earmark, balance in kept:
        total = summed.pop((code, donor, earmark), ZERO)
        if total != balance:
            yield (f"pool balance of account {code} donor {donor or '-'} earmark "
                   f"{earmark or '-'}: kept {balance:f} but postings sum to {total:f}")  # fmt: skip
    for (code, donor, earmark), total in sorted(summed.items(), key=str):
        yield (f"pool balance of account {code} donor {donor or '-'} earmark {earmark or '-'}: "
               f"none kept but postings sum to {total:f}")  # fmt: skip


def overdrawn_days(session: Session) -> Iterator[str]:
    """The bank and every pool day by day from the first posting: each one that ends a day
    below zero (issue 14), with its first such day, how many days and its lowest."""
    bank = account_history(session, [BANK], since=FIRST_DAY)
    if problem := _below_zero(bank):
        yield f"the bank {problem}"
    pools = pool_histories(session, CASH_ACCOUNTS, since=FIRST_DAY)
    for key in sorted(pools, key=str):
        if problem := _below_zero(pools[key]):
            yield f"pool {pool_name(session, key)} {problem}"


def _below_zero(history: History) -> str | None:
    """``is below zero on 25 days from 2022-04-01; lowest -15500.00 on 2022-04-01``, or
    None if it never ends a day below zero (counted through today or its last change)."""
    points = list(history.days())
    end = max(today(), points[-1].day) + dt.timedelta(days=1)
    negative = [
        (point, (following.day if following else end) - point.day)
        for point, following in zip(points, [*points[1:], None], strict=True)
        if point.balance < 0
    ]
    if not negative:
        return None
    lowest = min((point for point, _days in negative), key=lambda point: point.balance)
    days = sum((length.days for _point, length in negative), 0)
    return (
        f"is below zero on {days} day(s) from {negative[0][0].day.isoformat()}; lowest "
        f"{lowest.balance:f} on {lowest.day.isoformat()}"
    )
