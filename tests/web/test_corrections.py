"""Corrections in the browser (issue 15): the Secretariat reverses a manual entry, a
receipt or a pledge from its page with a reason; above the administrator's threshold a
second Secretariat user approves first; the two entries link to each other; every
refusal says why and writes nothing."""

from __future__ import annotations

import datetime as dt
import html
import json
from collections.abc import Callable
from decimal import Decimal

import pytest
from flask.testing import FlaskClient
from sqlalchemy import func, select

from fundledger.audit.models import AuditEvent
from fundledger.auth.models import User
from fundledger.clock import today
from fundledger.corrections.models import ReversalRequest
from fundledger.corrections.operations import set_threshold
from fundledger.db import Database
from fundledger.donors.models import Donor, ExchangeRate, Pledge, Receipt
from fundledger.donors.operations import set_rate
from fundledger.donors.pledges import record_pledge
from fundledger.donors.queries import donor_position, pledge_statuses
from fundledger.donors.receipts import record_receipt
from fundledger.ledger.models import JournalEntry
from fundledger.ledger.operations import Line
from fundledger.web.i18n import COOKIE
from tests.factories import TEST_ACTOR, LedgerState, ledger_state, post
from tests.web.conftest import Browser

LoginAs = Callable[..., User]
D = Decimal
DAY = dt.date(2025, 3, 1)
TODAY = today().isoformat()


def why(reason: str, on: str = TODAY) -> dict[str, str]:
    """The reversal form's fields: the reason and the date (the page fills in today)."""
    return {"reason": reason, "on": on}


def page(response: object) -> str:
    return html.unescape(response.get_data(as_text=True))  # type: ignore[attr-defined]


@pytest.fixture
def secretariat(browser: Browser, login_as: LoginAs) -> Browser:
    login_as("secretariat", email="first@example.org")
    return browser


def receipt(database: Database, donor: Donor, amount: str = "1000.00") -> tuple[int, int]:
    """An unpledged USD receipt: its id and its entry's number."""
    with database.transaction() as session:
        found = record_receipt(session, TEST_ACTOR, session.merge(donor), value_date=DAY,
                               amount=D(amount), currency="USD", unpledged=True)  # fmt: skip
        return found.id, found.entry_id and session.get_one(JournalEntry, found.entry_id).number


def pledge(database: Database, donor: Donor) -> tuple[int, int]:
    with database.transaction() as session:
        found = record_pledge(session, TEST_ACTOR, session.merge(donor), pledge_date=DAY,
                              amount=D("5000.00"), currency="USD")  # fmt: skip
        return found.id, session.get_one(JournalEntry, found.entry_id).number


def voucher(database: Database) -> int:
    with database.transaction() as session:
        post(session, Line("1010", D("300.00")), Line("4100", D("-300.00")), on="2025-02-01")
        return post(session, Line("5100", D("120.00")), Line("1010", D("-120.00"))).number


def reversal_of(database: Database, number: int) -> JournalEntry | None:
    with database.session() as session:
        original = session.scalars(select(JournalEntry).filter_by(number=number)).one()
        return session.scalars(
            select(JournalEntry).filter_by(reverses_id=original.id)
        ).one_or_none()


def state(database: Database) -> tuple[LedgerState, int, int]:
    with database.session() as session:
        return (
            ledger_state(session),
            session.scalar(select(func.count()).select_from(ReversalRequest)) or 0,
            session.scalar(select(func.count()).select_from(AuditEvent)) or 0,
        )


# --- each object, from its page -------------------------------------------------------


