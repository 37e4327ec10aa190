"""Issued statements are records: numbered, archived, reproducible and verifiable."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
from decimal import Decimal
from pathlib import Path

import pytest
from reportlab.pdfgen.canvas import Canvas
from sqlalchemy import select, text
from sqlalchemy.exc import DBAPIError

from fundledger.allocations.operations import propose_allocation, submit_allocation
from fundledger.allocations.settings import SettingValues, set_setting
from fundledger.audit.models import AuditEvent
from fundledger.db import Database
from fundledger.donors.operations import create_donor, known_donor
from fundledger.donors.pledges import record_pledge
from fundledger.donors.receipts import record_receipt
from fundledger.errors import NotFound
from fundledger.reporting.i18n import UnknownLanguage
from fundledger.reporting.models import StatementRecord
from fundledger.reporting.operations import issue_once_a_day, issue_statement
from fundledger.reporting.queries import (
    issue_of,
    rebuild_check,
    request_of,
    rerender,
    statements,
    verify,
)
from fundledger.reporting.render import Request, StatementError, render
from fundledger.reporting.signing import Signature
from tests.integration.test_statements import (
    SECRETARIAT,
    D,
    day,
    mexico_funds_activity_5,
    spain_pays_in_two_instalments,
    text_of,
)
from tests.signing import fund_certificate, fund_signer

NOW = dt.datetime(2026, 3, 2, 15, 30, 12, 345678, tzinfo=dt.UTC)


def spain_2025() -> Request:
    return Request.donor("ES-OBS", day("2025-01-01"), day("2025-12-31"))


def test_issuing_numbers_archives_and_registers(database: Database, tmp_path: Path) -> None:
    with database.transaction() as session:
        spain_pays_in_two_instalments(session)
        mexico_funds_activity_5(session)
        first = issue_statement(session, SECRETARIAT, spain_2025(), language="es",
                                signer=fund_signer(), archive=tmp_path, now=NOW)  # fmt: skip
        second = issue_statement(session, SECRETARIAT, Request.fund(2025), language="en",
                                 signer=fund_signer(), archive=tmp_path, now=NOW)  # fmt: skip
        third = issue_statement(session, SECRETARIAT, spain_2025(), language="fr",
                                signer=fund_signer(), archive=tmp_path, now=NOW)  # fmt: skip
        pack = issue_statement(session, SECRETARIAT, Request.pack(day("2026-03-10")),
                               language="pt", signer=fund_signer(),
                               archive=tmp_path, now=NOW)  # fmt: skip
        numbers = [s.number for s in (first, second, third, pack)]
        audited = session.scalars(
            select(AuditEvent.object_id).filter_by(action="statement.issued")
        ).all()
    assert numbers == ["DS-2026-0001", "FS-2026-0001", "DS-2026-0002", "CP-2026-0001"]
    assert sorted(audited) == sorted(numbers)
    pdf = (tmp_path / first.path).read_bytes()
    assert first.path == "2026/DS-2026-0001.pdf"
    assert first.sha256 == hashlib.sha256(pdf).hexdigest()
    assert first.size == len(pdf)
    assert json.loads(first.parameters) == {"donor": "ES-OBS", "from": "2025-01-01",
                                            "to": "2025-12-31", "availability_basis": "cash",
                                            "indirect_cost_rate": "0"}  # fmt: skip
    assert (first.kind, first.language, first.issued_by) == ("donor", "es", SECRETARIAT.name)
    assert first.donor_id is not None
    assert second.donor_id is None
    assert "DS-2026-0001" in text_of(pdf)
    assert "2 de marzo de 2026, 15:30 UTC" in text_of(pdf)


def test_rendering_is_deterministic_and_the_archive_can_be_reproduced(
    database: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with database.transaction() as session:
        spain_pays_in_two_instalments(session)
        mexico_funds_activity_5(session)
        issued = [
            issue_statement(session, SECRETARIAT, request, language=language,
                            signer=fund_signer(), archive=tmp_path, now=NOW)
            for request, language in ((spain_2025(), "es"), (Request.fund(2025), "fr"),
                                      (Request.pack(day("2026-03-10")), "en"))
        ]  # fmt: skip
    with database.session() as session:
        records = statements(session)
        assert [r.number for r in records] == [s.number for s in issued]
        for record in records:
            archived = (tmp_path / record.path).read_bytes()
            again = rerender(session, record)
            # The archived file is the render with the signature appended to it.
            assert hashlib.sha256(again).hexdigest() == record.render_sha256
            assert archived.startswith(again)
            assert len(archived) > len(again)
            monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")  # ReportLab reads it
            assert rerender(session, record) == again
            monkeypatch.delenv("SOURCE_DATE_EPOCH")
        assert all(r.reproduced and r.archived for r in rebuild_check(session, tmp_path))


def test_rebuild_check_finds_a_backdated_entry_and_a_changed_file(
    database: Database, tmp_path: Path
) -> None:
    with database.transaction() as session:
        spain_pays_in_two_instalments(session)
        donor = issue_statement(session, SECRETARIAT, spain_2025(), language="en",
                                signer=fund_signer(), archive=tmp_path, now=NOW)  # fmt: skip
        fund = issue_statement(session, SECRETARIAT, Request.fund(2024), language="en",
                               signer=fund_signer(), archive=tmp_path, now=NOW)  # fmt: skip
    with database.transaction() as session:  # a receipt dated inside the statement's period
        record_receipt(session, SECRETARIAT, known_donor(session, "ES-OBS"),
                       value_date=day("2025-06-01"), amount=Decimal("100.00"),
                       currency="USD", unpledged=True)  # fmt: skip
    (tmp_path / fund.path).write_bytes(b"%PDF-1.4 replaced")
    with database.session() as session:
        results = {r.number: r for r in rebuild_check(session, tmp_path)}
    assert (results[donor.number].reproduced, results[donor.number].archived) == (False, True)
    assert (results[fund.number].reproduced, results[fund.number].archived) == (True, False)


def test_verification(database: Database, tmp_path: Path) -> None:
    with database.transaction() as session:
        spain_pays_in_two_instalments(session)
        issued = issue_statement(session, SECRETARIAT, spain_2025(), language="pt",
                                 signer=fund_signer(), archive=tmp_path, now=NOW)  # fmt: skip
    genuine = (tmp_path / issued.path).read_bytes()
    altered = bytearray(genuine)
    middle = len(altered) // 2  # inside the compressed page content, not the metadata
    altered[middle] ^= 0x01
    stranger = io.BytesIO()
    canvas = Canvas(stranger)
    canvas.drawString(72, 720, "Statement of account")
    canvas.save()
    forged = genuine.replace(b"(DS-2026-0001)", b"(DS-2026-0999)")
    with database.session() as session:
        verdict = verify(session, genuine, fund_certificate())
        assert verdict.genuine
        assert verdict.statement is not None
        assert verdict.statement.number == "DS-2026-0001"
        assert verdict.signature.signature == Signature.VALID
        changed = verify(session, bytes(altered), fund_certificate())
        assert (changed.genuine, changed.claimed, changed.claimed_exists) == (
            False, "DS-2026-0001", True,
        )  # fmt: skip
        assert changed.signature.signature == Signature.INVALID
        other = verify(session, stranger.getvalue(), fund_certificate())
        assert (other.genuine, other.claimed) == (False, None)
        assert other.signature.signature == Signature.UNSIGNED
        never = verify(session, forged, fund_certificate())
        assert (never.genuine, never.claimed, never.claimed_exists) == (
            False, "DS-2026-0999", False,
        )  # fmt: skip
        assert never.signature.signature == Signature.INVALID


def test_refusals_write_nothing(database: Database, tmp_path: Path) -> None:
    archive = tmp_path / "statements"
    with database.transaction() as session:
        spain_pays_in_two_instalments(session)
    with database.transaction() as session:
        with pytest.raises(NotFound, match="no donor 'XYZ'"):
            issue_statement(session, SECRETARIAT,
                            Request.donor("XYZ", day("2025-01-01"), day("2025-12-31")),
                            language="en", signer=fund_signer(), archive=archive)  # fmt: skip
        with pytest.raises(UnknownLanguage, match="not 'de'"):
            issue_statement(
                session,
                SECRETARIAT,
                spain_2025(),
                language="de",
                signer=fund_signer(),
                archive=archive,
            )
    with pytest.raises(StatementError, match="ends"):
        Request.donor("ES-OBS", day("2025-12-31"), day("2025-01-01"))
    with database.session() as session:
        assert statements(session) == []
    assert not archive.exists()


def test_the_register_is_append_only(database: Database, tmp_path: Path) -> None:
    with database.transaction() as session:
        spain_pays_in_two_instalments(session)
        issue_statement(
            session,
            SECRETARIAT,
            spain_2025(),
            language="en",
            signer=fund_signer(),
            archive=tmp_path,
        )
    for statement in ("UPDATE statement_records SET sha256 = 'x'", "DELETE FROM statement_records"):
        with pytest.raises(DBAPIError, match="append-only"), database.transaction() as session:
            session.execute(text(statement))
    with database.session() as session:
        assert len(session.scalars(select(StatementRecord)).all()) == 1


def test_an_issued_document_renders_the_same_after_a_setting_changes(
    database: Database, tmp_path: Path
) -> None:
    """Issue 12, item 11: after ``setting set indirect_cost_rate`` an issued CAJP pack,
    and after a change of ``availability_basis`` a donor statement, no longer rendered as
    issued. Each is kept with the settings it was rendered with."""
    with database.transaction() as session:
        mexico = create_donor(session, SECRETARIAT, code="MEX", name="México",
                              type="member_state")  # fmt: skip
        pledge = record_pledge(session, SECRETARIAT, mexico, pledge_date=day("2025-01-20"),
                               amount=D(50000), currency="USD", earmark="activity:5")  # fmt: skip
        record_receipt(session, SECRETARIAT, mexico, value_date=day("2025-02-20"),
                       amount=D(30000), currency="USD", pledges=[pledge])  # fmt: skip
        proposal = propose_allocation(
            session, SECRETARIAT, activity=5, amount=D(10000), purpose="Research",
            period_start=day("2026-01-01"), period_end=day("2026-12-31"),
            pools=["MEX/activity:5"],
        )  # fmt: skip
        submit_allocation(session, SECRETARIAT, proposal)
        issued = [
            issue_statement(session, SECRETARIAT, request, language="en",
                            signer=fund_signer(), archive=tmp_path, now=NOW)
            for request in (Request.donor("MEX", day("2025-01-01"), day("2025-12-31")),
                            Request.pack(day("2026-03-10")))
        ]  # fmt: skip
    with database.transaction() as session:
        set_setting(session, SECRETARIAT, "availability_basis", "cash_and_receivables")
        set_setting(session, SECRETARIAT, "indirect_cost_rate", "0.07")
    with database.session() as session:
        for record in statements(session):
            archived = (tmp_path / record.path).read_bytes()
            assert archived.startswith(rerender(session, record)), record.number
            today = request_of(record).with_settings(SettingValues.now(session))
            assert render(session, today, issue_of(record)) != archived, "the settings matter"
            # A statement issued before the register kept its settings: those of the audit
            # log at its issue time (the changes above came after it).
            legacy = Request(request_of(record).kind, {
                key: value for key, value in request_of(record).parameters.items()
                if key not in SettingValues.now(session).as_dict()
            })  # fmt: skip
            assert archived.startswith(render(session, legacy, issue_of(record))), record.number
        assert all(r.reproduced and r.archived for r in rebuild_check(session, tmp_path))
        assert SettingValues.at(session, dt.datetime.now(dt.UTC)) == SettingValues(
            "cash_and_receivables", "0.07"
        )
    assert [r.number for r in issued] == ["DS-2026-0001", "CP-2026-0001"]


def test_asked_again_the_same_day_a_statement_is_reissued_only_if_its_figures_moved(
    database: Database, tmp_path: Path
) -> None:
    """issue_once_a_day: no entry since, or one outside the period (dated 2026), gives the
    earlier statement; an entry that changes its figures issues one superseding it."""

    def ask(minutes: int) -> tuple[str, bool, str | None]:
        with database.transaction() as session:
            statement, new = issue_once_a_day(
                session, SECRETARIAT, spain_2025(), language="es", archive=tmp_path,
                signer=fund_signer(), now=NOW + dt.timedelta(minutes=minutes),
            )  # fmt: skip
            earlier = None if statement.supersedes is None else statement.supersedes.number
            return statement.number, new, earlier

    def spain_gives(on: str, amount: str) -> None:
        with database.transaction() as session:
            record_receipt(session, SECRETARIAT, known_donor(session, "ES-OBS"),
                           value_date=day(on), amount=D(amount), currency="USD",
                           unpledged=True)  # fmt: skip

    with database.transaction() as session:
        spain_pays_in_two_instalments(session)
    assert ask(0) == ("DS-2026-0001", True, None)
    assert ask(1) == ("DS-2026-0001", False, None)
    spain_gives("2026-02-01", "100.00")
    assert ask(2) == ("DS-2026-0001", False, None)
    spain_gives("2025-11-03", "2345.00")
    assert ask(3) == ("DS-2026-0002", True, "DS-2026-0001")
    assert ask(4) == ("DS-2026-0002", False, "DS-2026-0001")
