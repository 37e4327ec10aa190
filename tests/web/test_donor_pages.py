"""The contribution pages as the Secretariat, a reader and a donor login meet them: each
form's happy path shows the right figures afterwards; each refusal shows the reason,
keeps what was typed and writes nothing; the import previews before it posts; a donor
sees its own donor and nothing else."""

from __future__ import annotations

import base64
import html
import io
import re
from collections.abc import Callable
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import func, select
from werkzeug.test import TestResponse

from fundledger.audit.models import AuditEvent
from fundledger.auth.models import User
from fundledger.db import Database
from fundledger.donors.models import Donor
from tests.factories import LedgerState, create_donor, ledger_state
from tests.web.conftest import Browser, other_scripts
from tests.web.downloads import csv_text
from tests.web.test_pages import Table, _TableReader, figures

LoginAs = Callable[..., User]

SPAIN = "ES-OBS"
PLEDGE_1 = {"pledge_date": "2025-02-10", "amount": "50000.00", "currency": "EUR", "rate": "1.0850"}
#: How the pages name the earmarks the tests use (titles cut at 60 characters).
A5 = "Activity 5 — Conduct research on female migration and its impact on…"
O3 = "Objective 3 — Promotion of international cooperation to deal with the…"
RECEIPT_1 = {
    "value_date": "2025-04-15",
    "amount": "29980.00",
    "currency": "EUR",
    "rate": "1.1000",
    "charges": "20.00",
    "kind": "pledges",
}


# --- reading pages --------------------------------------------------------------------


def body(response: TestResponse) -> str:
    return response.get_data(as_text=True)


def text(response: TestResponse) -> str:
    """The page with its character references read (markup stays)."""
    return html.unescape(body(response))


def tables(page: str) -> list[Table]:
    reader = _TableReader()
    reader.feed(page)
    return reader.tables


def table(page: str, first_header: str) -> list[list[str]]:
    """The texts of the page's table whose first column heading reads ``first_header``."""
    found = [t.texts() for t in tables(page) if t.rows and t.rows[0][0].text == first_header]
    assert len(found) == 1, f"{len(found)} tables headed {first_header!r}"
    return found[0]


def captioned(page: str, caption: str) -> list[list[str]]:
    """The texts of the page's table whose caption starts with ``caption``."""
    found = [t.texts() for t in tables(page) if t.caption.startswith(caption)]
    assert len(found) == 1, f"{len(found)} tables captioned {caption!r}"
    return found[0]


def checked(page: str, name: str, value: str) -> bool:
    """Whether the radio button or checkbox ``name`` = ``value`` is ticked."""
    for tag in re.findall(rf'<input[^>]*\bname="{re.escape(name)}"[^>]*>', page):
        if f'value="{value}"' in tag:
            return " checked" in tag
    raise AssertionError(f"no {name}={value} on the page")


def flashes(page: str) -> list[str]:
    return [html.unescape(m) for m in re.findall(r'<p class="flash" role="status">(.*?)</p>', page)]


def refusal(page: str) -> str:
    found = re.search(
        r'<p class="refusal" role="alert"[^>]*><strong>Refused:</strong> (.*?)</p>', page
    )
    assert found, "no refusal on the page"
    return html.unescape(found.group(1))


def field_value(page: str, name: str) -> str | None:
    """What a field shows: an input's value, or the option a select has selected."""
    found = re.search(rf'<input[^>]*\bname="{re.escape(name)}"[^>]*>', page)
    if not found:
        chooser = re.search(rf'<select[^>]*\bname="{re.escape(name)}".*?</select>', page, re.S)
        if not chooser:
            return None
        chosen = re.search(r'<option selected value="([^"]*)"', chooser.group(0))
        return None if chosen is None else html.unescape(chosen.group(1))
    value = re.search(r'\bvalue="([^"]*)"', found.group(0))
    return None if value is None else html.unescape(value.group(1))


def ledger(database: Database) -> LedgerState:
    with database.session() as session:
        return ledger_state(session)


def audit_events(database: Database) -> int:
    with database.session() as session:
        return session.scalar(select(func.count()).select_from(AuditEvent)) or 0


# --- fixtures -------------------------------------------------------------------------


@pytest.fixture
def secretariat(browser: Browser, login_as: LoginAs) -> Browser:
    login_as("secretariat")
    return browser


@pytest.fixture
def spain(database: Database) -> str:
    with database.transaction() as session:
        create_donor(session, SPAIN, name="Spain", type="permanent_observer")
    return SPAIN


def post_ok(browser: Browser, url: str, data: dict[str, Any], *, page: str | None = None) -> str:
    """Submit a form that must succeed; returns the page the redirect leads to."""
    response = browser.submit(url, data, page=page)
    assert response.status_code == 302, body(response)[-1500:]
    return body(browser.get(response.headers["Location"]))


def pledge(browser: Browser, code: str, **data: str) -> str:
    return post_ok(browser, f"/donors/{code}/pledges/new", data)


def receive(browser: Browser, code: str, **data: Any) -> str:
    return post_ok(browser, f"/donors/{code}/receipts/new", {"kind": "pledges", **data})


# --- worked example 1 through the forms -----------------------------------------------


