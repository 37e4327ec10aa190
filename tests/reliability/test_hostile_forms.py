"""Hostile input in every web form, on SQLite and PostgreSQL.

The forms are not listed here: each try loads the page that shows the form, as the
person who fills it in, and reads its fields from the HTML (tests/reliability/
web_forms.py), so a field added to a form class or a template is fuzzed at once. What is
listed (``TARGETS``) is what the HTML cannot say: for each endpoint that takes a POST,
which page shows its form, who signs in, which object the form acts on (a fresh one
once a try changed it) and the values that get past the checks in front of the
attacked field. ``test_every_form_is_a_target`` fails when an endpoint has none.

Each field is swept with one value of each class of issue 12 (a single space, zero and
negative amounts, the integer types' edges, huge amounts, Unicode lookalikes, control
characters, other date forms; every value of its classes with FUNDLEDGER_FUZZ=slow),
the others left as the page filled them in; then Hypothesis attacks one to three fields
at a time with everything in tests/reliability/hostile.py. After each try:

- no 5xx, no traceback, no ``<script>`` of ours unescaped;
- a refusal (4xx, or the form shown again) wrote nothing: every table's row count, the
  hash chain's end and every account's balance are as they were;
- an accepted try stored no control character, stored a lookalike as typed or not at
  all (never as the ASCII code it resembles), and left a ledger that verifies (on
  SQLite, every balance still whole cents).

The GET filters of every list page get the same, and their CSV twin the same query.
Each field's tries are counted and printed ("inputs tried per field"); a field the run
never attacked fails its test.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import io
import re
import tempfile
import time
import uuid
from collections import Counter
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

import pyotp
import pytest
from flask import Flask, url_for
from flask.testing import FlaskClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select
from sqlalchemy.orm import Session
from werkzeug.test import TestResponse

from fundledger import create_app
from fundledger.actors import Actor
from fundledger.allocations import operations as allocations
from fundledger.allocations.budgets import propose_budget
from fundledger.allocations.models import Allocation
from fundledger.auth.models import User
from fundledger.auth.operations import issue_setup_link
from fundledger.auth.tokens import issue_token
from fundledger.cofinancing.operations import record_item
from fundledger.corrections.operations import reverse, set_threshold
from fundledger.db import Database
from fundledger.documents.operations import add_document
from fundledger.donors.announcements import announce_pledge
from fundledger.donors.models import Donor
from fundledger.donors.operations import create_donor, set_donor_active, set_rate
from fundledger.donors.pledges import record_pledge
from fundledger.donors.receipts import record_receipt
from fundledger.errors import FundledgerError
from fundledger.inputs import text_problem
from fundledger.ledger.models import JournalEntry
from fundledger.ledger.operations import Line, post_entry
from fundledger.ledger.periods import close_year
from fundledger.money import InvalidAmount, read_amount
from fundledger.web.database import get_database
from tests.factories import PASSWORD, create_user, money_under_unusable_earmark
from tests.reliability.figures import Figures
from tests.reliability.fund import (
    CAJP,
    CODE_SECRET,
    CODE_USER,
    CREDIT_DONOR,
    DONOR_USER,
    SECRETARIAT,
)
from tests.reliability.helpers import (
    ledger_problems,
    snapshot,
    stored_controls,
    stored_count,
)
from tests.reliability.hostile import (
    LOOKALIKES,
    SCRIPT,
    SLOW,
    assert_each_passes,
    hostile,
    odd_date,
    sweep,
)
from tests.reliability.test_hostile_input import CSV_ROW, _csv, _hostile_csv
from tests.reliability.web_forms import PageField, PageForm, page_forms
from tests.web.conftest import sign_in

WEB_CONFIG = {
    "TESTING": True,
    "SECRET_KEY": "fuzz",
    "WTF_CSRF_ENABLED": False,  # the CSRF check runs before every form: tested elsewhere
    "LOGIN_PAIR_FREE_FAILURES": 10**6,  # throttling would answer 429 to most tries
    "LOGIN_ADDRESS_FREE_FAILURES": 10**6,
    "SESSION_TOUCH_INTERVAL": 0,
    "PUBLIC_URL": "http://fund.example.org",  # setup links are made without a request's Host
    # Content-addressed: the tries' documents (the same few files) share one store.
    "DOCUMENTS_DIR": str(Path(tempfile.gettempdir()) / "fundledger-fuzz-documents"),
}
FUZZ_SETTINGS = settings(
    deadline=None,
    database=None,
    derandomize=not SLOW,
    max_examples=24 if SLOW else 4,  # the sweep gives every field each class either way
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                           HealthCheck.function_scoped_fixture],
)  # fmt: skip

pytestmark = pytest.mark.fuzz

DAY = "2025-06-30"
NEW_PASSWORD = "a new passphrase for fuzzing"  # noqa: S105 - a test's password
SIGN_IN_RECORDS = frozenset({"audit_events", "login_throttles"})
#: Fields whose value is never stored by design: where to go next, a password (only
#: its hash), a button.
NOT_STORED = re.compile(r"(^|-)(next|password|current|confirm|code|attempt|submit|more)$")


def _unique(prefix: str) -> Callable[[], str]:
    return lambda: f"{prefix}{uuid.uuid4().hex[:8].upper()}"


# --- the objects a form acts on: made afresh once a try changed one ------------------


def _donor(session: Session, code: str) -> Donor:
    found = session.scalar(select(Donor).filter_by(code=code))
    assert found is not None
    return found


def _donors_active(session: Session) -> None:
    """The shared fund's donors active again: an accepted command-line try may have
    deactivated one (``donor deactivate MEX`` is a valid command), and the forms' objects
    and files are made for active donors."""
    for donor in session.scalars(select(Donor).filter_by(active=False)):
        set_donor_active(session, SECRETARIAT, donor, True)


def _allocation(session: Session, *steps: str) -> dict[str, Any]:
    """A new allocation of 100 to activity 5, taken through ``steps``."""
    made = allocations.propose_allocation(
        session, SECRETARIAT, activity=5, amount=Decimal(100), purpose="fuzz target",
        period_start=dt.date(2025, 3, 1), period_end=dt.date(2025, 12, 31),
        pools=["earmark:MEX/activity:5", "unrestricted"],
    )  # fmt: skip
    if "submit" in steps:
        allocations.submit_allocation(session, SECRETARIAT, made)
    if "approve" in steps:
        allocations.decide_allocation(session, CAJP, made, decision="approve",
                                      on=dt.date(2025, 4, 1), reference="CP/fuzz")  # fmt: skip
    if "disburse" in steps:
        allocations.disburse(session, SECRETARIAT, made, amount=Decimal(50),
                             on=dt.date(2025, 4, 2))  # fmt: skip
    return {"allocation_id": made.id}


def _pledge(code: str) -> Callable[[Session], dict[str, Any]]:
    def make(session: Session) -> dict[str, Any]:
        pledge = record_pledge(session, SECRETARIAT, _donor(session, code),
                               pledge_date=dt.date(2025, 5, 1), amount=Decimal(1000),
                               currency="USD")  # fmt: skip
        return {"code": code, "pledge_id": pledge.id}

    return make


def _donor_made(*, active: bool) -> Callable[[Session], dict[str, Any]]:
    def make(session: Session) -> dict[str, Any]:
        donor = create_donor(session, SECRETARIAT, code=_unique("D")(), name="Fuzz donor",
                             type="other")  # fmt: skip
        if not active:
            set_donor_active(session, SECRETARIAT, donor, False)
        return {"code": donor.code}

    return make


def _unusable_money(session: Session) -> dict[str, Any]:
    """Canada's money under objective:6, which no fundable activity serves: what the
    re-earmark form moves (the page lists only such pools)."""
    canada = session.scalars(select(Donor).filter_by(code="CAN")).one()
    money_under_unusable_earmark(session, canada, "objective:6", received=Decimal(100))
    return {}


def _budget(session: Session) -> dict[str, Any]:
    lines = [(5, Decimal(1000), "fuzz"), (6, Decimal(500), "fuzz")]
    budget = propose_budget(session, SECRETARIAT, year=2027, lines=lines)
    return {"budget_id": budget.id}


def _user(session: Session) -> dict[str, Any]:
    user = session.scalar(select(User).filter_by(email="target@oas.org"))
    assert user is not None
    return {"user_id": user.id}


def _token_of(email: str, *, on_admin_page: bool) -> Callable[[Session], dict[str, Any]]:
    """An API token of the user ``email``, to revoke from their account page or from the
    admin's page of that user."""

    def make(session: Session) -> dict[str, Any]:
        user = session.scalar(select(User).filter_by(email=email))
        assert user is not None
        token, _secret = issue_token(session, SECRETARIAT, user, name="fuzz", scope="read",
                                     days=None, now=dt.datetime.now(dt.UTC))  # fmt: skip
        if on_admin_page:
            return {"user_id": user.id, "token_id": token.id}
        return {"token_id": token.id}

    return make


