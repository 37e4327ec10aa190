"""The allocations pages used the way the Secretariat and the CAJP use them, checked
against WORKED-EXAMPLES.md §2 and §3: every step through its form, every refusal with
its reason and nothing written."""

from __future__ import annotations

import datetime as dt
import html
import re
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from babel.dates import format_date
from flask import Flask
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from werkzeug.test import TestResponse

from fundledger import clock
from fundledger.actors import Actor
from fundledger.allocations import operations as ops
from fundledger.allocations.budgets import decide_budget, propose_budget
from fundledger.allocations.models import Allocation
from fundledger.audit.models import AuditEvent
from fundledger.auth.models import User
from fundledger.db import Database
from fundledger.donors.models import Donor
from fundledger.donors.operations import create_donor, set_rate
from fundledger.donors.pledges import record_pledge
from fundledger.donors.receipts import record_receipt
from fundledger.ledger.models import JournalEntry
from fundledger.program.models import Activity
from fundledger.web.i18n import COOKIE
from tests.factories import ledger_state
from tests.web.conftest import Browser
from tests.web.downloads import csv_text
from tests.web.test_pages import Table, _TableReader

D = Decimal
SETUP = Actor("setup@oas.org")
PROPOSER = Actor("proposer@oas.org")
CAJP = Actor("cajp@oas.org")
LoginAs = Callable[..., User]


# --- reading the pages ----------------------------------------------------------------


#: How the pages name the pools the tests use.
MEX_5 = "México (MEX) — Activity 5 — Conduct research on female migration and its impact on…"


def tables(html: str) -> dict[str, Table]:
    """The page's tables by caption."""
    reader = _TableReader()
    reader.feed(html)
    return {table.caption: table for table in reader.tables}


def text(response: TestResponse) -> str:
    return response.get_data(as_text=True)


