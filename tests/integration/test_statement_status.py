"""Statements that say what they are (issue 14, finding 7): interim on every page and in
the register until their period closes; ``statement verify`` says whether the figures
have since changed and by which entries; a re-issue supersedes, on both documents."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

import pypdf

from fundledger.actors import Actor
from fundledger.auth.operations import create_user, update_user
from fundledger.db import Database
from fundledger.donors.operations import donor_by_code
from fundledger.donors.receipts import record_receipt
from fundledger.ledger.periods import close_year
from fundledger.ledger.queries import last_entry_number
from fundledger.reporting.operations import issue_statement
from fundledger.reporting.queries import rerender, verdict_text, verify
from fundledger.reporting.render import Request
from tests.integration.test_statements import (
    SECRETARIAT,
    D,
    day,
    spain_pays_in_two_instalments,
    unrestricted_money_shared,
)
from tests.integration.test_statements_register import spain_2025
from tests.signing import fund_certificate, fund_signer

NOW = dt.datetime(2026, 3, 2, 15, 30, tzinfo=dt.UTC)
MARK = "UNAUDITED: the year is not closed; figures may change"


def pages(pdf: bytes) -> list[str]:
    return [
        " ".join(page.extract_text().split()) for page in pypdf.PdfReader(io.BytesIO(pdf)).pages
    ]


def test_an_ended_but_open_period_is_unaudited_on_every_page_and_in_the_register(
    database: Database, tmp_path: Path
) -> None:
    with database.transaction() as session:
        unrestricted_money_shared(session)
        canada = Request.donor("CAN", day("2025-01-01"), day("2025-12-31"))
        issued = issue_statement(session, SECRETARIAT, canada, language="en",
                                 signer=fund_signer(), archive=tmp_path, now=NOW)  # fmt: skip
        content = (tmp_path / issued.path).read_bytes()
        answer = verdict_text(verify(session, content, fund_certificate()))
    texts = pages(content)
    assert len(texts) > 1
    assert all(MARK in text for text in texts)
    assert "Status Unaudited: the period has ended but its fiscal year is not closed" in texts[0]
    assert issued.interim  # not final: its figures may change
    assert answer.startswith(f"genuine: {issued.number}, unaudited donor statement for CAN")


def test_a_period_not_over_is_interim(database: Database, tmp_path: Path) -> None:
    with database.transaction() as session:
        unrestricted_money_shared(session)
        year_to_date = Request.donor("CAN", day("2025-01-01"), day("2025-12-31"))
        before_the_end = dt.datetime(2025, 12, 1, tzinfo=dt.UTC)
        issued = issue_statement(session, SECRETARIAT, year_to_date, language="pt",
                                 signer=fund_signer(), archive=tmp_path,
                                 now=before_the_end)  # fmt: skip
        answer = verdict_text(
            verify(session, (tmp_path / issued.path).read_bytes(), fund_certificate())
        )
    texts = pages((tmp_path / issued.path).read_bytes())
    banner = "PROVISÓRIO: emitido antes do fim do período; os valores podem mudar"
    assert all(banner in text for text in texts)
    assert answer.startswith(f"genuine: {issued.number}, interim donor statement for CAN")
    assert answer.endswith("figures unchanged since issue")


def test_a_closed_period_is_final(database: Database, tmp_path: Path) -> None:
    with database.transaction() as session:
        spain_pays_in_two_instalments(session)
        close_year(session, SECRETARIAT, 2025)
        issued = issue_statement(session, SECRETARIAT, Request.fund(2025), language="fr",
                                 signer=fund_signer(), archive=tmp_path, now=NOW)  # fmt: skip
        answer = verdict_text(
            verify(session, (tmp_path / issued.path).read_bytes(), fund_certificate())
        )
    assert not issued.interim
    texts = pages((tmp_path / issued.path).read_bytes())
    assert all("DÉFINITIF : exercice clôturé" in text for text in texts)
    assert "PROVISOIRE" not in " ".join(texts)
    assert "NON AUDITÉ" not in " ".join(texts)
    assert answer.startswith(f"genuine: {issued.number}, final fund statement for 2025")


def test_a_backdated_entry_changes_the_figures_and_a_reissue_supersedes(
    database: Database, tmp_path: Path
) -> None:
    with database.transaction() as session:
        spain = spain_pays_in_two_instalments(session)
        old = issue_statement(session, SECRETARIAT, spain_2025(), language="es",
                              signer=fund_signer(), archive=tmp_path, now=NOW)  # fmt: skip
        other = issue_statement(session, SECRETARIAT, spain_2025(), language="en",
                                signer=fund_signer(), archive=tmp_path, now=NOW)  # fmt: skip
        old_pdf = (tmp_path / old.path).read_bytes()
        # After the issue, a gift dated inside the period and one dated after it.
        record_receipt(session, SECRETARIAT, spain, value_date=day("2025-11-03"), amount=D(500),
                       currency="USD", unpledged=True)  # fmt: skip
        number = last_entry_number(session)
        record_receipt(session, SECRETARIAT, donor_by_code(session, "ES-OBS"),
                       value_date=day("2026-01-05"), amount=D(700), currency="USD",
                       unpledged=True)  # fmt: skip
        changed = verdict_text(verify(session, old_pdf, fund_certificate()))
        new = issue_statement(session, SECRETARIAT, spain_2025(), language="es",
                              signer=fund_signer(), archive=tmp_path,
                              now=NOW + dt.timedelta(hours=1))  # fmt: skip
        superseded = verdict_text(verify(session, old_pdf, fund_certificate()))
        fresh = verdict_text(
            verify(session, (tmp_path / new.path).read_bytes(), fund_certificate())
        )
    assert changed.endswith(f"; figures since changed by entry {number}")
    assert (new.supersedes, other.supersedes) == (old, None)  # not the English one
    assert old.superseded_by is new
    assert f"superseded by {new.number}" in superseded
    assert f"Reemplaza a {old.number}" in pages((tmp_path / new.path).read_bytes())[0]
    assert fresh.endswith("figures unchanged since issue")
    assert "superseded" not in fresh


def test_the_issuing_officer_is_named_with_their_role_and_kept_as_issued(
    database: Database, tmp_path: Path
) -> None:
    with database.transaction() as session:
        spain_pays_in_two_instalments(session)
        officer = create_user(session, SECRETARIAT, email="mjperez@oas.org",
                              name="María José Pérez", roles=["secretariat"],
                              now=NOW)  # fmt: skip
        issued = issue_statement(session, Actor("mjperez@oas.org"), spain_2025(), language="es",
                                 signer=fund_signer(), archive=tmp_path, now=NOW)  # fmt: skip
        by_cli = issue_statement(session, Actor("cli:jdoe"), spain_2025(), language="en",
                                 signer=fund_signer(), archive=tmp_path, now=NOW)  # fmt: skip
        update_user(session, officer, SECRETARIAT, name="María José Pérez de Lanús",
                    roles=["auditor"], donor=None, active=True, now=NOW)  # fmt: skip
        again = rerender(session, issued)
    content = (tmp_path / issued.path).read_bytes()
    texts = pages(content)
    for text in (texts[0], texts[-1]):  # the particulars and the issue block
        assert "Emitido por María José Pérez Cargo Secretaría de Cumbres de las Américas" in text
    assert "Emisión y estado" in texts[-1]
    assert (issued.issuer_name, issued.issuer_role) == ("María José Pérez", "secretariat")
    assert content.startswith(again)  # the register keeps the officer as they were
    cli_text = pages((tmp_path / by_cli.path).read_bytes())[-1]
    assert "Issued by jdoe Role Operator of the Fund's ledger" in cli_text