def test_a_manual_entry_is_reversed_from_its_page_dated_today(
    secretariat: Browser, database: Database
) -> None:
    number = voucher(database)
    shown = page(secretariat.get(f"/journal/{number}"))
    assert "Reverse this entry" in shown
    assert f'action="/journal/{number}/reverse"' in shown

    answer = secretariat.submit(f"/journal/{number}/reverse", why("typed twice"),
                                page=f"/journal/{number}")  # fmt: skip

    reversal = reversal_of(database, number)
    assert reversal is not None
    assert answer.status_code == 302
    assert answer.headers["Location"] == f"/journal/{reversal.number}"
    assert reversal.entry_date == today()
    assert reversal.memo == f"Reversal of #{number}: typed twice"
    mirror = page(secretariat.get(f"/journal/{reversal.number}"))
    assert f'href="/journal/{number}"' in mirror
    assert "Reverse this entry" not in mirror
    original = page(secretariat.get(f"/journal/{number}"))
    assert f'href="/journal/{reversal.number}"' in original
    assert "Reverse this entry" not in original
    journal = page(secretariat.get("/journal"))
    assert f'reverses <a href="/journal/{number}">' in journal
    assert f'reversed by <a href="/journal/{reversal.number}">' in journal


def test_a_date_given_dates_the_reversal(secretariat: Browser, database: Database) -> None:
    number = voucher(database)
    secretariat.submit(f"/journal/{number}/reverse", {"reason": "wrong", "on": "2025-03-02"})
    reversal = reversal_of(database, number)
    assert reversal is not None
    assert reversal.entry_date == dt.date(2025, 3, 2)


def test_a_receipt_is_reversed_and_no_longer_counts(
    secretariat: Browser, database: Database, donor: Donor
) -> None:
    receipt_id, number = receipt(database, donor)
    url = f"/donors/MEX/receipts/{receipt_id}/reverse"
    assert url in page(secretariat.get("/donors/MEX"))

    answer = secretariat.submit(url, why("bank credited another fund"))

    assert answer.status_code == 302
    reversal = reversal_of(database, number)
    assert reversal is not None
    with database.session() as session:
        position = donor_position(session, session.get_one(Donor, donor.id))
    assert position.received == 0
    detail = page(secretariat.get("/donors/MEX"))
    assert f'reversed (<a href="/journal/{reversal.number}">' in detail
    assert url not in detail


def test_a_pledge_is_reversed_and_no_longer_owed(
    secretariat: Browser, database: Database, donor: Donor
) -> None:
    pledge_id, number = pledge(database, donor)
    url = f"/donors/MEX/pledges/{pledge_id}/reverse"
    assert url in page(secretariat.get("/donors/MEX"))

    secretariat.submit(url, why("pledged by another donor"))

    assert reversal_of(database, number) is not None
    with database.session() as session:
        found = session.get_one(Donor, donor.id)
        assert pledge_statuses(session, found) == []
        assert donor_position(session, found).outstanding == 0
    # A reversed pledge takes no receipt: the receipt is refused as unpledged money.
    assert url not in page(secretariat.get("/donors/MEX"))


# --- four eyes ------------------------------------------------------------------------


def test_above_the_threshold_a_second_secretariat_user_approves(
    secretariat: Browser, database: Database, new_browser: Callable[[], Browser],
    login_as: LoginAs,
) -> None:  # fmt: skip
    with database.transaction() as session:
        set_threshold(session, TEST_ACTOR, D("100.00"))
    number = voucher(database)  # 120.00: above
    answer = secretariat.submit(f"/journal/{number}/reverse", why("duplicate"))
    assert answer.headers["Location"] == "/reversals"
    assert reversal_of(database, number) is None
    listed = page(secretariat.get("/reversals"))
    assert "duplicate" in listed
    assert "You asked for this reversal" in listed
    waiting = page(secretariat.get(f"/journal/{number}"))
    assert "A reversal of this entry waits for a second Secretariat user's approval." in waiting
    assert "Reverse this entry" not in waiting

    with database.session() as session:
        request_id = session.scalars(select(ReversalRequest.id)).one()
    before = state(database)
    own = secretariat.submit(f"/reversals/{request_id}", {f"decide-{request_id}-approve": "y"},
                             page="/reversals")  # fmt: skip
    assert own.status_code == 403
    assert "another Secretariat user approves" in page(own)
    assert state(database) == before

    second = new_browser()
    login_as("secretariat", email="second@example.org", client=second.client)
    approved = second.submit(f"/reversals/{request_id}", {f"decide-{request_id}-approve": "y"},
                             page="/reversals")  # fmt: skip
    reversal = reversal_of(database, number)
    assert reversal is not None
    assert approved.headers["Location"] == f"/journal/{reversal.number}"
    assert reversal.created_by == "second@example.org"
    with database.session() as session:
        actions = session.scalars(
            select(AuditEvent.action).where(AuditEvent.action.like("reversal.%"))
            .order_by(AuditEvent.id)
        ).all()  # fmt: skip
    assert actions == ["reversal.requested", "reversal.approved"]
    assert "approved" in page(second.get("/reversals"))


