"""A form's repeated rows are capped (fundledger.web.forms.RowList): a post with more is
refused with 413 and its reason, before a row is built, and writes nothing."""

from __future__ import annotations

import time
from collections.abc import Callable

import pytest
from flask import Flask
from sqlalchemy import func, select

from fundledger.allocations.forms import MAX_BUDGET_LINES, MAX_POOL_ROWS
from fundledger.allocations.models import Allocation, Budget, BudgetLine
from fundledger.audit.models import AuditEvent
from fundledger.auth.models import User
from fundledger.db import Database
from fundledger.donors.forms import INSTALMENT_ROWS
from fundledger.donors.models import Donor, Pledge
from tests.factories import ledger_state
from tests.web.conftest import Browser


@pytest.fixture
def ana(app: Flask, login_as: Callable[..., User]) -> Browser:
    client = app.test_client()
    login_as("secretariat", client=client, email="ana@example.org")
    return Browser(client)


def rows(name: str, count: int, **fields: str) -> dict[str, str]:
    return {f"{name}-{row}-{key}": value for row in range(count) for key, value in fields.items()}


def budget_rows(count: int) -> dict[str, str]:
    return {"year": "2026", **rows("lines", count, activity="", amount="", justification="")}


def written(database: Database) -> tuple[object, ...]:
    """What a refused post could have written: the ledger and the rows of each form."""
    with database.session() as session:
        return ledger_state(session), *(
            session.scalar(select(func.count()).select_from(model))
            for model in (Budget, BudgetLine, Allocation, Pledge, AuditEvent)
        )


def test_a_work_plan_with_one_line_too_many_is_refused(database: Database, ana: Browser) -> None:
    before = written(database)
    lines = {**budget_rows(MAX_BUDGET_LINES + 1), "lines-0-activity": "5",
             "lines-0-amount": "100", "lines-0-justification": "Research"}  # fmt: skip
    refused = ana.submit("/budgets/new", lines)
    assert refused.status_code == 413
    assert (
        f"The form sent {MAX_BUDGET_LINES + 1} rows of “Lines”; at most {MAX_BUDGET_LINES} "
        "are accepted." in refused.get_data(as_text=True)
    )
    assert written(database) == before
    first = {key: value for key, value in lines.items() if "-100-" not in key}
    assert ana.submit("/budgets/new", first).status_code == 302, "the cap itself is accepted"


def test_100000_rows_are_refused_without_building_them(database: Database, ana: Browser) -> None:
    started = time.process_time()
    refused = ana.submit("/budgets/new", budget_rows(100_000))
    assert refused.status_code == 413
    assert "The form sent 100000 rows" in refused.get_data(as_text=True)
    assert time.process_time() - started < 30, "a sanity bound: it took 103 s before"


def test_every_repeated_field_is_capped(
    database: Database, ana: Browser, donor: Donor, login_as: Callable[..., User]
) -> None:
    before = written(database)
    pools = ana.submit(
        "/allocations/new",
        {"activity": "5", "amount": "10", "purpose": "x", "gender_marker": "0",
         "period_start": "2026-01-01",
         "period_end": "2026-12-31", **rows("pools", MAX_POOL_ROWS + 1, pool="unrestricted")},
        page="/allocations/new?activity=5",
    )  # fmt: skip
    assert pools.status_code == 413
    assert f"rows of “Funding pools”; at most {MAX_POOL_ROWS}" in pools.get_data(as_text=True)
    instalments = ana.submit(
        "/donors/MEX/pledges/new",
        {"pledge_date": "2026-01-05", "amount": "10", "currency": "USD",
         **rows("instalments", INSTALMENT_ROWS + 1, due="2026-02-01", amount="2")},
    )  # fmt: skip
    assert instalments.status_code == 413
    assert f"rows of “Instalments”; at most {INSTALMENT_ROWS}" in instalments.get_data(as_text=True)
    propose = {"year": "2026", "lines-0-activity": "5", "lines-0-amount": "100",
               "lines-0-justification": "Research"}  # fmt: skip
    assert ana.submit("/budgets/new", propose).status_code == 302
    carla = Browser(ana.client.application.test_client())
    login_as("cajp", client=carla.client, email="carla@example.org")
    before = written(database)
    verdicts = carla.submit(
        "/budgets/1/decide",
        {"budget-1-decision": "lines", "budget-1-on": "2026-02-15",
         "budget-1-reference": "CP/CAJP-9/26",
         **rows("budget-1-lines", MAX_BUDGET_LINES + 1, activity="5", verdict="approve")},
        page="/budgets",
    )  # fmt: skip
    assert verdicts.status_code == 413
    assert f"rows of “Lines”; at most {MAX_BUDGET_LINES}" in verdicts.get_data(as_text=True)
    assert written(database) == before


def test_a_row_number_of_5000_digits_is_not_a_row(database: Database, ana: Browser) -> None:
    answer = ana.submit("/budgets/new", {"year": "2026", f"lines-{'9' * 5000}-activity": "5"})
    assert answer.status_code == 422
    assert "a work plan needs at least one line" in answer.get_data(as_text=True)