def test_worked_example_one_through_the_forms(secretariat: Browser, database: Database) -> None:
    """Spain pledges EUR 50,000 at 1.0850 and pays 29,980.00 plus 20.00 charges at 1.1000."""
    added = post_ok(
        secretariat,
        "/donors/new",
        {"code": "es-obs", "name": "Spain", "type": "permanent_observer", "language": "es"},
    )
    assert flashes(added) == ["Added donor ES-OBS — Spain."]

    after_pledge = pledge(secretariat, SPAIN, **PLEDGE_1, reference="NV-2025-17")
    assert flashes(after_pledge) == ["Recorded pledge #1: €50,000.00, carried at $54,250.00."]
    assert figures(after_pledge)["Outstanding"] == "54,250.00"

    page = receive(secretariat, SPAIN, **RECEIPT_1, reference="BANK-0415")
    assert flashes(page) == [
        "Recorded receipt #1: €29,980.00 credited, $33,000.00 with the charges."
    ]
    shown = figures(page)
    assert (shown["Pledged"], shown["Received"], shown["Outstanding"]) == (
        "54,250.00",
        "33,000.00",
        "21,700.00",
    )
    assert shown["Unapplied credit"] == "0.00"
    assert table(page, "Pledge") == [
        [
            "Pledge",
            "Date",
            "Amount",
            "Outstanding",
            "Outstanding USD",
            "USD at rate",
            "Earmark",
            "Due",
            "Reference",
            "Actions",
        ],
        [
            "#1 entry #1",
            "2025-02-10",
            "€50,000.00",
            "€20,000.00",
            "21,700.00",
            "54,250.00 at 1.085",
            "Unrestricted",
            "",
            "NV-2025-17",
            "Reduce or cancel",
        ],
    ]
    assert table(page, "Receipt") == [
        [
            "Receipt",
            "Value date",
            "Credited",
            "Charges",
            "USD paid",
            "Rate",
            "Applied to",
            "Held as credit, USD",
            "Reference",
            "Actions",
        ],
        [
            "#1 entry #2",
            "2025-04-15",
            "€29,980.00",
            "€20.00",
            "33,000.00",
            "1.1",
            "pledge #1",
            "",
            "BANK-0415",
            "Reverse",
        ],
    ]
    assert table(page, "Earmark")[1:] == [["Unrestricted", "54,250.00", "21,700.00"]]

    # The second payment settles the rest at 1.0700: nothing is outstanding.
    page = receive(
        secretariat,
        SPAIN,
        value_date="2025-09-30",
        amount="20000.00",
        currency="EUR",
        rate="1.0700",
    )
    assert figures(page)["Outstanding"] == "0.00"
    assert figures(page)["Received"] == "54,400.00"
    assert ledger(database).entries == 3


# --- donors ---------------------------------------------------------------------------


def test_add_edit_deactivate_and_reactivate_a_donor(
    secretariat: Browser, database: Database
) -> None:
    post_ok(
        secretariat,
        "/donors/new",
        {"code": "CAN", "name": "Canada", "type": "member_state", "country": "ca"},
    )
    page = post_ok(
        secretariat,
        "/donors/CAN/edit",
        {
            "name": "Canada  (Global Affairs)",
            "country": "CA",
            "language": "fr",
            "contact": "ottawa@example.org",
        },
    )
    assert flashes(page) == ["Saved donor CAN."]
    details = figures(page)
    assert details["Type"] == "Member state"
    assert details["Country"] == "CA"
    assert details["Statements in"] == "French"
    assert details["Contact"] == "ottawa@example.org"
    assert "Canada (Global Affairs)" in page  # the operation folds the spaces

    page = post_ok(secretariat, "/donors/CAN/deactivate", {}, page="/donors/CAN")
    assert flashes(page) == ["CAN is deactivated: no new pledges or receipts; its history stays."]
    assert figures(page)["Status"] == "inactive: no new pledges or receipts"
    assert "Record a pledge" not in page

    before = ledger(database)
    refused = secretariat.submit(
        "/donors/CAN/pledges/new", {"pledge_date": "2025-01-10", "amount": "10", "currency": "USD"}
    )
    assert refused.status_code == 422
    assert refusal(body(refused)) == "donor CAN is inactive; reactivate it first"
    assert ledger(database) == before

    page = post_ok(secretariat, "/donors/CAN/reactivate", {}, page="/donors/CAN")
    assert figures(page)["Status"] == "active"


def test_a_refused_donor_keeps_what_was_typed(secretariat: Browser, spain: str) -> None:
    response = secretariat.submit(
        "/donors/new", {"code": "es-obs", "name": "España", "type": "member_state", "country": "ES"}
    )
    assert response.status_code == 422
    page = body(response)
    assert refusal(page) == "there is already a donor ES-OBS"
    assert field_value(page, "name") == "España"
    assert field_value(page, "code") == "ES-OBS"

    response = secretariat.submit("/donors/new", {"code": "", "name": "", "type": "other"})
    assert response.status_code == 400
    assert "Enter a short code." in body(response)
    assert "Enter the donor&#39;s name." in body(response)

    response = secretariat.submit(
        "/donors/new", {"code": "X1", "name": "X", "type": "other", "country": "QQ"}
    )
    assert response.status_code == 422
    assert refusal(body(response)) == "country 'QQ' is not an ISO 3166 alpha-2 code"