def _enrolled_user(session: Session) -> dict[str, Any]:
    user = create_user(session, "cajp", email=f"{uuid.uuid4().hex}@example.org",
                       totp_secret=CODE_SECRET)  # fmt: skip
    return {"user_id": user.id}


def _cofinancing_item(session: Session) -> dict[str, Any]:
    item = record_item(session, SECRETARIAT, activity=34, year=2025, source_kind="regular_fund",
                       source_name="fuzz", amount=Decimal(1), description="fuzz")  # fmt: skip
    return {"item_id": item.id}


def _setup_token(session: Session) -> dict[str, Any]:
    user = create_user(session, "auditor", email=f"{uuid.uuid4().hex}@example.org",
                       password=None)  # fmt: skip
    token = issue_setup_link(session, user, SECRETARIAT, now=dt.datetime.now(dt.UTC),
                             lifetime=dt.timedelta(days=1))  # fmt: skip
    return {"token": token}


def _voucher(session: Session) -> dict[str, Any]:
    """A manual entry of 1.00 received, for the reversal form on its page."""
    entry = post_entry(session, entry_date=dt.date(2025, 5, 1), created_by="fuzz",
                       lines=[Line("1010", Decimal(1)), Line("4100", Decimal(-1))])  # fmt: skip
    return {"number": entry.number}


def _reversal_asked(session: Session) -> dict[str, Any]:
    """A reversal another Secretariat user asked for, waiting for approval (every
    reversal waits once the threshold is zero)."""
    set_threshold(session, SECRETARIAT, Decimal(0))
    entry = session.get_one(JournalEntry, post_entry(
        session, entry_date=dt.date(2025, 5, 1), created_by="fuzz",
        lines=[Line("1010", Decimal(1)), Line("4100", Decimal(-1))]).id)  # fmt: skip
    asked = reverse(session, Actor("other@oas.org"), entry, reason="fuzz").request
    assert asked is not None
    return {"request_id": asked.id}


