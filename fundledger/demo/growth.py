"""Growing the demo ledger to N journal entries, for benchmarks (``fundledger demo --entries N``).

Two paths to the same kind of ledger, both deterministic for a seed:

- :func:`grow_through_services` posts through the operations the Secretariat and CAJP
  use (``record_pledge``, ``record_receipt``, the allocation lifecycle): more donors of
  every type, more rounds of pledges, instalments and payments in five currencies, one
  donor with 1,000 gifts (the statement benchmark's case), allocations proposed,
  decided, disbursed, reported and closed. It commits every batch, so an interrupted
  run keeps what it posted.
- :func:`grow_in_bulk` appends copies of the entries the service layer posted, through
  :func:`~fundledger.ledger.bulk.append_entries`: the same lines, dimensions and hash
  chain at bulk-load speed, but without the contribution records (pledges, receipts)
  behind them, which only the service path creates.

Both keep the books right on every day (issue 14): the service path dates nothing
after the demo's last day and approves within what each pool keeps available from
the approval's day on; the bulk path copies whole rounds of a set of entries that
never overdraws on its own, and tops up with entries that only add money.
"""

from __future__ import annotations

import datetime as dt
import itertools
import random
import sys
from collections import defaultdict
from collections.abc import Callable, Iterable
from decimal import Decimal

import click
from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session, selectinload

from fundledger.actors import Actor
from fundledger.db import Database
from fundledger.demo.dataset import (
    DONORS,
    YEARS,
    AllocationPlanner,
    ContributionGenerator,
    story_end,
)
from fundledger.donors.models import Donor, DonorType, Receipt
from fundledger.ledger.bulk import EntrySpec, append_entries, refresh_statistics
from fundledger.ledger.chart import BANK, CASH_ACCOUNTS
from fundledger.ledger.memos import stored_memo
from fundledger.ledger.models import EntryKind, JournalEntry, LedgerHead
from fundledger.ledger.operations import line_of

#: The donor whose statement the benchmark times, and how many gifts it makes in all.
HEAVY_DONOR = "MEX"
HEAVY_GIFTS = 1_000
STANDING_GIFT = "standing gift"
#: One more synthetic donor per this many entries (up to MAX_DONORS), so that no donor
#: collects so many pledges that settling one becomes the cost being measured.
ENTRIES_PER_DONOR = 500
MAX_DONORS = 200
#: Currencies and languages the synthetic donors cycle through.
CURRENCIES = ("USD", "EUR", "CAD", "BRL", "JPY", "KWD")
LANGUAGES = ("en", "es", "fr", "pt")
#: Donors' rounds between commits on the service path; entries per bulk transaction.
DONORS_PER_BATCH = 20
BULK_BATCH = 10_000
#: How many of the ledger's first entries serve as templates for bulk copies.
MAX_TEMPLATES = 2_000

Progress = Callable[[int], None]


def entry_count(session: Session) -> int:
    """Entries in the ledger: the head's number, since numbers have no gaps."""
    return int(session.scalar(select(LedgerHead.last_number)) or 0)


def grow(database: Database, actor: Actor, *, entries: int, seed: int, bulk: bool) -> str:
    """Grow the ledger to ``entries`` with a progress bar on stderr; a line saying what
    was done."""
    with database.session() as session:
        start = entry_count(session)
    label = "appending in bulk" if bulk else "posting through the service layer"
    with click.progressbar(length=max(0, entries - start), label=label, file=sys.stderr) as bar:
        if bulk:
            added = grow_in_bulk(database, actor, entries=entries, progress=bar.update)
        else:
            added = grow_through_services(
                database, actor, entries=entries, seed=seed, progress=bar.update
            )
    return f"{added} entries {'appended' if bulk else 'posted'}; the ledger holds {start + added}"