def test_a_refusal_needs_a_note_and_posts_nothing(
    secretariat: Browser, database: Database, new_browser: Callable[[], Browser],
    login_as: LoginAs,
) -> None:  # fmt: skip
    with database.transaction() as session:
        set_threshold(session, TEST_ACTOR, D("0"))  # zero: every reversal
    number = voucher(database)
    secretariat.submit(f"/journal/{number}/reverse", why("duplicate"))
    with database.session() as session:
        request_id = session.scalars(select(ReversalRequest.id)).one()
    second = new_browser()
    login_as("secretariat", email="second@example.org", client=second.client)
    before = state(database)
    bare = second.submit(f"/reversals/{request_id}", {f"decide-{request_id}-refuse": "y"},
                         page="/reversals")  # fmt: skip
    assert bare.status_code == 422
    assert "say why the reversal is refused" in page(bare)
    assert state(database) == before
    second.submit(f"/reversals/{request_id}",
                  {f"decide-{request_id}-refuse": "y", f"decide-{request_id}-note": "it is right"},
                  page="/reversals")  # fmt: skip
    assert reversal_of(database, number) is None
    # A refused request no longer blocks asking again.
    again = secretariat.submit(f"/journal/{number}/reverse", why("still duplicate"))
    assert again.headers["Location"] == "/reversals"


def test_only_the_administrator_sets_the_threshold(
    browser: Browser, login_as: LoginAs, database: Database
) -> None:
    login_as("admin")
    browser.submit("/reversals/threshold", {"threshold": "2500.00"})
    assert 'value="2500.00"' in page(browser.get("/reversals/threshold"))
    browser.submit("/reversals/threshold", {"threshold": ""})
    assert 'value=""' in page(browser.get("/reversals/threshold"))


# --- refusals -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "message"),
    [(why("  "), "Give the reason for the reversal."),
     ({"reason": "typed twice", "on": ""}, "Enter the date.")],
)
def test_no_reason_is_a_form_error(
    secretariat: Browser, database: Database, data: dict[str, str], message: str
) -> None:
    number = voucher(database)
    before = state(database)
    answer = secretariat.submit(f"/journal/{number}/reverse", data)
    assert answer.status_code == 400
    assert message in page(answer)
    assert state(database) == before


def test_reversing_twice_or_a_reversal_is_refused(
    secretariat: Browser, database: Database
) -> None:
    number = voucher(database)
    secretariat.submit(f"/journal/{number}/reverse", why("duplicate"))
    reversal = reversal_of(database, number)
    assert reversal is not None
    before = state(database)
    twice = secretariat.submit(f"/journal/{number}/reverse", why("again"))
    assert twice.status_code == 422
    assert f"already reversed by #{reversal.number}" in page(twice)
    mirror = secretariat.submit(f"/journal/{reversal.number}/reverse", why("undo"))
    assert mirror.status_code == 422
    assert "is itself a reversal" in page(mirror)
    assert state(database) == before


def test_a_receipt_whose_money_was_spent_is_not_reversed(
    secretariat: Browser, database: Database, donor: Donor
) -> None:
    receipt_id, number = receipt(database, donor)
    with database.transaction() as session:
        post(session, Line("5100", D("900.00")), Line("1010", D("-900.00")), on="2025-03-05")
    before = state(database)
    answer = secretariat.submit(f"/donors/MEX/receipts/{receipt_id}/reverse",
                                {"reason": "wrong donor", "on": "2025-03-01"})  # fmt: skip
    assert answer.status_code == 422
    assert "below zero" in page(answer)
    assert state(database) == before
    assert reversal_of(database, number) is None