def _rate(session: Session) -> dict[str, Any]:
    """A rate no transaction carries, on a day of its own."""
    made = set_rate(session, SECRETARIAT, currency="CHF", on=dt.date(2025, 5, 2),
                    rate=Decimal("1.1"))  # fmt: skip
    return {"rate_id": made.id}


def _receipt(session: Session) -> dict[str, Any]:
    receipt = record_receipt(session, SECRETARIAT, _donor(session, "MEX"),
                             value_date=dt.date(2025, 5, 1), amount=Decimal(1),
                             currency="USD", unpledged=True)  # fmt: skip
    return {"code": "MEX", "receipt_id": receipt.id}


def _announcement(session: Session) -> dict[str, Any]:
    announced = announce_pledge(session, SECRETARIAT, _donor(session, "MEX"),
                                announced_on=dt.date(2025, 5, 1), amount=Decimal(1000),
                                currency="USD")  # fmt: skip
    return {"code": "MEX", "announcement_id": announced.id}


def _document(session: Session) -> dict[str, Any]:
    document = add_document(
        session, SECRETARIAT, root=Path(WEB_CONFIG["DOCUMENTS_DIR"]), max_bytes=1000,
        owner_kind="donor", owner_id=_donor(session, "MEX").id, kind="agreement",
        title="fuzz", filename="fuzz.txt", data=b"fuzz target",
    )  # fmt: skip
    return {"document_id": document.id}


def _period_closed(session: Session) -> dict[str, Any]:
    """2024 closed by the secretariat, for an admin to reopen (closed already: fine)."""
    with contextlib.suppress(FundledgerError), session.begin_nested():
        close_year(session, SECRETARIAT, 2024)
    return {}


# --- the table: endpoint → page, who, object, valid values ---------------------------


@dataclass(frozen=True)
class Target:
    """How to reach one POST endpoint's form.

    ``page`` is formatted with the object's URL values; ``user`` signs in (an email, or
    ``new:<role>`` for a new user each try; ``pending`` stops after the password, at the
    second factor); ``make`` makes the object (none: the URL has no variable);
    ``valid`` fills fields the page leaves blank or that must change each try."""

    endpoint: str
    page: str
    user: str | None = "sec@oas.org"
    #: The test's id, when an endpoint is a target twice (with other valid values).
    name: str = ""
    make: Callable[[Session], dict[str, Any]] | None = None
    valid: Mapping[str, str | Callable[[], str]] = field(default_factory=dict)
    refusal_writes: frozenset[str] = frozenset()
    pending: bool = False
    #: A successful try writes nothing new (the object need not be made again).
    idempotent: bool = False
    #: Success answers a page (200), not a redirect: a new user's setup link.
    answers_page: bool = False


