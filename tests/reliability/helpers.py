"""What the reliability tests share: the real ``fundledger`` command as its own process,
a funded programme to approve against, generated contribution files, and the checks a
user would make afterwards (row counts, keys posted, whole approvals)."""

from __future__ import annotations

import datetime as dt
import os
import shutil
import subprocess
import sys
import uuid
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result
from sqlalchemy import Column, String, func, select, text
from sqlalchemy.orm import Session

from fundledger.actors import Actor
from fundledger.allocations import operations as allocations
from fundledger.allocations.models import Allocation, State
from fundledger.allocations.settings import set_setting
from fundledger.audit.models import AuditEvent
from fundledger.cli.main import cli
from fundledger.cli.tools import Runtime
from fundledger.db import Base, Database, column_text_problem
from fundledger.donors.imports import read_rows
from fundledger.donors.operations import create_donor
from fundledger.donors.receipts import record_receipt
from fundledger.ledger.models import JournalEntry
from fundledger.ledger.verify import verify_ledger
from fundledger.setup.registry import register_all
from fundledger.web.app import build_app
from fundledger.web.database import get_database
from tests.conftest import PostgresServer

#: ``fundledger`` as the console script runs it, by this interpreter (the venv's).
FUNDLEDGER = [sys.executable, "-c", "from fundledger.cli.main import main; main()"]
#: The approval batch a crash test kills: tests/reliability/approve_batch.py.
APPROVE_BATCH = [sys.executable, str(Path(__file__).with_name("approve_batch.py"))]

SECRETARIAT = Actor("sec@oas.org", request_id="reliability-setup")
DONORS = ("MEX", "CAN", "BRA", "ES-OBS")
#: The objectives some activity 1–32 serves: no fundable activity serves 6, 7 or 20, so
#: a contribution earmarked to them is refused (fundledger.program.usable).
USABLE_OBJECTIVES = (1, 2, 3, 4, 5, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19)
HEADER = "type,donor,date,amount,currency,rate,charges,earmark,pledge,reference,due,overpayment"
#: PostgreSQL only: the root ``database`` fixture on that one backend.
POSTGRES_ONLY = pytest.mark.parametrize(
    "database", [pytest.param("postgresql", marks=pytest.mark.postgres)], indirect=True
)
#: Approval reserves the amount plus this share (setting indirect_cost_rate).
INDIRECT_RATE = Decimal("0.07")
TIMEOUT = 600


# --- processes ------------------------------------------------------------------------


def process_env(url: str) -> dict[str, str]:
    """The environment of a ``fundledger`` process on the database at ``url``."""
    env = {name: value for name, value in os.environ.items() if not name.startswith("FUNDLEDGER_")}
    env["FUNDLEDGER_DATABASE_URL"] = url
    env["PYTHONUNBUFFERED"] = "1"
    return env


def run_fundledger(
    url: str, *args: str, stdin: str | None = None
) -> subprocess.CompletedProcess[str]:
    """Run ``fundledger ARGS`` to the end, as its own process."""
    return subprocess.run(
        [*FUNDLEDGER, *args], env=process_env(url), input=stdin, capture_output=True,
        text=True, timeout=TIMEOUT, check=False,
    )  # fmt: skip


class InProcessCli:
    """``fundledger`` run inside the test process (click's CliRunner), on one app built
    once as the CLI builds it: the same command code without a process start per call."""

    def __init__(self, url: str, **config: object) -> None:
        self.app = build_app({"DATABASE_URL": url, **config})
        self.script = Runtime(supplied_app=self.app)
        self.runner = CliRunner()

    def __call__(self, *args: str, stdin: str | bytes | None = None, catch: bool = False) -> Result:
        return self.runner.invoke(
            cli, list(args), input=stdin, obj=self.script, catch_exceptions=catch
        )

    def ok(self, *args: str) -> str:
        result = self(*args)
        assert result.exit_code == 0, result.stderr
        return result.stdout

    def close(self) -> None:
        get_database(self.app).dispose()


