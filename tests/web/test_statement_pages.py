"""The statement pages as the Secretariat, the readers and a donor login meet them: issuing
each kind lists it in the register; a download is exactly the archived PDF; a donor
reaches only its own statements; verification tells a genuine file from an altered one;
bad input is refused on the form with nothing written."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import re
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import func, select
from werkzeug.test import TestResponse

from fundledger.audit.models import AuditEvent
from fundledger.auth.models import User
from fundledger.db import Database
from fundledger.donors.models import Donor
from fundledger.donors.operations import donor_by_code
from fundledger.donors.receipts import record_receipt
from fundledger.ledger.queries import last_entry_number
from fundledger.reporting.models import StatementRecord
from fundledger.web.i18n import COOKIE
from tests.integration.test_statements import (
    SECRETARIAT,
    day,
    mexico_funds_activity_5,
    spain_pays_in_two_instalments,
    text_of,
)
from tests.races import all_at_once
from tests.web.conftest import Browser, Clock, sign_in
from tests.web.downloads import csv_text
from tests.web.test_donor_pages import body, captioned, flashes, text

LoginAs = Callable[..., User]
#: Requests of one donor sent at the same moment.
RACERS = 4
#: A form's CSRF field; a form with a prefix names it ``<prefix>-csrf_token``.
_CSRF_FIELD = r'name="{prefix}csrf_token"[^>]*value="([^"]+)"'


# --- fixtures and helpers -------------------------------------------------------------


@pytest.fixture
def archive(app: Flask, tmp_path: Path) -> Path:
    """The statements archive of the app under test."""
    app.config["STATEMENTS_DIR"] = str(tmp_path / "statements")
    return tmp_path / "statements"


@pytest.fixture
def books(database: Database, archive: Path) -> None:
    """Spain pays its 2025 pledge in two instalments; Mexico's earmarked money funds
    activity 5 (the worked examples of the statements' integration tests)."""
    with database.transaction() as session:
        spain_pays_in_two_instalments(session)
        mexico_funds_activity_5(session)


@pytest.fixture
def secretariat(browser: Browser, login_as: LoginAs, books: None) -> Browser:
    login_as("secretariat")
    return browser


def staff(app: Flask, login_as: LoginAs, role: str = "secretariat") -> Browser:
    """Another browser, signed in with ``role``."""
    other = Browser(app.test_client())
    login_as(role, client=other.client, email=f"{role}-2@example.org")
    return other


def issue(browser: Browser, kind: str, **data: str) -> TestResponse:
    """Fill in and send one of the three forms of the issue page (``kind``: donor, fund or
    pack), with that form's own CSRF token."""
    page = body(browser.get("/statements/issue"))
    token = re.search(_CSRF_FIELD.format(prefix=f"{kind}-"), page)
    assert token, f"no {kind} form on the issue page"
    fields = {f"{kind}-{name}": value for name, value in data.items()}
    return browser.client.post(
        f"/statements/issue/{kind}", data={**fields, f"{kind}-csrf_token": token.group(1)}
    )


def issued(browser: Browser, kind: str, **data: str) -> str:
    """Issue a statement that must be issued; the register page the redirect leads to."""
    response = issue(browser, kind, **data)
    assert response.status_code == 302, body(response)[-2000:]
    assert response.headers["Location"].startswith("/statements#")
    return body(browser.get(response.headers["Location"]))


def records(database: Database) -> list[StatementRecord]:
    with database.session() as session:
        return list(session.scalars(select(StatementRecord).order_by(StatementRecord.id)))


def record(database: Database, number: str) -> StatementRecord:
    (found,) = [r for r in records(database) if r.number == number]
    return found


def issued_events(database: Database) -> int:
    with database.session() as session:
        query = select(func.count()).where(AuditEvent.action == "statement.issued")
        return session.scalar(query) or 0


def donor_named(database: Database, code: str) -> Donor:
    with database.session() as session:
        return session.scalars(select(Donor).filter_by(code=code)).one()


def register_rows(page: str) -> list[list[str]]:
    """The register table's rows below its header."""
    return captioned(page, "Issued statements")[1:]


def download(browser: Browser, statement: StatementRecord) -> TestResponse:
    return browser.get(f"/statements/{statement.id}.pdf")


def main(response: TestResponse) -> str:
    """The page without its header (which names the address asked for)."""
    return body(response).split("<main")[1]


def pdf_files(archive: Path) -> list[Path]:
    return sorted(archive.rglob("*.pdf")) if archive.exists() else []


# --- issuing and the register ---------------------------------------------------------


def test_the_secretariat_issues_each_kind_and_the_register_lists_it(
    secretariat: Browser, database: Database, archive: Path
) -> None:
    page = issued(secretariat, "donor", donor="ES-OBS", start="2025-01-01", end="2025-12-31")
    assert flashes(page) == [
        "Issued DS-2026-0001: donor statement for ES-OBS, 2025-01-01 to 2025-12-31, in Spanish."
    ]
    issued(secretariat, "fund", year="2025", language="fr")
    page = issued(secretariat, "pack", meeting="2026-03-10", language="en")

    rows = {row[0]: row for row in register_rows(page)}
    assert list(rows) == ["CP-2026-0001", "FS-2026-0001", "DS-2026-0001"], "newest first"
    donor, fund, pack = (record(database, n) for n in ("DS-2026-0001", "FS-2026-0001",
                                                       "CP-2026-0001"))  # fmt: skip
    assert rows["DS-2026-0001"] == [
        "DS-2026-0001", "Donor statement",
        "España (ES-OBS), 2025-01-01 to 2025-12-31 Unaudited", "Spanish", "2026-03-02 09:00",
        "secretariat@example.org", donor.sha256, "PDF",
    ]  # fmt: skip
    assert rows["FS-2026-0001"][1:4] == ["Fund statement", "Fiscal year 2025 Unaudited", "French"]
    assert rows["FS-2026-0001"][6] == fund.sha256
    assert rows["CP-2026-0001"][1:4] == [
        "CAJP meeting pack", "Meeting of 2026-03-10 Interim", "English",
    ]  # fmt: skip
    assert (donor.language, fund.language, pack.language) == ("es", "fr", "en")
    assert issued_events(database) == 3
    assert [p.name for p in pdf_files(archive)] == [
        "CP-2026-0001.pdf", "DS-2026-0001.pdf", "FS-2026-0001.pdf",
    ]  # fmt: skip


def test_the_issue_page_offers_every_donor_in_its_language(secretariat: Browser) -> None:
    page = text(secretariat.get("/statements/issue"))
    assert '<option value="ES-OBS">ES-OBS — España (Spanish)</option>' in page
    assert '<option value="MEX">MEX — México (Spanish)</option>' in page
    assert re.search(r'name="donor-start"[^>]*value="2026-01-01"', page)
    assert re.search(r'name="donor-end"[^>]*value="2026-03-02"', page)
    assert re.search(r'name="fund-year"[^>]*value="2025"', page)


def test_a_fund_statement_for_a_period_or_the_funds_whole_life(
    secretariat: Browser, database: Database
) -> None:
    page = issued(secretariat, "fund", covers="inception", end="2026-03-01", language="es")
    assert flashes(page) == [
        "Issued FS-2026-0001: fund statement for 2025-01-20 to 2026-03-01, in Spanish."
    ]
    issued(secretariat, "fund", covers="period", start="2025-07-01", end="2025-12-31")
    whole, half = record(database, "FS-2026-0001"), record(database, "FS-2026-0002")
    assert json.loads(whole.parameters)["from"] == "2025-01-20"  # the first entry's day
    assert json.loads(half.parameters)["to"] == "2025-12-31"
    assert "2025-07-01 to 2025-12-31" in text(secretariat.get("/statements"))
    refused = issue(secretariat, "fund", covers="inception", end="2024-12-31")
    assert refused.status_code == 422
    assert "before the Fund's first day (2025-01-20)" in text(refused)


def test_the_language_chosen_overrides_the_donors(secretariat: Browser, database: Database) -> None:
    issued(secretariat, "donor", donor="ES-OBS", start="2025-01-01", end="2025-12-31",
           language="pt")  # fmt: skip
    (statement,) = records(database)
    assert statement.language == "pt"
    assert "Extrato do doador" in text_of(download(secretariat, statement).get_data())


def test_the_register_filters_sorts_pages_and_exports(
    secretariat: Browser, database: Database
) -> None:
    for code in ("ES-OBS", "MEX", "ES-OBS"):
        issued(secretariat, "donor", donor=code, start="2025-01-01", end="2025-12-31")
    issued(secretariat, "fund", year="2025")

    def numbers(query: str) -> list[str]:
        return [row[0] for row in register_rows(body(secretariat.get(f"/statements?{query}")))]

    assert numbers("") == ["FS-2026-0001", "DS-2026-0003", "DS-2026-0002", "DS-2026-0001"]
    assert numbers("kind=fund") == ["FS-2026-0001"]
    assert numbers("donor=ES-OBS") == ["DS-2026-0003", "DS-2026-0001"]
    assert numbers("kind=donor&donor=MEX&year=2026") == ["DS-2026-0002"]
    assert "No statement matches." in body(secretariat.get("/statements?year=2025"))
    assert numbers("sort=number&direction=asc") == [
        "DS-2026-0001", "DS-2026-0002", "DS-2026-0003", "FS-2026-0001",
    ]  # fmt: skip
    assert numbers("sort=donor&direction=asc") == [
        "FS-2026-0001", "DS-2026-0001", "DS-2026-0003", "DS-2026-0002",
    ]  # fmt: skip
    assert numbers("per_page=3&page=2") == ["DS-2026-0001"]
    # Spain's second statement of 2025 in Spanish supersedes the first, on both rows.
    covers = {row[0]: row[2] for row in register_rows(body(secretariat.get("/statements")))}
    assert covers["DS-2026-0003"].endswith("Unaudited Supersedes DS-2026-0001")
    assert covers["DS-2026-0001"].endswith("Unaudited Superseded by DS-2026-0003")
    assert "Supersedes" not in covers["DS-2026-0002"]

    export = secretariat.get("/statements.csv?donor=ES-OBS&sort=number&direction=asc")
    assert export.mimetype == "text/csv"
    table = list(csv.reader(io.StringIO(csv_text(export))))
    assert table[0] == ["number", "kind", "statement", "language", "issued_at", "issued_by",
                        "sha256", "size", "status", "supersedes", "superseded_by"]  # fmt: skip
    first = record(database, "DS-2026-0001")
    assert table[1] == [
        "DS-2026-0001", "donor", "donor statement for ES-OBS, 2025-01-01 to 2025-12-31", "es",
        "2026-03-02T09:00:00Z", "secretariat@example.org", first.sha256, str(first.size),
        "unaudited", "", "DS-2026-0003",
    ]  # fmt: skip
    assert [row[0] for row in table[1:]] == ["DS-2026-0001", "DS-2026-0003"]

    for query in ("kind=letter", "donor=NOPE", "year=1999", "year=soon", "sort=colour"):
        assert secretariat.get(f"/statements?{query}").status_code == 400, query


def register_row(page: str, number: str) -> str:
    """The register's row of statement ``number``, as HTML."""
    found = re.search(rf'<tr id="{number}">(.*?)</tr>', page, re.S)
    assert found, f"no row {number}"
    return found.group(1)


def test_the_register_links_superseded_statements_and_flags_changed_figures(
    secretariat: Browser, database: Database
) -> None:
    """Spain's 2025 statement issued twice (the second supersedes the first), and one of
    its first half-year; then a gift dated in November 2025 is recorded. The 2025
    statements' figures have changed, by that entry; the half-year's have not."""
    for end in ("2025-12-31", "2025-06-30", "2025-12-31"):
        issued(secretariat, "donor", donor="ES-OBS", start="2025-01-01", end=end)
    with database.transaction() as session:
        spain = donor_by_code(session, "ES-OBS")
        record_receipt(session, SECRETARIAT, spain, value_date=day("2025-11-03"),
                       amount=Decimal(500), currency="USD", unpledged=True)  # fmt: skip
        gift = last_entry_number(session)
    first, half, second = (record(database, f"DS-2026-000{n}") for n in (1, 2, 3))
    page = body(secretariat.get("/statements"))
    covers = {row[0]: row[2] for row in register_rows(page)}
    changed = f"Figures since changed by entries {gift}"
    assert covers[first.number].endswith(f"Superseded by {second.number} {changed}")
    assert covers[second.number].endswith(f"Supersedes {first.number} {changed}")
    assert covers[half.number].endswith("Unaudited")
    assert f'<a href="/statements/{second.id}.pdf">{second.number}</a>' in register_row(
        page, first.number
    )
    assert f'<a href="/statements/{first.id}.pdf">{first.number}</a>' in register_row(
        page, second.number
    )
    assert f'<a href="/journal/{gift}">{gift}</a>' in register_row(page, second.number)


# --- downloads ------------------------------------------------------------------------


def test_a_download_is_exactly_the_archived_pdf(
    secretariat: Browser, database: Database, archive: Path
) -> None:
    page = issued(secretariat, "donor", donor="ES-OBS", start="2025-01-01", end="2025-12-31")
    statement = record(database, "DS-2026-0001")
    response = download(secretariat, statement)
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    assert response.headers["Content-Disposition"] == 'attachment; filename="DS-2026-0001.pdf"'
    content = response.get_data()
    assert content == (archive / "2026" / "DS-2026-0001.pdf").read_bytes()
    shown = register_rows(page)[0][6]
    assert hashlib.sha256(content).hexdigest() == shown == statement.sha256
    words = text_of(content)
    for expected in ("Estado de cuenta del donante", "España (ES-OBS)", "DS-2026-0001",
                     "54.250,00", "1,0850", "30.000,00", "54.400,00", "NV-2025-017"):  # fmt: skip
        assert expected in words, expected


@pytest.mark.parametrize("role", ["cajp", "auditor", "admin"])
def test_readers_download_fund_statements_and_meeting_packs(
    app: Flask, secretariat: Browser, login_as: LoginAs, database: Database, role: str
) -> None:
    issued(secretariat, "fund", year="2025")
    issued(secretariat, "pack", meeting="2026-03-10")
    reader = staff(app, login_as, role)
    for number, title in (("FS-2026-0001", "Fund statement"),
                          ("CP-2026-0001", "CAJP meeting pack")):  # fmt: skip
        response = download(reader, record(database, number))
        assert response.status_code == 200, number
        assert title in text_of(response.get_data())
    assert "FS-2026-0001" in body(reader.get("/statements"))
    assert reader.get("/statements/issue").status_code == 403
    refused = reader.submit("/statements/issue/fund", {"fund-year": "2024"}, page="/statements")
    assert refused.status_code == 403
    assert len(records(database)) == 2


def test_a_missing_or_altered_archive_file_is_refused_with_the_reason(
    secretariat: Browser, database: Database, archive: Path
) -> None:
    issued(secretariat, "donor", donor="ES-OBS", start="2025-01-01", end="2025-12-31")
    statement = record(database, "DS-2026-0001")
    path = archive / statement.path
    original = path.read_bytes()

    path.write_bytes(original[:-1] + bytes([original[-1] ^ 1]))
    altered = download(secretariat, statement)
    assert altered.status_code == 409
    assert altered.mimetype == "text/html"
    assert "is not the document that was issued (its SHA-256 differs" in text(altered)

    path.unlink()
    missing = download(secretariat, statement)
    assert missing.status_code == 409
    assert (
        "The PDF of statement DS-2026-0001 is missing from the statements archive, so it "
        "cannot be sent until the Secretariat restores it from a backup."
    ) in text(missing)
    for page in (altered, missing):
        assert "Traceback" not in body(page)

    path.write_bytes(original)
    assert download(secretariat, statement).get_data() == original


# --- a donor login --------------------------------------------------------------------


def test_a_donor_sees_and_downloads_only_its_own_statements(
    app: Flask, browser: Browser, login_as: LoginAs, database: Database, books: None
) -> None:
    office = staff(app, login_as)
    issued(office, "donor", donor="ES-OBS", start="2025-01-01", end="2025-12-31")
    issued(office, "donor", donor="MEX", start="2025-01-01", end="2025-12-31")
    issued(office, "fund", year="2025")
    issued(office, "pack", meeting="2026-03-10")
    spain, mexico, fund, pack = records(database)

    login_as("donor", donor=donor_named(database, "MEX"), email="mision@mex.example")
    browser.client.set_cookie(COOKIE, "en")  # México's pages would be in Spanish
    page = body(browser.get("/my/statements"))
    rows = captioned(page, "Statements issued to MEX")[1:]
    assert [row[0] for row in rows] == ["DS-2026-0002"]
    assert "DS-2026-0001" not in page
    assert "FS-2026-0001" not in page
    assert 'href="/my/statements" aria-current="page"' in page

    own = download(browser, mexico)
    assert own.status_code == 200
    assert "México (MEX)" in text_of(own.get_data())

    nothing = browser.get("/statements/999999.pdf")
    assert nothing.status_code == 404
    for other in (spain, fund, pack):
        refused = download(browser, other)
        assert refused.status_code == 404, other.number
        assert main(refused) == main(nothing), "reads exactly like no statement"
    assert browser.get(f"/statements/{2**40}.pdf").status_code == 404

    for url in ("/statements", "/statements.csv", "/statements/issue", "/statements/verify"):
        assert browser.get(url).status_code == 403, url
    for kind in ("donor", "fund", "pack"):
        response = browser.submit(f"/statements/issue/{kind}", {"fund-year": "2025"},
                                  page="/my/statements")  # fmt: skip
        assert response.status_code == 403, kind
    assert len(records(database)) == 4


def test_a_donor_requests_its_statement_for_the_year_to_date(
    browser: Browser, login_as: LoginAs, database: Database, books: None, clock: Clock
) -> None:
    user = login_as("donor", donor=donor_named(database, "ES-OBS"), email="embajada@es.example")
    browser.client.set_cookie(COOKIE, "en")  # Spain's pages would be in Spanish
    response = browser.submit("/my/statements/request", page="/my/statements")
    assert response.status_code == 302
    page = body(browser.get(response.headers["Location"]))
    assert flashes(page) == ["Issued DS-2026-0001, your statement from 2026-01-01 to 2026-03-02."]
    (statement,) = records(database)
    assert (statement.kind, statement.language, statement.issued_by) == ("donor", "es", user.email)
    assert statement.donor_id == donor_named(database, "ES-OBS").id
    assert [row[0] for row in captioned(page, "Statements issued to ES-OBS")[1:]] == [
        "DS-2026-0001"
    ]
    words = text_of(download(browser, statement).get_data())
    assert "Estado de cuenta del donante" in words
    assert "España (ES-OBS)" in words
    assert "Período 1 de enero de 2026 – 2 de marzo de 2026" in words

    clock.advance(5 * 60)
    again = browser.submit("/my/statements/request", page="/my/statements")
    page = body(browser.get(again.headers["Location"]))
    assert flashes(page) == [
        "Your statement for this period was issued earlier today: DS-2026-0001."
    ]
    assert len(records(database)) == 1
    assert issued_events(database) == 1

    clock.advance(24 * 3600)
    sign_in(browser.client, database, user, now=clock.now)  # the session expired overnight
    browser.submit("/my/statements/request", page="/my/statements")
    assert [r.number for r in records(database)] == ["DS-2026-0001", "DS-2026-0002"]
    assert json.loads(records(database)[1].parameters) == {
        "donor": "ES-OBS", "from": "2026-01-01", "to": "2026-03-03",
        "availability_basis": "cash", "indirect_cost_rate": "0",
    }  # fmt: skip


def spain_signs_in(browser: Browser, login_as: LoginAs, database: Database) -> User:
    user = login_as("donor", donor=donor_named(database, "ES-OBS"), email="embajada@es.example")
    browser.client.set_cookie(COOKIE, "en")  # Spain's pages would be in Spanish
    return user


def request_own(browser: Browser, **data: str) -> TestResponse:
    return browser.submit("/my/statements/request", data, page="/my/statements")


@pytest.mark.parametrize(
    ("data", "period"),
    [
        ({"covers": "year", "year": "2025"},
         "Período 1 de enero de 2025 – 31 de diciembre de 2025"),
        ({"covers": "life"}, "Período 10 de febrero de 2025 – 2 de marzo de 2026"),
        ({"covers": "period", "start": "2025-04-01", "end": "2025-06-30"},
         "Período 1 de abril de 2025 – 30 de junio de 2025"),
    ],
)  # fmt: skip
def test_a_donor_chooses_a_past_year_its_whole_life_or_a_period(
    browser: Browser, login_as: LoginAs, database: Database, books: None,
    data: dict[str, str], period: str,
) -> None:  # fmt: skip
    """Spain's first entry is its pledge of 10 February 2025; today is 2 March 2026."""
    spain_signs_in(browser, login_as, database)
    page = body(browser.get("/my/statements"))
    assert re.findall(r'<option[^>]*value="(\d+)"[^>]*>([^<]+)</option>', page) == [
        ("2026", "2026, to date"), ("2025", "2025"),
    ], "the years from the donor's first entry's, newest first"
    response = request_own(browser, **data)
    assert response.status_code == 302
    (statement,) = records(database)
    words = text_of(download(browser, statement).get_data())
    assert period in words
    assert "España (ES-OBS)" in words
    start, end = (part.strip() for part in flashes(body(browser.get("/my/statements")))[0]
                  .removeprefix("Issued DS-2026-0001, your statement from ").rstrip(".")
                  .split(" to "))  # fmt: skip
    assert json.loads(statement.parameters)["from"] == start
    assert json.loads(statement.parameters)["to"] == end


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"covers": "period", "start": "2025-06-30", "end": "2025-04-01"}, "end",
         "The period ends (2025-04-01) before it starts (2025-06-30)."),
        ({"covers": "period", "start": "2025-01-19", "end": "2025-06-30"}, "start",
         "The Fund's books start on 2025-01-20; choose that day or a later one."),
        ({"covers": "period", "start": "2026-01-01", "end": "2026-03-03"}, "end",
         "A statement cannot run past today (2026-03-02)."),
        ({"covers": "period", "start": "", "end": "2026-03-01"}, "start",
         "Enter the first day of the period."),
        ({"covers": "year", "year": "2024"}, "year", "Choose one of the years offered."),
    ],
)  # fmt: skip
def test_a_period_the_books_cannot_cover_is_refused_on_the_form(
    browser: Browser, login_as: LoginAs, database: Database, books: None, archive: Path,
    data: dict[str, str], field: str, message: str,
) -> None:  # fmt: skip
    spain_signs_in(browser, login_as, database)
    response = request_own(browser, **data)
    assert response.status_code == 400
    page = text(response)
    assert f'<strong class="error" id="{field}-error">{message}</strong>' in page
    for name, value in data.items():
        if name in ("start", "end") and value:
            assert f'value="{value}"' in page, "what was typed stays"
    assert records(database) == []
    assert pdf_files(archive) == []