TARGETS = [
    Target("auth.login", "/login", user=None, refusal_writes=SIGN_IN_RECORDS,
           valid={"email": "auditor@oas.org", "password": PASSWORD}),
    Target("auth.login_code", "/login/code", user=CODE_USER, pending=True,
           refusal_writes=SIGN_IN_RECORDS | {"used_codes"},
           valid={"code": lambda: pyotp.TOTP(CODE_SECRET).now()}),
    Target("auth.enrol", "/login/enrol", user="new:cajp", pending=True,
           refusal_writes=SIGN_IN_RECORDS),
    Target("auth.setup", "/setup/{token}", user=None, make=_setup_token,
           valid={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD}),
    Target("auth.change_password", "/account/password", user="new:auditor",
           refusal_writes=SIGN_IN_RECORDS,
           valid={"current": PASSWORD, "password": NEW_PASSWORD, "confirm": NEW_PASSWORD}),
    Target("auth.logout", "/account", user="new:auditor"),
    Target("auth.new_user", "/admin/users/new", user="admin@oas.org", answers_page=True,
           valid={"email": lambda: f"{uuid.uuid4().hex[:10]}@example.org", "name": "Ana",
                  "roles": "auditor"}),
    Target("auth.edit_user", "/admin/users/{user_id}", user="admin@oas.org", make=_user,
           valid={"name": "Ana"}, idempotent=True),
    Target("auth.reset_password", "/admin/users/{user_id}", user="admin@oas.org", make=_user,
           answers_page=True),
    Target("auth.reset_two_factor", "/admin/users/{user_id}", user="admin@oas.org",
           make=_enrolled_user),
    Target("auth.new_token", "/account", answers_page=True, valid={"name": "fuzz"}),
    Target("auth.revoke_token", "/account", make=_token_of("sec@oas.org", on_admin_page=False)),
    Target("auth.new_user_token", "/admin/users/{user_id}", user="admin@oas.org", make=_user,
           answers_page=True, valid={"name": "fuzz"}),
    Target("auth.revoke_user_token", "/admin/users/{user_id}", user="admin@oas.org",
           make=_token_of("target@oas.org", on_admin_page=True)),
    Target("language.choose", "/login", user=None, valid={"language": "es"},
           idempotent=True),
    Target("donors.new", "/donors/new",
           valid={"code": _unique("N"), "name": "Fuzz donor", "confirm": "y"}),
    Target("donors.edit", "/donors/{code}/edit", make=_donor_made(active=True)),
    Target("donors.deactivate", "/donors/{code}", make=_donor_made(active=True)),
    Target("donors.reactivate", "/donors/{code}", make=_donor_made(active=False)),
    Target("donors.new_pledge", "/donors/{code}/pledges/new", make=lambda _s: {"code": "MEX"},
           valid={"pledge_date": DAY, "amount": "100.00", "currency": "USD"}),
    # Again in a foreign currency with the rate typed and kept in the rate table, so that the
    # rate and the box that keeps it are swept where they count (issue 15, rates inline).
    Target("donors.new_pledge", "/donors/{code}/pledges/new", make=lambda _s: {"code": "MEX"},
           name="donors.new_pledge keeping its rate",
           valid={"pledge_date": DAY, "amount": "100.00", "currency": "EUR", "rate": "1.10",
                  "save_rate": "y", "earmark": "activity:5"}),
    Target("donors.reduce", "/donors/{code}/pledges/{pledge_id}/reduce", make=_pledge("MEX"),
           valid={"action": "reduce", "amount": "10.00", "on": DAY, "reason": "fuzz"}),
    Target("donors.credit", "/donors/{code}/pledges/{pledge_id}/apply-credit",
           make=_pledge(CREDIT_DONOR), valid={"on": DAY, "amount": "10.00"}),
    Target("donors.new_receipt", "/donors/{code}/receipts/new", make=lambda _s: {"code": "MEX"},
           valid={"value_date": DAY, "amount": "10.00", "currency": "USD",
                  "kind": "unpledged"}),
    Target("donors.announce", "/donors/{code}/announcements/new",
           make=lambda _s: {"code": "MEX"},
           valid={"announced_on": DAY, "amount": "100.00", "currency": "USD"}),
    Target("donors.sign_announcement", "/donors/{code}/announcements/{announcement_id}/sign",
           make=_announcement, valid={"pledge_date": DAY}),
    Target("donors.withdraw_announcement",
           "/donors/{code}/announcements/{announcement_id}/withdraw", make=_announcement,
           valid={"reason": "fuzz"}),
    Target("donors.set_rate", "/rates/new",
           valid={"currency": "EUR", "rate_date": DAY, "rate": "1.10"}),
    Target("donors.import_file", "/import", idempotent=True),
    Target("donors.import_confirm", "/import"),
    Target("allocations.propose", "/allocations/new?activity=5",
           valid={"amount": "100.00", "purpose": "fuzz", "period_start": "2025-03-01",
                  "period_end": "2025-12-31", "gender_marker": "1"}),
    Target("allocations.revise", "/allocations/{allocation_id}/revise",
           make=lambda s: _allocation(s), idempotent=True),
    Target("allocations.submit", "/allocations/{allocation_id}",
           make=lambda s: _allocation(s)),
    Target("allocations.decide", "/allocations/{allocation_id}", user="cajp@oas.org",
           make=lambda s: _allocation(s, "submit"),
           valid={"decision": "approve", "on": DAY, "reference": "CP/fuzz"}),
    # Again with a reduced amount, so that the amount field is swept where it counts.
    Target("allocations.decide", "/allocations/{allocation_id}", user="cajp@oas.org",
           make=lambda s: _allocation(s, "submit"), name="allocations.decide reduced",
           valid={"decision": "reduce", "amount": "50.00", "on": DAY, "reference": "CP/fuzz"}),
    Target("allocations.disburse", "/allocations/{allocation_id}",
           make=lambda s: _allocation(s, "submit", "approve"),
           valid={"amount": "10.00", "on": DAY}),
    Target("allocations.report", "/allocations/{allocation_id}",
           make=lambda s: _allocation(s, "submit", "approve", "disburse"),
           valid={"amount": "10.00", "period_end": DAY}),
    Target("allocations.close", "/allocations/{allocation_id}",
           make=lambda s: _allocation(s, "submit", "approve", "disburse"),
           valid={"on": DAY, "confirm": "y"}),
    Target("allocations.refund", "/refunds/new",
           valid={"amount": "1.00", "on": DAY, "reason": "fuzz"}),
    Target("allocations.record_interest", "/interest/new",
           valid={"amount": "1.00", "on": DAY, "reference": "fuzz"}),
    Target("allocations.re_earmark", "/re-earmark", make=_unusable_money,
           valid={"to": "objective:9", "amount": "1.00", "on": DAY, "reason": "fuzz"}),
    Target("allocations.new_budget", "/budgets/new",
           valid={"year": "2027", "lines-0-activity": "5", "lines-0-amount": "100.00",
                  "lines-0-justification": "fuzz"}),
    Target("allocations.decide_budget", "/budgets", user="cajp@oas.org", make=_budget,
           valid={"decision": "approve", "on": DAY, "reference": "CP/fuzz"}),
    Target("meetings.new", "/meetings/new", user="cajp@oas.org",
           valid={"held_on": DAY, "kind": "regular",
                  "reference": lambda: f"CP/CAJP/SA.{uuid.uuid4().hex[:8]}"}),
    Target("program.new_revision", "/program/revisions/new", user="cajp@oas.org",
           valid={"change": "add_implementer", "text": "fuzz", "group": "oas_organ",
                  "implementer": lambda: f"F{uuid.uuid4().hex[:8]}", "effective_on": DAY,
                  "reference": "CP/CAJP/DEC. fuzz"}),
    Target("cofinancing.new", "/cofinancing/new",
           valid={"activity": "34", "year": "2025", "source_kind": "regular_fund",
                  "source_name": "fuzz", "amount": "1.00", "description": "fuzz"}),
    Target("cofinancing.withdraw", "/cofinancing/{item_id}/withdraw", make=_cofinancing_item,
           valid={"reason": "fuzz"}),
    Target("documents.new", "/donors/MEX"),
    Target("documents.remove", "/documents/{document_id}/remove", make=_document,
           valid={"reason": "fuzz"}),
    Target("allocations.change_settings", "/settings", user="admin@oas.org",
           valid={"availability_basis": "cash", "indirect_cost_rate": "0.07",
                  "interest_distribution": "pro_rata"},
           idempotent=True),
    Target("ledger.revalue_period", "/periods", valid={"year": "2024"}),
    Target("ledger.close_period", "/periods",
           valid={"year": "2024"}),
    Target("ledger.reopen_period", "/periods", user="admin@oas.org",
           make=_period_closed, valid={"year": "2024", "reason": "fuzz"}),
    Target("statements.issue_donor", "/statements/issue",
           valid={"donor": "MEX", "from": "2025-01-01", "to": "2025-06-30"}),
    Target("statements.issue_fund", "/statements/issue", valid={"year": "2025"}),
    Target("statements.issue_pack", "/statements/issue", valid={"meeting": DAY}),
    Target("statements.verify", "/statements/verify", user="auditor@oas.org",
           idempotent=True),
    Target("statements.request_current", "/my/statements", user=DONOR_USER),
    Target("corrections.reverse_entry", "/journal/{number}", make=_voucher,
           valid={"reason": "fuzz"}),
    Target("corrections.reverse_receipt", "/donors/{code}/receipts/{receipt_id}/reverse",
           make=_receipt, valid={"reason": "fuzz"}),
    Target("corrections.reverse_pledge", "/donors/{code}/pledges/{pledge_id}/reverse",
           make=_pledge("MEX"), valid={"reason": "fuzz"}),
    Target("corrections.decide", "/reversals", make=_reversal_asked),
    Target("corrections.reverse_rate", "/rates/{rate_id}/reverse", make=_rate,
           valid={"reason": "fuzz"}),
    Target("corrections.threshold", "/reversals/threshold", user="admin@oas.org",
           valid={"threshold": "1000.00"}, idempotent=True),
]  # fmt: skip
#: Sign-in forms that cannot be reached without the tries before them.
BY_ENDPOINT = {target.endpoint: target for target in TARGETS}


