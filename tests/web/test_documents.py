"""Documents on the web: the Secretariat attaches them from a record's page, whoever may
see the record downloads them as attachments of their stored type, a donor sees its own
only, and removing one asks why."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import func, select
from werkzeug.test import TestResponse

from fundledger.actors import Actor
from fundledger.audit.models import AuditEvent
from fundledger.auth.models import User
from fundledger.db import Database
from fundledger.documents.models import Document, DocumentRemoval
from fundledger.donors.models import Donor
from fundledger.donors.pledges import record_pledge
from fundledger.meetings.operations import record_meeting
from tests import documents_samples as sample
from tests.factories import create_donor
from tests.web.conftest import Browser
from tests.web.test_allocation_pages import (
    location,
    mexico_pays_50000_for_activity_5,
    plain_text,
    submitted,
    text,
)

LoginAs = Callable[..., User]


@pytest.fixture
def staff(app: Flask, login_as: LoginAs) -> Browser:
    client = app.test_client()
    login_as("secretariat", client=client, email="sam@example.org")
    return Browser(client)


def upload(browser: Browser, page: str, owner: str, data: bytes, name: str,
           **fields: str) -> TestResponse:  # fmt: skip
    return browser.submit("/documents/new", {
        "owner": owner, "file": (io.BytesIO(data), name), "kind": "agreement", **fields,
    }, page=page)  # fmt: skip


def written(database: Database, app: Flask) -> tuple[object, ...]:
    root = Path(app.config["DOCUMENTS_DIR"])
    with database.session() as session:
        return (
            session.scalar(select(func.count()).select_from(Document)),
            session.scalar(select(func.count()).select_from(DocumentRemoval)),
            session.scalar(select(func.count()).select_from(AuditEvent)),
            sorted(p.name for p in root.rglob("*")) if root.exists() else [],
        )


def test_an_agreement_is_attached_to_an_allocation_and_downloaded(
    database: Database, staff: Browser, login_as: LoginAs, app: Flask
) -> None:
    mexico_pays_50000_for_activity_5(database)
    allocation = submitted(database, 5, "40000", "MEX/activity:5")
    page = f"/allocations/{allocation}"
    sent = upload(staff, page, f"allocation:{allocation}", sample.PDF, "agreement.png",
                  title="Agreement with CIM")  # fmt: skip
    assert location(sent) == f"{page}#documents"
    shown = plain_text(text(staff.get(page)))
    assert "“Agreement with CIM” is attached." in shown
    assert "Agreement with CIM Agreement agreement.png (PDF) 1 " in shown
    auditor = Browser(app.test_client())
    login_as("auditor", client=auditor.client, email="ann@example.org")
    assert 'action="/documents/new"' not in text(auditor.get(page))
    got = auditor.get("/documents/1")
    assert got.status_code == 200
    assert got.data == sample.PDF
    assert got.headers["Content-Type"] == "application/pdf"
    assert got.headers["Content-Disposition"] == "attachment; filename=agreement.png"
    assert got.headers["X-Content-Type-Options"] == "nosniff"


def test_a_meeting_keeps_its_decision(database: Database, staff: Browser) -> None:
    with database.transaction() as session:
        record_meeting(session, Actor("cajp@oas.org"), held_on=dt.date(2025, 3, 18),
                       kind="regular", reference="CP/CAJP/SA.1/25")  # fmt: skip
    sent = upload(staff, "/meetings/1", "meeting:1", b"Decision: approved.\n",
                  "decision.txt", kind="cajp_decision")  # fmt: skip
    assert location(sent) == "/meetings/1#documents"
    assert "decision.txt (text)" in plain_text(text(staff.get("/meetings/1")))
    got = staff.get("/documents/1")
    assert got.headers["Content-Type"] == "text/plain; charset=utf-8"


@pytest.fixture
def two_donors(database: Database) -> tuple[int, int]:
    with database.transaction() as session:
        return create_donor(session, "MEX", name="Mexico").id, create_donor(session, "CAN").id


def test_a_donor_sees_its_own_documents_only(
    database: Database, staff: Browser, app: Flask, login_as: LoginAs,
    two_donors: tuple[int, int],
) -> None:  # fmt: skip
    mexico, canada = two_donors
    with database.transaction() as session:
        pledge = record_pledge(session, Actor("setup@oas.org"), session.get_one(Donor, mexico),
                               pledge_date=dt.date(2025, 1, 20), amount=Decimal(1000),
                               currency="USD").id  # fmt: skip
    upload(
        staff, "/donors/MEX", f"donor:{mexico}", sample.PNG, "logo.png", title="Mexican agreement"
    )
    upload(staff, "/donors/MEX", f"pledge:{pledge}", sample.XLSX, "schedule.xlsx")
    upload(
        staff, "/donors/CAN", f"donor:{canada}", sample.JPEG, "scan.jpg", title="Canadian agreement"
    )
    donor = Browser(app.test_client())
    with database.session() as session:
        login_as("donor", client=donor.client, donor=session.get(Donor, mexico))
    own = plain_text(text(donor.get("/donor")))
    assert "Mexican agreement" in own
    assert f"schedule.xlsx Agreement Pledge #{pledge} schedule.xlsx (XLSX)" in own
    assert "Canadian agreement" not in own
    assert "Attach the document" not in own
    assert donor.get("/documents/1").status_code == 200
    assert donor.get("/documents/2").data == sample.XLSX
    other = donor.get("/documents/3")
    assert other.status_code == 404
    assert "there is no document #3" in text(other)
    assert donor.get("/documents/4").status_code == 404


@pytest.mark.parametrize(
    ("owner", "data", "name", "status", "message"),
    [
        ("donor:1", b"", "empty.pdf", 422, "Refused: the file empty.pdf is empty"),
        ("donor:1", b"MZ\x90\x00", "tool.pdf", 422,
         "Refused: the file tool.pdf is not one of the accepted types (PDF, PNG, JPEG, DOCX, "
         "XLSX, ODT, text), by its content"),
        ("donor:1", b"%PDF-" + b"x" * 2000, "big.pdf", 413,
         "Refused: the file big.pdf is 2005 bytes; a document may have at most 1000"),
        ("allocation:99", sample.PDF, "a.pdf", 404,
         "Refused: there is no allocation #99 to attach the document to"),
        ("pledge", sample.PDF, "a.pdf", 422, "Refused: choose the record the document belongs to"),
    ],
)  # fmt: skip
def test_a_refused_upload_says_why_and_writes_nothing(
    database: Database, staff: Browser, app: Flask, two_donors: tuple[int, int],
    owner: str, data: bytes, name: str, status: int, message: str,
) -> None:  # fmt: skip
    app.config["DOCUMENTS_MAX_BYTES"] = 1000
    before = written(database, app)
    answer = upload(staff, "/documents/new?owner=donor:1", owner, data, name)
    assert answer.status_code == status
    assert message in plain_text(text(answer))
    assert written(database, app) == before


def test_other_roles_cannot_upload(
    app: Flask, login_as: LoginAs, two_donors: tuple[int, int]
) -> None:
    cajp = Browser(app.test_client())
    login_as("cajp", client=cajp.client, email="carla@example.org")
    assert cajp.get("/documents/new?owner=donor:1").status_code == 403


def test_removing_asks_why_then_hides_the_document(
    database: Database, staff: Browser, app: Flask, two_donors: tuple[int, int]
) -> None:
    upload(staff, "/donors/MEX", "donor:1", sample.ODT, "minutes.odt", title="Minutes")
    before = written(database, app)
    blank = staff.submit("/documents/1/remove", {"reason": "  "})
    assert blank.status_code == 400
    assert "Say why the document is removed." in text(blank)
    assert written(database, app) == before
    removed = staff.submit("/documents/1/remove", {"reason": "Wrong donor"})
    assert location(removed) == "/donors/MEX#documents"
    page = plain_text(text(staff.get("/donors/MEX")))
    assert "“Minutes” is removed." in page
    assert "minutes.odt" not in page
    assert staff.get("/documents/1").status_code == 404
    with database.session() as session:
        removal = session.scalars(select(DocumentRemoval)).one()
        assert (removal.reason, removal.removed_by) == ("Wrong donor", "sam@example.org")


def test_a_file_over_the_request_limit_is_a_413_and_writes_nothing(
    database: Database, staff: Browser, app: Flask, two_donors: tuple[int, int]
) -> None:
    app.config["MAX_CONTENT_LENGTH"] = 4096
    before = written(database, app)
    answer = upload(staff, "/donors/MEX", "donor:1", b"%PDF-" + b"x" * 8000, "huge.pdf")
    assert answer.status_code == 413
    assert "What was sent is larger than this page accepts." in text(answer)
    assert written(database, app) == before
