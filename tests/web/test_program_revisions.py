"""Program revisions on the web: the CAJP records one, every reader sees the list and
the activity's history, the Program's pages show it as it stands today; bad input says
why and records nothing."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from flask import Flask
from sqlalchemy import func, select

from fundledger.auth.models import User
from fundledger.db import Database
from fundledger.program.models import ProgramRevision
from tests.web.conftest import Browser
from tests.web.test_allocation_pages import location, text

LoginAs = Callable[..., User]
GOOD = {"change": "move_activity", "activity": "29", "implementer": "CIM",
        "effective_on": "2025-06-01", "reference": "CP/CAJP/DEC. 7/25",
        "group": "oas_organ", "meeting": ""}  # fmt: skip


@pytest.fixture
def officer(app: Flask, login_as: LoginAs) -> Browser:
    client = app.test_client()
    login_as("cajp", client=client, email="carla@example.org")
    return Browser(client)


def revisions_in(database: Database) -> int:
    with database.session() as session:
        return session.scalar(select(func.count()).select_from(ProgramRevision)) or 0


def test_the_cajp_records_a_revision_and_the_program_pages_follow(
    app: Flask, login_as: LoginAs, officer: Browser
) -> None:
    recorded = officer.submit("/program/revisions/new", GOOD)
    assert location(recorded) == "/program/revisions"
    listing = text(officer.get("/program/revisions"))
    assert "The revision is recorded under CP/CAJP/DEC. 7/25, effective 2025-06-01." in listing
    assert "Activity 29 moved from DLAS to CIM" in listing
    reader = app.test_client()
    login_as("secretariat", client=reader, email="sec@example.org")
    page = text(reader.get("/program/activities/29"))
    assert "2025-06-01" in page
    assert "Activity 29 moved from DLAS to CIM" in page
    assert "Inter-American Commission of Women" in page or "CIM" in page
    assert 'href="/program/revisions"' in text(reader.get("/program/activities"))
    assert reader.get("/program/revisions").status_code == 200
    assert reader.get("/program/revisions/new").status_code == 403


@pytest.mark.parametrize(
    ("fields", "status", "reason"),
    [
        ({"effective_on": ""}, 400, "Enter the date it takes effect."),
        ({"reference": ""}, 400, "Choose the meeting or enter the decision&#39;s reference."),
        ({"change": "delete"}, 400, "Not a valid choice"),
        ({"activity": "abc"}, 400, ""),
        ({"implementer": "XYZ"}, 422, "there is no implementer XYZ"),
        ({"change": "add_activity", "text": "New"}, 422, "activity 29 exists already"),
        ({"effective_on": "2004-01-01"}, 422, "before the Program was adopted"),
    ],
)
def test_a_revision_form_with_bad_input_says_why_and_records_nothing(
    database: Database, officer: Browser, fields: dict[str, str], status: int, reason: str
) -> None:
    refused = officer.submit("/program/revisions/new", {**GOOD, **fields})
    assert refused.status_code == status
    assert reason in text(refused)
    assert revisions_in(database) == 0


def test_a_proposal_to_an_activity_all_the_organs_carry_names_the_organ(
    app: Flask, login_as: LoginAs, database: Database
) -> None:
    client = app.test_client()
    login_as("secretariat", client=client, email="ana@example.org")
    ana = Browser(client)
    assert 'name="organ"' in text(ana.get("/allocations/new?activity=31"))
    assert 'name="organ"' not in text(ana.get("/allocations/new?activity=5"))
    fields = {"activity": "31", "amount": "100.00", "purpose": "Training", "gender_marker": "1",
              "period_start": "2025-03-04", "period_end": "2025-12-31"}  # fmt: skip
    refused = ana.submit("/allocations/new", fields, page="/allocations/new?activity=31")
    assert refused.status_code == 422
    assert "name the organ that receives the money" in text(refused)
    proposed = ana.submit("/allocations/new", {**fields, "organ": "IIN"},
                          page="/allocations/new?activity=31")  # fmt: skip
    assert location(proposed) == "/allocations/1"
    assert "IIN" in text(ana.get("/allocations/1"))