def _app(database: Database) -> Flask:
    return create_app({**WEB_CONFIG, "DATABASE_URL": database.url})


def test_every_form_is_a_target(fuzzed: Database) -> None:
    """A new POST endpoint fails here until ``TARGETS`` says where its form is. The JSON
    API's writes have no form: tests/web/test_api_books.py sends them malformed bodies."""
    app = _app(fuzzed)
    try:
        posted = {rule.endpoint for rule in app.url_map.iter_rules()
                  if "POST" in rule.methods and not rule.rule.startswith("/api/")}  # fmt: skip
    finally:
        get_database(app).dispose()
    assert posted - set(BY_ENDPOINT) == set()
    assert set(BY_ENDPOINT) - posted == set()


# --- one try --------------------------------------------------------------------------


@dataclass
class Attacker:
    """Tries one target: signs in, makes the object, loads the page, finds the form,
    posts it with some fields hostile, and checks what happened."""

    target: Target
    database: Database
    app: Flask
    tried: dict[str, int] = field(default_factory=dict)
    values: dict[str, Any] | None = None
    controls: set[tuple[str, str]] = field(default_factory=set)
    #: The name of each field on the page, by the name the fuzz knows it by.
    real: dict[str, str] = field(default_factory=dict)
    #: The lookalikes the current try types, and how often each was stored before it.
    lookalikes: set[str] = field(default_factory=set)
    stored_before: Counter[str] = field(default_factory=Counter)

    def start(self) -> PageForm:
        self.controls = stored_controls(self.database)
        form, _client = self.form()
        for name in form.fields:
            self.tried.setdefault(name, 0)
        return form

    def form(self) -> tuple[PageForm, FlaskClient]:
        client = self.client()
        if self.values is None:
            with self.database.transaction() as session:
                _donors_active(session)
                self.values = {} if self.target.make is None else self.target.make(session)
        page = self.target.page.format(**self.values)
        if self.target.endpoint == "donors.import_confirm":
            response = client.post("/import", data={"file": (io.BytesIO(_import_file()),
                                                             "bank.csv")})  # fmt: skip
        else:
            response = client.get(page)
        # The revision page answers 400 to a GET (its form "failed" to validate).
        assert response.status_code in (200, 400), f"{page}: {response.status_code}"
        with self.app.test_request_context():
            action = url_for(self.target.endpoint, **self.values)
        found = [form for form in page_forms(response.get_data(as_text=True), page)
                 if form.path == action and form.method == "POST"]  # fmt: skip
        assert found, f"no form posting to {action} on {page}"
        form = found[0]
        # With CSRF off (WEB_CONFIG) its token is ignored: tests/web test the check.
        form.fields.pop("csrf_token", None)
        # Step forms prefix their fields with the object's id ("decide-12-amount"): the
        # fuzz knows them by a name that stays the same from one object to the next.
        ids = [str(value) for value in self.values.values() if isinstance(value, int)]
        self.real = {}
        for name in list(form.fields):
            stable = name
            for number in ids:
                stable = stable.replace(f"-{number}-", "-{id}-")
            self.real[stable] = name
            form.fields[stable] = form.fields.pop(name)
            form.fields[stable].name = stable
        return form, client

    def client(self) -> FlaskClient:
        client = self.app.test_client()
        client.environ_base["REMOTE_ADDR"] = "192.0.2.10"
        who = self.target.user
        if who is None:
            return client
        if who.startswith("new:"):
            with self.database.transaction() as session:
                email = f"{uuid.uuid4().hex}@example.org"
                user = create_user(session, who.removeprefix("new:"), email=email)
        else:
            with self.database.session() as session:
                found = session.scalar(select(User).filter_by(email=who))
                assert found is not None, who
                user = found
        if self.target.pending:
            answer = client.post("/login", data={"email": user.email, "password": PASSWORD})
            assert answer.status_code == 302, answer.get_data(as_text=True)[-500:]
        else:
            sign_in(client, self.database, user)
        return client

    def attempt(self, attack: Mapping[str, Any], *, must_refuse: bool = False) -> None:
        form, client = self.form()
        data: dict[str, Any] = dict(form.defaults())
        for name, value in self.target.valid.items():
            for key in _named(form, name):
                data[key] = value() if callable(value) else value
        data.update(attack)
        for name in attack:
            if name in self.tried or not must_refuse:
                self.tried[name] = self.tried.get(name, 0) + 1
        for name, page_field in form.fields.items():
            if page_field.kind == "file" and name not in attack:
                data[name] = (io.BytesIO(_import_file()), "bank.csv")
        data = {self.real.get(name, name): value for name, value in data.items()}
        self.lookalikes = {value for name, value in attack.items()
                           if isinstance(value, str) and _typed_by_people(form, name)
                           and any(look in value for look in LOOKALIKES)}  # fmt: skip
        self.stored_before = stored_count(self.database, self.lookalikes)
        before = snapshot(self.database)
        response = client.post(form.action, data=data)
        # Werkzeug's test client spools a body past 500 kB (a hostile upload) to a
        # temporary file it leaves open; close it here rather than at garbage collection,
        # where its ResourceWarning would fail whichever test is running then.
        response.request.environ["wsgi.input"].close()
        after = snapshot(self.database)
        if must_refuse:
            assert 400 <= response.status_code < 500, (
                f"{len(attack)} fields answered {response.status_code}, not a refusal"
            )
        self.check(form, attack, data, response, before, after)

    def check(self, form: PageForm, attack: Mapping[str, Any], data: Mapping[str, Any],
              response: TestResponse, before: Any, after: Any) -> None:  # fmt: skip
        shown = {name: _shown(value) for name, value in attack.items()}
        body = response.get_data(as_text=True)
        status = response.status_code
        assert status < 500, f"{status} for {shown}: {body[-800:]}"
        assert "Traceback" not in body, f"a traceback for {shown}"
        if response.mimetype == "text/html":
            assert SCRIPT not in body, f"a script came back unescaped for {shown}"
        shown_again = status == 200 and response.mimetype == "text/html"
        wrote = {table: change for table, change in before.changes(after).items()
                 if table not in self.target.refusal_writes}  # fmt: skip
        if status >= 400 or (shown_again and not self.target.answers_page):
            assert not wrote, f"refused ({status}) {shown} but wrote {wrote}"
            return
        if not wrote:
            return  # refused with a message on the page it redirects to, or a no-op
        if not self.target.idempotent:
            self.values = None  # the object changed: the next try gets a fresh one
        typed = {name: value for name, value in attack.items() if isinstance(value, str)}
        # Whitespace alone in a date field is a blank field (the field strips it): an
        # optional date left blank, such as a period's days when a year is chosen.
        dates = [name for name, value in typed.items()
                 if form.fields.get(name, PageField(name, "text")).kind == "date"
                 and value.strip() and odd_date(value)]  # fmt: skip
        assert not dates, f"accepted {shown}: a date that is not YYYY-MM-DD in range"
        controls = [name for name, value in typed.items()
                    if text_problem(value) is not None]  # fmt: skip
        if controls:
            now = stored_controls(self.database)
            new = now - self.controls
            self.controls = now
            assert not new, f"accepted {shown} and stored control characters: {sorted(new)[:3]}"
        lookalikes = self.lookalikes
        if lookalikes:
            now_stored = stored_count(self.database, lookalikes)
            kept = {value for value in lookalikes
                    if now_stored[value] > self.stored_before[value]}  # fmt: skip
            assert lookalikes <= kept, (
                f"accepted {shown} ({status}, wrote {sorted(wrote)}) but stored "
                f"{sorted(lookalikes - kept)} as something else: a lookalike read as the code "
                "it resembles"
            )
        if before.balances != after.balances:
            problems = ledger_problems(self.database)
            assert not problems, f"accepted {shown}; the ledger no longer verifies: {problems}"
        self.postcondition(data)

    def postcondition(self, data: Mapping[str, Any]) -> None:
        """A reduced approval approves what was typed, as an English reader writes it
        (``100,000.00`` is a hundred thousand, issue 15) or plain, more than zero and no
        more than was requested (issue 12, item 1)."""
        if self.target.endpoint != "allocations.decide":
            return
        decision = next((v for k, v in data.items() if k.endswith("decision")), None)
        amount = next((v for k, v in data.items() if k.endswith("amount")), None)
        if decision != "reduce" or not isinstance(amount, str):
            return
        with self.database.session() as session:
            allocation = session.scalars(
                select(Allocation).order_by(Allocation.id.desc()).limit(1)
            ).one()  # the one just decided: the newest (made for this try)
            approved, requested = allocation.approved_amount, allocation.requested_amount
        try:
            typed: Decimal | None = read_amount(amount, "en")
        except InvalidAmount:
            typed = None
        assert approved is not None, f"reduced approval of {amount!r} approved nothing"
        assert typed is not None, f"reduced approval of {amount!r} accepted"
        assert approved == typed, f"reduced approval of {amount!r} approved {approved}"
        assert Decimal(0) < approved <= requested, (
            f"reduced approval of {amount!r} approved {approved} of {requested}"
        )


