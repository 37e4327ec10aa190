"""Money under earmarks no allocation can use, as the Secretariat meets it: listed on the
home page with its balance, moved to a usable earmark through a form (only by the
Secretariat, with a reason) or refunded. The web tests' clock stands at 2026-03-02."""

from __future__ import annotations

import re
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import func, select
from werkzeug.test import TestResponse

from fundledger.actors import Actor
from fundledger.allocations.pools import availability
from fundledger.audit.models import AuditEvent
from fundledger.auth.models import User
from fundledger.db import Database
from fundledger.donors.operations import create_donor
from tests.factories import ledger_state, money_under_unusable_earmark
from tests.web.conftest import Browser

D = Decimal
SETUP = Actor("setup@oas.org")


#: How the pages name the pool and the earmark the tests use.
CAN_6 = ("Canada (CAN) — Objective 6 — Prevention and technical cooperation in the fight "
         "against…")
OBJECTIVE_9 = "Objective 9 — Promotion of a more effective exchange of information on…"


@pytest.fixture
def person(app: Flask, login_as: Callable[..., User]) -> Callable[..., Browser]:
    def make(*roles: str, **fields: Any) -> Browser:
        client = app.test_client()
        fields.setdefault("email", f"{'-'.join(roles)}@example.org")
        login_as(*roles, client=client, **fields)
        return Browser(client)

    return make


@pytest.fixture
def stuck(database: Database) -> None:
    """Canada's 46,639.28 received and 1,000.00 pledged under objective:6."""
    with database.transaction() as session:
        canada = create_donor(session, SETUP, code="CAN", name="Canada", type="member_state")
        money_under_unusable_earmark(session, canada, "objective:6", received=D("46639.28"),
                                     pledged=D("1000.00"))  # fmt: skip


def text(response: TestResponse) -> str:
    assert response.status_code < 500
    return response.get_data(as_text=True)


def plain_text(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def written(database: Database) -> tuple[object, ...]:
    with database.session() as session:
        return (ledger_state(session),
                session.scalar(select(func.count()).select_from(AuditEvent)))  # fmt: skip


def available(database: Database, pool: str) -> Decimal:
    with database.session() as session:
        found = availability(session, with_receivables=False).get(pool)
        return found.available if found is not None else D("0.00")


@pytest.mark.usefixtures("stuck")
def test_the_secretariat_home_page_lists_unusable_earmarks_with_their_balance(
    person: Callable[..., Browser],
) -> None:
    page = text(person("secretariat").get("/"))
    home = plain_text(page)
    assert "Earmarks no allocation can use" in home
    assert (f"{CAN_6} Objective 6 is served by no activity the fund may finance. "
            "$46,639.28 1,000.00 Re-earmark · Refund") in home  # fmt: skip
    assert 'href="/re-earmark?pool=CAN/objective:6"' in page
    assert 'href="/refunds/new?pool=CAN/objective:6"' in page
    # The admin sees the fund's figures, and the money stuck, but not the Secretariat's moves.
    admin = text(person("admin").get("/"))
    assert CAN_6 in admin
    assert "/re-earmark?pool" not in admin
    for role in ("cajp", "auditor"):
        assert "Earmarks no allocation can use" not in text(person(role).get("/")), role


def test_no_listing_when_every_earmark_is_usable(person: Callable[..., Browser]) -> None:
    assert "Earmarks no allocation can use" not in text(person("secretariat").get("/"))


@pytest.mark.usefixtures("stuck")
def test_the_secretariat_re_earmarks_through_the_form(
    person: Callable[..., Browser], database: Database
) -> None:
    ana = person("secretariat")
    form = text(ana.get("/re-earmark?pool=CAN/objective:6"))
    assert f"{CAN_6}: 46,639.28 available" in form
    assert "objective:7" not in form, "an objective no fundable activity serves is not offered"
    typed = {"pool": "CAN/objective:6", "to": "objective:7", "amount": "46639.28",
             "on": "2026-03-01", "reason": "Canada agreed on 1 March"}  # fmt: skip
    before = written(database)
    unusable_target = ana.submit("/re-earmark", typed)
    assert unusable_target.status_code == 400
    assert "Choose the earmark from the list" in text(unusable_target)
    no_reason = ana.submit("/re-earmark", {**typed, "to": "objective:9", "reason": " "})
    assert no_reason.status_code == 400
    assert "Say why the money moves" in text(no_reason)
    assert written(database) == before

    moved = ana.submit("/re-earmark", {**typed, "to": "objective:9"})
    assert moved.status_code == 302
    assert moved.headers["Location"] == "/available"
    flashed = re.findall(r'<p class="flash" role="status">([^<]*)</p>',
                         text(ana.get("/available")))  # fmt: skip
    assert flashed == [f"46,639.28 from {CAN_6} is re-earmarked to {OBJECTIVE_9}: entry #3."]
    assert available(database, "CAN/objective:6") == D("0.00")
    assert available(database, "CAN/objective:9") == D("46639.28")
    with database.session() as session:
        event = session.scalars(select(AuditEvent).filter_by(action="pool.re_earmarked")).one()
        assert "Canada agreed on 1 March" in (event.after or "")
    # Only the receivable is left under the earmark: nothing to move, no action offered.
    home = plain_text(text(ana.get("/")))
    assert f"{CAN_6} Objective 6 is served by no activity the fund may finance. $0.00 " \
           "1,000.00" in home


@pytest.mark.usefixtures("stuck")
def test_only_the_secretariat_may_re_earmark(
    person: Callable[..., Browser], database: Database
) -> None:
    browsers = {role: person(role) for role in ("cajp", "auditor", "admin")}
    before = written(database)
    for role, browser in browsers.items():
        assert browser.get("/re-earmark").status_code == 403, role
        posted = browser.submit(
            "/re-earmark",
            {"pool": "CAN/objective:6", "to": "objective:9", "amount": "1.00",
             "on": "2026-03-01", "reason": "x"},
            page="/",
        )  # fmt: skip
        assert posted.status_code == 403, role
    assert written(database) == before
