"""What a typed value must be, through the pages (issue 12, items 6, 8, 9 and 10): a
value of spaces in a required field, a date in another form or out of range, an id past
the database's integers, a lookalike code, a control character. Each is refused with
the field's message or a 4xx, never a 500, and writes nothing."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import select

from fundledger.allocations.models import Allocation
from fundledger.auth.models import User
from fundledger.db import Database
from fundledger.donors.models import Donor
from tests.factories import PASSWORD, create_donor
from tests.web.conftest import Browser
from tests.web.test_allocation_pages import approved, mexico_pays_50000_for_activity_5, written
from tests.web.test_donor_pages import body, text

LoginAs = Callable[..., User]
PACKAGE = Path(__file__).parents[2] / "fundledger"


@pytest.fixture
def staff(app: Flask, browser: Browser, login_as: LoginAs) -> Browser:
    app.config["PROPAGATE_EXCEPTIONS"] = False  # a crash is a 500 page, as in production
    login_as("secretariat", "admin")
    return browser


def refused(browser: Browser, url: str, data: dict[str, Any], message: str, *,
            page: str | None = None, status: int = 400) -> None:  # fmt: skip
    response = browser.submit(url, data, page=page)
    shown = text(response)
    assert response.status_code == status, (url, data, response.status_code, shown[-600:])
    assert message in shown, (url, data, shown[-600:])


def test_a_required_date_or_amount_of_spaces_is_missing_not_a_500(
    staff: Browser, database: Database
) -> None:
    mexico_pays_50000_for_activity_5(database)
    allocation = approved(database, 5, "10000", "MEX/activity:5")
    before = written(database)
    pledge = {"pledge_date": "2025-03-01", "amount": "10", "currency": "USD"}
    receipt = {"value_date": "2025-03-01", "amount": "10", "currency": "USD", "kind": "unpledged"}
    rate = {"currency": "EUR", "rate_date": "2025-03-01", "rate": "1.1"}
    proposal = {"activity": "5", "amount": "100", "purpose": "Research", "gender_marker": "0",
                "period_start": "2025-03-01", "period_end": "2025-12-31"}  # fmt: skip
    tranche = {"amount": "100", "on": "2025-03-01"}
    for field, message in [("pledge_date", "Enter the pledge date."),
                           ("amount", "Enter the amount.")]:  # fmt: skip
        refused(staff, "/donors/MEX/pledges/new", {**pledge, field: " "}, message)
    for field, message in [("value_date", "Enter the value date."),
                           ("amount", "Enter the amount.")]:  # fmt: skip
        refused(staff, "/donors/MEX/receipts/new", {**receipt, field: " "}, message)
    for field, message in [("rate_date", "Enter the date."), ("rate", "Enter the rate.")]:
        refused(staff, "/rates/new", {**rate, field: " "}, message)
    for field, message in [("amount", "Enter the amount requested."),
                           ("period_start", "Enter the period&#39;s start.")]:  # fmt: skip
        refused(staff, "/allocations/new", {**proposal, field: "\t "}, message.replace(
            "&#39;", "'"), page="/allocations/new?activity=5")  # fmt: skip
    for field, message in [("amount", "Enter the tranche's amount."),
                           ("on", "Enter the value date.")]:  # fmt: skip
        data = {f"disburse-{allocation}-{k}": v for k, v in {**tranche, field: " "}.items()}
        refused(staff, f"/allocations/{allocation}/disburse", data, message,
                page=f"/allocations/{allocation}")  # fmt: skip
    refused(staff, "/refunds/new", {"pool": "MEX/activity:5", "amount": " ", "on": "2025-03-01",
                                    "reason": "Unused"}, "Enter the amount to refund.")  # fmt: skip
    issue = {"donor-donor": "MEX", "donor-start": " ", "donor-end": "2025-03-31"}
    refused(staff, "/statements/issue/donor", issue, "Enter the first day of the period.",
            page="/statements/issue")  # fmt: skip
    refused(staff, "/statements/issue/pack", {"pack-meeting": " ", "pack-language": "en"},
            "Enter the date of the meeting.", page="/statements/issue")  # fmt: skip
    assert written(database) == before


@pytest.mark.parametrize("target", ["/donors\r\nSet-Cookie: planted=1", "/donors\n", "/\r"])
def test_next_with_a_control_character_goes_home_and_adds_no_header(
    app: Flask, browser: Browser, make_user: Callable[..., User], target: str
) -> None:
    app.config["PROPAGATE_EXCEPTIONS"] = False
    make_user("auditor", email="aud@example.org")
    response = browser.submit("/language", {"language": "en", "next": target}, page="/login")
    assert (response.status_code, response.headers["Location"]) == (302, "/")
    response = browser.submit(
        "/login", {"email": "aud@example.org", "password": PASSWORD, "next": target}
    )
    assert (response.status_code, response.headers["Location"]) == (302, "/")
    assert "planted" not in str(response.headers)


def test_an_id_out_of_range_is_a_field_error(staff: Browser, database: Database) -> None:
    mexico_pays_50000_for_activity_5(database)
    before = written(database)
    for number in (2**31, 2**63, -1, "٥", "5_0"):
        proposal = {"activity": str(number), "amount": "100", "purpose": "Research",
                    "gender_marker": "0", "period_start": "2025-03-01",
                    "period_end": "2025-12-31"}  # fmt: skip
        response = staff.submit("/allocations/new", proposal, page="/allocations/new?activity=5")
        assert response.status_code == 400, number
        receipt = {"value_date": "2025-03-01", "amount": "10", "currency": "USD",
                   "kind": "pledges", "pledges": str(number)}  # fmt: skip
        assert staff.submit("/donors/MEX/receipts/new", receipt).status_code == 400, number
        assert staff.get(f"/allocations/new?activity={number}").status_code == 400, number
    assert written(database) == before


def test_a_nul_or_control_character_in_the_path_is_not_found(staff: Browser, donor: Donor) -> None:
    for path in ("/donors/MEX%00", "/donors/MEX%1b", "/donors/MEX%00/edit"):
        assert staff.get(path).status_code == 404, path


def test_a_date_is_yyyy_mm_dd_between_2000_and_2199(staff: Browser, database: Database) -> None:
    mexico_pays_50000_for_activity_5(database)
    before = written(database)
    week, other_form = "Write the date as YYYY-MM-DD, like 2025-04-15.", "Dates run from"
    for typed, message in [("2026-W01-1", week), ("20260101", week), ("2026-001", week),
                           ("2026-1-5", week), ("0001-01-01", other_form),
                           ("9999-12-31", other_form), ("1999-12-31", other_form),
                           ("2200-01-01", other_form)]:  # fmt: skip
        pledge = {"pledge_date": "2025-03-01", "amount": "10", "currency": "USD", "due": typed}
        refused(staff, "/donors/MEX/pledges/new", pledge, message)
        refused(staff, "/rates/new", {"currency": "EUR", "rate_date": typed, "rate": "1"}, message)
        proposal = {"activity": "5", "amount": "100", "purpose": "Research",
                    "gender_marker": "0", "period_start": "2025-03-01",
                    "period_end": typed}  # fmt: skip
        refused(staff, "/allocations/new", proposal, message, page="/allocations/new?activity=5")
        refused(staff, "/statements/issue/pack", {"pack-meeting": typed, "pack-language": "en"},
                message, page="/statements/issue")  # fmt: skip
    assert written(database) == before


def test_the_date_fields_say_their_range_to_the_browser(staff: Browser, donor: Donor) -> None:
    page = body(staff.get("/donors/MEX/pledges/new"))
    tag = re.search(r'<input[^>]*name="pledge_date"[^>]*>', page)
    assert tag is not None
    assert 'min="2000-01-01"' in tag.group()
    assert 'max="2199-12-31"' in tag.group()


def test_a_code_is_ascii_not_a_unicode_lookalike(staff: Browser, database: Database) -> None:
    with database.transaction() as session:
        create_donor(session, "IOM", name="IOM", type="international_org")
    before = written(database)
    message = "Write the code in ASCII letters, digits and dashes."
    for code in ("ıom", "ﬀ", "maß", "ＭＥＸ", "uſd"):
        new = {"code": code, "name": "Lookalike", "type": "other", "language": "en"}
        refused(staff, "/donors/new", new, message)
        # The rate form types its currency; a pledge's is chosen from a list (test_names.py).
        rate = {"currency": code, "rate_date": "2025-03-01", "rate": "1"}
        refused(staff, "/rates/new", rate, message)
        assert staff.get(f"/donors/{code}").status_code == 422, code
    assert written(database) == before
    with database.session() as session:
        assert session.scalars(select(Donor.code)).all() == ["IOM"]


def posts_with(character: str) -> list[tuple[str, dict[str, str]]]:
    """A donor's name and contact, references and a user's name, each with ``character``."""
    return [
        ("/donors/new", {"code": "ESC", "name": f"a{character}[31mb", "type": "other"}),
        ("/donors/MEX/edit", {"name": "Mexico", "contact": f"ring{character}twice"}),
        ("/donors/MEX/pledges/new", {"pledge_date": "2025-03-01", "amount": "10",
                                     "currency": "USD", "reference": f"NV{character}1"}),
        ("/donors/MEX/receipts/new", {"value_date": "2025-03-01", "amount": "10",
                                      "currency": "USD", "kind": "unpledged",
                                      "reference": f"B{character}1"}),
        ("/admin/users/new", {"name": f"Eve{character}Doe", "email": "eve@example.org",
                              "roles": "auditor"}),
    ]  # fmt: skip


def test_a_control_character_is_refused_in_every_field(
    staff: Browser, database: Database, donor: Donor
) -> None:
    before = written(database)
    for character in "\x1b\x07\x08\x9b\x7f":
        for url, data in posts_with(character):
            refused(staff, url, {"language": "en", **data}, "contains a control character")
    assert written(database) == before
    with database.session() as session:
        assert session.scalars(select(Donor.name)).all() == ["Mexico"]
        assert session.scalars(select(User.id).where(User.name.like("Eve%"))).all() == []


def test_a_one_line_field_refuses_a_line_break_a_text_area_takes_it(
    staff: Browser, database: Database
) -> None:
    """The request guard lets line breaks through (a comment may hold them); each field
    applies its own rule, as the command line and the import do."""
    mexico_pays_50000_for_activity_5(database)
    before = written(database)
    for character, message in [("\n", "Write this on one line: it contains a line break."),
                               ("\r", "Write this on one line: it contains a line break."),
                               ("\t", "This field contains a control character.")]:  # fmt: skip
        for url, data in posts_with(character):
            refused(staff, url, {"language": "en", **data}, message)
    assert written(database) == before
    with database.session() as session:
        assert [(d.name, d.contact) for d in session.scalars(select(Donor))] == [("México", None)]
        assert session.scalars(select(User.id).where(User.name.like("Eve%"))).all() == []
    proposal = {"activity": "5", "amount": "100", "purpose": "Research\r\n\tfield work",
                "gender_marker": "1", "period_start": "2025-03-01",
                "period_end": "2025-12-31"}  # fmt: skip
    response = staff.submit("/allocations/new", proposal, page="/allocations/new?activity=5")
    assert response.status_code == 302, text(response)[-600:]
    with database.session() as session:  # the service collapses a text's whitespace
        assert session.scalars(select(Allocation.purpose)).all() == ["Research field work"]


def test_forms_use_the_shared_fields() -> None:
    """WTForms' own InputRequired lets a value of spaces through, its DateField reads
    other forms of dates, its IntegerField any size of number, and its StringField a
    line break in a name."""
    for path in PACKAGE.glob("*/forms.py"):
        source = path.read_text()
        assert "InputRequired" not in source, path
        imported = re.findall(r"^from wtforms import (\([^)]*\)|.*)$", source, re.M)
        assert not any(re.search(r"\bDateField\b", names) for names in imported), path
        assert "IntegerField(widget=HiddenInput()" not in source, path
        assert not any(re.search(r"\b(StringField|TextAreaField)\b", names)
                       for names in imported), path  # fmt: skip