#: Rows a repeated group (``lines-N-amount``) is sent with: more than any form offers
#: or a person types, far fewer than the 100,000 that took minutes (issue 12, item 5).
MANY_ROWS = 5000
#: A refusal of them is quick: a 4xx before the form is processed row by row.
MANY_ROWS_SECONDS = 2.0
_REPEATED = re.compile(r"^(.*?)(\d+)-([a-z_]+)$")


def _many_rows(form: PageForm) -> dict[str, Any] | None:
    """The form's first repeated group of fields sent ``MANY_ROWS`` times, blank."""
    for name in form.fields:
        match = _REPEATED.match(name)
        if match and not match.group(1).endswith("{id}-"):
            prefix, _number, column = match.groups()
            return {f"{prefix}{row}-{column}": "" for row in range(MANY_ROWS)}
    return None


def _typed_by_people(form: PageForm, name: str) -> bool:
    """A field whose value, when accepted, is stored as it was typed: not a password, a
    button, a lone checkbox, a radio choice (ignored unless it applies) or a hidden value
    the page made (ignored unless chosen)."""
    page_field = form.fields.get(name, PageField(name, "text"))
    return not (NOT_STORED.search(name) or page_field.boolean
                or page_field.kind in ("hidden", "submit", "password", "radio"))  # fmt: skip


