"""Eight workers at once on PostgreSQL, each with its own connection, mixing the three
kinds of write the fund does most: journal entries with idempotency keys (some keys
shared by every worker, some used by every worker for different content), imports of
contribution files that overlap their neighbours', and CAJP approvals against the same
pools, each allocation approved by two workers racing.

Afterwards nothing is lost and nothing is doubled (every key has exactly one entry,
every imported row one entry and one pledge), exactly the approvals the money allows
went through and each of them once, no pool is negative (``fundledger available``), and
``fundledger verify`` passes.
"""

from __future__ import annotations

import datetime as dt
import random
import threading
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal
from pathlib import Path

from sqlalchemy import func, select

from fundledger.actors import Actor
from fundledger.allocations.errors import IllegalTransition, InsufficientFunds
from fundledger.allocations.models import Allocation, State
from fundledger.allocations.operations import decide_allocation
from fundledger.db import Database
from fundledger.donors.imports import import_contributions
from fundledger.donors.models import Pledge
from fundledger.ledger.errors import IdempotencyConflict
from fundledger.ledger.models import JournalEntry
from fundledger.ledger.operations import credit, debit, post_entry
from tests.reliability.figures import Figures
from tests.reliability.helpers import (
    POSTGRES_ONLY,
    TIMEOUT,
    approval_problems,
    contribution_file,
    contribution_rows,
    count_keys,
    fund_programme,
    import_keys,
    run_fundledger,
    states,
    submit_allocations,
    verify_passes,
    with_indirect,
)