def test_names_are_escaped_everywhere(secretariat: Browser) -> None:
    page = post_ok(
        secretariat, "/donors/new", {"code": "PER", "name": "<b>Perú</b>", "type": "member_state"}
    )
    assert "<b>Perú</b>" not in page
    assert "&lt;b&gt;Perú&lt;/b&gt;" in page  # the heading and the flash
    assert flashes(page) == ["Added donor PER — <b>Perú</b>."]
    listing = body(secretariat.get("/donors"))
    assert "<b>" not in listing
    assert "&lt;b&gt;Perú&lt;/b&gt;" in listing
    assert csv_text(secretariat.get("/donors.csv")).splitlines()[1] == (
        "PER,<b>Perú</b>,member_state,,en,yes"
    )


def test_the_donor_list_filters_sorts_pages_and_exports(
    secretariat: Browser, database: Database
) -> None:
    with database.transaction() as session:
        for number in range(52):
            create_donor(
                session, f"D{number:02d}", name=f"Donor {51 - number:02d}", type="member_state"
            )
        create_donor(
            session,
            "IOM",
            name="International Organization for Migration",
            type="international_org",
        )
        create_donor(session, "OLD", name="An old donor", type="other")
        session.scalars(select(Donor).filter_by(code="OLD")).one().active = False

    first = body(secretariat.get("/donors"))
    assert "54 donors." in first
    assert "Page 1 of 2" in first
    codes = [row[0] for row in table(first, "Code")[1:]]
    assert codes[:3] == ["D00", "D01", "D02"]
    assert len(codes) == 50
    second = body(secretariat.get("/donors?page=2"))
    assert [row[0] for row in table(second, "Code")[1:]] == ["D50", "D51", "IOM", "OLD"]

    by_name = body(secretariat.get("/donors?sort=name&type=member_state"))
    assert [row[0] for row in table(by_name, "Code")[1:4]] == ["D51", "D50", "D49"]
    assert "52 donors." in by_name
    assert 'href="/donors?sort=name&amp;type=member_state&amp;page=2" rel="next"' in by_name

    inactive = body(secretariat.get("/donors?active=no"))
    assert table(inactive, "Code")[1:] == [
        ["OLD", "An old donor", "Other", "", "English", "inactive"]
    ]
    assert 'href="/donors.csv?active=no"' in inactive

    response = secretariat.get("/donors.csv?type=international_org")
    assert response.mimetype == "text/csv"
    assert response.headers["Content-Disposition"] == 'attachment; filename="donors.csv"'
    assert csv_text(response) == (
        "code,name,type,country,language,active\n"
        "IOM,International Organization for Migration,international_org,,en,yes\n"
    )
    assert csv_text(secretariat.get("/donors.csv?active=no")).endswith(
        "OLD,An old donor,other,,en,no\n"
    )

    for bad in ("type=donor", "active=maybe"):
        response = secretariat.get(f"/donors?{bad}")
        assert response.status_code == 400, bad
        assert "Not a valid choice" in body(response), bad
    response = secretariat.get("/donors?sort=amount")
    assert response.status_code == 400
    assert "sort must be one of code, name, type" in body(response)


def test_an_unknown_donor_is_404(secretariat: Browser) -> None:
    for url in (
        "/donors/NOPE",
        "/donors/NOPE/edit",
        "/donors/NOPE/pledges/new",
        "/donors/" + "X" * 300,
    ):
        response = secretariat.get(url)
        assert response.status_code == 404, url
        assert "There is no such donor." in body(response)


@pytest.mark.usefixtures("spain")
def test_another_donors_pledge_is_404(secretariat: Browser, database: Database) -> None:
    pledge(secretariat, SPAIN, **PLEDGE_1)
    with database.transaction() as session:
        create_donor(session, "MEX")
    for url in (
        "/donors/MEX/pledges/1/reduce",
        "/donors/ES-OBS/pledges/2/reduce",
        "/donors/ES-OBS/pledges/99999999999/apply-credit",
    ):
        assert secretariat.get(url).status_code == 404, url


# --- pledges: refusals ----------------------------------------------------------------


BAD_PLEDGES = [
    pytest.param({"amount": "0"}, 400, "The amount pledged is more than zero.", id="zero"),
    pytest.param({"amount": "-50"}, 400, "The amount pledged is more than zero.", id="negative"),
    pytest.param({"amount": "12,00"}, 400,
                 "12,00 is not an amount: write it like 40,000.00 or 40000.00.",
                 id="separator-out-of-place"),
    pytest.param({"amount": "1e5"}, 400,
                 "1e5 is not an amount: write it like 40,000.00 or 40000.00.", id="exponent"),
    pytest.param({"amount": "1000.5", "currency": "JPY", "rate": "0.0067"}, 422,
                 "amount 1,000.5 has more decimals than JPY allows (0)", id="jpy-decimals"),
    pytest.param({"currency": "XYZ"}, 400, "Choose the currency from the list",
                 id="unknown-currency"),
    pytest.param({"rate": ""}, 422, "There is no EUR rate for Feb 10, 2025: enter it here",
                 id="no-rate"),
    pytest.param({"rate": "0"}, 400, "The rate is more than zero.", id="zero-rate"),
    pytest.param({"earmark": "activity:40"}, 400, "Choose the earmark from the list",
                 id="earmark-activity-40"),
    pytest.param({"earmark": "organ:XYZ"}, 400, "Choose the earmark from the list",
                 id="earmark-organ"),
    pytest.param({"earmark": "objective:6"}, 400, "Choose the earmark from the list",
                 id="earmark-unusable"),
    pytest.param({"pledge_date": "10/02/2025"}, 400, "Write the date as YYYY-MM-DD",
                 id="date-format"),
    pytest.param({"pledge_date": "2025-02-30"}, 400, "2025-02-30 is not a date on the calendar",
                 id="no-such-date"),
    pytest.param({"instalments-0-due": "2025-06-30", "instalments-0-amount": "20000",
                  "instalments-1-due": "2025-12-31", "instalments-1-amount": "20000"}, 422,
                 "instalments add up to 40,000 EUR, the pledge is 50,000.00 EUR",
                 id="instalments-total"),
    pytest.param({"instalments-0-due": "2025-06-30"}, 400,
                 "Give both the due date and the amount, or neither.", id="instalment-half"),
]  # fmt: skip


