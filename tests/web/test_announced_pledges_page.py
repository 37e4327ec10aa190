"""The donor's page lists the pledges it announced and has not signed apart from its
pledges: they commit no money (tests/integration/test_pledge_announcements.py)."""

from __future__ import annotations

from collections.abc import Callable

from flask import Flask

from fundledger.auth.models import User
from fundledger.db import Database
from tests.integration.test_pledge_announcements import announced
from tests.web.test_dashboards import known_fund


def test_the_donors_page_lists_announced_pledges_apart(
    database: Database, app: Flask, login_as: Callable[..., User]
) -> None:
    known_fund(database)
    announced(database)
    client = app.test_client()
    login_as("secretariat", client=client)

    page = client.get("/donors/CAN").get_data(as_text=True)
    pledges, _, rest = page.partition('id="announced-heading"')
    assert "Pledging conference 2025" not in pledges
    assert "Announced, not yet signed" in rest
    assert "Pledging conference 2025" in rest
