"""``verify`` finds what a stray script with enough privileges could do to the ledger."""

from __future__ import annotations

import datetime as dt
import json
import threading
from collections.abc import Callable

import pytest
from click.testing import Result
from sqlalchemy import event, select, text

from fundledger.actors import Actor
from fundledger.audit.models import AuditEvent
from fundledger.audit.verifications import verify_and_record
from fundledger.db import Database
from fundledger.errors import Message
from fundledger.i18n import N_
from fundledger.ledger.models import LedgerHead
from fundledger.ledger.operations import credit, debit, post_entry
from fundledger.ledger.verify import verify_ledger
from tests.factories import post


def tamper(database: Database, table: str, statement: str) -> None:
    """Run ``statement`` with the table's append-only guard switched off."""
    with database.engine.begin() as connection:
        if database.dialect == "sqlite":
            connection.execute(text(f"DROP TRIGGER {table}_refuse_update"))
        else:
            connection.execute(text(f"ALTER TABLE {table} DISABLE TRIGGER USER"))
        connection.execute(text(statement))


@pytest.fixture
def ledger(database: Database) -> Database:
    with database.transaction() as session:
        post(session, debit("1010", "500.00"), credit("4100", "500.00"), memo="Canada")
        post(session, debit("1200", "200.00"), credit("1010", "200.00"), memo="tranche")
    with database.session() as session:
        assert verify_ledger(session).ok
    return database


@pytest.mark.parametrize(
    ("table", "statement", "found"),
    [
        ("journal_entries", "UPDATE journal_entries SET memo = 'Mexico' WHERE number = 1",
         ["entry #1 was altered: its content no longer matches its digest"]),
        ("journal_entries", "UPDATE journal_entries SET created_by = 'someone' WHERE number = 2",
         ["entry #2 was altered: its hash does not match its record"]),
        ("postings", "UPDATE postings SET amount = amount * 2 WHERE line_no = 1",
         ["entry #1 does not balance", "entry #1 was altered", "account 1010: cached balance"]),
    ],
)  # fmt: skip
def test_verify_names_each_violation(
    ledger: Database, table: str, statement: str, found: list[str]
) -> None:
    tamper(ledger, table, statement)
    with ledger.session() as session:
        report = verify_ledger(session)
    assert not report.ok
    for expected in found:
        assert any(expected in violation for violation in report.violations), report.violations


def test_verify_finds_a_cached_balance_that_drifted(ledger: Database) -> None:
    with ledger.engine.begin() as connection:
        connection.execute(text("UPDATE account_balances SET balance = balance + 1"))
    with ledger.session() as session:
        report = verify_ledger(session)
    assert "account 1010: cached balance" in report.violations[0]


def verifications(database: Database) -> list[tuple[str, dict[str, object]]]:
    """Who ran each recorded verification, and what it recorded, oldest first."""
    with database.session() as session:
        events = session.scalars(
            select(AuditEvent).filter_by(action="ledger.verified").order_by(AuditEvent.id)
        )
        return [(event.actor, json.loads(event.after or "")) for event in events]


def test_the_verify_command_records_its_outcome_in_the_audit_log(
    ledger: Database, run: Callable[..., Result]
) -> None:
    with ledger.session() as session:
        head = session.get(LedgerHead, 1)
        assert head is not None
        last_hash = head.last_hash
    assert run("verify").exit_code == 0
    tamper(ledger, "postings", "UPDATE postings SET amount = amount * 2 WHERE line_no = 1")
    failed = run("verify")
    assert failed.exit_code == 1

    recorded = verifications(ledger)
    assert [actor.startswith("cli:") for actor, _ in recorded] == [True, True]
    assert [after for _, after in recorded] == [
        {"ok": True, "problems": 0, "entries": 2, "last_number": 2, "last_hash": last_hash},
        {"ok": False, "problems": failed.stderr.count("\n"), "entries": 2, "last_number": 2,
         "last_hash": last_hash},
    ]  # fmt: skip
    assert failed.stderr.count("\n") > 0


def test_verify_sees_one_state_of_the_ledger_while_entries_are_posted(
    ledger: Database,
) -> None:
    """Run while a bulk load writes, verify once said "the ledger head does not point at
    the last entry" on PostgreSQL and recorded it for the auditors (issue 12, item 13).
    Here a thread posts entries in a loop, and each run of the checks waits, just before
    it reads the ledger head, for one more entry to be committed."""
    verifier, committed, done = threading.current_thread(), threading.Event(), threading.Event()
    overtaken: list[str] = []

    def poster() -> None:
        while not done.is_set():
            with ledger.transaction() as session:
                post(session, debit("1010", "1.00"), credit("4100", "1.00"), memo="bulk")
            committed.set()

    def entry_committed_before_the_head_is_read(
        _connection: object, _cursor: object, statement: str, *_args: object
    ) -> None:
        if threading.current_thread() is verifier and "FROM ledger_head" in statement:
            committed.clear()
            assert committed.wait(timeout=10), "the poster committed nothing"
            overtaken.append(statement)

    writer = threading.Thread(target=poster)
    event.listen(ledger.engine, "before_cursor_execute", entry_committed_before_the_head_is_read)
    writer.start()
    try:
        reports = [verify_and_record(ledger, Actor("cli:auditor")) for _ in range(3)]
    finally:
        done.set()
        writer.join()
        event.remove(
            ledger.engine, "before_cursor_execute", entry_committed_before_the_head_is_read
        )

    assert len(overtaken) >= 3, "each run read the head after another entry was posted"
    assert [report.violations for report in reports] == [[], [], []]
    assert [after["ok"] for _, after in verifications(ledger)] == [True, True, True]
    with ledger.session() as session:
        assert verify_ledger(session).ok


@pytest.mark.parametrize(
    ("table", "column"), [("journal_entries", "memo_params"), ("postings", "memo_id")]
)
def test_verify_holds_a_memos_message_to_its_hashed_text(
    database: Database, table: str, column: str
) -> None:
    """The message a page words a generated memo from is not hashed (revision 0030); the
    memo is, and verify compares the two, so an altered message is found like a memo."""
    message = Message(N_("Receipt from %(donor)s"), {"donor": "MEX"})
    with database.transaction() as session:
        post_entry(session, entry_date=dt.date(2025, 3, 1), created_by="test", memo=message,
                   lines=[debit("1010", "5.00", memo=message), credit("4300", "5.00")])  # fmt: skip
    with database.session() as session:
        assert verify_ledger(session).ok
    changed = """'{"donor":"CAN"}'""" if column == "memo_params" else "'Pledge from %(donor)s'"
    tamper(database, table, f"UPDATE {table} SET {column} = {changed} WHERE {column} IS NOT NULL")
    with database.session() as session:
        report = verify_ledger(session)
    what = "its memo" if table == "journal_entries" else "a posting's memo"
    assert report.violations == [f"entry #1: {what} and its message differ"]
