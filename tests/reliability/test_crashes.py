"""A real ``fundledger`` process killed with SIGKILL in the middle of its work, on SQLite
(WAL) and PostgreSQL: afterwards ``fundledger verify`` passes, the import posted all of
its rows or none, every approval is whole, and running the work again finishes it with
every row posted exactly once.

"In the middle" is observed, not guessed: the kill waits until the dying process has
demonstrably written. On PostgreSQL the journal's id sequence (which no rollback takes
back) shows entries being inserted by the uncommitted import; on SQLite the write-ahead
log grows while the import has not committed, which happens once the transaction no
longer fits in SQLite's page cache and its pages spill to disk. The approval batch
prints a line around every transaction.
"""

from __future__ import annotations

import sqlite3
import subprocess
import threading
import time
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select, text

from fundledger.allocations.models import Allocation
from fundledger.db import Database
from fundledger.donors.models import Pledge, Receipt
from fundledger.ledger.models import JournalEntry
from tests.reliability.figures import Figures
from tests.reliability.helpers import (
    APPROVE_BATCH,
    FUNDLEDGER,
    TIMEOUT,
    approval_problems,
    contribution_file,
    contribution_rows,
    count_keys,
    fund_programme,
    import_keys,
    process_env,
    run_fundledger,
    states,
    submit_allocations,
    verify_passes,
)

pytestmark = [pytest.mark.slow, pytest.mark.heavy]

#: Rows in the imported file, and the length of each row's bank reference: with long
#: references SQLite's default 2 MB page cache overflows after some 240 rows and the
#: uncommitted transaction spills into the WAL, leaving some 360 rows (seconds of
#: work) to kill in. Every row is posted twice more afterwards: keep the file small.
ROWS = 600
REFERENCE_PADDING = 1800
#: Rows the PostgreSQL import must have inserted before it is killed.
POSTED_BEFORE_KILL = 100
#: Allocations in the approval batch, and approvals to see committed before the kill.
BATCH = 60
APPROVED_BEFORE_KILL = 15


def _import_progress(database: Database) -> Callable[[], bool]:
    """A check that turns true once the running import has written uncommitted rows."""
    if database.dialect == "postgresql":
        with database.engine.connect() as connection:
            start = connection.scalar(text("SELECT last_value FROM journal_entries_id_seq"))

        def posted_enough() -> bool:
            with database.engine.connect() as connection:
                now = connection.scalar(text("SELECT last_value FROM journal_entries_id_seq"))
            return int(now) - int(start) >= POSTED_BEFORE_KILL

        return posted_enough
    path = Path(str(database.engine.url.database))
    with database.engine.connect() as connection:  # an empty WAL to start from
        connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    database.dispose()
    wal = path.with_name(path.name + "-wal")

    def spilled() -> bool:
        return wal.exists() and wal.stat().st_size > 0

    return spilled


def _kill_when(process: subprocess.Popen[Any], written: Callable[[], bool]) -> None:
    """SIGKILL ``process`` as soon as ``written()``; fail if it ends first."""
    deadline = time.monotonic() + TIMEOUT
    while not written():
        assert process.poll() is None, (
            f"the process ended (status {process.returncode}) before it was seen writing"
        )
        assert time.monotonic() < deadline, "the process was never seen writing"
        time.sleep(0.02)
    process.kill()
    assert process.wait(timeout=60) == -9, "the process was not killed by SIGKILL"


def _sqlite_intact(database: Database) -> None:
    if database.dialect == "sqlite":
        with sqlite3.connect(str(database.engine.url.database)) as connection:
            assert connection.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        connection.close()