def plain_text(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def location(response: TestResponse) -> str:
    return response.headers.get("Location", "")


# --- people and money -----------------------------------------------------------------


@pytest.fixture
def person(app: Flask, login_as: LoginAs) -> Callable[..., Browser]:
    """``person("secretariat", email=...)``: a browser signed in as a new user."""

    def make(*roles: str, **fields: Any) -> Browser:
        client = app.test_client()
        login_as(*roles, client=client, **fields)
        return Browser(client)

    return make


@pytest.fixture
def ana(person: Callable[..., Browser]) -> Browser:
    """Secretariat, and also a CAJP officer: the maker–checker rule, not her roles, must
    stop her deciding on her own proposals."""
    return person("secretariat", "cajp", email="ana@example.org")


@pytest.fixture
def carla(person: Callable[..., Browser]) -> Browser:
    return person("cajp", email="carla@example.org")


def day(text: str) -> dt.date:
    return dt.date.fromisoformat(text)


def mexico_pays_50000_for_activity_5(database: Database) -> None:
    with database.transaction() as session:
        mexico = create_donor(session, SETUP, code="MEX", name="México", type="member_state")
        pledge = record_pledge(
            session,
            SETUP,
            mexico,
            pledge_date=day("2025-01-20"),
            amount=D(50000),
            currency="USD",
            earmark="activity:5",
        )
        record_receipt(
            session,
            SETUP,
            mexico,
            value_date=day("2025-01-20"),
            amount=D(50000),
            currency="USD",
            pledges=[pledge],
        )


def canada_gives_100000(database: Database) -> None:
    with database.transaction() as session:
        canada = create_donor(session, SETUP, code="CAN", name="Canada", type="member_state")
        record_receipt(
            session,
            SETUP,
            canada,
            value_date=day("2025-01-10"),
            amount=D(100000),
            currency="USD",
            unpledged=True,
        )


def submitted(
    database: Database, activity: int, amount: str, *pools: str, gender: int | None = None
) -> int:
    """An allocation proposed and submitted through the operations; its id."""
    with database.transaction() as session:
        allocation = ops.propose_allocation(
            session, PROPOSER, activity=activity, amount=D(amount), purpose="Research",
            period_start=day("2025-03-01"), period_end=day("2025-12-31"), pools=pools,
            gender_marker=gender,
        )  # fmt: skip
        ops.submit_allocation(session, PROPOSER, allocation)
        return allocation.id


def approved(
    database: Database, activity: int, amount: str, *pools: str, gender: int | None = None
) -> int:
    allocation_id = submitted(database, activity, amount, *pools, gender=gender)
    with database.transaction() as session:
        ops.decide_allocation(
            session,
            CAJP,
            allocation_of(session, allocation_id),
            decision="approve",
            on=day("2025-02-01"),
            reference="CP/CAJP-1/25",
        )
    return allocation_id


def allocation_of(session: Session, allocation_id: int) -> Allocation:
    found = session.get(Allocation, allocation_id)
    assert found is not None
    return found


def written(database: Database) -> tuple[object, ...]:
    """Everything a refused step could have written; equal snapshots mean nothing was."""
    with database.session() as session:
        return (
            ledger_state(session),
            session.scalar(select(func.count()).select_from(AuditEvent)),
            [
                (a.id, a.state, a.approved_amount, len(a.events),
                 [(p.pool, p.committed, p.advanced, p.spent, p.returned) for p in a.pools])
                for a in session.scalars(select(Allocation).order_by(Allocation.id))
            ],
        )  # fmt: skip


def decision(allocation_id: int, choice: str, **fields: str) -> dict[str, str]:
    prefix = f"decide-{allocation_id}-"
    data = {"decision": choice, "on": "2025-03-18", "reference": "CP/CAJP-0000/25", **fields}
    return {prefix + key: value for key, value in data.items()}


def step(allocation_id: int, name: str, **fields: str) -> dict[str, str]:
    return {f"{name}-{allocation_id}-{key}": value for key, value in fields.items()}


# --- WORKED-EXAMPLES §2 ---------------------------------------------------------------


def test_worked_example_2_through_the_web(database: Database, ana: Browser, carla: Browser) -> None:
    mexico_pays_50000_for_activity_5(database)

    # The check step lists the pools that may fund activity 5, with what they hold.
    check = ana.get("/allocations/new?activity=5")
    assert check.status_code == 200
    pools = tables(text(check))["Pools available to activity 5, USD"]
    assert pools.row(MEX_5)[1:4] == ["50,000.00", "0.00", "50,000.00"]
    assert pools.row("Unrestricted")[1:4] == ["0.00", "0.00", "0.00"]

    proposed = ana.submit(
        "/allocations/new",
        {"activity": "5", "amount": "40000.00", "purpose": "CIM research on female migration",
         "period_start": "2025-03-04", "period_end": "2025-12-31", "gender_marker": "2",
         "pools-0-pool": "MEX/activity:5", "pools-0-order": "1"},
        page="/allocations/new?activity=5",
    )  # fmt: skip
    assert proposed.status_code == 302
    assert location(proposed) == "/allocations/1"
    assert "proposed as a draft" in text(ana.get("/allocations/1"))
    assert "2 principal" in text(ana.get("/allocations/1"))
    assert location(ana.submit("/allocations/1/submit", page="/allocations/1")) == "/allocations/1"

    # The proposer may not decide, whatever her roles: refused with the reason, nothing written.
    before = written(database)
    own = ana.submit("/allocations/1/decide", decision(1, "approve"), page="/allocations/1")
    assert own.status_code == 403
    assert "ana@example.org proposed or submitted allocation 1 and cannot decide on it" in text(own)
    assert written(database) == before

    # The CAJP's queue: 50,000.00 in the pool now, 10,000.00 left if approved in full.
    queue = text(carla.get("/cajp/queue"))
    impact = tables(queue)["Pools of allocation #1, in drawing order, USD"]
    assert impact.row(MEX_5) == [MEX_5, "50,000.00", "10,000.00"]
    decided = carla.submit(
        "/allocations/1/decide",
        decision(1, "reduce", amount="35000.00", back="queue"),
        page="/cajp/queue",
    )
    assert location(decided) == "/cajp/queue"
    after = text(carla.get("/cajp/queue"))
    assert "Allocation #1 is approved for 35,000.00 under CP/CAJP-0000/25." in after
    assert "No allocation is waiting for a decision." in after
    assert available(ana) == {MEX_5: ["50,000.00", "35,000.00", "15,000.00"]}

    # Two tranches; a third is refused with its reason and what was typed stays.
    for amount, on in (("20000.00", "2025-04-01"), ("15000.00", "2025-07-01")):
        paid = ana.submit(
            "/allocations/1/disburse", step(1, "disburse", amount=amount, on=on),
            page="/allocations/1",
        )  # fmt: skip
        assert paid.status_code == 302, text(paid)
    before = written(database)
    third = ana.submit(
        "/allocations/1/disburse", step(1, "disburse", amount="0.01", on="2025-08-01"),
        page="/allocations/1",
    )  # fmt: skip
    assert third.status_code == 422
    assert (
        "allocation 1 was approved for 35,000.00 and 35,000.00 is disbursed; "
        "a tranche of 0.01 is too much"
    ) in plain_text(text(third))
    assert 'value="0.01"' in text(third)
    assert written(database) == before
    assert available(ana)[MEX_5][2] == "15,000.00"

    reported = ana.submit(
        "/allocations/1/report",
        step(1, "report", amount="31500.00", period_end="2025-12-15",
             category="contractual_services"),
        page="/allocations/1",
    )
    assert reported.status_code == 302, text(reported)
    closed = ana.submit(
        "/allocations/1/close", step(1, "close", on="2026-01-31"), page="/allocations/1"
    )
    assert closed.status_code == 302, text(closed)
    assert available(ana) == {MEX_5: ["18,500.00", "0.00", "18,500.00"]}

    # The allocation's page: its pools and its timeline, each entry linked.
    page = text(carla.get("/allocations/1"))
    pool_table = tables(page)["Pools of allocation #1, USD"]
    assert pool_table.row(MEX_5) == [
        MEX_5, "35,000.00", "35,000.00", "31,500.00", "3,500.00", "0.00",
    ]  # fmt: skip
    timeline = tables(page)["What happened to allocation #1, oldest first"].texts()[1:]
    with database.session() as session:
        numbers = [
            "" if event.entry_id is None else f"#{session.get(JournalEntry, event.entry_id).number}"
            for event in allocation_of(session, 1).events
        ]
    assert [row[:7] for row in timeline] == [
        ["", "submitted", "submitted", "40,000.00", "", "", ""],
        ["2025-03-18", "approved", "approved", "35,000.00", "CP/CAJP-0000/25", "", ""],
        ["2025-04-01", "tranche disbursed", "disbursed", "20,000.00", "", numbers[2], ""],
        ["2025-07-01", "tranche disbursed", "disbursed", "15,000.00", "", numbers[3], ""],
        ["2025-12-15", "expenditure reported (Contractual services)", "reported", "31,500.00",
         "", numbers[4], ""],
        ["2026-01-31", "closed", "closed", "3,500.00", "", numbers[5], ""],
    ]
    carla.client.set_cookie(COOKIE, "es")  # the steps and categories in the reader's language
    spanish = text(carla.get("/allocations/1"))
    assert 'gasto informado <span class="muted">(Servicios por contrata)</span>' in spanish
    assert "tramo desembolsado" in spanish
    carla.client.set_cookie(COOKIE, "en")
    assert [row[7].split()[0] for row in timeline] == [
        "ana@example.org", "carla@example.org", *["ana@example.org"] * 4,
    ]  # fmt: skip
    for number in numbers[2:]:
        assert f'href="/journal/{number[1:]}"' in page
    assert carla.get(f"/journal/{numbers[2][1:]}").status_code == 200
    assert "What you can do now" not in page, "a closed allocation offers nothing"


def available(browser: Browser) -> dict[str, list[str]]:
    table = tables(text(browser.get("/available")))["Funds available by pool, USD"]
    return {row[0]: row[1:4] for row in table.texts()[1:-1]}


# --- refusals -------------------------------------------------------------------------


def test_only_legal_steps_are_offered_and_a_forged_one_is_refused(
    database: Database, ana: Browser, carla: Browser, person: Callable[..., Browser]
) -> None:
    canada_gives_100000(database)
    allocation_id = submitted(database, 1, "5000")
    url = f"/allocations/{allocation_id}"

    def actions(browser: Browser) -> set[str]:
        return set(re.findall(rf'action="{url}/(\w+)"', text(browser.get(url))))

    assert actions(ana) == {"decide"}, "ana did not propose it: she may decide as CAJP"
    assert actions(carla) == {"decide"}
    assert actions(person("secretariat", email="sam@example.org")) == set()
    assert actions(person("auditor")) == set()

    before = written(database)
    forged = ana.submit(
        f"{url}/disburse",
        step(allocation_id, "disburse", amount="100.00", on="2025-04-01"),
        page=url,
    )
    # No page issued a disbursement form for it, so the post has no token to carry.
    assert forged.status_code == 400
    assert "This form was not issued on this page to this user" in text(forged)
    assert written(database) == before

    returned = carla.submit(
        f"{url}/decide", decision(allocation_id, "return", comment="Detail the travel"), page=url
    )
    assert returned.status_code == 302
    assert actions(ana) == set(), "a returned allocation is revised on its own page"
    assert f'href="{url}/revise"' in text(ana.get(url))
    assert "cannot submit" in text(ana.submit(f"{url}/submit", page=url))

    revise_get = ana.get(f"{url}/revise")
    assert revise_get.status_code == 200, "the form, not yet sent, is no bad request"
    assert 'value="5000.00"' in text(revise_get)
    revised = ana.submit(
        f"{url}/revise",
        {"amount": "4000.00", "purpose": "Forum", "period_start": "2025-03-01",
         "period_end": "2025-06-30", "pools-0-pool": "unrestricted", "pools-0-order": "1"},
        page=f"{url}/revise",
    )  # fmt: skip
    assert revised.status_code == 302
    assert actions(ana) == {"submit"}
    with database.session() as session:
        assert allocation_of(session, allocation_id).requested_amount == D("4000.00")

    refused = carla.get(f"{url}/revise")
    assert refused.status_code == 403, "the CAJP does not revise proposals"
    ana.submit(f"{url}/submit", page=url)
    too_late = ana.get(f"{url}/revise")
    assert too_late.status_code == 409, "a submitted proposal is too late to revise"
    assert "cannot revise" in text(too_late)


def test_an_earmarked_pool_that_may_not_fund_the_activity_is_refused(
    database: Database, ana: Browser
) -> None:
    mexico_pays_50000_for_activity_5(database)
    check = text(ana.get("/allocations/new?activity=6"))
    assert MEX_5 not in check, "only the pools that may fund activity 6 are listed"

    before = written(database)
    refused = ana.submit(
        "/allocations/new",
        {"activity": "6", "amount": "1000.00", "purpose": "Typed with care",
         "period_start": "2025-03-04", "period_end": "2025-12-31", "gender_marker": "0",
         "pools-0-pool": "MEX/activity:5", "pools-0-order": "1"},
        page="/allocations/new?activity=6",
    )  # fmt: skip
    assert refused.status_code == 422
    assert "pool MEX/activity:5 is earmarked to activity:5; it cannot fund activity 6" in text(
        refused
    )
    assert "Typed with care" in text(refused)
    assert written(database) == before


def test_worked_example_3_refuses_an_approval_with_nothing_available(
    database: Database, carla: Browser
) -> None:
    canada_gives_100000(database)
    approved(database, 1, "60000")
    approved(database, 29, "40000")
    third = submitted(database, 1, "1.00")

    impact = tables(text(carla.get("/cajp/queue")))[
        f"Pools of allocation #{third}, in drawing order, USD"
    ]
    assert impact.row("Unrestricted") == ["Unrestricted", "0.00", "0.00"]
    assert "do not have enough available" in text(carla.get("/cajp/queue"))

    before = written(database)
    refused = carla.submit(
        f"/allocations/{third}/decide", decision(third, "approve", back="queue"), page="/cajp/queue"
    )
    assert refused.status_code == 422
    assert (
        "approving 1.00 needs 1.00 but its pools have only 0.00 available (unrestricted 0.00)"
        in text(refused)
    )
    assert 'value="CP/CAJP-0000/25"' in text(refused), "the queue keeps what was typed"
    assert written(database) == before


@pytest.mark.parametrize(
    ("typed", "reason"),
    [
        ("0", "the approved amount must be more than zero, not 0"),
        ("0.00", "the approved amount must be more than zero, not 0.00"),
        ("-0.00", "the approved amount must be more than zero, not -0.00"),
        ("-1.00", "the approved amount must be more than zero, not -1.00"),
        ("5000.01", "the approved amount 5,000.01 exceeds the 5,000.00 requested"),
    ],
)
def test_a_reduced_amount_must_be_above_zero_and_within_the_request(
    database: Database, carla: Browser, typed: str, reason: str
) -> None:
    """Zero is an amount, not a missing one: it must not approve the whole request."""
    canada_gives_100000(database)
    allocation_id = submitted(database, 1, "5000")
    before = written(database)
    refused = carla.submit(
        f"/allocations/{allocation_id}/decide",
        decision(allocation_id, "reduce", amount=typed),
        page=f"/allocations/{allocation_id}",
    )
    assert refused.status_code == 422
    assert reason in text(refused)
    assert written(database) == before


def test_forms_keep_what_was_typed_and_say_what_is_wrong(database: Database, ana: Browser) -> None:
    mexico_pays_50000_for_activity_5(database)
    before = written(database)
    response = ana.submit(
        "/allocations/new",
        {"activity": "5", "amount": "40,00", "purpose": "",
         "period_start": "2025-03-04", "period_end": "2025-12-31",
         "pools-0-pool": "MEX/activity:5", "pools-0-order": "1",
         "pools-1-pool": "unrestricted", "pools-1-order": "1"},
        page="/allocations/new?activity=5",
    )  # fmt: skip
    assert response.status_code == 400
    page = text(response)
    assert "40,00 is not an amount: write it like 40,000.00 or 40000.00." in page
    assert 'value="40,00"' in page
    assert "Say what the money is for." in page
    assert "Give each pool you draw on its own place in the order." in page
    assert "Choose the gender-equality marker." in page
    assert written(database) == before

    approved_id = approved(database, 5, "1000", "MEX/activity:5")
    no_amount = ana.submit(
        f"/allocations/{approved_id}/disburse",
        step(approved_id, "disburse", amount="", on="2025-04-01"),
        page=f"/allocations/{approved_id}",
    )
    assert no_amount.status_code == 400
    assert "Enter the tranche&#39;s amount." in text(no_amount)


def test_donors_are_refused_every_allocations_page(
    database: Database, person: Callable[..., Browser]
) -> None:
    mexico_pays_50000_for_activity_5(database)
    allocation_id = submitted(database, 5, "1000", "MEX/activity:5")
    with database.session() as session:
        mexico = session.scalars(select(Donor).filter_by(code="MEX")).one()
    donor = person("donor", email="mexico@example.org", donor=mexico)
    pages = [
        "/allocations", "/allocations.csv", f"/allocations/{allocation_id}", "/allocations/new",
        f"/allocations/{allocation_id}/revise", "/cajp/queue", "/available", "/available.csv",
        "/refunds/new", "/budgets", "/budgets/new", "/reports/budget", "/reports/budget.csv",
        "/settings", "/periods",
    ]  # fmt: skip
    for url in pages:
        assert donor.get(url).status_code == 403, url
    posts = [
        f"/allocations/{allocation_id}/{name}"
        for name in ("submit", "decide", "disburse", "report", "close", "revise")
    ]
    posts += [
        "/allocations/new",
        "/refunds/new",
        "/budgets/new",
        "/budgets/1/decide",
        "/settings",
        "/periods/revalue",
        "/periods/close",
        "/periods/reopen",
    ]
    for url in posts:
        assert donor.submit(url, page="/").status_code == 403, url
    header = text(donor.get("/")).split("<main")[0]
    assert "/allocations" not in header
    assert "/cajp/queue" not in header


def test_csv_exports_are_exact(database: Database, ana: Browser) -> None:
    mexico_pays_50000_for_activity_5(database)
    canada_gives_100000(database)
    first = approved(database, 5, "40000", "MEX/activity:5", "unrestricted", gender=2)
    with database.transaction() as session:
        ops.disburse(
            session,
            PROPOSER,
            allocation_of(session, first),
            amount=D("12345.67"),
            on=day("2025-04-01"),
        )
        propose_budget_2025(session)
    submitted(database, 29, "0.50")

    listing = ana.get("/allocations.csv?direction=asc")
    assert listing.headers["Content-Type"].startswith("text/csv")
    assert csv_text(listing) == (
        "id,activity,organ,state,requested,approved,disbursed,spent,period_start,period_end,"
        "pools,purpose,gender_marker\n"
        "1,5,CIM,disbursed,40000.00,40000.00,12345.67,0.00,2025-03-01,2025-12-31,"
        "MEX/activity:5 unrestricted,Research,2\n"
        "2,29,DLAS,submitted,0.50,,0.00,0.00,2025-03-01,2025-12-31,unrestricted,Research,\n"
    )
    assert csv_text(ana.get("/allocations.csv?state=submitted")).count("\n") == 2
    assert csv_text(ana.get("/available.csv")) == (
        "pool,pool_name,money,committed,available\n"
        "unrestricted,Unrestricted,100000.00,0.00,100000.00\n"
        f"MEX/activity:5,{MEX_5},37654.33,27654.33,10000.00\n"
    )
    ana.client.set_cookie(COOKIE, "es")
    spanish = csv_text(ana.get("/available.csv")).splitlines()
    assert spanish[1] == "unrestricted,Sin restricciones,100000.00,0.00,100000.00"
    assert spanish[2].startswith(
        "MEX/activity:5,México (MEX) — Actividad 5 — Realizar investigaciones"
    )
    ana.client.set_cookie(COOKIE, "en")
    report = ana.get("/reports/budget.csv?year=2025&by=activity")
    assert csv_text(report) == (
        "activity,name,budget,allocated,disbursed,spent\n"
        f"5,{activity_title(database, 5)},25000.50,40000.00,12345.67,0.00\n"
        f"29,{activity_title(database, 29)},10000.00,0.00,0.00,0.00\n"
    )


def propose_budget_2025(session: Session) -> None:
    plan = propose_budget(
        session,
        PROPOSER,
        year=2025,
        lines=[(5, D("25000.50"), "CIM research"), (29, D(10000), "Legal")],
    )
    decide_budget(session, CAJP, plan, on=day("2025-02-15"), reference="CP/CAJP-3/25", approve=True)


def activity_title(database: Database, number: int) -> str:
    with database.session() as session:
        found = session.get(Activity, number)
        assert found is not None
        title = found.title
    return f'"{title}"' if "," in title or '"' in title else title


# --- the list -------------------------------------------------------------------------


def test_the_list_filters_sorts_and_pages(
    database: Database, person: Callable[..., Browser]
) -> None:
    canada_gives_100000(database)
    for activity, amount in ((1, "300"), (29, "100"), (1, "200")):
        submitted(database, activity, amount)
    with database.transaction() as session:
        ops.propose_allocation(
            session,
            PROPOSER,
            activity=2,
            amount=D(50),
            purpose="Draft",
            period_start=day("2025-01-01"),
            period_end=day("2025-01-31"),
        )
    auditor = person("auditor")

    def listed(query: str) -> list[str]:
        response = auditor.get(f"/allocations{query}")
        assert response.status_code == 200, query
        table = tables(text(response)).get("Allocations, page 1 of 1, USD")
        return [] if table is None else [row[0] for row in table.texts()[1:]]

    assert listed("") == ["#4", "#3", "#2", "#1"], "newest first"
    assert listed("?state=submitted&sort=requested") == ["#2", "#3", "#1"]
    assert listed("?sort=requested&direction=desc") == ["#1", "#3", "#2", "#4"]
    assert listed("?activity=1&sort=id&direction=asc") == ["#1", "#3"]
    assert listed("?organ=DLAS") == ["#2"]
    assert listed("?state=closed") == []
    assert auditor.get("/allocations?state=lost").status_code == 400
    assert auditor.get("/allocations?sort=purpose").status_code == 400

    second = text(auditor.get("/allocations?page=2&state=&per_page=3"))
    assert "Allocations, page 2 of 2, USD" in second
    assert [row[0] for row in tables(second)["Allocations, page 2 of 2, USD"].texts()[1:]] == ["#1"]
    assert 'href="/allocations?page=1&amp;state=&amp;per_page=3" rel="prev"' in second


# --- work plans, settings, fiscal years, refunds -------------------------------------


def test_a_work_plan_is_proposed_and_decided_line_by_line(
    database: Database, ana: Browser, carla: Browser
) -> None:
    form = text(ana.get("/budgets/new"))
    assert form.count('name="lines-') >= 18, "six blank lines to fill in"
    more = ana.submit(
        "/budgets/new", {"year": "2026", "lines-0-amount": "5", "more": "x"}, page="/budgets/new"
    )
    assert more.status_code == 200
    assert 'id="lines-9-activity"' in text(more)
    assert 'value="5"' in text(more)

    incomplete = ana.submit(
        "/budgets/new", {"year": "2026", "lines-0-activity": "5"}, page="/budgets/new"
    )
    assert incomplete.status_code == 400
    assert "Line 1: give the activity, the amount and a justification" in text(incomplete)

    proposed = ana.submit(
        "/budgets/new",
        {"year": "2026", "lines-0-activity": "5", "lines-0-amount": "40000.00",
         "lines-0-justification": "CIM research", "lines-1-activity": "", "lines-1-amount": "",
         "lines-1-justification": "", "lines-2-activity": "29", "lines-2-amount": "10000",
         "lines-2-justification": "Legal advice"},
        page="/budgets/new",
    )  # fmt: skip
    assert proposed.status_code == 302, plain_text(text(proposed))
    plans = text(ana.get("/budgets"))
    assert 'action="/budgets/1/decide"' not in plans, "ana proposed it: she may not decide"
    assert "You proposed this work plan" in plans

    before = written(database)
    own = ana.submit(
        "/budgets/1/decide",
        {
            "budget-1-decision": "approve",
            "budget-1-on": "2026-02-15",
            "budget-1-reference": "CP/CAJP-9/26",
        },
        page="/budgets",
    )
    assert own.status_code == 403
    assert "ana@example.org proposed this work plan and cannot decide on it" in text(own)
    assert written(database) == before

    undecided = carla.submit(
        "/budgets/1/decide",
        {"budget-1-decision": "lines", "budget-1-on": "2026-02-15",
         "budget-1-reference": "CP/CAJP-9/26", "budget-1-lines-0-activity": "5",
         "budget-1-lines-0-verdict": "approve", "budget-1-lines-1-activity": "29"},
        page="/budgets",
    )  # fmt: skip
    assert undecided.status_code == 400
    assert "Mark activity 29 approve or reject" in text(undecided)

    decided = carla.submit(
        "/budgets/1/decide",
        {"budget-1-decision": "lines", "budget-1-on": "2026-02-15",
         "budget-1-reference": "CP/CAJP-9/26", "budget-1-lines-0-activity": "5",
         "budget-1-lines-0-verdict": "approve", "budget-1-lines-1-activity": "29",
         "budget-1-lines-1-verdict": "reject"},
        page="/budgets",
    )  # fmt: skip
    assert decided.status_code == 302
    page = text(carla.get("/budgets"))
    assert "Work plan 2026, version 1, is approved." in page
    lines = tables(page)["Lines of the 2026 work plan, version 1, USD"]
    assert [(row[0], row[2], row[4]) for row in lines.texts()[1:-1]] == [
        ("5", "40,000.00", "approved"), ("29", "10,000.00", "rejected"),
    ]  # fmt: skip
    assert "2026-02-15 under CP/CAJP-9/26, recorded by carla@example.org" in plain_text(page)
    assert 'href="/budgets/new?year=2026"' in text(ana.get("/budgets"))
    revision = text(ana.get("/budgets/new?year=2026"))
    assert 'value="40000.00"' in revision
    assert "Legal advice" in revision

    by_objective = text(carla.get("/reports/budget?year=2026&by=objective"))
    assert "Not additive" in by_objective
    by_activity = tables(text(carla.get("/reports/budget?year=2026")))
    report = by_activity["Budget against actuals, 2026, by activity, USD"]
    assert report.row("5")[2] == "40,000.00"
    assert report.texts()[-1][1:3] == ["Total", "40,000.00"]
    assert carla.get("/reports/budget?by=donor").status_code == 400


def test_settings_are_changed_by_an_admin_only(
    database: Database, person: Callable[..., Browser]
) -> None:
    admin = person("admin", email="root@example.org")
    secretariat = person("secretariat", email="sam@example.org")
    assert 'action="/settings"' not in text(secretariat.get("/settings"))
    assert secretariat.submit("/settings", {"indirect_cost_rate": "0.07"}).status_code == 403

    before = written(database)
    bad = admin.submit("/settings", {"availability_basis": "cash", "indirect_cost_rate": "7%",
                                     "interest_distribution": "unrestricted"})  # fmt: skip
    assert bad.status_code == 422
    assert "indirect_cost_rate &#39;7%&#39; is not a plain decimal number" in text(bad)
    assert 'value="7%"' in text(bad)
    assert written(database) == before

    saved = admin.submit(
        "/settings", {"availability_basis": "cash_and_receivables", "indirect_cost_rate": "0.07",
                      "interest_distribution": "unrestricted"}
    )
    assert location(saved) == "/settings"
    settings = tables(text(admin.get("/settings")))["Settings in force"]
    assert settings.row("Availability basis")[1] == "Cash and receivables: pledged money counts too"
    assert settings.row("Indirect cost recovery rate")[1] == "7%"
    with database.session() as session:
        actions = session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)).all()
    assert actions[-2:] == ["setting.changed", "setting.changed"]


