"""``fundledger backup FILE`` and ``fundledger restore FILE``, as separate processes, on
SQLite and PostgreSQL: a restored database verifies and has the same trial balance,
rows and hash chain; a restore refuses a database in use unless forced, and refuses
(changing nothing) a file that is not a whole backup of that kind of database."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import pytest

from fundledger.actors import Actor
from fundledger.allocations import operations as allocations
from fundledger.allocations.models import Allocation
from fundledger.db import Database
from fundledger.donors.imports import import_contributions
from fundledger.ledger.periods import close_year
from fundledger.web.database import get_database
from tests.conftest import BACKENDS, PostgresServer
from tests.factories import revalue_year_end
from tests.reliability.figures import Figures
from tests.reliability.helpers import (
    HEADER,
    SECRETARIAT,
    InProcessCli,
    contribution_rows,
    fund_programme,
    module_database,
    run_fundledger,
    snapshot,
    submit_allocations,
    verify_passes,
)

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module", params=BACKENDS)
def fund(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Database]:
    """A year of the fund's life, closed: contributions (an import of 40 rows),
    allocations approved, paid out and reported on, then fiscal year 2025 closed.

    Built once per backend for the module: each test takes its own backup first, and
    leaves the fund as it found it (the one that changes it restores that backup)."""
    database = module_database(request, tmp_path_factory, "fund")
    fund_programme(database, earmarked=60000, unrestricted=100000)
    ids = submit_allocations(database, [Decimal(12000), Decimal(30000), Decimal(5000)])
    bank = HEADER + "\n" + "\n".join(contribution_rows(40, tag="backup")) + "\n"
    cajp = Actor("cajp@oas.org")
    with database.transaction() as session:
        import_contributions(session, SECRETARIAT, bank.encode())
        for allocation_id in ids:
            allocation = session.get(Allocation, allocation_id)
            assert allocation is not None
            allocations.decide_allocation(
                session, cajp, allocation, decision="approve", on=dt.date(2025, 3, 18),
                reference="CP/CAJP-1/25",
            )  # fmt: skip
            assert allocation.approved_amount is not None
            allocations.disburse(
                session, SECRETARIAT, allocation, amount=allocation.approved_amount,
                on=dt.date(2025, 4, 1),
            )  # fmt: skip
            allocations.report_expenditure(
                session, SECRETARIAT, allocation, amount=Decimal(4000),
                period_end=dt.date(2025, 9, 30), category="travel",
            )  # fmt: skip
        revalue_year_end(session, SECRETARIAT, 2025)
        close_year(session, SECRETARIAT, 2025)
    yield database
    database.dispose()


@pytest.fixture
def command(fund: Database) -> Iterator[InProcessCli]:
    """``fundledger`` on the fund's database, in this process (for everything but the
    backups and restores themselves, which run as their own processes)."""
    runner = InProcessCli(fund.url)
    yield runner
    runner.close()


def _empty_database(database: Database, request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """The URL of a new database with no tables, on ``database``'s backend."""
    if database.dialect == "sqlite":
        return f"sqlite:///{tmp_path / 'restored.sqlite3'}"
    server: PostgresServer = request.getfixturevalue("postgres_server")
    return server.create(f"{server.prefix}_restore_{uuid.uuid4().hex[:8]}")


def _ok(url: str, *args: str) -> str:
    finished = run_fundledger(url, *args)
    assert finished.returncode == 0, finished.stderr
    return finished.stdout


