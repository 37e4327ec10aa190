"""A money form sent six times at once with its one token (six clicks, or six retries of
a slow page, from one signed-in session) records one entry, and each of the six answers
with what that entry recorded (issue 12, item 7, and its "a concurrency test per
once-only resource").

The race is held open where it would hurt (see :class:`KeyLookups`): a request that
looks up its idempotency key outside any lock waits there for the others, so that all
of them find nothing; then they go on either together (two posts of one key) or one
after another, each reading what the one before wrote (a receipt then finds its pledge
settled). A lookup under a lock (the ledger's, an allocation's row, SQLite's write lock)
does not wait: nobody else can be between that lookup and the write.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import event
from sqlalchemy.orm import Session

from fundledger.auth.models import User
from fundledger.db import Database
from fundledger.donors.operations import known_donor
from fundledger.donors.pledges import record_pledge
from fundledger.ledger.verify import verify_ledger
from fundledger.web.database import get_database
from tests.factories import ledger_state
from tests.races import all_at_once, rendezvous
from tests.web.conftest import Browser
from tests.web.test_allocation_pages import SETUP, day, mexico_pays_50000_for_activity_5
from tests.web.test_posts_once import FORMS, D, Once, _donors, flashes, token

CLICKS = 6
#: A statement that takes a lock the others must wait for, until the transaction ends.
_LOCKING = re.compile(r"^\s*(UPDATE ledger_head|BEGIN IMMEDIATE)|\bFOR UPDATE\b", re.I)
_KEY_LOOKUP = re.compile(r"^\s*SELECT\b.*\bidempotency_key\b", re.I | re.S)


def _owing_500(session: Session) -> tuple[object, object]:
    """A receipt against what a donor owes reads what the first receipt settled."""
    here, elsewhere = _donors(session)
    record_pledge(session, SETUP, known_donor(session, "AAA"),
                  pledge_date=day("2025-01-10"), amount=D(500), currency="USD")  # fmt: skip
    return here, elsewhere


#: The pledge and the receipt look up their key first, then read (what is owed); the
#: refund and the disbursement take a lock first (the ledger's; the allocation's row).
#: The other money forms share these operations' replay (tests/web/test_posts_once.py).
RACED = {
    "pledge": FORMS["pledge"],
    "receipt for a pledge": Once(
        "/donors/{0}/receipts/new",
        {"value_date": "2025-02-10", "amount": "500.00", "currency": "USD", "kind": "pledges",
         "charges": ""},
        _owing_500,
    ),
    "refund": FORMS["refund"],
    "disbursement": FORMS["disbursement"],
}  # fmt: skip


class KeyLookups:
    """Holds each request at an idempotency-key lookup made outside any lock until all
    have looked (or ``patience`` passed). Then ``in_turn``: at its first such lookup each
    goes on only once the one before it has finished, the worst order for what is read
    after the lookup; otherwise they go on together, the worst order for the lookup."""

    def __init__(self, parties: int, *, in_turn: bool, patience: float = 2.0) -> None:
        self.meet = rendezvous(parties, patience)
        self.in_turn = in_turn
        self.patience = patience
        self.here = threading.local()
        self.queue: list[threading.Event] = []
        self.queueing = threading.Lock()

    def watch(self, database: Database) -> None:
        event.listen(database.engine, "before_cursor_execute", self._before)
        event.listen(database.engine, "after_cursor_execute", self._after)

    def finished(self) -> None:
        """The calling thread's request is over: the next in line may go on."""
        if (turn := getattr(self.here, "turn", None)) is not None:
            turn.set()

    def _before(self, _conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        if _LOCKING.search(statement):
            self.here.locked = True

    def _after(self, _conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        here = self.here
        if getattr(here, "locked", False) or not _KEY_LOOKUP.search(statement):
            return
        if not self.in_turn:
            self.meet()
            return
        if hasattr(here, "turn"):
            return
        self.meet()
        with self.queueing:
            before = self.queue[-1] if self.queue else None
            here.turn = threading.Event()
            self.queue.append(here.turn)
        if before is not None:
            before.wait(self.patience)


@pytest.mark.parametrize("in_turn", [False, True], ids=["together", "in turn"])
@pytest.mark.parametrize("kind", RACED)
def test_a_money_form_sent_six_times_at_once_records_once(
    app: Flask, database: Database, login_as: Callable[..., User], kind: str, in_turn: bool
) -> None:
    once = RACED[kind]
    mexico_pays_50000_for_activity_5(database)
    with database.transaction() as session:
        here, _ = once.setup(session)
    # The production default: a session's row is touched once a minute, not on every
    # request (which would make the six wait for each other on that row instead).
    app.config["SESSION_TOUCH_INTERVAL"] = 60
    clerk = Browser(app.test_client())
    login_as("secretariat", client=clerk.client, email="clerk@oas.org")
    page = clerk.get(once.page_of(here)).get_data(as_text=True)
    clicks = [clerk, *(clerk.copy() for _ in range(CLICKS - 1))]  # the cookie, with its CSRF
    sent = {**once.data(here), "csrf_token": token(page, "csrf_token"),
            once.token_name(here): token(page, once.token_name(here))}  # fmt: skip
    with database.session() as session:
        before = ledger_state(session)
    lookups = KeyLookups(CLICKS, in_turn=in_turn)
    lookups.watch(get_database(app))

    def click(i: int) -> tuple[int, list[str]]:
        try:
            answer = clicks[i].client.post(once.url.format(here), data=sent)
        finally:
            lookups.finished()
        if answer.status_code != 302:
            return answer.status_code, [answer.get_data(as_text=True)[-1500:]]
        return 302, flashes(clicks[i].get(answer.headers["Location"]).get_data(as_text=True))

    answers = all_at_once(CLICKS, click)

    assert [status for status, _ in answers] == [302] * CLICKS, answers
    said = {tuple(shown) for _, shown in answers}
    assert len(said) == 1, f"each click answers with what the first recorded: {said}"
    with database.session() as session:
        assert ledger_state(session).entries == before.entries + 1
        report = verify_ledger(session)
    assert report.ok, report.violations