def test_a_year_is_closed_by_the_secretariat_and_reopened_by_an_admin(
    database: Database, person: Callable[..., Browser]
) -> None:
    canada_gives_100000(database)
    sam = person("secretariat", "admin", email="sam@example.org")
    root = person("admin", email="root@example.org")
    assert root.submit("/periods/close", {"close-year": "2025"}, page="/periods").status_code == 403

    closed = sam.submit("/periods/close", {"close-year": "2025"}, page="/periods")
    assert location(closed) == "/periods"
    years = tables(text(sam.get("/periods")))["Fiscal years closed, page 1 of 1"]
    assert years.row("2025")[1:3] == ["closed", "sam@example.org"]

    before = written(database)
    own = sam.submit(
        "/periods/reopen", {"reopen-year": "2025", "reopen-reason": "Late invoice"}, page="/periods"
    )
    assert own.status_code == 422
    assert "another admin must reopen it" in text(own)
    assert "Late invoice" in text(own)
    assert written(database) == before

    no_reason = root.submit("/periods/reopen", {"reopen-year": "2025"}, page="/periods")
    assert no_reason.status_code == 400
    reopened = root.submit(
        "/periods/reopen", {"reopen-year": "2025", "reopen-reason": "Late"}, page="/periods"
    )
    assert location(reopened) == "/periods"
    assert "Fiscal year 2025 is open again." in text(root.get("/periods"))