@pytest.mark.usefixtures("spain")
@pytest.mark.parametrize(("change", "status", "message"), BAD_PLEDGES)
def test_a_bad_pledge_is_refused_with_the_reason_and_writes_nothing(
    secretariat: Browser, database: Database, change: dict[str, str], status: int, message: str
) -> None:
    before, events = ledger(database), audit_events(database)
    typed = {**PLEDGE_1, "reference": "NV/25 <draft>", **change}
    response = secretariat.submit(f"/donors/{SPAIN}/pledges/new", typed)
    assert response.status_code == status
    assert message in text(response)
    assert ledger(database) == before
    assert audit_events(database) == events
    page = body(response)
    for name, value in typed.items():
        if "from the list" not in message:  # a chooser cannot show what it does not offer
            assert field_value(page, name) == value, name  # what was typed, as typed
    if change == {"rate": ""}:  # the rate is asked for in place, to be kept in the table
        assert 'id="rate-error"' in page
        assert re.search(r'<input checked id="save_rate"', page)


@pytest.mark.usefixtures("spain")
def test_a_pledge_with_instalments_an_earmark_and_the_table_rate(
    secretariat: Browser, database: Database
) -> None:
    page = post_ok(
        secretariat, "/rates/new", {"currency": "eur", "rate_date": "2025-02-10", "rate": "1.0850"}
    )
    assert flashes(page) == ["EUR on 2025-02-10: 1.085 USD per unit."]
    assert table(page, "Date")[1:] == [
        ["2025-02-10", "EUR", "1.085", "secretariat@example.org", "Withdraw"]
    ]

    page = pledge(
        secretariat,
        SPAIN,
        pledge_date="2025-02-10",
        amount="50000",
        currency="EUR",
        earmark="activity:5",
        **{
            "instalments-0-due": "2025-12-31",
            "instalments-0-amount": "30000",
            "instalments-1-due": "2025-06-30",
            "instalments-1-amount": "20000",
        },
    )
    row = table(page, "Pledge")[1]
    assert row[2:7] == ["€50,000.00", "€50,000.00", "54,250.00", "54,250.00 at 1.085", A5]
    assert row[7] == "2025-06-30 €20,000.00 2025-12-31 €30,000.00"
    assert table(page, "Earmark")[1:] == [[A5, "54,250.00", "54,250.00"]]

    ageing = secretariat.get("/reports/ageing?as_of=2026-01-15")
    assert table(body(ageing), "Donor")[1][:2] == ["ES-OBS Spain", ""]
    response = secretariat.get("/reports/ageing.csv?as_of=2026-01-15")
    assert response.headers["Content-Disposition"] == (
        'attachment; filename="ageing-2026-01-15.csv"'
    )
    assert csv_text(response) == (
        "donor,not_due,0-90,91-180,181-365,over-365,total\n"
        "ES-OBS,0.00,32550.00,0.00,21700.00,0.00,54250.00\n"
    )


@pytest.mark.usefixtures("spain")
@pytest.mark.parametrize(
    ("url", "data"),
    [
        (f"/donors/{SPAIN}/pledges/new", PLEDGE_1),
        (f"/donors/{SPAIN}/receipts/new", {**RECEIPT_1, "kind": "unpledged", "charges": ""}),
    ],
)
def test_a_form_sent_twice_posts_once(
    secretariat: Browser, database: Database, url: str, data: dict[str, str]
) -> None:
    """A double click, or a retry after a timeout, sends the same page's form again."""
    page = body(secretariat.get(url))
    once = {
        **data,
        "csrf_token": field_value(page, "csrf_token"),
        "attempt": field_value(page, "attempt"),
    }
    first = secretariat.client.post(url, data=once)
    second = secretariat.client.post(url, data=once)
    assert first.status_code == second.status_code == 302
    assert ledger(database).entries == 1
    # The same page with something changed is another entry.
    changed = secretariat.client.post(url, data={**once, "amount": "100.00"})
    assert changed.status_code == 302
    assert ledger(database).entries == 2


# --- pledges: reducing and cancelling -------------------------------------------------


