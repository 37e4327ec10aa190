"""The bulk path (``demo --entries N --bulk``) writes the ledger ``post_entry`` would.

``fundledger verify`` recomputes every digest, chain hash and cached balance from the
rows, so a verified bulk-loaded ledger carries the same hashes the service layer makes.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal

import pytest
from click.testing import CliRunner, Result
from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

from fundledger.actors import Actor
from fundledger.cli.main import cli
from fundledger.db import Database
from fundledger.demo import growth as volume
from fundledger.demo.growth import entry_count, grow_in_bulk, grow_through_services
from fundledger.donors.models import Receipt
from fundledger.ledger.bulk import EntrySpec, append_entries
from fundledger.ledger.errors import ClosedPeriod, UnbalancedEntry
from fundledger.ledger.models import JournalEntry
from fundledger.ledger.operations import credit, debit, post_entry
from fundledger.ledger.queries import trial_balance
from fundledger.ledger.verify import verify_ledger
from tests.factories import closed_year, create_donor

OPERATOR = Actor("loader@example.org", request_id="bench")


def _balances(database: Database) -> dict[str, Decimal]:
    with database.session() as session:
        return {row.code: row.balance for row in trial_balance(session).rows}


@pytest.mark.heavy
def test_bulk_copies_verify_and_multiply_the_trial_balance(
    run: Callable[..., Result], database: Database
) -> None:
    assert run("demo").exit_code == 0
    posted = _balances(database)
    with database.session() as session:
        demo_entries = entry_count(session)

    grown = run("demo", "--entries", str(3 * demo_entries), "--bulk")

    assert grown.exit_code == 0, grown.stderr
    assert f"{2 * demo_entries} entries appended; the ledger holds {3 * demo_entries}" in (
        grown.stdout
    )
    assert _balances(database) == {code: 3 * amount for code, amount in posted.items()}
    with database.session() as session:
        report = verify_ledger(session)
    assert report.ok, report.violations
    assert report.entries == 3 * demo_entries
    verified = run("verify")
    assert verified.exit_code == 0
    assert verified.stdout.startswith(f"ledger verified: {3 * demo_entries} entries")


def test_bulk_entry_has_the_digest_post_entry_gives(database: Database) -> None:
    with database.transaction() as session:
        spain = {"donor_id": create_donor(session, "ES-OBS").id, "earmark": "activity:5"}
    lines = [
        debit("1100", "1085.00", currency="EUR", original_amount=Decimal("1000.00"),
              rate=Decimal("1.085"), **spain),
        credit("4200", "1085.00", currency="EUR", original_amount=Decimal("-1000.00"),
               rate=Decimal("1.085"), **spain),
    ]  # fmt: skip
    on = dt.date(2025, 3, 1)
    with database.transaction() as session:
        posted = post_entry(session, entry_date=on, lines=lines, created_by="a", memo="pledge")
        append_entries(session, [EntrySpec(on, lines, memo="pledge")], created_by="a")
        after = post_entry(session, entry_date=on, lines=lines, created_by="a", memo="pledge")
    with database.session() as session:
        digests = session.execute(select(JournalEntry.number, JournalEntry.content_digest)).all()
        report = verify_ledger(session)
    assert report.ok, report.violations
    assert sorted(number for number, _ in digests) == [posted.number, 2, after.number] == [1, 2, 3]
    assert {digest for _, digest in digests} == {posted.content_digest}
    assert _balances(database) == {"1100": Decimal("3255.00"), "4200": Decimal("-3255.00")}


def test_an_invalid_entry_refuses_the_whole_batch(database: Database) -> None:
    good = EntrySpec(dt.date(2025, 3, 1), [debit("1010", "5.00"), credit("4100", "5.00")])
    bad = EntrySpec(dt.date(2025, 3, 2), [debit("1010", "5.00"), credit("4100", "4.00")])
    with pytest.raises(UnbalancedEntry, match="does not balance"), database.transaction() as s:
        append_entries(s, [good, bad], created_by="a")
    assert _balances(database) == {}


def test_a_date_in_a_closed_period_refuses_the_batch(database: Database) -> None:
    with database.transaction() as session:
        session.add(closed_year(2024))
    lines = [debit("1010", "5.00"), credit("4100", "5.00")]
    batch = [EntrySpec(dt.date(2025, 1, 2), lines), EntrySpec(dt.date(2024, 7, 1), lines)]
    with (
        pytest.raises(ClosedPeriod, match="2024-07-01 falls in fiscal year 2024"),
        database.transaction() as session,
    ):
        append_entries(session, batch, created_by="a")
    assert _balances(database) == {}


@pytest.mark.heavy
def test_service_layer_growth_reaches_the_size_and_verifies(
    run: Callable[..., Result], database: Database
) -> None:
    assert run("demo").exit_code == 0
    with database.session() as session:
        start = entry_count(session)
    steps: list[int] = []

    added = grow_through_services(database, OPERATOR, entries=400, seed=7, progress=steps.append)

    with database.session() as session:
        total = entry_count(session)
        assert verify_ledger(session).ok
        kinds = set(session.scalars(select(JournalEntry.kind).where(JournalEntry.number > start)))
    assert 400 <= total < 450  # a donor's year or a round of allocations is posted whole
    assert sum(steps) == added == total - start
    assert kinds >= {"pledge", "receipt"}


@pytest.mark.heavy
def test_the_heavy_donor_makes_its_gifts_once_and_bulk_does_not_copy_them(
    run: Callable[..., Result], database: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(volume, "HEAVY_GIFTS", 6)
    assert run("demo").exit_code == 0
    with database.session() as session:
        start = entry_count(session)
    for target in (start + 40, start + 80):
        grow_through_services(database, OPERATOR, entries=target, seed=7, progress=lambda _: None)
    grow_in_bulk(database, OPERATOR, entries=start + 200, progress=lambda _: None)
    with database.session() as session:
        references = session.scalars(
            select(Receipt.reference).where(Receipt.reference.startswith("standing gift"))
        ).all()
        copied = session.scalar(
            select(func.count(JournalEntry.id)).where(
                JournalEntry.source_ref.startswith("standing gift")
            )
        )
    assert sorted(references) == [f"standing gift {n}" for n in range(1, 7)]
    assert copied == 6  # bulk copies leave the heavy donor's gifts out


def _triggers(database: Database) -> set[str]:
    with database.session() as session:
        return _triggers_in(session)


def test_the_database_guard_refuses_what_the_service_check_let_through(
    database: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With the loader's own closed-period check switched off, the database still
    refuses the batch (SQLite: the load's set-based check; PostgreSQL: the trigger),
    writes nothing, and keeps every trigger."""
    guards = _triggers(database)
    with database.transaction() as session:
        session.add(closed_year(2024))
    monkeypatch.setattr("fundledger.ledger.bulk._check_open_periods", lambda *_args: None)
    lines = [debit("1010", "5.00"), credit("4100", "5.00")]
    with pytest.raises(Exception, match="closed fiscal period"), database.transaction() as s:
        append_entries(s, [EntrySpec(dt.date(2024, 7, 1), lines)], created_by="a")
    assert _balances(database) == {}
    assert _triggers(database) == guards