def _named(form: PageForm, name: str) -> list[str]:
    """The form's field called ``name``, or whose name ends in ``-name`` (the allocation
    page's step forms prefix theirs), or ``name`` itself if there is none."""
    found = [key for key in form.fields if key == name or key.endswith("-" + name)]
    return found or [name]


def _shown(value: Any) -> Any:
    if isinstance(value, str) and len(value) > 80:
        return f"{value[:20]!r}… ({len(value)} chars)"
    if isinstance(value, tuple):
        return "a file"
    return value


def _import_file() -> bytes:
    return _csv([[*CSV_ROW[:9], uuid.uuid4().hex, "", ""]])


def _file_values() -> st.SearchStrategy[Any]:
    return _hostile_csv().map(lambda data: (io.BytesIO(data), "bank.csv"))


def _values(page_field: PageField) -> st.SearchStrategy[Any]:
    if page_field.kind == "file":
        return _file_values()
    hostile_values = hostile(page_field.fuzz_kind)
    if page_field.kind == "checkbox" and not page_field.boolean:
        return st.lists(st.one_of(st.sampled_from(page_field.options), hostile_values),
                        max_size=3)  # fmt: skip
    if page_field.options:
        return st.one_of(st.sampled_from(page_field.options), hostile_values)
    return hostile_values


def _sweep(form: PageForm) -> Iterator[dict[str, Any]]:
    """One try per field and class of issue 12, the other fields as the page has them."""
    for position, (name, page_field) in enumerate(sorted(form.fields.items())):
        if page_field.kind == "file":
            yield {name: (io.BytesIO(b"type,donor\n \n"), " ")}
            continue
        for value in sweep(page_field.fuzz_kind, position, full=SLOW):
            yield {name: value}


@pytest.mark.parametrize("target", TARGETS, ids=[t.name or t.endpoint for t in TARGETS])
def test_a_form_refuses_hostile_fields_cleanly_and_writes_nothing_when_it_refuses(
    target: Target, fuzzed: Database, figures: Figures
) -> None:
    app = _app(fuzzed)
    attacker = Attacker(target, fuzzed, app)
    try:
        form = attacker.start()
        tries: list[tuple[dict[str, Any], bool]] = [(attack, False) for attack in _sweep(form)]
        many = _many_rows(form)
        if many is not None:
            tries.append((many, True))

        def attempt(one: tuple[dict[str, Any], bool]) -> None:
            attack, must_refuse = one
            started = time.monotonic()
            attacker.attempt(attack, must_refuse=must_refuse)
            took = time.monotonic() - started
            assert not must_refuse or took <= MANY_ROWS_SECONDS, (
                f"{MANY_ROWS} repeated rows took {took:.1f} s to refuse"
            )

        assert_each_passes(attempt, tries)
        names = sorted(form.fields)

        @FUZZ_SETTINGS
        @given(st.data())
        def fuzz(data: st.DataObject) -> None:
            attacked = data.draw(st.sets(st.sampled_from(names), min_size=1, max_size=3))
            attack = {name: data.draw(_values(form.fields[name]), label=name)
                      for name in sorted(attacked)}  # fmt: skip
            attacker.attempt(attack)

        if names:
            fuzz()
        never = sorted(name for name, count in attacker.tried.items() if count == 0)
        assert not never, f"fields never tried: {never}"
    finally:
        get_database(app).dispose()
        tried = sum(attacker.tried.values())
        figures.add("bad_inputs", tried, part="web")
        for name, count in attacker.tried.items():
            figures.field(f"web {target.name or target.endpoint}", name, count)