@pytest.mark.usefixtures("spain")
def test_reduce_then_cancel_a_pledge(secretariat: Browser, database: Database) -> None:
    pledge(secretariat, SPAIN, **PLEDGE_1)
    url = f"/donors/{SPAIN}/pledges/1/reduce"

    before = ledger(database)
    for data, status, message in [
        (
            {"action": "reduce", "amount": "", "reason": "x"},
            400,
            "Enter the amount to reduce by, or choose to cancel.",
        ),
        ({"action": "reduce", "amount": "100", "reason": ""}, 400, "Give the reason."),
        (
            {"action": "reduce", "amount": "60000", "reason": "typo"},
            422,
            "pledge 1 has 50,000.00 EUR outstanding; it cannot be reduced by 60,000.00",
        ),
        (
            {"action": "reduce", "amount": "0.001", "reason": "typo"},
            422,
            "amount 0.001 has more decimals than EUR allows (2)",
        ),
    ]:
        response = secretariat.submit(url, {"on": "2025-03-01", **data})
        assert response.status_code == status, data
        assert message in text(response), data
        assert field_value(body(response), "reason") == data["reason"]
    assert ledger(database) == before

    page = post_ok(
        secretariat,
        url,
        {"action": "reduce", "amount": "10000", "on": "2025-03-01", "reason": "Budget revision"},
    )
    assert flashes(page) == ["Pledge #1: Reduced by €10,000.00."]
    assert figures(page)["Pledged"] == "43,400.00"
    assert figures(page)["Outstanding"] == "43,400.00"

    page = post_ok(
        secretariat,
        url,
        {"action": "cancel", "amount": "", "on": "2025-03-02", "reason": "Agreement withdrawn"},
    )
    assert flashes(page) == ["Pledge #1: Cancelled €40,000.00."]
    assert figures(page)["Outstanding"] == "0.00"
    assert "Reduce or cancel" not in page
    assert ledger(database).entries == 3


# --- receipts -------------------------------------------------------------------------


@pytest.mark.usefixtures("spain")
def test_an_overpayment_needs_the_box_and_its_credit_can_be_applied(
    secretariat: Browser, database: Database
) -> None:
    pledge(secretariat, SPAIN, pledge_date="2025-01-10", amount="1000", currency="USD")
    before = ledger(database)
    typed = {
        "value_date": "2025-02-01",
        "amount": "1500.00",
        "currency": "USD",
        "kind": "pledges",
        "reference": "BANK-1",
    }
    response = secretariat.submit(f"/donors/{SPAIN}/receipts/new", typed)
    assert response.status_code == 422
    assert refusal(body(response)) == (
        "the receipt settles 1,500.00 USD but ES-OBS's outstanding USD pledges owe 1,000.00; "
        "record the 500.00 excess as an overpayment (unapplied credit) or apply the receipt "
        "to more pledges"
    )
    assert field_value(body(response), "amount") == "1500.00"
    assert field_value(body(response), "reference") == "BANK-1"
    assert ledger(database) == before

    page = receive(secretariat, SPAIN, **typed, overpayment="y")
    assert flashes(page) == [
        "Recorded receipt #1: $1,500.00 credited, $1,500.00 with the charges; $500.00 held "
        "as unapplied credit."
    ]
    assert figures(page)["Unapplied credit"] == "500.00"
    assert figures(page)["Outstanding"] == "0.00"
    assert table(page, "From receipt")[1:] == [["#1", "2025-02-01", "$500.00", "1"]]

    page = pledge(secretariat, SPAIN, pledge_date="2025-03-01", amount="300", currency="USD")
    assert 'href="/donors/ES-OBS/pledges/2/apply-credit"' in page
    credit_url = f"/donors/{SPAIN}/pledges/2/apply-credit"
    response = secretariat.submit(credit_url, {"on": "2025-03-02", "amount": "400"})
    assert response.status_code == 422
    assert refusal(body(response)) == "pledge 2 owes 300.00 USD, less than 400.00"

    page = post_ok(secretariat, credit_url, {"on": "2025-03-02", "amount": ""})
    assert flashes(page) == ["Applied $300.00 of unapplied credit to pledge #2."]
    shown = figures(page)
    assert (shown["Outstanding"], shown["Unapplied credit"]) == ("0.00", "200.00")
    assert table(page, "Receipt")[1][6] == "pledge #1, pledge #2"


@pytest.mark.usefixtures("spain")
def test_a_receipt_settles_the_pledges_ticked(secretariat: Browser) -> None:
    pledge(secretariat, SPAIN, pledge_date="2025-01-10", amount="1000", currency="USD")
    pledge(
        secretariat,
        SPAIN,
        pledge_date="2025-02-10",
        amount="2000",
        currency="USD",
        earmark="objective:3",
    )
    form = body(secretariat.get(f"/donors/{SPAIN}/receipts/new"))
    assert "#1 of 2025-01-10: $1,000.00 outstanding of $1,000.00" in form
    assert f"#2 of 2025-02-10: $2,000.00 outstanding of $2,000.00, earmarked {O3}" in html.unescape(
        form
    )

    page = receive(
        secretariat, SPAIN, value_date="2025-03-01", amount="500", currency="USD", pledges=["2"]
    )
    rows = table(page, "Pledge")[1:]
    assert [row[3] for row in rows] == ["$1,000.00", "$1,500.00"]
    assert table(page, "Receipt")[1][6] == "pledge #2"
    assert table(page, "Earmark")[1:] == [
        ["Unrestricted", "1,000.00", "1,000.00"],
        [O3, "2,000.00", "1,500.00"],
    ]

    # A EUR receipt cannot settle a USD pledge: the operation says so.
    response = secretariat.submit(
        f"/donors/{SPAIN}/receipts/new",
        {
            "value_date": "2025-03-01",
            "amount": "10",
            "currency": "EUR",
            "rate": "1.1",
            "kind": "pledges",
            "pledges": ["1"],
        },
    )
    assert response.status_code == 422
    assert refusal(body(response)) == "pledge 1 is in USD; a EUR receipt cannot settle it"
    assert checked(body(response), "pledges", "1")