def test_a_french_officer_reads_why_a_year_is_not_reopened_in_french(
    database: Database, person: Callable[..., Browser]
) -> None:
    canada_gives_100000(database)
    sam = person("secretariat", "admin", email="sam@example.org")
    assert location(sam.submit("/periods/close", {"close-year": "2025"}, page="/periods"))
    sam.client.set_cookie(COOKIE, "fr")
    own = sam.submit(
        "/periods/reopen", {"reopen-year": "2025", "reopen-reason": "En retard"}, page="/periods"
    )
    assert own.status_code == 422
    page = plain_text(text(own))
    assert "a clos l’exercice 2025 ; un autre administrateur doit le rouvrir" in page
    assert "another admin" not in page


def test_a_spanish_officer_reads_why_the_year_end_is_not_revalued_in_spanish(
    database: Database, person: Callable[..., Browser]
) -> None:
    """The year that cannot close names the day to revalue at, and the revaluation the
    missing rate, in Spanish words and dates (donors/revaluation.py)."""
    with database.transaction() as session:
        spain = create_donor(session, SETUP, code="ES-OBS", name="España",
                             type="permanent_observer")  # fmt: skip
        record_pledge(session, SETUP, spain, pledge_date=day("2025-02-10"),
                      amount=D("20000.00"), currency="EUR", rate=D("1.0850"))  # fmt: skip
    sam = person("secretariat", email="sam@example.org")
    sam.client.set_cookie(COOKIE, "es")
    early = plain_text(text(sam.submit("/periods/close", {"close-year": "2025"}, page="/periods")))
    assert "el ejercicio 2025 aún no puede cerrarse" in early
    assert "revalúelos primero al 31 de diciembre de 2025" in early
    no_rate = sam.submit("/periods/revalue", {"revalue-year": "2025"}, page="/periods")
    assert no_rate.status_code == 422
    assert "no hay tipo de cambio de EUR para el 31 dic 2025" in plain_text(text(no_rate))
    assert "set the day" not in plain_text(text(no_rate))


