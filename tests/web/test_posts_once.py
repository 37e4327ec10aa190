"""Every web form that posts money posts once (issue 12, item 7): sent twice with the
same token it records once and answers with what the first post recorded; a post without
the token issued on that page (for that donor, pledge or allocation) to that user is
refused (400, the form back with a fresh token) and writes nothing.

Spain's receipt form reposted to Mexico's address showed Spain's "Recorded receipt #142"
on Mexico's page, and without a token two identical posts recorded two receipts; the
other money forms (credit, reduction, cancellation, refund, disbursement, expenditure,
closing) had no token at all, so a double click posted twice.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

import pytest
from flask import Flask
from sqlalchemy.orm import Session

from fundledger.allocations import operations as ops
from fundledger.auth.models import User
from fundledger.db import Database
from fundledger.donors.operations import create_donor
from fundledger.donors.pledges import record_pledge
from fundledger.donors.receipts import record_receipt
from tests.factories import money_under_unusable_earmark
from tests.web.conftest import Browser
from tests.web.test_allocation_pages import (
    CAJP,
    SETUP,
    day,
    mexico_pays_50000_for_activity_5,
    written,
)

D = Decimal
NOT_ISSUED = "This form was not issued on this page to this user, or it has lost its token"


@dataclass(frozen=True)
class Once:
    """A form that posts once: where it is (for the object ``{0}``), what it sends, and
    the two objects of its kind the setup makes (the second is "another one's URL")."""

    url: str
    fields: dict[str, str]
    setup: Callable[[Session], tuple[object, object]]
    #: The step's fields are prefixed on an allocation's page ("disburse-1-amount").
    prefix: str = ""
    #: The page the form is on, if it is not ``url`` (a step's: its allocation's page).
    page: str = ""

    def page_of(self, target: object) -> str:
        return (self.page or self.url).format(target)

    def data(self, target: object) -> dict[str, str]:
        prefix = self.prefix.format(target)
        return {prefix + name: value for name, value in self.fields.items()}

    def token_name(self, target: object) -> str:
        return self.prefix.format(target) + "attempt"


def _donors(session: Session) -> tuple[object, object]:
    for code in ("AAA", "BBB"):
        create_donor(session, SETUP, code=code, name=f"Donor {code}", type="member_state")
    return "AAA", "BBB"


def _pledges(session: Session) -> tuple[object, object]:
    """Two pledges of 1,000, and 500 of unapplied credit (an overpayment) to apply."""
    donor = create_donor(session, SETUP, code="AAA", name="Donor AAA", type="member_state")
    first, second, paid = (
        record_pledge(session, SETUP, donor, pledge_date=day("2025-01-10"), amount=D(amount),
                      currency="USD")
        for amount in (1000, 1000, 100)
    )  # fmt: skip
    record_receipt(session, SETUP, donor, value_date=day("2025-01-20"), amount=D(600),
                   currency="USD", pledges=[paid], overpayment=True)  # fmt: skip
    return first.id, second.id


def _approved(session: Session) -> tuple[object, object]:
    """Two allocations approved for 10,000 each; 4,000 of each disbursed."""
    ids = []
    for _ in range(2):
        allocation = ops.propose_allocation(
            session, SETUP, activity=5, amount=D(10000), purpose="Research",
            period_start=day("2025-03-01"), period_end=day("2025-12-31"),
            pools=["MEX/activity:5"],
        )  # fmt: skip
        ops.submit_allocation(session, SETUP, allocation)
        ops.decide_allocation(session, CAJP, allocation, decision="approve",
                              on=day("2025-03-02"), reference="CP/CAJP-1/25")  # fmt: skip
        ops.disburse(session, SETUP, allocation, amount=D(4000), on=day("2025-03-03"))
        ids.append(allocation.id)
    return ids[0], ids[1]


def _earmarked_pool(session: Session) -> tuple[object, object]:
    """The refund and interest forms name no object in their URL: only the user is checked."""
    return "", ""


def _unusable_pool(session: Session) -> tuple[object, object]:
    """Money under objective:6, which no fundable activity serves: the re-earmark form
    names no object in its URL either."""
    donor = create_donor(session, SETUP, code="AAA", name="Donor AAA", type="member_state")
    money_under_unusable_earmark(session, donor, "objective:6", received=D(5000))
    return "", ""


REDUCE = {"on": "2025-03-01", "reason": "Budget cut"}
FORMS = {
    "pledge": Once("/donors/{0}/pledges/new",
                   {"pledge_date": "2025-02-10", "amount": "500.00", "currency": "USD"},
                   _donors),
    "receipt": Once("/donors/{0}/receipts/new",
                    {"value_date": "2025-02-10", "amount": "500.00", "currency": "USD",
                     "kind": "unpledged", "charges": ""},
                    _donors),
    "reduction": Once("/donors/AAA/pledges/{0}/reduce",
                      {**REDUCE, "action": "reduce", "amount": "100.00"}, _pledges),
    "cancellation": Once("/donors/AAA/pledges/{0}/reduce", {**REDUCE, "action": "cancel"},
                         _pledges),
    "credit": Once("/donors/AAA/pledges/{0}/apply-credit",
                   {"on": "2025-03-01", "amount": "200.00"}, _pledges),
    "refund": Once("/refunds/new",
                   {"pool": "MEX/activity:5", "amount": "1000.00", "on": "2025-06-01",
                    "reason": "Project ended"},
                   _earmarked_pool),
    "interest": Once("/interest/new", {"amount": "12.34", "on": "2025-06-30"}, _earmarked_pool),
    "re-earmark": Once("/re-earmark",
                       {"pool": "AAA/objective:6", "to": "objective:9", "amount": "1000.00",
                        "on": "2025-06-01", "reason": "Donor agreed"},
                       _unusable_pool),
    "disbursement": Once("/allocations/{0}/disburse", {"amount": "1000.00", "on": "2025-04-01"},
                         _approved, prefix="disburse-{0}-", page="/allocations/{0}"),
    "expenditure": Once("/allocations/{0}/report",
                        {"amount": "1500.00", "period_end": "2025-06-30", "category": "travel"},
                        _approved, prefix="report-{0}-", page="/allocations/{0}"),
    "closing": Once("/allocations/{0}/close", {"on": "2025-12-31", "confirm": "y"}, _approved,
                    prefix="close-{0}-", page="/allocations/{0}"),
}  # fmt: skip


def token(page: str, name: str) -> str:
    found = re.search(rf'name="{re.escape(name)}"[^>]*value="([^"]+)"', page)
    assert found, f"no {name} on the page"
    return html.unescape(found.group(1))


def flashes(page: str) -> list[str]:
    return [html.unescape(m) for m in re.findall(r'<p class="flash" role="status">(.*?)</p>', page)]


@pytest.mark.parametrize("kind", FORMS)
def test_a_money_form_posts_once_and_only_where_and_by_whom_it_was_issued(
    app: Flask, database: Database, login_as: Callable[..., User], kind: str
) -> None:
    once = FORMS[kind]
    mexico_pays_50000_for_activity_5(database)
    with database.transaction() as session:
        here, elsewhere = once.setup(session)
    url, other_url = once.url.format(here), once.url.format(elsewhere)
    clerk, colleague = Browser(app.test_client()), Browser(app.test_client())
    login_as("secretariat", client=clerk.client, email="clerk@oas.org")
    login_as("secretariat", client=colleague.client, email="colleague@oas.org")

    def form_page(browser: Browser, target: object) -> str:
        return browser.get(once.page_of(target)).get_data(as_text=True)

    page = form_page(clerk, here)
    issued = token(page, once.token_name(here))
    sent = {**once.data(here), "csrf_token": token(page, "csrf_token"),
            once.token_name(here): issued}  # fmt: skip
    before = written(database)

    refused = []
    if other_url != url:  # the token of one donor's (pledge's, allocation's) form at another's
        other_csrf = token(form_page(clerk, elsewhere), "csrf_token")
        refused.append(clerk.client.post(other_url, data={
            **once.data(elsewhere), "csrf_token": other_csrf,
            once.token_name(elsewhere): issued}))  # fmt: skip
    without = {name: value for name, value in sent.items() if name != once.token_name(here)}
    refused += [clerk.client.post(url, data=without), clerk.client.post(url, data=without)]
    refused.append(clerk.client.post(url, data={**sent, once.token_name(here): "0" * 32}))
    csrf = token(form_page(colleague, here), "csrf_token")
    refused.append(colleague.client.post(url, data={**sent, "csrf_token": csrf}))
    for answer in refused:
        shown = answer.get_data(as_text=True)
        assert answer.status_code == 400, shown[-1500:]
        assert NOT_ISSUED in html.unescape(shown)
        fresh = re.search(r'name="[\w-]*attempt"[^>]*value="([^"]+)"', shown)
        assert fresh is not None, "the form comes back"
        assert fresh.group(1) != issued, "with a fresh token"
    assert written(database) == before, "a refused post writes nothing"

    first = clerk.client.post(url, data=sent)
    assert first.status_code == 302, first.get_data(as_text=True)[-1500:]
    said = flashes(clerk.get(first.headers["Location"]).get_data(as_text=True))
    after = written(database)
    again = clerk.client.post(url, data=sent)
    assert again.status_code == 302, again.get_data(as_text=True)[-1500:]
    assert flashes(clerk.get(again.headers["Location"]).get_data(as_text=True)) == said
    assert written(database)[0] == after[0], "the same form sent twice records once"
    assert written(database)[0].entries == before[0].entries + 1
