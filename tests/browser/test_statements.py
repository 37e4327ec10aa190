"""A donor downloads its statement in chromium, and the file is a PDF of its own
(WORKED-EXAMPLES.md §2: Mexico's earmark, traced to the CAJP's decision); another
donor's statement stays out of reach."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Callable
from pathlib import Path

from playwright.sync_api import Page, expect
from pypdf import PdfReader
from sqlalchemy import select

from fundledger.actors import Actor
from fundledger.db import Database
from fundledger.donors.models import Donor
from fundledger.reporting.operations import issue_statement
from fundledger.reporting.render import Request
from tests.browser.conftest import Login, shot, sign_in
from tests.signing import fund_signer
from tests.web.test_dashboards import known_fund

SECRETARIAT = Actor("secretariat@oas.org")


def issued(database: Database, code: str, archive: Path) -> tuple[int, str]:
    """The donor's 2025 statement, issued by the Secretariat: (id, number)."""
    with database.transaction() as session:
        statement = issue_statement(
            session, SECRETARIAT, Request.donor(code, dt.date(2025, 1, 1), dt.date(2025, 12, 31)),
            language="en", signer=fund_signer(), archive=archive,
        )  # fmt: skip
        return statement.id, statement.number


def test_a_donor_downloads_its_own_statement(
    database: Database, page: Page, account: Callable[..., Login], statements_dir: Path,
    tmp_path: Path,
) -> None:  # fmt: skip
    known_fund(database)
    own_id, own_number = issued(database, "MEX", statements_dir)
    other_id, other_number = issued(database, "ES-OBS", statements_dir)
    with database.session() as session:
        mexico = session.scalar(select(Donor).filter_by(code="MEX"))
    sign_in(page, account("donor", donor=mexico))

    page.get_by_role("link", name="Your statements").click()
    expect(page.get_by_text(own_number)).to_be_visible()
    expect(page.get_by_text(other_number)).to_have_count(0)
    shot(page, tmp_path, "donor-statements")
    with page.expect_download() as started:
        page.get_by_role("link", name=f"Download {own_number} (PDF)").click()
    saved = tmp_path / "statement.pdf"
    started.value.save_as(saved)

    content = saved.read_bytes()
    assert content.startswith(b"%PDF-")
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(content)).pages)
    assert "México" in text
    assert "CP/CAJP-0000/25" in text, "its earmark traced to the CAJP's decision"
    assert "Spain" not in text
    refused = page.request.get(f"/statements/{other_id}.pdf")
    assert refused.status == 404, "another donor's statement reads as missing"
    assert refused.body()[:5] != b"%PDF-"
    assert own_id != other_id