def test_the_secretariat_revalues_the_year_end_with_its_button_then_closes_the_year(
    database: Database, person: Callable[..., Browser]
) -> None:
    """A EUR pledge still owed at the end of 2025: the year closes once the button
    "Revalue at 31 December 2025" has posted the revaluation; the refusals say why in
    words for the page (no command line)."""
    with database.transaction() as session:
        spain = create_donor(session, SETUP, code="ES-OBS", name="España",
                             type="permanent_observer")  # fmt: skip
        record_pledge(session, SETUP, spain, pledge_date=day("2025-02-10"),
                      amount=D("20000.00"), currency="EUR", rate=D("1.0850"))  # fmt: skip
    sam = person("secretariat", email="sam@example.org")
    page = text(sam.get("/periods"))
    last_year = clock.today().year - 1
    assert f"Revalue at 31 December {last_year}" in page
    assert f'name="revalue-year" type="hidden" value="{last_year}"' in page

    before = written(database)
    early = sam.submit("/periods/close", {"close-year": "2025"}, page="/periods")
    assert early.status_code == 422
    assert ("the year-end revaluation has not been posted; revalue them at 31 December 2025 "
            "first") in plain_text(text(early))  # fmt: skip
    assert "fundledger" not in plain_text(text(early)).split("Fiscal years")[-1]
    assert "Revalue at 31 December 2025" in text(early)  # the button for the year refused
    no_rate = sam.submit("/periods/revalue", {"revalue-year": "2025"}, page="/periods")
    assert no_rate.status_code == 422
    assert "no rate for EUR on Dec 31, 2025" in plain_text(text(no_rate))
    assert written(database) == before

    with database.transaction() as session:
        set_rate(session, SETUP, currency="EUR", on=day("2025-12-31"), rate=D("1.1200"))
    done = sam.submit("/periods/revalue", {"revalue-year": "2025"}, page="/periods")
    assert location(done) == "/periods"
    assert ("Foreign-currency receivables and credits open at 2025-12-31 are revalued at "
            "that day's rates (entry 2), reversed on 2026-01-01 (entry 3).") in plain_text(
        html.unescape(text(sam.get("/periods"))))  # fmt: skip
    sam.submit("/periods/revalue", {"revalue-year": "2025"}, page="/periods")
    assert "was already posted (entry 2, reversed by entry 3); nothing was posted." in (
        html.unescape(text(sam.get("/periods"))))  # fmt: skip
    closed = sam.submit("/periods/close", {"close-year": "2025"}, page="/periods")
    assert location(closed) == "/periods"