def test_an_import_killed_midway_posts_nothing_and_a_rerun_posts_every_row_once(
    database: Database, tmp_path: Path, figures: Figures
) -> None:
    fund_programme(database, earmarked=1000, unrestricted=1000)
    rows = contribution_rows(ROWS, padding=REFERENCE_PADDING)
    csv_file = contribution_file(tmp_path / "bank.csv", rows)
    keys = import_keys(csv_file)
    assert len(keys) == ROWS
    with database.session() as session:
        entries_before = session.scalar(select(func.count()).select_from(JournalEntry)) or 0
    written = _import_progress(database)

    with (tmp_path / "killed.out").open("w") as out:
        importer = subprocess.Popen(
            [*FUNDLEDGER, "import", "contributions", str(csv_file)],
            env=process_env(database.url), stdout=out, stderr=subprocess.STDOUT,
        )  # fmt: skip
        try:
            _kill_when(importer, written)
        finally:
            importer.kill()
            importer.wait()
    figures.add("crashes_survived", part=f"import on {database.dialect}")

    _sqlite_intact(database)
    verify_passes(database.url)
    with database.session() as session:
        assert session.scalar(select(func.count()).select_from(JournalEntry)) == entries_before
        assert count_keys(session, keys).found == 0, "the killed import posted some rows"
        assert session.scalar(select(func.count()).select_from(Pledge)) == 0

    rerun = run_fundledger(database.url, "import", "contributions", str(csv_file))
    assert rerun.returncode == 0, rerun.stderr
    assert rerun.stdout == f"{ROWS} rows: {ROWS} posted, 0 already posted before\n"
    again = run_fundledger(database.url, "import", "contributions", str(csv_file))
    assert again.stdout == f"{ROWS} rows: 0 posted, {ROWS} already posted before\n"

    with database.session() as session:
        counted = count_keys(session, keys)
        figures.add("entries_lost", counted.lost)
        figures.add("entries_doubled", counted.doubled)
        assert (counted.found, counted.doubled) == (ROWS, 0)
        entries = session.scalar(select(func.count()).select_from(JournalEntry))
        assert entries == entries_before + ROWS
        assert session.scalar(select(func.count()).select_from(Pledge)) == ROWS // 2
        assert session.scalar(select(func.count()).select_from(Receipt)) == 2 + ROWS // 2
    verify_passes(database.url)


def _read_lines(process: subprocess.Popen[str], seen: list[str], enough: threading.Event) -> None:
    assert process.stdout is not None
    approved = 0
    for line in process.stdout:
        seen.append(line.strip())
        approved += line.startswith("approved ")
        if approved >= APPROVED_BEFORE_KILL:
            enough.set()
    enough.set()


def test_approvals_killed_midway_are_each_whole_and_the_batch_can_finish(
    database: Database, figures: Figures
) -> None:
    # 60,000 earmarked and 1,000,000 unrestricted: the first approvals draw on MEX's
    # money, one straddles both pools, the rest draw on unrestricted money.
    fund_programme(database, earmarked=60000, unrestricted=1000000)
    ids = submit_allocations(database, [Decimal(2000 + 10 * n) for n in range(BATCH)])
    batch = [*APPROVE_BATCH, database.url, *map(str, ids)]

    approver = subprocess.Popen(
        batch, env=process_env(database.url), stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT, text=True,
    )  # fmt: skip
    seen: list[str] = []
    enough = threading.Event()
    reader = threading.Thread(target=_read_lines, args=(approver, seen, enough), daemon=True)
    reader.start()
    try:
        assert enough.wait(TIMEOUT), "the batch approved nothing in time"
        assert approver.poll() is None, f"the batch ended before the kill: {seen[-3:]}"
        approver.kill()
        assert approver.wait(timeout=60) == -9
    finally:
        approver.kill()
        approver.wait()
        reader.join(timeout=60)
        assert approver.stdout is not None
        approver.stdout.close()
    figures.add("crashes_survived", part=f"approvals on {database.dialect}")
    approved_before = {int(line.split()[1]) for line in seen if line.startswith("approved ")}
    assert not [line for line in seen if line.startswith(("refused", "Traceback"))], seen

    _sqlite_intact(database)
    verify_passes(database.url)
    with database.session() as session:
        assert approval_problems(session) == []
        counts = states(session)
    # Every approval the batch reported is there; at most the one in flight besides.
    assert len(approved_before) <= counts["approved"] <= len(approved_before) + 1
    assert counts["approved"] + counts["submitted"] == BATCH

    with database.session() as session:
        left = list(
            session.scalars(
                select(Allocation.id).where(Allocation.state == "submitted").order_by(Allocation.id)
            )
        )
    finished = subprocess.run(
        [*APPROVE_BATCH, database.url, *map(str, left)], env=process_env(database.url),
        capture_output=True, text=True, timeout=TIMEOUT, check=False,
    )  # fmt: skip
    assert finished.returncode == 0, finished.stdout + finished.stderr
    assert finished.stdout.count("approved ") == len(left)
    with database.session() as session:
        assert approval_problems(session) == []
        assert states(session) == {"approved": BATCH}
    available = run_fundledger(database.url, "available", "--format", "csv")
    assert available.returncode == 0
    assert all(Decimal(line.split(",")[3]) >= 0 for line in available.stdout.splitlines()[1:])
    verify_passes(database.url)