def grow_through_services(
    database: Database, actor: Actor, *, entries: int, seed: int, progress: Progress
) -> int:
    """Post through the service layer until the ledger holds ``entries`` (or a few more:
    a donor's year, or a round of allocations, is posted whole); returns how many were
    posted. Run it after ``load_demo`` (allocations need its work plans)."""
    with database.session(write=True) as session:
        start = entry_count(session)
        if start >= entries:
            return 0
        rng = random.Random(seed + start)  # noqa: S311 - demo data, not secrets
        until = story_end()
        years = list(range(until.year - YEARS + 1, until.year + 1))
        contributions = ContributionGenerator(
            session, actor, rng, until=until, key_prefix=f"volume:{start}:"
        )
        planner = AllocationPlanner(session, random.Random(seed + start + 1), until=until)  # noqa: S311
        donors = contributions.donors() + _synthetic_donors(contributions, entries)
        heavy = next(donor for donor, _currency in donors if donor.code == HEAVY_DONOR)
        session.commit()
        reported = start

        def commit() -> int:
            nonlocal reported
            session.commit()
            now = entry_count(session)
            progress(now - reported)
            reported = now
            return now

        given = session.scalar(
            select(func.count(Receipt.id)).where(
                Receipt.donor_id == heavy.id, Receipt.reference.startswith(STANDING_GIFT)
            )
        )
        gifts = max(0, min(HEAVY_GIFTS - (given or 0), (entries - start) // 4))
        first_day = dt.date(years[0], 1, 1)
        for number in range(gifts):
            on = first_day + dt.timedelta(days=number * (until - first_day).days // gifts)
            reference = f"{STANDING_GIFT} {(given or 0) + number + 1}"
            contributions.gift(heavy, "USD", on, earmark=None, reference=reference)
            if number % 100 == 99:
                commit()
        count = commit()
        cycle = itertools.cycle(years)
        while count < entries:
            year = next(cycle)
            for number, (donor, currency) in enumerate(donors, start=1):
                contributions.year_of(donor, currency, year)
                if entry_count(session) >= entries:
                    break
                if number % DONORS_PER_BATCH == 0:
                    commit()
            else:
                planner.allocations(year, current=False)
            count = commit()
        return count - start


def _synthetic_donors(
    contributions: ContributionGenerator, entries: int
) -> list[tuple[Donor, str]]:
    """Donors beyond the demo's 15, cycling through every type, currency and language."""
    wanted = min(MAX_DONORS, entries // ENTRIES_PER_DONOR) - len(DONORS)
    kinds = list(DonorType)
    result = []
    for number in range(1, wanted + 1):
        kind = kinds[number % len(kinds)]
        donor = contributions.donor(
            f"VOL-{number:03d}",
            f"Contributor {number} ({kind.value.replace('_', ' ')})",
            kind.value,
            None,
            LANGUAGES[number % len(LANGUAGES)],
        )
        result.append((donor, CURRENCIES[number % len(CURRENCIES)]))
    return result


def grow_in_bulk(database: Database, actor: Actor, *, entries: int, progress: Progress) -> int:
    """Append copies of the ledger's service-posted entries until it holds ``entries``;
    returns how many were appended. Each copy keeps its template's date and lines and
    takes a new idempotency key.

    Each transaction appends whole rounds of the templates, which together never
    overdraw a day (see :func:`_self_supporting`), so the ledger is right after every
    commit; the rounds' remainder is made of copies of entries that only add money."""
    with database.session(write=True) as session:
        start = entry_count(session)
        templates = _self_supporting(_templates(session))
        adding = [template for template in templates if _only_adds(template)]
        if start >= entries or not adding:
            return 0
        session.commit()
        rounds, rest = divmod(entries - start, len(templates))
        rounds_per_batch = max(1, BULK_BATCH // len(templates))
        batches = [templates * min(rounds_per_batch, rounds - done)
                   for done in range(0, rounds, rounds_per_batch)]  # fmt: skip
        top_up = list(itertools.islice(itertools.cycle(adding), rest))
        batches += [top_up[i : i + BULK_BATCH] for i in range(0, rest, BULK_BATCH)]
        number = start
        for batch in batches:
            specs = [
                EntrySpec(t.entry_date, t.lines, t.kind, t.memo, t.source_ref, f"bulk:{number + i}")
                for i, t in enumerate(batch, start=1)
            ]
            append_entries(session, specs, created_by=actor.name, request_id=actor.request_id)
            session.commit()
            number += len(specs)
            progress(len(specs))
        refresh_statistics(session)
        session.commit()
    return entries - start


def _templates(session: Session) -> list[EntrySpec]:
    """The ledger's first entries as specs. Reversals are left out (each entry is
    reversed at most once, so a reversal cannot be copied), and so are the heavy donor's
    standing gifts: they are a thousand of the first entries, and copying them would make
    that one donor half of a large ledger."""
    loaded = session.scalars(
        select(JournalEntry)
        .options(selectinload(JournalEntry.postings))
        .where(
            JournalEntry.reverses_id.is_(None),
            or_(
                JournalEntry.source_ref.is_(None),
                JournalEntry.source_ref.not_like(f"{STANDING_GIFT} %"),
            ),
        )
        .order_by(JournalEntry.number)
        .limit(MAX_TEMPLATES)
    )
    return [
        EntrySpec(
            entry.entry_date,
            [line_of(posting) for posting in entry.postings],
            EntryKind(entry.kind),
            stored_memo(entry.memo, entry.memo_id, entry.memo_params) or "",
            entry.source_ref,
        )
        for entry in loaded
    ]


#: A running balance the copies must keep non-negative: the bank, or in one pool
#: (``None`` for unrestricted money, else donor id and earmark) its bank money or its
#: money (bank less credits and refunds owed).
Series = tuple[str, tuple[int | None, str | None] | None]


def _moves(template: EntrySpec) -> dict[Series, Decimal]:
    """How one entry moves each series."""
    moves: dict[Series, Decimal] = defaultdict(Decimal)
    for line in template.lines:
        pool = None if line.earmark is None else (line.donor_id, line.earmark)
        if line.account == BANK:
            moves["bank", None] += line.amount
            moves["pool bank", pool] += line.amount
        if line.account in CASH_ACCOUNTS:
            moves["pool money", pool] += line.amount
    return moves


def _only_adds(template: EntrySpec) -> bool:
    """Whether copies of the entry stand on their own: it belongs to no allocation and
    takes money out of no series."""
    return not any(line.allocation_id for line in template.lines) and all(
        amount >= 0 for amount in _moves(template).values()
    )


def _self_supporting(templates: list[EntrySpec]) -> list[EntrySpec]:
    """The templates that, copied together, overdraw no series on any day: every entry
    that only adds money, and the entries of each allocation (or each other entry) as
    long as the money already kept carries them. A copied tranche needs copied money to
    draw on: the originals' money is committed to the originals."""
    kept = [template for template in templates if _only_adds(template)]
    daily: dict[Series, dict[dt.date, Decimal]] = defaultdict(lambda: defaultdict(Decimal))
    _add(daily, kept)
    groups: dict[object, list[EntrySpec]] = {}
    for index, template in enumerate(templates):
        if not _only_adds(template):
            allocation = next(
                (line.allocation_id for line in template.lines if line.allocation_id), None
            )
            groups.setdefault(allocation or f"entry {index}", []).append(template)
    for group in groups.values():
        trial: dict[Series, dict[dt.date, Decimal]] = defaultdict(lambda: defaultdict(Decimal))
        _add(trial, group)
        if all(_never_below_zero(daily[series], trial[series]) for series in trial):
            _add(daily, group)
            kept += group
    return kept


def _add(daily: dict[Series, dict[dt.date, Decimal]], templates: Iterable[EntrySpec]) -> None:
    for template in templates:
        for series, amount in _moves(template).items():
            daily[series][template.entry_date] += amount


def _never_below_zero(kept: dict[dt.date, Decimal], extra: dict[dt.date, Decimal]) -> bool:
    balance = Decimal(0)
    for day in sorted(kept.keys() | extra.keys()):
        balance += kept.get(day, Decimal(0)) + extra.get(day, Decimal(0))
        if balance < 0:
            return False
    return True