def test_a_refund_beyond_the_pool_is_refused_in_spanish(database: Database, ana: Browser) -> None:
    """The pool's figures, its dates and the word for what was asked follow the reader."""
    mexico_pays_50000_for_activity_5(database)
    approved(database, 5, "45000", "MEX/activity:5")
    ana.client.set_cookie(COOKIE, "es")
    typed = {"pool": "MEX/activity:5", "amount": "6000.00", "on": "2025-06-01",
             "reason": "Proyecto terminado"}  # fmt: skip
    before = written(database)
    too_much = ana.submit("/refunds/new", typed)
    assert too_much.status_code == 422
    assert (
        "la fuente MEX/activity:5 tiene 5.000,00 disponibles; no es posible: reembolso de "
        "6.000,00 (contando cada día desde el 1 jun 2025"
    ) in text(too_much)
    assert "it cannot refund" not in text(too_much)
    assert written(database) == before


def test_unused_earmarked_money_is_refunded(database: Database, ana: Browser) -> None:
    mexico_pays_50000_for_activity_5(database)
    approved(database, 5, "45000", "MEX/activity:5")
    assert 'href="/refunds/new?pool=MEX/activity:5"' in text(ana.get("/available"))
    form = text(ana.get("/refunds/new?pool=MEX/activity:5"))
    assert f"{MEX_5}: 5,000.00 available" in form

    before = written(database)
    too_much = ana.submit(
        "/refunds/new",
        {
            "pool": "MEX/activity:5",
            "amount": "6000.00",
            "on": "2025-06-01",
            "reason": "Project ended",
        },
    )
    assert too_much.status_code == 422
    assert "pool MEX/activity:5 has 5,000.00 available; it cannot refund 6,000.00" in text(too_much)
    assert written(database) == before

    refunded = ana.submit(
        "/refunds/new",
        {
            "pool": "MEX/activity:5",
            "amount": "5000.00",
            "on": "2025-06-01",
            "reason": "Project ended",
        },
    )
    assert location(refunded) == "/available"
    assert available(ana)[MEX_5] == ["45,000.00", "45,000.00", "0.00"]