WORKERS = 8
#: Entries each worker posts: its own keys, keys every worker posts with the same
#: content (one entry each), and keys every worker posts with its own content (one
#: worker wins, the others are told the key is taken).
OWN_ENTRIES = 24
SHARED_ENTRIES = 4
CONTESTED_ENTRIES = 2
#: Each worker imports a file of 2 × IMPORT_STEP rows; worker i's second half is
#: worker i+1's first half, so every row is in exactly two files.
IMPORT_STEP = 20
#: Allocations of 10,000 each; the money allows exactly FUNDED of them (with 7 %
#: indirect costs: 10,700 each out of 60,000 earmarked and 100,000 unrestricted).
ALLOCATIONS = 24
ALLOCATION = Decimal(10000)
FUNDED = int(Decimal(160000) // with_indirect(ALLOCATION))


def _entry_work(database: Database, worker: int) -> list[Callable[[], str]]:
    """The entries worker ``worker`` posts (to accounts that hold no pool money)."""

    def post(key: str, amount: str) -> Callable[[], str]:
        def work() -> str:
            try:
                with database.transaction() as session:
                    post_entry(
                        session, entry_date=dt.date(2025, 6, 1), created_by=f"worker {worker}",
                        lines=[debit("5300", amount), credit("4300", amount)],
                        memo=f"load {key}", idempotency_key=key,
                    )  # fmt: skip
            except IdempotencyConflict:
                return "entry refused: key taken"
            return "entry posted"

        return work

    return [
        *(post(f"load-own-{worker}-{n}", f"{worker + 1}.{n:02d}") for n in range(OWN_ENTRIES)),
        *(post(f"load-shared-{n}", f"{n + 1}.00") for n in range(SHARED_ENTRIES)),
        *(post(f"load-contested-{n}", f"{worker + 1}{n}.00") for n in range(CONTESTED_ENTRIES)),
    ]


def _import_work(database: Database, csv_file: Path) -> Callable[[], str]:
    def work() -> str:
        with database.transaction() as session:
            report = import_contributions(session, Actor("importer"), csv_file.read_bytes())
        return f"import: {report.posted} posted, {report.already_posted} already there"

    return work


def _approval_work(database: Database, worker: int, allocation_id: int) -> Callable[[], str]:
    def work() -> str:
        try:
            with database.transaction() as session:
                allocation = session.get(Allocation, allocation_id)
                assert allocation is not None
                decide_allocation(
                    session, Actor(f"cajp{worker}@oas.org"), allocation, decision="approve",
                    on=dt.date(2025, 3, 18), reference=f"CP/CAJP-{allocation_id}/25",
                )  # fmt: skip
        except InsufficientFunds:
            return "approval refused: no money"
        except IllegalTransition:
            return "approval refused: already decided"
        return "approval done"

    return work


@POSTGRES_ONLY
def test_eight_workers_lose_nothing_double_nothing_and_overspend_nothing(
    database: Database, tmp_path: Path, figures: Figures
) -> None:
    fund_programme(database, earmarked=60000, unrestricted=100000)
    ids = submit_allocations(database, [ALLOCATION] * ALLOCATIONS)
    rows = contribution_rows(WORKERS * IMPORT_STEP, tag="load", unrestricted=False)
    files = [
        contribution_file(
            tmp_path / f"bank-{worker}.csv",
            (rows + rows)[worker * IMPORT_STEP : (worker + 2) * IMPORT_STEP],
        )
        for worker in range(WORKERS)
    ]
    row_keys = set().union(*(import_keys(path) for path in files))
    assert len(row_keys) == len(rows)

    plans: list[list[Callable[[], str]]] = []
    for worker in range(WORKERS):
        plan = [
            *_entry_work(database, worker),
            _import_work(database, files[worker]),
            *(
                _approval_work(database, worker, allocation_id)
                for number, allocation_id in enumerate(ids)
                if worker in (number % WORKERS, (number + 1) % WORKERS)
            ),
        ]
        random.Random(worker).shuffle(plan)  # noqa: S311 - an order, not a secret
        plans.append(plan)
    start = threading.Barrier(WORKERS)

    def run(plan: list[Callable[[], str]]) -> Counter[str]:
        start.wait()
        return Counter(work() for work in plan)

    with ThreadPoolExecutor(WORKERS) as pool:
        futures = [pool.submit(run, plan) for plan in plans]
        outcomes = sum((future.result(timeout=TIMEOUT) for future in futures), Counter[str]())
    figures.add("operations_under_load", sum(len(plan) for plan in plans))

    own = WORKERS * OWN_ENTRIES
    assert outcomes["entry posted"] == own + WORKERS * SHARED_ENTRIES + CONTESTED_ENTRIES
    assert outcomes["entry refused: key taken"] == (WORKERS - 1) * CONTESTED_ENTRIES
    imports = [text for text in outcomes.elements() if text.startswith("import")]
    assert sum(int(text.split()[1]) for text in imports) == len(rows), imports
    assert outcomes["approval done"] == FUNDED
    assert (
        outcomes["approval refused: already decided"] + outcomes["approval refused: no money"]
        == 2 * ALLOCATIONS - FUNDED
    )

    entry_keys = {f"load-own-{w}-{n}" for w in range(WORKERS) for n in range(OWN_ENTRIES)}
    entry_keys |= {f"load-shared-{n}" for n in range(SHARED_ENTRIES)}
    entry_keys |= {f"load-contested-{n}" for n in range(CONTESTED_ENTRIES)}
    with database.session() as session:
        counted = count_keys(session, entry_keys | row_keys)
        figures.add("entries_lost", counted.lost)
        figures.add("entries_doubled", counted.doubled)
        assert (counted.lost, counted.doubled) == (0, 0)
        pledged = session.scalar(select(func.count()).select_from(Pledge))
        assert pledged == len(rows) // 2
        entries = session.scalar(select(func.count()).select_from(JournalEntry))
        assert entries == 2 + len(entry_keys) + len(rows)
        assert approval_problems(session) == []
        assert states(session) == {
            State.APPROVED: FUNDED,
            State.SUBMITTED: ALLOCATIONS - FUNDED,
        }

    available = run_fundledger(database.url, "available", "--format", "csv")
    assert available.returncode == 0, available.stderr
    lines = available.stdout.splitlines()[1:]
    pools = {line.split(",")[0]: Decimal(line.split(",")[3]) for line in lines}
    assert min(pools.values()) >= 0, available.stdout
    left = pools["unrestricted"] + pools["MEX/activity:5"]
    assert left == Decimal(160000) - FUNDED * with_indirect(ALLOCATION)
    verify_passes(database.url)
