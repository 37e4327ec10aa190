"""Little things that erode trust (issue 15, finding 9): a second donor with the same
name or country is warned of, not refused; closing an allocation that never paid out all
it was approved asks first and says how much; an expenditure report for a period
outside the allocation's is refused by the operation, so the page and the command line
alike."""

from __future__ import annotations

import datetime as dt
import html
from collections.abc import Callable
from decimal import Decimal

import pytest
from babel.dates import format_date
from sqlalchemy import select
from werkzeug.test import TestResponse

from fundledger.allocations import operations as ops
from fundledger.allocations.errors import AllocationError
from fundledger.auth.models import User
from fundledger.db import Database
from fundledger.donors.models import Donor
from fundledger.donors.operations import create_donor
from fundledger.web.i18n import COOKIE
from tests.web.conftest import Browser
from tests.web.test_allocation_pages import (
    PROPOSER,
    allocation_of,
    approved,
    mexico_pays_50000_for_activity_5,
    written,
)
from tests.web.test_donor_pages import body

LoginAs = Callable[..., User]
NEW_DONOR = {"code": "JPN", "name": "japan ", "type": "member_state", "country": "JP",
             "language": "en"}  # fmt: skip


@pytest.fixture
def secretariat(browser: Browser, login_as: LoginAs) -> Browser:
    login_as("secretariat")
    return browser


def step(browser: Browser, allocation_id: int, name: str, data: dict[str, str]) -> TestResponse:
    """Take a step from the allocation's page (its form's fields are named apart)."""
    return browser.submit(
        f"/allocations/{allocation_id}/{name}",
        {f"{name}-{allocation_id}-{key}": value for key, value in data.items()},
        page=f"/allocations/{allocation_id}",
    )


def donor_codes(database: Database) -> list[str]:
    with database.session() as session:
        return list(session.scalars(select(Donor.code).order_by(Donor.code)))


def test_a_donor_like_an_existing_one_is_warned_of_then_added_if_confirmed(
    secretariat: Browser, database: Database
) -> None:
    with database.transaction() as session:
        create_donor(session, PROPOSER, code="JP", name="Japan", type="member_state", country="JP")
        create_donor(session, PROPOSER, code="KR-OBS", name="Korea", type="permanent_observer",
                     country="KR")  # fmt: skip
    before = written(database)

    warned = secretariat.submit("/donors/new", NEW_DONOR, page="/donors/new")
    assert warned.status_code == 409
    page = html.unescape(body(warned))
    assert "these donors have the same name or country" in page
    assert '<a href="/donors/JP">JP</a> — Japan (JP)' in page
    assert "KR-OBS" not in page
    assert "It is not one of these: add it anyway" in page
    assert written(database) == before, "a warning writes nothing"

    same_country = secretariat.submit(
        "/donors/new", {**NEW_DONOR, "name": "Japan Foundation", "code": "JF"}, page="/donors/new"
    )
    assert same_country.status_code == 409

    added = secretariat.submit("/donors/new", {**NEW_DONOR, "confirm": "y"}, page="/donors/new")
    assert added.status_code == 302
    assert donor_codes(database) == ["JP", "JPN", "KR-OBS"]
    other = secretariat.submit(
        "/donors/new", {**NEW_DONOR, "code": "PE", "name": "Peru", "country": "PE"},
        page="/donors/new",
    )  # fmt: skip
    assert other.status_code == 302, "an unlike donor is added at once"


def test_the_warning_reads_in_the_language(secretariat: Browser, database: Database) -> None:
    with database.transaction() as session:
        create_donor(session, PROPOSER, code="JP", name="Japan", type="member_state", country="JP")
    secretariat.client.set_cookie(COOKIE, "es")
    page = html.unescape(body(secretariat.submit("/donors/new", NEW_DONOR, page="/donors/new")))
    assert "estos donantes tienen el mismo nombre o país" in page
    assert "No es ninguno de estos: agregarlo de todos modos" in page


def test_closing_with_money_never_disbursed_asks_first_and_says_how_much(
    secretariat: Browser, database: Database
) -> None:
    mexico_pays_50000_for_activity_5(database)
    allocation_id = approved(database, 5, "10000", "MEX/activity:5")
    with database.transaction() as session:
        ops.disburse(session, PROPOSER, allocation_of(session, allocation_id),
                     amount=Decimal(4000), on=dt.date(2025, 4, 1))  # fmt: skip
    shown = html.unescape(body(secretariat.get(f"/allocations/{allocation_id}")))
    assert "Close although 6,000.00 approved was never disbursed" in shown
    before = written(database)

    asked = step(secretariat, allocation_id, "close", {"on": "2025-12-31"})
    assert asked.status_code == 400
    assert "6,000.00 approved was never disbursed: tick the box to close anyway." in html.unescape(
        body(asked)
    )
    assert written(database) == before

    closed = step(secretariat, allocation_id, "close", {"on": "2025-12-31", "confirm": "y"})
    assert closed.status_code == 302
    with database.session() as session:
        assert allocation_of(session, allocation_id).state == "closed"


def test_closing_with_everything_disbursed_asks_nothing(
    secretariat: Browser, database: Database
) -> None:
    mexico_pays_50000_for_activity_5(database)
    allocation_id = approved(database, 5, "10000", "MEX/activity:5")
    with database.transaction() as session:
        ops.disburse(session, PROPOSER, allocation_of(session, allocation_id),
                     amount=Decimal(10000), on=dt.date(2025, 4, 1))  # fmt: skip
    assert "never disbursed" not in body(secretariat.get(f"/allocations/{allocation_id}"))
    closed = step(secretariat, allocation_id, "close", {"on": "2025-12-31"})
    assert closed.status_code == 302


@pytest.mark.parametrize("period_end", ["2025-02-28", "2026-01-31"])
def test_an_expenditure_report_outside_the_allocations_period_is_refused(
    secretariat: Browser, database: Database, period_end: str
) -> None:
    mexico_pays_50000_for_activity_5(database)
    allocation_id = approved(database, 5, "10000", "MEX/activity:5")  # 2025-03-01 to 12-31
    with database.transaction() as session:
        ops.disburse(session, PROPOSER, allocation_of(session, allocation_id),
                     amount=Decimal(4000), on=dt.date(2025, 4, 1))  # fmt: skip
    before = written(database)
    message = (f"allocation {allocation_id} runs from 2025-03-01 to 2025-12-31: a report for a "
               f"period ending {period_end} is outside it")  # fmt: skip

    with database.transaction() as session, pytest.raises(AllocationError, match=message):
        ops.report_expenditure(
            session, PROPOSER, allocation_of(session, allocation_id), amount=Decimal(100),
            period_end=dt.date.fromisoformat(period_end), category="travel",
        )  # fmt: skip
    refused = step(secretariat, allocation_id, "report",
                   {"amount": "100", "period_end": period_end, "category": "travel"})  # fmt: skip
    assert refused.status_code == 422
    ending = format_date(dt.date.fromisoformat(period_end), "medium", locale="en")
    assert (f"allocation {allocation_id} runs from Mar 1, 2025 to Dec 31, 2025: a report for a "
            f"period ending {ending} is outside it") in html.unescape(body(refused))  # fmt: skip
    assert written(database) == before