# --- Issue 14: no overdraft on any day, no date after today -------------------------------


def test_a_backdated_approval_that_would_overdraw_a_later_day_is_refused(
    database: Database, carla: Browser
) -> None:
    """100,000 in on 10 Jan, 60,000 committed on 1 Feb: 50,000 approved on 15 Jan fits
    that day but leaves 1 Feb 10,000 short."""
    canada_gives_100000(database)
    approved(database, 1, "60000")
    third = submitted(database, 29, "50000")
    before = written(database)
    refused = carla.submit(f"/allocations/{third}/decide",
                           decision(third, "approve", on="2025-01-15", back="queue"),
                           page="/cajp/queue")  # fmt: skip
    assert refused.status_code == 422
    assert (
        "approving 50,000.00 needs 50,000.00 but its pools have only 40,000.00 available "
        "(unrestricted 40,000.00); counting every day from Jan 15, 2025 on, the lowest is "
        "unrestricted on Feb 1, 2025: 10,000.00 short"
    ) in text(refused)
    assert written(database) == before


def test_a_decision_dated_after_today_is_refused(database: Database, carla: Browser) -> None:
    canada_gives_100000(database)
    allocation = submitted(database, 1, "1000")
    tomorrow = (clock.today() + dt.timedelta(days=1)).isoformat()
    before = written(database)
    refused = carla.submit(f"/allocations/{allocation}/decide",
                           decision(allocation, "approve", on=tomorrow, back="queue"),
                           page="/cajp/queue")  # fmt: skip
    assert refused.status_code == 422
    shown = format_date(dt.date.fromisoformat(tomorrow), "medium", locale="en")  # the reader's
    assert f"date {shown} is after today" in text(refused)
    assert written(database) == before