def test_asked_again_after_new_entries_a_fresh_statement_supersedes_the_earlier(
    browser: Browser, login_as: LoginAs, database: Database, books: None, clock: Clock
) -> None:
    """Spain's 2025 statement, asked again the same day: after an entry dated 2026 its
    figures hold (the earlier statement is the answer); after a gift dated in November
    2025 they do not (a fresh one supersedes it)."""
    spain_signs_in(browser, login_as, database)
    request_own(browser, covers="year", year="2025")
    with database.transaction() as session:
        record_receipt(session, SECRETARIAT, donor_by_code(session, "ES-OBS"),
                       value_date=day("2026-03-01"), amount=Decimal(100), currency="USD",
                       unpledged=True)  # fmt: skip
    clock.advance(60)
    again = request_own(browser, covers="year", year="2025")
    assert flashes(body(browser.get(again.headers["Location"]))) == [
        "Your statement for this period was issued earlier today: DS-2026-0001."
    ]
    with database.transaction() as session:
        record_receipt(session, SECRETARIAT, donor_by_code(session, "ES-OBS"),
                       value_date=day("2025-11-03"), amount=Decimal("2345.00"),
                       currency="USD", unpledged=True)  # fmt: skip
    clock.advance(60)
    fresh = request_own(browser, covers="year", year="2025")
    assert flashes(body(browser.get(fresh.headers["Location"]))) == [
        "Issued DS-2026-0002, your statement from 2025-01-01 to 2025-12-31; it supersedes "
        "DS-2026-0001, whose figures have changed since."
    ]
    first, second = records(database)
    assert second.supersedes_id == first.id
    assert "2.345,00" in text_of(download(browser, second).get_data())
    assert "2.345,00" not in text_of(download(browser, first).get_data())
    assert issued_events(database) == 2


