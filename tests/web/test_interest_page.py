"""The Secretariat records bank interest through a form (issue 16); no other role may, and
a bad amount or date is refused with the reason and writes nothing."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest

from fundledger.db import Database
from tests.web.test_unusable_earmark_pages import Browser, person, plain_text, text, written

__all__ = ["person"]  # the fixture, used by name


def test_the_secretariat_records_interest(
    person: Callable[..., Browser], database: Database
) -> None:
    ana = person("secretariat")
    assert "/interest/new" in text(ana.get("/available"))
    form = plain_text(text(ana.get("/interest/new")))
    assert "The interest is unrestricted income (setting interest_distribution)." in form
    before = written(database)
    for typed, status, reason in (
        ({"amount": "0", "on": "2026-03-01"}, 422, "interest must be more than zero"),
        ({"amount": "10.00", "on": "2099-01-01"}, 422, "after today"),
        ({"amount": "", "on": "2026-03-01"}, 400, "Enter the interest credited."),
    ):
        refused = ana.submit("/interest/new", typed)
        assert refused.status_code == status, typed
        assert reason in text(refused), typed
    assert written(database) == before
    posted = ana.submit("/interest/new", {"amount": "12.34", "on": "2026-03-01",
                                          "reference": "BNK-1"})  # fmt: skip
    assert posted.headers["Location"] == "/available"
    flashed = re.findall(r'<p class="flash" role="status">([^<]*)</p>',
                         text(ana.get("/available")))  # fmt: skip
    assert flashed == ["Interest of 12.34 is recorded: entry #1."]


@pytest.mark.parametrize("role", ["cajp", "auditor", "admin"])
def test_only_the_secretariat_records_interest(
    person: Callable[..., Browser], database: Database, role: str
) -> None:
    browser = person(role)
    before = written(database)
    assert browser.get("/interest/new").status_code == 403
    assert browser.submit("/interest/new", {"amount": "1.00", "on": "2026-03-01"}
                          ).status_code == 403  # fmt: skip
    assert written(database) == before