def test_the_gender_marker_is_asked_on_proposal_and_shown_where_allocations_are_listed(
    database: Database, ana: Browser, carla: Browser
) -> None:
    """Only 0, 1 or 2 is taken; an allocation proposed before the marker was asked shows
    as not screened, in the list, on its page and in the CAJP's queue."""
    mexico_pays_50000_for_activity_5(database)
    before = written(database)
    refused = ana.submit(
        "/allocations/new",
        {"activity": "5", "amount": "100.00", "purpose": "Study", "gender_marker": "3",
         "period_start": "2025-03-04", "period_end": "2025-12-31"},
        page="/allocations/new?activity=5",
    )  # fmt: skip
    assert refused.status_code == 400
    assert "Not a valid choice" in text(refused)
    assert written(database) == before

    screened = submitted(database, 5, "100", "MEX/activity:5", gender=1)
    unscreened = submitted(database, 5, "200", "MEX/activity:5")
    listing = tables(text(ana.get("/allocations")))["Allocations, page 1 of 1, USD"]
    assert listing.row(f"#{screened}")[9] == "1 significant"
    assert listing.row(f"#{unscreened}")[9] == "not screened"
    assert "not screened" in text(ana.get(f"/allocations/{unscreened}"))
    queue = text(carla.get("/cajp/queue"))
    assert "1 significant" in queue
    assert "not screened" in queue
    assert "0 not targeted" not in queue