def test_a_load_keeps_every_trigger_even_when_it_fails(database: Database) -> None:
    guards = _triggers(database)
    lines = [debit("1010", "5.00"), credit("4100", "5.00")]
    with database.transaction() as session:
        append_entries(session, [EntrySpec(dt.date(2025, 1, 2), lines, idempotency_key="k")],
                       created_by="a")  # fmt: skip
    assert _triggers(database) == guards
    with database.session(write=True) as session:
        with pytest.raises(Exception, match=r"(?i)unique"):
            append_entries(session, [EntrySpec(dt.date(2025, 1, 3), lines, idempotency_key="k")],
                           created_by="a")  # fmt: skip
        if database.dialect == "sqlite":  # PostgreSQL's failed transaction reads nothing
            assert _triggers_in(session) == guards  # even before the caller rolls back
        session.rollback()
    with database.transaction() as session:  # the row triggers fire for the next poster
        post_entry(session, entry_date=dt.date(2025, 1, 4), lines=lines, created_by="a")
    assert _balances(database) == {"1010": Decimal("10.00"), "4100": Decimal("-10.00")}
    assert _triggers(database) == guards


def _triggers_in(session: Session) -> set[str]:
    query = (
        "SELECT name FROM sqlite_master WHERE type = 'trigger'"
        if session.get_bind().dialect.name == "sqlite"
        else "SELECT tgname FROM pg_trigger WHERE NOT tgisinternal"
    )
    return set(session.execute(text(query)).scalars())


@pytest.mark.heavy
def test_a_bulk_load_leaves_postgresql_statistics_that_know_the_new_rows(
    postgres_database: Database,
) -> None:
    """Stale statistics made the planner scan every posting for one page of entries."""
    env = {"FUNDLEDGER_DATABASE_URL": postgres_database.url}
    assert CliRunner().invoke(cli, ["demo"], env=env).exit_code == 0
    with postgres_database.session() as session:
        demo_entries = entry_count(session)
    grown = CliRunner().invoke(cli, ["demo", "--entries", str(2 * demo_entries), "--bulk"], env=env)
    assert grown.exit_code == 0, grown.stderr
    with postgres_database.session() as session:
        estimated = session.scalar(
            text("SELECT reltuples FROM pg_class WHERE relname = 'journal_entries'")
        )
    assert estimated == 2 * demo_entries