# --- the GET filters of every list page ----------------------------------------------

#: Who may see each page, tried in this order until one gets it.
READERS = ["auditor@oas.org", "sec@oas.org", "admin@oas.org", "cajp@oas.org", DONOR_USER]


#: Pages that only send the reader on (``/api/v1`` to its reference page).
REDIRECTS = {"api_reference.home"}


def _list_pages() -> list[str]:
    """Every GET page without a variable in its URL (the downloads — CSV, XLSX, PDF, the IATI
    XML —, static files and the signed-out sign-in pages excepted): the pages that may
    carry filter forms."""
    signed_out = {t.endpoint for t in TARGETS if t.user is None or t.pending}
    app = create_app({**WEB_CONFIG, "DATABASE_URL": "sqlite://"})
    rules = [
        rule.rule for rule in app.url_map.iter_rules()
        if "GET" in rule.methods and not rule.arguments
        and not rule.rule.endswith((".csv", ".xlsx", ".pdf", ".xml"))
        and rule.endpoint != "static" and rule.endpoint not in signed_out
        and rule.endpoint not in REDIRECTS
    ]  # fmt: skip
    get_database(app).dispose()
    return sorted(rules)


LIST_PAGES = _list_pages()


@pytest.mark.parametrize("page", LIST_PAGES)
def test_a_list_filter_refuses_hostile_queries_cleanly_and_writes_nothing(
    page: str, fuzzed: Database, figures: Figures
) -> None:
    app = _app(fuzzed)
    tried: dict[str, int] = {}
    try:
        client = app.test_client()
        response = None
        for email in READERS:
            with fuzzed.session() as session:
                user = session.scalar(select(User).filter_by(email=email))
            assert user is not None
            sign_in(client, fuzzed, user)
            response = client.get(page)
            if response.status_code == 200:
                break
        assert response is not None
        assert response.status_code == 200, page
        filters = [form for form in page_forms(response.get_data(as_text=True), page)
                   if form.method == "GET" and form.path == page]  # fmt: skip
        if not filters:
            return
        form = filters[0]
        csv_twin = page.rstrip("/") + ".csv" if page != "/audit/" else "/audit/log.csv"
        twin = csv_twin in {rule.rule for rule in app.url_map.iter_rules()}
        for name in form.fields:
            tried[name] = 0

        def attempt(attack: Mapping[str, Any]) -> None:
            query = {**form.defaults(), **attack}
            for name in attack:
                tried[name] += 1
            before = snapshot(fuzzed)
            answers = [client.get(page, query_string=query)]
            if twin:
                answers.append(client.get(csv_twin, query_string=query))
                workbook = client.get(csv_twin.removesuffix(".csv") + ".xlsx", query_string=query)
                assert workbook.status_code < 500, f"{workbook.status_code} for {attack} (xlsx)"
            after = snapshot(fuzzed)
            for answer in answers:
                body = answer.get_data(as_text=True)
                assert answer.status_code < 500, f"{answer.status_code} for {attack}: {body[-800:]}"
                assert "Traceback" not in body
                if answer.mimetype == "text/html":
                    assert SCRIPT not in body, f"a script came back unescaped for {attack}"
            assert before == after, f"a GET of {attack} wrote {before.changes(after)}"

        assert_each_passes(attempt, _sweep(form))
        names = sorted(form.fields)

        @FUZZ_SETTINGS
        @given(st.data())
        def fuzz(data: st.DataObject) -> None:
            attacked = data.draw(st.sets(st.sampled_from(names), min_size=1, max_size=3))
            attempt({name: data.draw(_values(form.fields[name]), label=name)
                     for name in sorted(attacked)})  # fmt: skip

        fuzz()
    finally:
        get_database(app).dispose()
        figures.add("bad_inputs", sum(tried.values()), part="web")
        for name, count in tried.items():
            figures.field(f"web GET {page}", name, count)


# --- known bugs -----------------------------------------------------------------------
# What the fuzz found, one test each (docs/RELIABILITY.md, "Bugs these tests found").


@pytest.mark.parametrize(
    ("method", "url", "data"),
    [("POST", "/login", {"email": "a\x00@b.org", "password": "x"}),
     ("GET", "/audit/", {"actor": "x\x00"})],
    ids=["sign-in form", "query string"],
)  # fmt: skip
def test_a_nul_in_a_form_or_query_string_is_a_400_that_says_so(
    fuzzed: Database, method: str, url: str, data: dict[str, str]
) -> None:
    app = _app(fuzzed)
    try:
        before = snapshot(fuzzed)
        client = app.test_client()
        if method == "GET":
            response = client.get(url, query_string=data)
        else:
            response = client.post(url, data=data)
        assert response.status_code == 400
        assert "contains a NUL character" in response.get_data(as_text=True)
        assert snapshot(fuzzed) == before
    finally:
        get_database(app).dispose()


def test_an_id_in_a_url_beyond_the_databases_integer_range_is_not_found(
    fuzzed: Database,
) -> None:
    app = _app(fuzzed)
    try:
        client = app.test_client()
        with fuzzed.session() as session:
            auditor = session.scalar(select(User).filter_by(email="auditor@oas.org"))
        assert auditor is not None
        sign_in(client, fuzzed, auditor)
        assert client.get("/allocations/99999999999999999999").status_code == 404
        assert client.get(f"/allocations/{2**31 - 1}").status_code == 404
    finally:
        get_database(app).dispose()
