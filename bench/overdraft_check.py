"""What the day-by-day overdraft check costs (issue 14): an approval's and a voucher's
database time at a large ledger, dated a month back and three years back.

Builds its own ledger (``make bench`` grows the demo, which overdraws until the demo is
rewritten): 30 donors, each with unrestricted money and two earmarks, and N entries over
the five years to yesterday, a third each receipts, vouchers paying out of the bank and
tranches to 500 allocations, so that no pool is ever below zero and the daily totals
hold what a real ledger's would. Then, in a transaction rolled back after each run, it
approves an allocation and posts a voucher dated D, and reports the median database
time (the time spent in the driver's execute calls) of ``--runs`` runs for each D.

    .venv/bin/python -m bench.overdraft_check --url postgresql+psycopg://…/bench --entries 1000000
"""

from __future__ import annotations

import argparse
import datetime as dt
import statistics
import time
from collections.abc import Callable, Iterator
from decimal import Decimal
from typing import Any

from sqlalchemy import event, func, select
from sqlalchemy.orm import Session

from fundledger.actors import Actor
from fundledger.allocations import operations as ops
from fundledger.clock import today
from fundledger.db import Database
from fundledger.donors.models import Donor
from fundledger.ledger.bulk import EntrySpec, append_entries, refresh_statistics
from fundledger.ledger.models import EntryKind, JournalEntry
from fundledger.ledger.operations import Line, post_entry
from fundledger.setup.bootstrap import initialize

DONORS = 30
EARMARKS = (None, "activity:5", "organ:CIM")
ALLOCATIONS = 500
YEARS = 5
BATCH = 20_000
SEC = Actor("bench-secretariat")
CAJP = Actor("bench-cajp")


def build(database: Database, entries: int) -> None:
    """Donors and ``entries`` entries in date order, unless the ledger holds them already."""
    initialize(database)
    with database.transaction() as session:
        if session.scalar(select(func.count()).select_from(JournalEntry)):
            return
        donors = []
        for n in range(DONORS):
            donor = Donor(code=f"D{n:02d}", name=f"Donor {n}", type="member_state",
                          language="en", active=True)  # fmt: skip
            session.add(donor)
            donors.append(donor)
        session.flush()
        donor_ids = [donor.id for donor in donors]
    last = today() - dt.timedelta(days=1)
    first = last - dt.timedelta(days=365 * YEARS)
    span = (last - first).days + 1
    started = time.perf_counter()
    with database.session(write=True) as session:
        batch: list[EntrySpec] = []
        for spec in _entries(entries, donor_ids, first, span):
            batch.append(spec)
            if len(batch) == BATCH:
                append_entries(session, batch, created_by="bench")
                session.commit()
                batch = []
        if batch:
            append_entries(session, batch, created_by="bench")
        refresh_statistics(session)
        session.commit()
    took = time.perf_counter() - started
    print(f"built {entries} entries in {took:.0f} s ({entries / took:.0f} entries/s)")


def _entries(count: int, donor_ids: list[int], first: dt.date, span: int) -> Iterator[EntrySpec]:
    """Receipts of 1,000.00, vouchers of 100.00 and tranches of 200.00 in each pool in
    turn, in date order: every pool gains 700.00 a round and never goes below zero."""
    pools = [(donor_id, earmark) for donor_id in donor_ids for earmark in EARMARKS]
    for n in range(count):
        on = first + dt.timedelta(days=n * span // count)
        donor_id, earmark = pools[(n // 3) % len(pools)]
        dims: dict[str, Any] = {"donor_id": donor_id, "earmark": earmark}
        if n % 3 == 0:
            revenue = "4100" if earmark is None else "4200"
            lines = [Line("1010", Decimal(1000), **dims), Line(revenue, Decimal(-1000), **dims)]
            yield EntrySpec(on, lines, EntryKind.RECEIPT)
        elif n % 3 == 1:
            lines = [Line("5300", Decimal(100), donor_id=donor_id),
                     Line("1010", Decimal(-100), **dims)]  # fmt: skip
            yield EntrySpec(on, lines, EntryKind.MANUAL)
        else:
            allocation = {"allocation_id": n % ALLOCATIONS + 1, **dims}
            lines = [Line("1200", Decimal(200), **allocation),
                     Line("1010", Decimal(-200), **allocation)]  # fmt: skip
            yield EntrySpec(on, lines, EntryKind.DISBURSEMENT)


class DatabaseTime:
    """Seconds spent in the driver's execute calls while it is switched on."""

    def __init__(self, database: Database) -> None:
        self.seconds = 0.0
        self._started: list[float] = []
        event.listen(database.engine, "before_cursor_execute", self._before)
        event.listen(database.engine, "after_cursor_execute", self._after)

    def _before(self, *_args: object) -> None:
        self._started.append(time.perf_counter())

    def _after(self, *_args: object) -> None:
        self.seconds += time.perf_counter() - self._started.pop()

    def measure(self, work: Callable[[], object]) -> tuple[float, float]:
        """(database ms, wall ms) of ``work``."""
        self.seconds = 0.0
        started = time.perf_counter()
        work()
        return self.seconds * 1000, (time.perf_counter() - started) * 1000


def measure(database: Database, runs: int) -> None:
    clock = DatabaseTime(database)
    for days_back in (30, 365 * 3):
        on = today() - dt.timedelta(days=days_back)
        figures: dict[str, list[tuple[float, float]]] = {"approval": [], "voucher": []}
        for _ in range(runs):
            with database.session(write=True) as session:
                approval, voucher = _steps(session, on)
                figures["approval"].append(clock.measure(approval))
                figures["voucher"].append(clock.measure(voucher))
                session.rollback()
        for name, runs_of in figures.items():
            db_ms = statistics.median(db for db, _wall in runs_of)
            wall_ms = statistics.median(wall for _db, wall in runs_of)
            print(f"{database.dialect} {name} dated {on} ({days_back} days back): median "
                  f"database {db_ms:.1f} ms, wall {wall_ms:.1f} ms ({runs} runs)")  # fmt: skip


def _steps(session: Session, on: dt.date) -> tuple[Callable[[], object], Callable[[], object]]:
    """An approval and a voucher dated ``on``, ready to run (the allocation submitted)."""
    allocation = ops.propose_allocation(
        session, SEC, activity=5, amount=Decimal(500), purpose="bench",
        period_start=on, period_end=on, pools=["D07/activity:5", "unrestricted"],
    )  # fmt: skip
    ops.submit_allocation(session, SEC, allocation)
    session.flush()
    donor_id = session.scalar(select(Donor.id).filter_by(code="D07"))
    lines = [Line("5300", Decimal(50), donor_id=donor_id),
             Line("1010", Decimal(-50), donor_id=donor_id, earmark="activity:5")]  # fmt: skip

    def approval() -> object:
        return ops.decide_allocation(session, CAJP, allocation, decision="approve", on=on,
                                     reference="bench")  # fmt: skip

    def voucher() -> object:
        return post_entry(session, entry_date=on, lines=lines, created_by="bench")

    return approval, voucher


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", required=True)
    parser.add_argument("--entries", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    database = Database(args.url)
    build(database, args.entries)
    measure(database, args.runs)


if __name__ == "__main__":
    main()