def test_a_backup_restored_elsewhere_has_the_same_ledger_rows_and_trial_balance(
    fund: Database,
    command: InProcessCli,
    request: pytest.FixtureRequest,
    tmp_path: Path,
    figures: Figures,
) -> None:
    trial_balance = command.ok("trial-balance", "--format", "csv")
    before = snapshot(fund)
    backup = tmp_path / "fund.backup"

    written = _ok(fund.url, "backup", str(backup))
    assert written.startswith(f"backup written to {backup} (")
    assert f"{before.head[0]} journal entries" in written
    refused = command("backup", str(backup))
    assert refused.exit_code == 1
    assert "already exists" in refused.stderr
    assert not list(tmp_path.glob(".*partial")), "a partial backup file was left behind"

    target_url = _empty_database(fund, request, tmp_path)
    restored = _ok(target_url, "restore", str(backup))
    assert restored.splitlines()[-1].startswith("ledger verified")
    figures.add("backups_restored", part=fund.dialect)

    target = InProcessCli(target_url)
    try:
        # Compared before `fundledger verify`, which records its run in the audit log.
        assert snapshot(get_database(target.app)) == before
        verify_passes(target_url)
        assert target.ok("trial-balance", "--format", "csv") == trial_balance
        closed = target("receive", "--donor", "MEX", "--date", "2025-12-01", "--amount", "10",
                        "--currency", "USD", "--unpledged")  # fmt: skip
        assert closed.exit_code == 1
        assert "fiscal year 2025, which is closed" in closed.stderr
        # The restored database takes new work, numbered after the restored chain.
        target.ok("receive", "--donor", "MEX", "--date", "2026-01-05", "--amount", "10",
                  "--currency", "USD", "--unpledged")  # fmt: skip
        assert snapshot(get_database(target.app)).head[0] == before.head[0] + 1
        assert target.ok("verify").startswith("ledger verified")
    finally:
        target.close()


def test_a_restore_over_a_database_in_use_needs_force_and_brings_back_the_backup(
    fund: Database, command: InProcessCli, tmp_path: Path, figures: Figures
) -> None:
    trial_balance = command.ok("trial-balance", "--format", "csv")
    backup = tmp_path / "fund.backup"
    _ok(fund.url, "backup", str(backup))
    before = snapshot(fund)
    command.ok("receive", "--donor", "CAN", "--date", "2026-02-01", "--amount", "999",
               "--currency", "USD", "--unpledged")  # fmt: skip
    after_backup = snapshot(fund)

    refused = command("restore", str(backup))
    assert refused.exit_code == 1
    assert "holds data" in refused.stderr
    assert "--force" in refused.stderr
    assert snapshot(fund) == after_backup

    forced = _ok(fund.url, "restore", str(backup), "--force")
    assert forced.splitlines()[-1].startswith("ledger verified")
    figures.add("backups_restored", part=fund.dialect)
    fund.dispose()
    assert snapshot(fund) == before
    assert command.ok("trial-balance", "--format", "csv") == trial_balance
    assert command.ok("verify").startswith("ledger verified")


def test_a_restore_refuses_what_is_not_a_whole_backup_and_changes_nothing(
    fund: Database, command: InProcessCli, tmp_path: Path
) -> None:
    backup = tmp_path / "fund.backup"
    command.ok("backup", str(backup))
    whole = backup.read_bytes()
    other_kind = b"PGDMP" if fund.dialect == "sqlite" else b"SQLite format 3\x00"
    bad = {
        "empty.backup": b"",
        "text.backup": b"type,donor,date,amount,currency\n",
        "truncated.backup": whole[: len(whole) // 2],
        "damaged.backup": whole[:4096] + bytes(len(whole) - 4096),
        "other-kind.backup": other_kind + bytes(4096),
    }
    before = snapshot(fund)
    for name, content in bad.items():
        (tmp_path / name).write_bytes(content)
        refused = command("restore", str(tmp_path / name), "--force")
        assert refused.exit_code == 1, (name, refused.stdout)
        assert refused.stderr.startswith("fundledger: "), (name, refused.stderr)
        assert refused.stderr.count("\n") == 1, (name, refused.stderr)
        fund.dispose()
        assert snapshot(fund) == before, name
    missing = command("restore", str(tmp_path / "missing.backup"), "--force")
    assert (missing.exit_code, missing.stderr.count("\n")) == (1, 1)
    folder = command("restore", str(tmp_path), "--force")
    assert folder.exit_code == 2
    assert command.ok("verify").startswith("ledger verified")
