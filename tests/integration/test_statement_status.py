"""Statements that say what they are (issue 14, finding 7): interim on every page and in
the register until their period closes; ``statement verify`` says whether the figures
have since changed and by which entries; a re-issue supersedes, on both documents."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

import pypdf

from fundledger.db import Database
from fundledger.donors.operations import donor_by_code
from fundledger.donors.receipts import record_receipt
from fundledger.ledger.periods import close_year
from fundledger.ledger.queries import last_entry_number
from fundledger.reporting.operations import issue_statement
from fundledger.reporting.queries import verdict_text, verify
from fundledger.reporting.render import Request
from tests.integration.test_statements import (
    SECRETARIAT,
    D,
    day,
    spain_pays_in_two_instalments,
    unrestricted_money_shared,
)
from tests.integration.test_statements_register import spain_2025

NOW = dt.datetime(2026, 3, 2, 15, 30, tzinfo=dt.UTC)
MARK = "INTERIM: the period is not closed; figures may change"


def pages(pdf: bytes) -> list[str]:
    return [
        " ".join(page.extract_text().split()) for page in pypdf.PdfReader(io.BytesIO(pdf)).pages
    ]


def test_an_open_period_is_interim_on_every_page_and_in_the_register(
    database: Database, tmp_path: Path
) -> None:
    with database.transaction() as session:
        unrestricted_money_shared(session)
        canada = Request.donor("CAN", day("2025-01-01"), day("2025-12-31"))
        issued = issue_statement(session, SECRETARIAT, canada, language="en", archive=tmp_path,
                                 now=NOW)  # fmt: skip
        content = (tmp_path / issued.path).read_bytes()
        answer = verdict_text(verify(session, content))
    texts = pages(content)
    assert len(texts) > 1
    assert all(MARK in text for text in texts)
    assert "Status Interim: the period is not closed" in texts[0]
    assert issued.interim
    assert answer.startswith(f"genuine: {issued.number}, interim donor statement for CAN")
    assert answer.endswith("figures unchanged since issue")


def test_a_closed_period_is_final(database: Database, tmp_path: Path) -> None:
    with database.transaction() as session:
        spain_pays_in_two_instalments(session)
        close_year(session, SECRETARIAT, 2025)
        issued = issue_statement(session, SECRETARIAT, Request.fund(2025), language="fr",
                                 archive=tmp_path, now=NOW)  # fmt: skip
        answer = verdict_text(verify(session, (tmp_path / issued.path).read_bytes()))
    assert not issued.interim
    assert "PROVISOIRE" not in " ".join(pages((tmp_path / issued.path).read_bytes()))
    assert answer.startswith(f"genuine: {issued.number}, final fund statement for 2025")


def test_a_backdated_entry_changes_the_figures_and_a_reissue_supersedes(
    database: Database, tmp_path: Path
) -> None:
    with database.transaction() as session:
        spain = spain_pays_in_two_instalments(session)
        old = issue_statement(session, SECRETARIAT, spain_2025(), language="es",
                              archive=tmp_path, now=NOW)  # fmt: skip
        other = issue_statement(session, SECRETARIAT, spain_2025(), language="en",
                                archive=tmp_path, now=NOW)  # fmt: skip
        old_pdf = (tmp_path / old.path).read_bytes()
        # After the issue, a gift dated inside the period and one dated after it.
        record_receipt(session, SECRETARIAT, spain, value_date=day("2025-11-03"), amount=D(500),
                       currency="USD", unpledged=True)  # fmt: skip
        number = last_entry_number(session)
        record_receipt(session, SECRETARIAT, donor_by_code(session, "ES-OBS"),
                       value_date=day("2026-01-05"), amount=D(700), currency="USD",
                       unpledged=True)  # fmt: skip
        changed = verdict_text(verify(session, old_pdf))
        new = issue_statement(session, SECRETARIAT, spain_2025(), language="es",
                              archive=tmp_path, now=NOW + dt.timedelta(hours=1))  # fmt: skip
        superseded = verdict_text(verify(session, old_pdf))
        fresh = verdict_text(verify(session, (tmp_path / new.path).read_bytes()))
    assert changed.endswith(f"; figures since changed by entry {number}")
    assert (new.supersedes, other.supersedes) == (old, None)  # not the English one
    assert old.superseded_by is new
    assert f"superseded by {new.number}" in superseded
    assert f"Reemplaza a {old.number}" in pages((tmp_path / new.path).read_bytes())[0]
    assert fresh.endswith("figures unchanged since issue")
    assert "superseded" not in fresh