@pytest.mark.usefixtures("spain")
def test_unpledged_money_with_an_earmark(secretariat: Browser, database: Database) -> None:
    data = {
        "value_date": "2025-05-05",
        "amount": "2500.00",
        "currency": "USD",
        "kind": "unpledged",
        "earmark": "activity:40",
    }
    before = ledger(database)
    response = secretariat.submit(f"/donors/{SPAIN}/receipts/new", data)
    assert response.status_code == 400
    assert "Choose the earmark from the list" in text(response)
    assert checked(body(response), "kind", "unpledged")
    assert ledger(database) == before

    page = receive(secretariat, SPAIN, **{**data, "earmark": "activity:5"})
    assert table(page, "Receipt")[1][6] == f"unpledged, {A5}"
    assert table(page, "Earmark")[1:] == [[A5, "2,500.00", "0.00"]]
    shown = figures(page)
    assert (shown["Pledged"], shown["Received"], shown["Outstanding"]) == (
        "0.00",
        "2,500.00",
        "0.00",
    )


@pytest.mark.usefixtures("spain")
def test_bad_receipts_are_refused_and_write_nothing(
    secretariat: Browser, database: Database
) -> None:
    pledge(
        secretariat, SPAIN, pledge_date="2025-01-10", amount="100000", currency="JPY", rate="0.0067"
    )
    before = ledger(database)
    base = {"value_date": "2025-02-01", "currency": "JPY", "rate": "0.0068", "kind": "pledges"}
    for change, status, message in [
        ({"amount": "0"}, 400, "The amount credited is more than zero."),
        ({"amount": "100", "charges": "-1"}, 400, "Bank charges cannot be negative."),
        ({"amount": "99.5"}, 422, "amount 99.5 has more decimals than JPY allows (0)"),
        (
            {"amount": "100", "charges": "0.5"},
            422,
            "bank charges 0.5 has more decimals than JPY allows (0)",
        ),
        (
            {"amount": "100", "rate": "", "value_date": "2025-02-02"},
            422,
            "There is no JPY rate for Feb 2, 2025: enter it here",
        ),
        (
            {"amount": "100", "earmark": "activity:5"},
            422,
            "a receipt against pledges takes the pledges' earmarks",
        ),
        (
            {"amount": "100", "kind": "unpledged", "overpayment": "y"},
            422,
            "unpledged money is not applied to pledges nor held as credit",
        ),
        ({"amount": "100", "kind": "sideways"}, 400, "Not a valid choice"),
        ({"amount": "100", "pledges": ["7"]}, 400, "'7' is not a valid choice for this field."),
    ]:
        response = secretariat.submit(f"/donors/{SPAIN}/receipts/new", {**base, **change})
        assert response.status_code == status, change
        assert message in text(response), change
        assert field_value(body(response), "amount") == change["amount"], change
    assert ledger(database) == before


# --- rates ----------------------------------------------------------------------------


def test_rates_are_listed_filtered_and_checked(secretariat: Browser, database: Database) -> None:
    for currency, on, rate in [
        ("EUR", "2025-02-10", "1.0850"),
        ("EUR", "2025-04-15", "1.2"),
        ("JPY", "2025-02-10", "0.0067"),
    ]:
        post_ok(secretariat, "/rates/new", {"currency": currency, "rate_date": on, "rate": rate})
    # Setting it again corrects it.
    post_ok(
        secretariat, "/rates/new", {"currency": "EUR", "rate_date": "2025-04-15", "rate": "1.1000"}
    )
    assert table(body(secretariat.get("/rates")), "Date")[1:] == [
        ["2025-04-15", "EUR", "1.1", "secretariat@example.org", "Withdraw"],
        ["2025-02-10", "JPY", "0.0067", "secretariat@example.org", "Withdraw"],
        ["2025-02-10", "EUR", "1.085", "secretariat@example.org", "Withdraw"],
    ], "newest first (every column of the order reversed)"
    assert len(table(body(secretariat.get("/rates?currency=jpy")), "Date")) == 2

    form = body(secretariat.get("/rates/new?currency=GBP&date=2025-07-01"))
    assert field_value(form, "currency") == "GBP"
    assert field_value(form, "rate_date") == "2025-07-01"

    before = ledger(database), audit_events(database)
    for data, status, message in [
        ({"currency": "USD", "rate": "1"}, 422, "USD is the base currency; its rate is always 1"),
        ({"currency": "EUR", "rate": "-1"}, 400, "The rate is more than zero."),
        ({"currency": "EUR", "rate": "1.12345678901"}, 422, "have at most 10 decimal places"),
        ({"currency": "EURO", "rate": "1.1"}, 422, "'EURO' is not an ISO 4217 currency code"),
    ]:
        response = secretariat.submit("/rates/new", {"rate_date": "2025-05-01", **data})
        assert response.status_code == status, data
        assert message in text(response), data
        assert field_value(body(response), "rate") == data["rate"]
    assert (ledger(database), audit_events(database)) == before


# --- import ---------------------------------------------------------------------------

BANK_FILE = (
    b"type,donor,date,amount,currency,rate,charges,reference\n"
    b"pledge,ES-OBS,2025-02-10,50000.00,EUR,1.0850,,NV-2025-17\n"
    b"receipt,ES-OBS,2025-04-15,29980.00,EUR,1.1000,20.00,BANK-0415\n"
)


def upload(browser: Browser, content: bytes, name: str = "bank.csv") -> TestResponse:
    return browser.submit("/import", {"file": (io.BytesIO(content), name)})