# --- verification ---------------------------------------------------------------------


def verify(browser: Browser, content: bytes | None, name: str = "statement.pdf") -> TestResponse:
    data: dict[str, Any] = {} if content is None else {"file": (io.BytesIO(content), name)}
    return browser.submit("/statements/verify", data)


def test_the_verification_form_tells_genuine_from_altered(
    secretariat: Browser, database: Database, archive: Path
) -> None:
    issued(secretariat, "donor", donor="ES-OBS", start="2025-01-01", end="2025-12-31")
    genuine = (archive / "2026" / "DS-2026-0001.pdf").read_bytes()

    answer = text(verify(secretariat, genuine))
    assert (
        "<strong>Genuine:</strong> DS-2026-0001, unaudited donor statement for ES-OBS, "
        "2025-01-01 to 2025-12-31, in es, issued 2026-03-02T09:00:00Z by "
        "secretariat@example.org; signature valid (Fund under test); figures unchanged "
        "since issue"
    ) in answer

    altered = bytearray(genuine)
    altered[len(altered) // 2] ^= 0x01
    response = verify(secretariat, bytes(altered))
    assert response.status_code == 200
    assert (
        "<strong>NOT GENUINE:</strong> the file claims to be statement "
        "DS-2026-0001, but its content differs from the document issued under that number: "
        "it was altered; signature invalid: the signed bytes were changed"
    ) in text(response)

    stranger = text(verify(secretariat, b"%PDF-1.4 not ours"))
    assert "<strong>NOT GENUINE:</strong> not a statement issued by this fund" in stranger

    empty = verify(secretariat, None)
    assert empty.status_code == 400
    assert "Choose the PDF file to verify." in text(empty)
    assert len(records(database)) == 1


# --- bad input ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "data", "message"),
    [
        ("donor", {"donor": "XYZ", "start": "2025-01-01", "end": "2025-12-31"},
         "There is no donor XYZ."),
        ("donor", {"donor": "", "start": "2025-01-01", "end": "2025-12-31"},
         "Choose the donor."),
        ("donor", {"donor": "MEX", "start": "2025-12-31", "end": "2025-01-01"},
         "The period ends (2025-01-01) before it starts (2025-12-31)."),
        ("donor", {"donor": "MEX", "start": "2025-02-30", "end": "2025-12-31"},
         "2025-02-30 is not a date on the calendar."),
        ("donor", {"donor": "MEX", "start": "2025-01-01", "end": "2025-12-31", "language": "de"},
         "Not a valid choice."),
        ("fund", {"year": "1999"}, "The year is from 2000 to 2199."),
        ("fund", {"year": "2200"}, "The year is from 2000 to 2199."),
        ("fund", {"year": "last year"}, "Not a valid integer value."),
        ("fund", {"year": ""}, "Enter the fiscal year."),
        ("fund", {"covers": "period", "start": "2025-12-31", "end": "2025-01-01"},
         "The period ends (2025-01-01) before it starts (2025-12-31)."),
        ("fund", {"covers": "period", "start": "", "end": "2025-12-31"},
         "Enter the first day of the period."),
        ("fund", {"covers": "inception", "end": ""}, "Enter the last day of the period."),
        ("pack", {"meeting": ""}, "Enter the date of the meeting."),
    ],
)  # fmt: skip
def test_bad_input_is_refused_on_the_form_and_nothing_is_written(
    secretariat: Browser, database: Database, archive: Path, kind: str,
    data: dict[str, str], message: str,
) -> None:  # fmt: skip
    response = issue(secretariat, kind, **data)
    assert response.status_code == 400
    page = text(response)
    assert f'<strong class="error" id="{kind}-' in page
    assert message in page
    assert "<strong>Not saved:</strong>" in page
    for name, value in data.items():
        if name not in ("donor", "language") and value:
            assert f'value="{value}"' in page, "what was typed stays"
    assert records(database) == []
    assert issued_events(database) == 0
    assert pdf_files(archive) == []


def test_requests_sent_at_once_issue_one_statement(
    app: Flask, login_as: LoginAs, database: Database, books: None, clock: Clock
) -> None:
    """The donor signed in on several devices presses the button on all of them at once."""
    browsers = [Browser(app.test_client()) for _ in range(RACERS)]
    user = login_as("donor", client=browsers[0].client, donor=donor_named(database, "ES-OBS"))
    for other in browsers[1:]:
        sign_in(other.client, database, user, now=clock.now)
    tokens = [
        re.search(_CSRF_FIELD.format(prefix=""), body(b.get("/my/statements"))) for b in browsers
    ]

    def send(racer: int) -> int:
        token = tokens[racer]
        assert token
        response = browsers[racer].client.post(
            "/my/statements/request", data={"csrf_token": token.group(1)}
        )
        return response.status_code

    assert all_at_once(RACERS, send) == [302] * RACERS
    assert [r.number for r in records(database)] == ["DS-2026-0001"]
    assert issued_events(database) == 1
