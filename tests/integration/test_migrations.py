"""Migrations on both databases: up to head without drift, down to nothing, up again."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from sqlalchemy import insert, inspect, select, text
from sqlalchemy.exc import DBAPIError

from fundledger.allocations.models import Allocation, AllocationEvent
from fundledger.db import Base, Database
from fundledger.errors import Message
from fundledger.i18n import N_
from fundledger.ledger.chart import default_chart, load_default_chart
from fundledger.ledger.memos import memo_for_reader
from fundledger.ledger.models import Account, JournalEntry
from fundledger.ledger.operations import credit, debit, post_entry
from fundledger.ledger.verify import verify_ledger
from fundledger.setup import migrate
from fundledger.setup.registry import register_all


def tables(database: Database) -> set[str]:
    return set(inspect(database.engine).get_table_names()) - {"alembic_version"}


def test_upgrade_check_downgrade_and_upgrade_again(empty_database: Database) -> None:
    register_all()
    migrate.upgrade(empty_database.engine)
    assert tables(empty_database) == set(Base.metadata.tables)
    migrate.check(empty_database.engine)  # raises if models and migrations drift

    migrate.downgrade(empty_database.engine, "base")
    assert tables(empty_database) == set()

    migrate.upgrade(empty_database.engine)
    migrate.check(empty_database.engine)


def test_revision_0012_adds_the_restricted_exchange_accounts_to_an_older_chart(
    empty_database: Database,
) -> None:
    """A chart loaded before 4240 and 4250 existed gets them from ``migrate`` alone, once;
    an empty database gets nothing (``init`` loads the whole chart)."""
    register_all()
    engine = empty_database.engine
    migrate.upgrade(engine, "0011")
    assert codes(empty_database) == set()
    with empty_database.transaction() as session:  # the chart as it was before them
        session.add_all(a for a in default_chart() if a.code not in ("4240", "4250"))
    migrate.upgrade(engine)
    with empty_database.session() as session:
        added = session.scalars(select(Account).where(Account.code.in_(["4240", "4250"])))
        assert {(a.code, a.type, a.normal_side, a.active) for a in added} == {
            ("4240", "revenue", "credit", True), ("4250", "revenue", "debit", True),
        }  # fmt: skip
    assert codes(empty_database) == {account.code for account in default_chart()}
    migrate.downgrade(engine, "0011")  # nothing posted to them: they go
    assert {"4240", "4250"} & codes(empty_database) == set()
    migrate.upgrade(engine)
    migrate.downgrade(engine, "0011")
    with empty_database.transaction() as session:  # a chart with them already: unchanged
        load_default_chart(session)
    migrate.upgrade(engine)
    assert codes(empty_database) == {account.code for account in default_chart()}


def codes(database: Database) -> set[str]:
    with database.session() as session:
        return set(session.scalars(select(Account.code)))


def test_revision_0013_turns_superseded_numbers_into_a_foreign_key(
    empty_database: Database,
) -> None:
    """Statements issued under revision 0011 named the one they supersede by number; the
    upgrade links them by id, the downgrade gives the numbers back, and the register
    stays append-only on the way."""
    register_all()
    migrate.upgrade(empty_database.engine, "0011")
    insert = text(
        "INSERT INTO statement_records (id, number, kind, year, sequence, language,"
        " parameters, issued_by, issued_at, sha256, size, path, interim, supersedes)"
        " VALUES (:id, :number, 'fund', 2026, :id, 'en', '{}', 'a', :at, :sha, 1, 'x', :f,"
        " :supersedes)"
    )
    at = dt.datetime(2026, 12, 7, tzinfo=dt.UTC)
    with empty_database.engine.begin() as connection:
        for number, supersedes in ((1, None), (2, "FS-2026-0001"), (3, None)):
            connection.execute(insert, {"id": number, "number": f"FS-2026-000{number}",
                                        "at": at, "sha": str(number) * 64, "f": False,
                                        "supersedes": supersedes})  # fmt: skip
    migrate.upgrade(empty_database.engine)
    with empty_database.engine.connect() as connection:
        rows = connection.execute(text("SELECT id, supersedes_id FROM statement_records"))
        assert sorted(rows) == [(1, None), (2, 1), (3, None)]
    for change in ("UPDATE statement_records SET supersedes_id = 2 WHERE id = 3",
                   "DELETE FROM statement_records"):  # fmt: skip
        with pytest.raises(DBAPIError, match="append-only"), empty_database.engine.begin() as c:
            c.execute(text(change))
    later = text(
        "INSERT INTO statement_records (id, number, kind, year, sequence, language,"
        " parameters, issued_by, issued_at, sha256, size, path, interim, supersedes_id)"
        " VALUES (4, 'FS-2026-0004', 'fund', 2026, 4, 'en', '{}', 'a', :at, :sha, 1, 'x', :f,"
        " :supersedes)"
    )
    # A statement supersedes an earlier one, and a statement is superseded once.
    for supersedes, refusal in ((4, "supersedes_earlier"), (1, "supersedes_id")):
        with pytest.raises(DBAPIError, match=refusal), empty_database.engine.begin() as c:
            c.execute(later, {"at": at, "sha": "4" * 64, "f": False, "supersedes": supersedes})
    migrate.downgrade(empty_database.engine, "0011")
    with empty_database.engine.connect() as connection:
        rows = connection.execute(text("SELECT id, supersedes FROM statement_records"))
        assert sorted(rows) == [(1, None), (2, "FS-2026-0001"), (3, None)]


def test_revision_0020_files_older_expenditure_reports_under_the_harmonised_categories(
    database: Database,
) -> None:
    """Reports recorded under the older categories read as their harmonised ones after the
    upgrade (docs/STATEMENTS.md); the downgrade brings back the nearest older ones."""
    older = ["personnel", "consultants", "publications", "meetings", "other", "travel", None]
    engine = database.engine
    migrate.downgrade(engine, "0019")
    at = dt.datetime(2025, 6, 1, tzinfo=dt.UTC)
    # Written with the columns revision 0019 has (the models know later ones).
    with database.transaction() as session:
        allocation_id = session.execute(
            insert(Allocation.__table__).returning(Allocation.__table__.c.id), [dict(
                activity_number=5, organ_code="CIM", requested_amount=Decimal("100.00"),
                purpose="Research", period_start=dt.date(2025, 1, 1),
                period_end=dt.date(2025, 12, 31), state="reported", proposed_by="a",
                created_at=at,
            )],
        ).scalar_one()  # fmt: skip
        session.execute(insert(AllocationEvent.__table__), [
            dict(allocation_id=allocation_id, action="report", from_state="disbursed",
                 to_state="reported", actor="a", at=at, category=category)
            for category in older
        ])  # fmt: skip
    migrate.upgrade(engine)

    def categories() -> list[str | None]:
        with database.session() as session:
            return list(session.scalars(select(AllocationEvent.category).order_by(
                AllocationEvent.id)))  # fmt: skip

    assert categories() == [
        "staff_personnel", "contractual_services", "contractual_services", "general_operating",
        "general_operating", "travel", None,
    ]  # fmt: skip
    migrate.downgrade(engine, "0019")
    assert categories() == ["personnel", "consultants", "consultants", "other", "other",
                            "travel", None]  # fmt: skip
    migrate.upgrade(engine)


def test_revision_0022_leaves_earlier_allocations_not_screened(empty_database: Database) -> None:
    """Allocations proposed before the gender marker was asked get none (not a guessed 0),
    and the database refuses a marker outside 0–2."""
    register_all()
    engine = empty_database.engine
    migrate.upgrade(engine, "0019")
    at = dt.datetime(2025, 3, 1, tzinfo=dt.UTC)
    with engine.begin() as connection:
        connection.execute(text("INSERT INTO implementers (code, name, kind)"
                                " VALUES ('CIM', 'CIM', 'organ')"))  # fmt: skip
        connection.execute(
            text(
                "INSERT INTO activities (number, title, implementer_code,"
                " fundable) VALUES (5, 'Research', 'CIM', :yes)"
            ),
            {"yes": True},
        )
        connection.execute(
            text("INSERT INTO allocations (id, activity_number, organ_code, requested_amount,"
                 " purpose, period_start, period_end, state, proposed_by, created_at)"
                 " VALUES (1, 5, 'CIM', 100000, 'Study', :start, :end, 'draft', 'a', :at)"),
            {"start": dt.date(2025, 3, 1), "end": dt.date(2025, 12, 31), "at": at},
        )  # fmt: skip
    migrate.upgrade(engine)
    with engine.connect() as connection:
        assert list(connection.execute(text("SELECT id, gender_marker FROM allocations"))) == [
            (1, None)
        ]
    with pytest.raises(DBAPIError, match="gender_marker"), engine.begin() as connection:
        connection.execute(text("UPDATE allocations SET gender_marker = 3"))
    migrate.downgrade(engine, "0019")
    assert "gender_marker" not in {c["name"] for c in inspect(engine).get_columns("allocations")}


def test_revision_0031_adds_documents_whose_owner_kind_the_database_checks(
    empty_database: Database,
) -> None:
    """From 0029 up: the documents and their removals, an unknown owner kind refused by
    the database itself; and down again."""
    register_all()
    engine = empty_database.engine
    migrate.upgrade(engine, "0029")
    assert "documents" not in tables(empty_database)
    migrate.upgrade(engine)
    assert {"documents", "document_removals"} <= tables(empty_database)
    row = {"at": dt.datetime(2025, 3, 1, tzinfo=dt.UTC), "sha": "a" * 64}
    insert_document = text(
        "INSERT INTO documents (owner_kind, owner_id, kind, title, filename, content_type,"
        " size, sha256, uploaded_by, uploaded_at) VALUES (:owner, 1, 'agreement', 't', 't.pdf',"
        " 'application/pdf', 10, :sha, 'a', :at)"
    )
    with engine.begin() as connection:
        connection.execute(insert_document, {**row, "owner": "meeting"})
    with pytest.raises(DBAPIError, match="owner_kind"), engine.begin() as connection:
        connection.execute(insert_document, {**row, "owner": "report"})
    migrate.downgrade(engine, "0029")
    assert "documents" not in tables(empty_database)


def test_revision_0030_leaves_older_memos_as_their_text(database: Database) -> None:
    """An entry posted before memos were kept as data (issue 15) has its English text
    alone after the upgrade, reads as it in every language, and the chain still holds."""
    memo = Message(N_("Disbursement to %(organ)s, allocation %(allocation)s"),
                   {"organ": "CIM", "allocation": 12})  # fmt: skip
    with database.transaction() as session:
        post_entry(session, entry_date=dt.date(2025, 3, 3), created_by="a", memo=memo,
                   lines=[debit("1010", "5.00"), credit("4300", "5.00")])  # fmt: skip

    def stored() -> tuple[str, str | None, str | None]:
        with database.session() as session:
            entry = session.scalars(select(JournalEntry)).one()
            assert verify_ledger(session).ok
            return entry.memo, entry.memo_id, entry.memo_params

    assert memo_for_reader(*stored(), "es") == "Desembolso a CIM, asignación 12"
    migrate.downgrade(database.engine, "0029")
    migrate.upgrade(database.engine)
    assert stored() == ("Disbursement to CIM, allocation 12", None, None)
    assert memo_for_reader(*stored(), "es") == "Disbursement to CIM, allocation 12"


def test_revision_0034_adds_append_only_program_revisions_and_frees_the_activity_numbers(
    empty_database: Database,
) -> None:
    """From 0032 up: the revisions and their changes, refused an update by the database;
    an activity numbered after 100 and fundable by its carrier is accepted; and down."""
    register_all()
    engine = empty_database.engine
    migrate.upgrade(engine, "0032")
    assert "program_revisions" not in tables(empty_database)
    migrate.upgrade(engine)
    assert {"program_revisions", "program_changes"} <= tables(empty_database)
    with engine.begin() as connection:
        connection.execute(text(
            "INSERT INTO implementers (code, name, kind) VALUES ('OLA', 'Legal', 'oas_organ')"
        ))  # fmt: skip
        connection.execute(text(
            "INSERT INTO activities (number, title, implementer_code, fundable)"
            " VALUES (101, 'New', 'OLA', true)"
        ))  # fmt: skip
        connection.execute(text(
            "INSERT INTO program_revisions (effective_on, decided_on, reference,"
            " existing_continue, recorded_by, recorded_at) VALUES ('2025-06-01', '2025-06-01',"
            " 'CP/CAJP/DEC. 1/25', false, 'a', '2025-06-01 10:00:00+00')"
        ))  # fmt: skip
    with pytest.raises(DBAPIError, match="append-only"), engine.begin() as connection:
        connection.execute(text("UPDATE program_revisions SET reference = 'x'"))
    with engine.begin() as connection:
        connection.execute(text("DELETE FROM activities WHERE number = 101"))
    migrate.downgrade(engine, "0032")
    assert "program_revisions" not in tables(empty_database)


def test_revision_0035_keeps_announcements_open_and_refuses_a_withdrawal_half_told(
    empty_database: Database,
) -> None:
    """An announcement recorded before withdrawals were kept stays open; the database
    refuses a withdrawal without its reason, and one of a signed announcement."""
    register_all()
    engine = empty_database.engine
    migrate.upgrade(engine, "0034")
    at = dt.datetime(2025, 3, 1, tzinfo=dt.UTC)
    with engine.begin() as connection:
        connection.execute(text("INSERT INTO donors (id, code, name, type, language, active)"
                                " VALUES (1, 'CAN', 'Canada', 'member_state', 'en', :yes)"),
                           {"yes": True})  # fmt: skip
        connection.execute(
            text("INSERT INTO pledge_announcements (id, donor_id, announced_on, currency,"
                 " amount, rate, usd_amount, created_by, created_at)"
                 " VALUES (1, 1, :day, 'USD', 100, 1, 100, 'a', :at)"),
            {"day": dt.date(2025, 3, 1), "at": at},
        )  # fmt: skip
    migrate.upgrade(engine)
    with engine.connect() as connection:
        assert list(connection.execute(text(
            "SELECT id, withdrawn_at FROM pledge_announcements"))) == [(1, None)]  # fmt: skip
    with pytest.raises(DBAPIError, match="withdrawn"), engine.begin() as connection:
        connection.execute(text("UPDATE pledge_announcements SET withdrawn_at = :at,"
                                " withdrawn_by = 'a'"), {"at": at})  # fmt: skip
    migrate.downgrade(engine, "0034")
    assert "withdrawn_at" not in {
        c["name"] for c in inspect(engine).get_columns("pledge_announcements")
    }