def confirm(browser: Browser, preview: str, **changes: str) -> TestResponse:
    fields = {name: field_value(preview, name) for name in ("content", "seal", "filename")}
    return browser.submit("/import/confirm", {**fields, **changes}, page="/import")


@pytest.mark.usefixtures("spain")
def test_import_previews_then_posts_once(secretariat: Browser, database: Database) -> None:
    before = ledger(database), audit_events(database)
    response = upload(secretariat, BANK_FILE)
    assert response.status_code == 200
    preview = body(response)
    assert figures(preview) == {"Rows": "2", "Would post": "2", "Already posted": "0"}
    assert "Post these 2 rows" in preview
    assert captioned(preview, "The file's rows")[1:] == [
        [
            "2",
            "pledge",
            "ES-OBS",
            "2025-02-10",
            "€50,000.00",
            "1.0850",
            "",
            "",
            "",
            "NV-2025-17",
            "new",
        ],
        [
            "3",
            "receipt",
            "ES-OBS",
            "2025-04-15",
            "€29,980.00",
            "1.1000",
            "€20.00",
            "",
            "",
            "BANK-0415",
            "new",
        ],
    ]
    assert (ledger(database), audit_events(database)) == before, "the preview posted nothing"

    page = body(secretariat.get(confirm(secretariat, preview).headers["Location"]))
    assert flashes(page) == ["Imported bank.csv: 2 rows: 2 posted, 0 already posted before."]
    assert ledger(database).entries == 2
    assert figures(body(secretariat.get(f"/donors/{SPAIN}")))["Outstanding"] == "21,700.00"

    again = body(upload(secretariat, BANK_FILE))
    assert figures(again) == {"Rows": "2", "Would post": "0", "Already posted": "2"}
    assert "there is nothing new to post" in again
    assert "Post these" not in again
    rows = captioned(again, "The file's rows")[1:]
    assert [row[-1] for row in rows] == ["posted before", "posted before"]

    # The old confirmation, sent again, posts nothing either.
    response = confirm(secretariat, preview)
    assert flashes(body(secretariat.get(response.headers["Location"]))) == [
        "Imported bank.csv: 2 rows: 0 posted, 2 already posted before."
    ]
    assert ledger(database).entries == 2


@pytest.mark.usefixtures("spain")
def test_import_lists_every_problem_by_line_and_posts_nothing(
    secretariat: Browser, database: Database
) -> None:
    before = ledger(database)
    # Rows that read well but cannot post: each is named, and the good rows post nothing.
    bad = BANK_FILE + (
        b"pledge,NOBODY,2025-02-10,10.00,USD,,,\nreceipt,ES-OBS,2025-05-01,5.00,USD,,,\n"
    )
    response = upload(secretariat, bad, "april.csv")
    assert response.status_code == 422
    page = body(response)
    assert "nothing imported: 2 problem(s) in 4 rows" in html.unescape(page)
    assert captioned(page, "Problems")[1:] == [
        ["4", "unknown donor 'NOBODY'"],
        [
            "5",
            "ES-OBS has no outstanding USD pledges; record the receipt as unpledged, or as "
            "an overpayment to hold as unapplied credit",
        ],
    ]
    assert [row[-1] for row in captioned(page, "The file's rows")[1:]] == [
        "",
        "",
        "refused",
        "refused",
    ]
    assert "Post these" not in page
    assert ledger(database) == before

    # A row that does not read is named before anything is tried.
    response = upload(secretariat, BANK_FILE + b"pledge,ES-OBS,2025-02-31,10.00,USD,,,\n")
    assert response.status_code == 422
    assert captioned(body(response), "Problems")[1:] == [
        ["4", "date 2025-02-31 is not a date on the calendar"]
    ]

    response = upload(secretariat, b"\xff\xfe not utf-8")
    assert response.status_code == 422
    assert "the file is not UTF-8" in text(response)

    response = upload(secretariat, BANK_FILE, "bank.xlsx")
    assert response.status_code == 400
    assert "Choose a .csv file" in body(response)
    assert secretariat.submit("/import", {}).status_code == 400
    assert ledger(database) == before


@pytest.mark.usefixtures("spain")
def test_a_confirmation_posts_only_the_file_previewed(
    secretariat: Browser, database: Database
) -> None:
    preview = body(upload(secretariat, BANK_FILE))
    other = BANK_FILE.replace(b"50000.00", b"90000.00")
    forged = base64.urlsafe_b64encode(other).decode()
    for changes in ({"content": forged}, {"seal": "tampered"}, {"content": "%%%"}):
        response = confirm(secretariat, preview, **changes)
        assert response.status_code == 400, changes
        assert "upload it again" in body(response)
    assert ledger(database).entries == 0


@pytest.mark.usefixtures("spain")
def test_a_file_too_large_to_send_back_is_previewed_but_not_offered(
    secretariat: Browser, database: Database, app: Flask
) -> None:
    rows = b"".join(
        b"pledge,ES-OBS,2025-02-10,%d.00,USD,,,ref-%d\n" % (number + 1, number)
        for number in range(90)
    )
    content = BANK_FILE + rows
    app.config["MAX_CONTENT_LENGTH"] = len(content) + 2048  # the upload fits, its echo not
    response = upload(secretariat, content)
    assert response.status_code == 200
    page = body(response)
    assert figures(page)["Would post"] == "92"
    assert "too large to send back from the browser" in page
    assert "Post these" not in page
    assert ledger(database).entries == 0


