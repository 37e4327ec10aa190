"""The CAJP's meetings on the web: recorded by a CAJP officer, named by a decision in
the queue, listed with the decisions taken at each; donors see none of it."""

from __future__ import annotations

import html
from collections.abc import Callable

import pytest
from flask import Flask
from sqlalchemy import func, select

from fundledger.auth.models import User
from fundledger.db import Database
from fundledger.donors.models import Donor
from fundledger.meetings.models import Meeting
from tests.web.conftest import Browser
from tests.web.test_allocation_pages import (
    location,
    mexico_pays_50000_for_activity_5,
    submitted,
    tables,
    text,
    written,
)

LoginAs = Callable[..., User]


@pytest.fixture
def officer(app: Flask, login_as: LoginAs) -> Browser:
    client = app.test_client()
    login_as("cajp", client=client, email="carla@example.org")
    return Browser(client)


def meetings_in(database: Database) -> int:
    with database.session() as session:
        return session.scalar(select(func.count()).select_from(Meeting)) or 0


def test_a_meeting_is_recorded_and_the_queue_decides_at_it(
    database: Database, officer: Browser
) -> None:
    mexico_pays_50000_for_activity_5(database)
    allocation = submitted(database, 5, "40000", "MEX/activity:5", gender=2)
    recorded = officer.submit("/meetings/new", {
        "held_on": "2025-03-18", "kind": "implementers", "reference": "CP/CAJP/SA.612/25",
        "title": "Annual meeting 2025",
    })  # fmt: skip
    assert location(recorded) == "/meetings/1"
    assert "The meeting of 2025-03-18 is recorded under CP/CAJP/SA.612/25." in text(
        officer.get("/meetings/1")
    )
    prefix = f"decide-{allocation}-"
    decided = officer.submit(
        f"/allocations/{allocation}/decide",
        {prefix + "decision": "approve", prefix + "on": "2025-03-18", prefix + "meeting": "1",
         prefix + "back": "queue"},
        page="/cajp/queue",
    )  # fmt: skip
    assert location(decided) == "/cajp/queue"
    assert f"Allocation #{allocation} is approved for 40,000.00 under CP/CAJP/SA.612/25." in text(
        officer.get("/cajp/queue")
    )
    timeline = text(officer.get(f"/allocations/{allocation}"))
    assert '<a href="/meetings/1">CP/CAJP/SA.612/25</a>' in timeline
    page = text(officer.get("/meetings/1"))
    assert "Annual meeting with the implementers" in page
    decisions = tables(page)["Allocations decided at this meeting, USD"]
    assert decisions.row(f"#{allocation}")[2:5] == ["approved", "40,000.00", "CP/CAJP/SA.612/25"]
    listing = tables(text(officer.get("/meetings")))["Meetings, latest first"]
    assert listing.row("2025-03-18")[1:] == [
        "Annual meeting with the implementers", "CP/CAJP/SA.612/25", "Annual meeting 2025", "1",
    ]  # fmt: skip


def test_a_decision_naming_neither_meeting_nor_reference_is_refused(
    database: Database, officer: Browser
) -> None:
    mexico_pays_50000_for_activity_5(database)
    allocation = submitted(database, 5, "40000", "MEX/activity:5")
    before = written(database)
    prefix = f"decide-{allocation}-"
    refused = officer.submit(
        f"/allocations/{allocation}/decide",
        {prefix + "decision": "approve", prefix + "on": "2025-03-18", prefix + "meeting": ""},
        page=f"/allocations/{allocation}",
    )  # fmt: skip
    assert refused.status_code == 400
    assert "Choose the meeting or enter the decision's reference." in html.unescape(text(refused))
    assert written(database) == before


@pytest.mark.parametrize(
    ("fields", "status", "reason"),
    [
        ({"held_on": "2999-01-01"}, 400, ""),
        ({"reference": ""}, 400, "Enter the reference."),
        ({"kind": "board"}, 400, "Not a valid choice"),
        ({"reference": "CP/CAJP/SA.1/25"}, 422, "a meeting is already recorded under"),
    ],
)
def test_a_meeting_form_with_bad_input_says_why_and_records_nothing(
    database: Database, officer: Browser, fields: dict[str, str], status: int, reason: str
) -> None:
    good = {"held_on": "2025-03-18", "kind": "regular", "reference": "CP/CAJP/SA.1/25"}
    assert location(officer.submit("/meetings/new", good)) == "/meetings/1"
    refused = officer.submit("/meetings/new", {**good, "reference": "CP/CAJP/SA.2/25", **fields})
    assert refused.status_code == status
    assert reason in text(refused)
    assert meetings_in(database) == 1


def test_donors_and_the_secretariat_may_read_or_not_as_their_roles_say(
    app: Flask, login_as: LoginAs, donor: Donor, officer: Browser
) -> None:
    officer.submit("/meetings/new",
                   {"held_on": "2025-03-18", "kind": "experts", "reference": "CP/CAJP/E.1/25"})
    for roles, status in ((("donor",), 403), (("secretariat",), 200), (("auditor",), 200)):
        client = app.test_client()
        login_as(*roles, client=client, **({"donor": donor} if roles == ("donor",) else {}))
        assert client.get("/meetings").status_code == status, roles
        assert client.get("/meetings/1").status_code == status, roles
    secretariat = app.test_client()
    login_as("secretariat", client=secretariat, email="sec2@example.org")
    assert secretariat.get("/meetings/new").status_code == 403
