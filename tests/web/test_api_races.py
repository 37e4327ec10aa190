"""A write through the API sent four times at once with one Idempotency-Key (a client
retrying a slow answer) writes once, and all four get the first one's answer.

Each request is held at its key's lookup until all four have looked (or a moment has
passed): on PostgreSQL all of them find nothing and race to claim the key, three lose
on its unique index and answer with what the winner kept. (On SQLite a writer's
transaction holds the write lock from its start, so they cannot overlap there at all.)
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import event, func, select, update

from fundledger.auth.models import ApiToken, User
from fundledger.db import Database
from fundledger.donors.models import ExchangeRate, Pledge
from fundledger.ledger.verify import verify_ledger
from fundledger.web.database import get_database
from tests.races import all_at_once, rendezvous
from tests.web.api_helpers import WRITE, call, token_for
from tests.web.conftest import Clock
from tests.web.test_api_books import PLEDGE, books  # noqa: F401 - a fixture

RETRIES = 4
_KEY_LOOKUP = re.compile(r"^\s*SELECT\b.*\bFROM api_requests\b", re.I | re.S)
WRITES = {
    "pledge": ("/api/v1/pledges", PLEDGE, Pledge),
    "rate": ("/api/v1/rates", {"currency": "EUR", "date": "2026-02-10", "rate": "1.08"},
             ExchangeRate),
}  # fmt: skip


@pytest.mark.parametrize("name", WRITES)
@pytest.mark.usefixtures("books")
def test_a_write_retried_four_times_at_once_writes_once(
    app: Flask, database: Database, make_user: Callable[..., User], clock: Clock, name: str
) -> None:
    url, body, model = WRITES[name]
    token = token_for(database, make_user("secretariat"), WRITE)
    with database.transaction() as session:
        before = session.scalar(select(func.count()).select_from(model))
        # Just used: no request writes its last-used time, whose row lock would queue them.
        session.execute(update(ApiToken).values(last_used_at=clock.now))
    meet = rendezvous(RETRIES, patience=0.5)

    def hold(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        if _KEY_LOOKUP.match(statement):
            meet()

    engine = get_database(app).engine
    event.listen(engine, "before_cursor_execute", hold)
    try:
        answers = all_at_once(
            RETRIES, lambda _i: call(app.test_client(), "POST", url, token, body, key="retry")
        )
    finally:
        event.remove(engine, "before_cursor_execute", hold)

    assert {answer.status_code for answer in answers} == {201}
    assert len({answer.get_data(as_text=True) for answer in answers}) == 1
    with database.session() as session:
        assert session.scalar(select(func.count()).select_from(model)) == before + 1
        assert verify_ledger(session).ok