def verify_passes(url: str) -> str:
    """``fundledger verify`` in its own process; its one line, after checking it passed."""
    verified = run_fundledger(url, "verify")
    assert verified.returncode == 0, verified.stderr + verified.stdout
    assert verified.stdout.startswith("ledger verified"), verified.stdout
    return verified.stdout.strip()


# --- databases ----------------------------------------------------------------------


def module_database(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory,
                    name: str) -> Database:  # fmt: skip
    """A new initialised database on the backend ``request.param``, for a module-scoped
    fixture to seed once: every PostgreSQL database costs a checkpoint of the whole
    server to drop at the end of the run (seconds, and more on a busy server)."""
    if request.param == "sqlite":
        path = tmp_path_factory.mktemp(name) / "fundledger.sqlite3"
        shutil.copyfile(request.getfixturevalue("sqlite_template"), path)
        return Database(f"sqlite:///{path}")
    server: PostgresServer = request.getfixturevalue("postgres_server")
    return Database(server.create(f"{server.prefix}_{name}_{uuid.uuid4().hex[:8]}",
                                  server.template))  # fmt: skip


# --- a funded programme ---------------------------------------------------------------


def fund_programme(database: Database, *, earmarked: int, unrestricted: int) -> None:
    """Donors, MEX's money earmarked to activity 5, CAN's unrestricted money, and 7 %
    indirect cost recovery on approvals."""
    with database.transaction() as session:
        donors = {
            code: create_donor(session, SECRETARIAT, code=code, name=code, type="member_state")
            for code in DONORS
        }
        record_receipt(
            session, SECRETARIAT, donors["MEX"], value_date=dt.date(2025, 1, 20),
            amount=Decimal(earmarked), currency="USD", unpledged=True, earmark="activity:5",
            reference="MEX earmarked",
        )  # fmt: skip
        record_receipt(
            session, SECRETARIAT, donors["CAN"], value_date=dt.date(2025, 1, 21),
            amount=Decimal(unrestricted), currency="USD", unpledged=True,
            reference="CAN unrestricted",
        )  # fmt: skip
        set_setting(session, SECRETARIAT, "indirect_cost_rate", str(INDIRECT_RATE))


def submit_allocations(database: Database, amounts: Sequence[Decimal]) -> list[int]:
    """One submitted allocation to activity 5 per amount, drawing on MEX's earmarked
    money first and then on unrestricted money; their ids."""
    ids = []
    with database.transaction() as session:
        for number, amount in enumerate(amounts):
            allocation = allocations.propose_allocation(
                session, SECRETARIAT, activity=5, amount=amount, purpose=f"batch {number}",
                period_start=dt.date(2025, 3, 1), period_end=dt.date(2025, 12, 31),
                pools=["earmark:MEX/activity:5", "unrestricted"],
            )  # fmt: skip
            allocations.submit_allocation(session, SECRETARIAT, allocation)
            ids.append(allocation.id)
    return ids


def with_indirect(amount: Decimal) -> Decimal:
    return amount + (amount * INDIRECT_RATE).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def approval_problems(session: Session) -> list[str]:
    """Every allocation is approved whole or not at all: state, approved amount, the
    commitment rows, the timeline event and the audit event agree."""
    audited = {
        object_id: int(count)
        for object_id, count in session.execute(
            select(AuditEvent.object_id, func.count())
            .where(AuditEvent.action == "allocation.approve")
            .group_by(AuditEvent.object_id)
        )
    }
    problems = []
    for allocation in session.scalars(select(Allocation).order_by(Allocation.id)):
        events = [event for event in allocation.events if event.action == "approve"]
        audits = audited.get(str(allocation.id), 0)
        committed = sum((pool.committed for pool in allocation.pools), Decimal(0))
        where = f"allocation {allocation.id} ({allocation.state})"
        if allocation.state == State.APPROVED:
            amount = allocation.approved_amount
            if len(events) != 1 or audits != 1:
                problems.append(f"{where}: {len(events)} approve events, {audits} audit events")
            elif amount is None or events[0].amount != amount:
                problems.append(f"{where}: approved {amount}, its event says {events[0].amount}")
            elif committed != with_indirect(amount):
                problems.append(f"{where}: commits {committed} for an approval of {amount}")
        elif events or audits or committed or allocation.approved_amount is not None:
            problems.append(
                f"{where}: {len(events)} approve events, {audits} audit events, "
                f"{committed} committed, approved amount {allocation.approved_amount}"
            )
    return problems