# --- who sees what --------------------------------------------------------------------


@pytest.fixture
def two_donors(database: Database) -> tuple[Donor, Donor]:
    with database.transaction() as session:
        return create_donor(session, "MEX", name="Mexico"), create_donor(session, "CAN")


def test_a_donor_login_sees_its_own_page_only(
    browser: Browser, login_as: LoginAs, database: Database, two_donors: tuple[Donor, Donor]
) -> None:
    mexico, _canada = two_donors
    staff = Browser(browser.client.application.test_client())
    login_as("secretariat", client=staff.client)
    pledge(staff, "MEX", pledge_date="2025-01-10", amount="1000", currency="USD")
    pledge(staff, "CAN", pledge_date="2025-01-10", amount="7777", currency="USD")

    login_as("donor", donor=mexico)
    own = body(browser.get("/donor"))
    assert "Mexico" in own
    assert figures(own)["Outstanding"] == "1,000.00"
    assert 'href="/donor" aria-current="page">Our contributions' in own
    header = own.split("<main")[0]
    for hidden in ("/donors", "/rates", "/reports/ageing", "/import", "/journal"):
        assert f'href="{hidden}"' not in header, hidden
    main = own.split("<main")[1]
    for action in (
        "Record a pledge",
        "Record a receipt",
        "Edit the donor",
        "Deactivate",
        "Reduce or cancel",
        "entry #",
        "/journal/",
    ):
        assert action not in main, action
    assert body(browser.get("/donors/MEX")).count("1,000.00") >= 1
    assert "7,777" not in own

    unknown = browser.get("/donors/NOPE")
    another = browser.get("/donors/CAN")
    assert another.status_code == unknown.status_code == 404
    main = [body(response).split("<main")[1] for response in (another, unknown)]
    assert main[0] == main[1], "another donor reads exactly like no donor"
    assert "There is no such donor." in main[0]

    for url in (
        "/donors",
        "/donors.csv",
        "/rates",
        "/reports/ageing",
        "/reports/ageing.csv",
        "/import",
        "/donors/new",
        "/rates/new",
        "/donors/MEX/edit",
        "/donors/MEX/pledges/new",
        "/donors/MEX/receipts/new",
        "/donors/MEX/pledges/1/reduce",
        "/donors/MEX/pledges/1/apply-credit",
    ):
        assert browser.get(url).status_code == 403, url
    for url in ("/donors/MEX/deactivate", "/donors/MEX/pledges/new", "/import/confirm"):
        response = browser.submit(url, {}, page="/donor")
        assert response.status_code == 403, url
    assert ledger(database).entries == 2


def test_the_home_page_offers_a_donor_only_what_it_may_open(
    browser: Browser, login_as: LoginAs, two_donors: tuple[Donor, Donor]
) -> None:
    login_as("donor", donor=two_donors[0])
    home = body(browser.get("/"))
    for refused in ("/accounts", "/journal", "/trial-balance", "/accounts.csv"):
        assert f'href="{refused}"' not in home, refused
    assert 'href="/program/objectives"' in home


@pytest.mark.parametrize("role", ["auditor", "cajp", "admin"])
def test_readers_read_but_change_nothing(
    browser: Browser, login_as: LoginAs, database: Database, role: str, spain: str
) -> None:
    login_as(role)
    for url in ("/donors", f"/donors/{spain}", "/rates", "/reports/ageing", "/donors.csv"):
        assert browser.get(url).status_code == 200, url
    page = body(browser.get(f"/donors/{spain}"))
    for action in ("Record a pledge", "Edit the donor", "Deactivate"):
        assert action not in page, action
    assert "Add a donor" not in body(browser.get("/donors"))
    assert "Set a rate" not in body(browser.get("/rates"))
    assert browser.get(f"/donors/{spain}/pledges/new").status_code == 403
    response = browser.submit(f"/donors/{spain}/deactivate", {}, page=f"/donors/{spain}")
    assert response.status_code == 403
    assert ledger(database).entries == 0


def test_the_ageing_page_defaults_to_today_and_checks_its_date(secretariat: Browser) -> None:
    page = body(secretariat.get("/reports/ageing"))
    assert 'value="2026-03-02"' in page  # the test clock's today
    assert "No pledge was outstanding at the end of 2026-03-02." in page
    assert csv_text(secretariat.get("/reports/ageing.csv")) == (
        "donor,not_due,0-90,91-180,181-365,over-365,total\n"
    )
    response = secretariat.get("/reports/ageing?as_of=31/12/2025")
    assert response.status_code == 400
    assert "Write the date as YYYY-MM-DD" in body(response)


def test_every_page_has_the_layout_and_no_script(secretariat: Browser, spain: str) -> None:
    for url in (
        "/donors",
        f"/donors/{spain}",
        "/donors/new",
        f"/donors/{spain}/edit",
        f"/donors/{spain}/pledges/new",
        f"/donors/{spain}/receipts/new",
        "/rates",
        "/rates/new",
        "/reports/ageing",
        "/import",
    ):
        response = secretariat.get(url)
        assert response.status_code == 200, url
        page = body(response)
        assert '<meta name="viewport"' in page, url
        assert other_scripts(page) == [], url
        assert re.search(r"<[^>]*\son[a-z]+=", page) is None, url
        assert re.search(r"\sstyle=", page) is None, f"{url}: inline style breaks the CSP"