def test_a_pledge_is_reversed_once_its_receipts_are(
    secretariat: Browser, database: Database, donor: Donor
) -> None:
    pledge_id, number = pledge(database, donor)
    with database.transaction() as session:
        paid = record_receipt(session, TEST_ACTOR, session.get_one(Donor, donor.id),
                              value_date=DAY, amount=D("1000.00"), currency="USD")  # fmt: skip
        receipt_id = paid.id
    before = state(database)
    answer = secretariat.submit(f"/donors/MEX/pledges/{pledge_id}/reverse", why("x"))
    assert answer.status_code == 422
    assert f"pledge #{pledge_id} has receipts applied to it" in page(answer)
    assert state(database) == before

    secretariat.submit(f"/donors/MEX/receipts/{receipt_id}/reverse", why("another fund's"))
    with database.session() as session:
        (status,) = pledge_statuses(session, session.get_one(Donor, donor.id))
    assert status.outstanding == D("5000.00")  # owed again in full
    again = secretariat.submit(f"/donors/MEX/pledges/{pledge_id}/reverse", why("x"))
    assert again.status_code == 302
    assert reversal_of(database, number) is not None


def test_only_the_secretariat_reverses(
    client: FlaskClient, login_as: LoginAs, database: Database, donor: Donor
) -> None:
    number = voucher(database)
    login_as("cajp", "auditor", "admin")
    assert "Reverse this entry" not in page(client.get(f"/journal/{number}"))
    assert client.post(f"/journal/{number}/reverse", data=why("x")).status_code == 403
    assert client.get("/reversals").status_code == 403
    with database.session() as session:
        assert session.scalar(select(func.count()).select_from(Pledge)) == 0
        assert session.scalar(select(func.count()).select_from(Receipt)) == 0


# --- a rate ---------------------------------------------------------------------------


def rate(database: Database, on: str = "2025-03-03") -> int:
    with database.transaction() as session:
        return set_rate(session, TEST_ACTOR, currency="EUR", on=dt.date.fromisoformat(on),
                        rate=D("1.0850")).id  # fmt: skip


def test_a_rate_set_wrongly_is_withdrawn_from_the_rates_page(
    secretariat: Browser, database: Database
) -> None:
    rate_id = rate(database)
    url = f"/rates/{rate_id}/reverse"
    assert url in page(secretariat.get("/rates"))
    answer = secretariat.submit(url, {"reason": "typed the 2024 rate"})
    assert answer.headers["Location"] == "/rates"
    with database.session() as session:
        assert session.get(ExchangeRate, rate_id) is None
        event = session.scalars(select(AuditEvent).filter_by(action="rate.withdrawn")).one()
    assert (event.object_id, event.actor) == ("EUR:2025-03-03", "first@example.org")
    assert D(json.loads(event.before or "{}")["rate"]) == D("1.085")


def test_a_rate_in_use_is_refused_in_spanish(
    secretariat: Browser, database: Database, donor: Donor
) -> None:
    rate_id = rate(database, on="2025-03-01")
    with database.transaction() as session:
        record_pledge(session, TEST_ACTOR, session.get_one(Donor, donor.id), pledge_date=DAY,
                      amount=D("100.00"), currency="EUR")  # fmt: skip
    secretariat.client.set_cookie(COOKIE, "es")
    answer = secretariat.submit(f"/rates/{rate_id}/reverse", {"reason": "erróneo"})
    assert answer.status_code == 422
    assert (
        "el tipo de cambio de EUR del 1 mar 2025 está en uso por: promesa n.º 1; "
        "revierta esos primero"
    ) in page(answer)


def test_a_rate_a_pledge_carries_is_not_withdrawn(
    secretariat: Browser, database: Database, donor: Donor
) -> None:
    rate_id = rate(database, on="2025-03-01")
    with database.transaction() as session:
        record_pledge(session, TEST_ACTOR, session.get_one(Donor, donor.id), pledge_date=DAY,
                      amount=D("100.00"), currency="EUR")  # fmt: skip
    before = state(database)
    answer = secretariat.submit(f"/rates/{rate_id}/reverse", {"reason": "wrong"})
    assert answer.status_code == 422
    assert "the EUR rate of Mar 1, 2025 is carried by pledge #1; reverse those first" in page(
        answer
    )
    assert state(database) == before