def states(session: Session) -> dict[str, int]:
    rows = session.execute(select(Allocation.state, func.count()).group_by(Allocation.state))
    return {str(state): int(count) for state, count in rows}


# --- contribution files ---------------------------------------------------------------


def contribution_rows(
    count: int, *, tag: str = "row", padding: int = 0, unrestricted: bool = True
) -> list[str]:
    """``count`` distinct rows: pledges in euros earmarked to activities and in dollars,
    unpledged money in dollars earmarked to objectives and in euros (earmarked to an
    objective too unless ``unrestricted``: then no row adds money an allocation to
    activity 5 from MEX's or unrestricted money could use). (No receipts against
    pledges: settling a donor's oldest pledges reads every pledge it still owes on, so a
    file of thousands of them is slow for reasons other than what these tests look at.)
    Each reference is ``tag`` and the row's number, then ``padding`` characters."""
    rows = []
    for number in range(count):
        ref = f"{tag} {number}" + (" " + "wire details " * (padding // 13 + 1))[:padding]
        donor = DONORS[(number // 4) % len(DONORS)]
        day = dt.date(2025, 1, 1) + dt.timedelta(days=number % 360)
        kind = number % 4
        objective = USABLE_OBJECTIVES[number % len(USABLE_OBJECTIVES)]
        if kind == 0:
            rows.append(f"pledge,{donor},{day},{1000 + number}.50,EUR,1.0850,,"
                        f"activity:{1 + number % 32},,{ref},,")  # fmt: skip
        elif kind == 1:
            rows.append(f"pledge,{donor},{day},{2000 + number}.00,USD,,,,,{ref},,")
        elif kind == 2:
            rows.append(f"unpledged,{donor},{day},{100 + number}.25,USD,,,"
                        f"objective:{objective},,{ref},,")  # fmt: skip
        else:
            earmark = "" if unrestricted else f"objective:{objective}"
            rows.append(f"unpledged,{donor},{day},{500 + number}.00,EUR,1.1000,,{earmark},,{ref},,")
    return rows


def contribution_file(path: Path, rows: Iterable[str]) -> Path:
    path.write_text(HEADER + "\n" + "\n".join(rows) + "\n", encoding="utf-8")
    return path


def import_keys(path: Path) -> set[str]:
    """The idempotency keys the import gives the file's rows (its own parser)."""
    rows, problems = read_rows(path.read_bytes())
    assert not problems, problems
    return {row.key for row in rows}


@dataclass(frozen=True)
class KeyCount:
    expected: int
    found: int
    lost: int
    doubled: int


def count_keys(session: Session, expected: set[str]) -> KeyCount:
    """How many of the ``expected`` idempotency keys have an entry, and how many have
    more than one (the database's UNIQUE constraint should make that impossible)."""
    found = 0
    doubled = 0
    keys = sorted(expected)
    for start in range(0, len(keys), 500):
        chunk = keys[start : start + 500]
        rows = session.execute(
            select(JournalEntry.idempotency_key, func.count())
            .where(JournalEntry.idempotency_key.in_(chunk))
            .group_by(JournalEntry.idempotency_key)
        )
        for _key, count in rows:
            found += 1
            doubled += int(count) - 1
    return KeyCount(len(expected), found, len(expected) - found, doubled)


# --- what was written -----------------------------------------------------------------


@dataclass(frozen=True)
class Snapshot:
    """Rows in every table, the end of the hash chain and every account's balance (the
    trial balance): equal snapshots mean that nothing was written."""

    rows: Mapping[str, int]
    head: tuple[int, str]
    balances: tuple[tuple[int, object], ...] = ()

    def changes(self, after: Snapshot) -> dict[str, object]:
        """Tables whose row count differs, with the counts before and after; the accounts
        whose balance moved, and the ledger head if it moved."""
        changed: dict[str, object] = {
            table: (count, after.rows.get(table, 0))
            for table, count in self.rows.items()
            if after.rows.get(table, 0) != count
        }
        if self.balances != after.balances:
            moved = dict(after.balances)
            changed["trial balance"] = [
                (account, balance, moved.get(account))
                for account, balance in self.balances
                if moved.get(account) != balance
            ]
        if self.head != after.head:
            changed["ledger head"] = (self.head[0], after.head[0])
        return changed


def snapshot(database: Database) -> Snapshot:
    register_all()
    counts = " UNION ALL ".join(
        f"SELECT '{name}' AS name, count(*) AS n FROM {name}"
        for name in sorted(Base.metadata.tables)
    )
    with database.engine.connect() as connection:
        rows = {row.name: int(row.n) for row in connection.execute(text(counts))}
        head = connection.execute(text("SELECT last_number, last_hash FROM ledger_head")).one()
        # As stored: on SQLite an integer of cents, or a float once one overflowed.
        balances = tuple(
            (int(row.account_id), row.balance)
            for row in connection.execute(
                text("SELECT account_id, balance FROM account_balances ORDER BY account_id")
            )
        )
    return Snapshot(rows, (int(head.last_number), str(head.last_hash)), balances)


def ledger_problems(database: Database) -> list[str]:
    """What ``fundledger verify`` would report (or the exception it would crash with),
    and on SQLite any cached balance no longer stored as whole cents."""
    problems = []
    try:
        with database.session() as session:
            problems.extend(verify_ledger(session).violations)
    except Exception as error:
        problems.append(f"verify crashed: {error!r}")
    if database.engine.dialect.name == "sqlite":
        with database.engine.connect() as connection:
            inexact = connection.execute(text(
                "SELECT account_id, balance FROM account_balances"
                " WHERE typeof(balance) <> 'integer'")).all()  # fmt: skip
        problems.extend(f"account {row[0]}'s balance is stored as {row[1]!r}" for row in inexact)
    return problems


def stored_text(database: Database) -> Iterator[tuple[Column[Any], str]]:
    """Every text value in the database, with its column."""
    register_all()
    with database.engine.connect() as connection:
        for table in Base.metadata.sorted_tables:
            columns = [c for c in table.columns if isinstance(c.type, String)]
            if not columns:
                continue
            for row in connection.execute(select(*columns)):
                for column, value in zip(columns, row, strict=True):
                    if isinstance(value, str):
                        yield column, value


def stored_controls(database: Database) -> set[tuple[str, str]]:
    """Stored text its column may not hold: a control character, or a tab or line break
    outside the multi-line columns (fundledger.db.column_text_problem); what garbles
    terminals, tables and PDFs."""
    return {
        (f"{column.table.name}.{column.name}", value)
        for column, value in stored_text(database)
        if column_text_problem(column, value) is not None
    }


def stored_count(database: Database, values: Iterable[str]) -> Counter[str]:
    """How many stored text values hold each of ``values`` as it is: more after a try
    than before means the try stored it as typed."""
    wanted = set(values)
    found: Counter[str] = Counter()
    if not wanted:  # most tries type no lookalike: no need to read every stored text
        return found
    for _where, value in stored_text(database):
        found.update(item for item in wanted if item in value)
    return found
