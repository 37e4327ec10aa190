"""Issue 15's "done when", walked in chromium: a Secretariat officer who reads Spanish
records a donor, a pledge earmarked by name, a receipt, an allocation and its tranche
and expenditure, meets a refusal and reads the books; a donor mission that reads French
reads its home page, its pledges and receipts and asks for its statement. No page either
of them sees may show an English sentence, a code (``activity:5``, ``CAN/objective:6``)
or a command line.

Every page's visible text (and its ``title`` and ``aria-label`` attributes) goes through
:func:`english`, a detector of words that occur in English text and never in Spanish or
French UI text. Names the users typed (donors, emails) are chosen so they cannot match.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterator
from decimal import Decimal
from pathlib import Path

import pyotp
import pytest
from playwright.sync_api import Browser, Page, expect
from sqlalchemy import select, update

from fundledger.actors import Actor
from fundledger.allocations import operations as ops
from fundledger.allocations.models import Allocation
from fundledger.auth.models import User
from fundledger.db import Database
from fundledger.donors.models import Donor, Pledge
from fundledger.donors.operations import create_donor
from fundledger.donors.pledges import record_pledge
from fundledger.donors.receipts import record_receipt
from fundledger.web.fields import EXAMPLE
from tests.browser.conftest import TIMEOUT, Login, shot
from tests.factories import PASSWORD

SETUP = Actor("setup@oas.org")
CAJP = Actor("cajp@oas.org")
Account = Callable[..., Login]

#: Words of English that Spanish and French UI text never contains, matched whole and
#: case-sensitively (``Date``, ``Journal``, ``Allocation``, ``Page``, ``Total``, ``on``,
#: ``or``, ``an``, ``no`` and ``per`` are French or Spanish words too, so they are not here).
ENGLISH_WORDS = (
    # function words
    "the", "The", "of", "and", "with", "With", "from", "From", "to", "To", "is", "are",
    "was", "were", "be", "been", "has", "have", "this", "This", "that", "which", "what",
    "What", "when", "When", "will", "your", "Your", "you", "You", "there", "There", "its",
    "for", "For", "by", "at", "in", "In", "into", "not", "any", "all", "All", "none",
    "None", "yet", "than", "each", "Each", "only", "here", "see", "See",
    # the application's own vocabulary
    "Pledge", "pledge", "Pledges", "pledges", "Pledged", "pledged", "unpledged",
    "Unpledged", "Receipt", "receipt", "Receipts", "receipts", "Activity", "activity",
    "Objective", "objective", "Organ", "Earmarked", "earmarked", "Earmark", "earmark",
    "deducted", "Disbursement", "disbursement", "disbursed", "Disbursed", "Donor",
    "donor", "Donors", "Amount", "amount", "Statement", "statement", "Statements",
    "Received", "Outstanding", "Available", "Unrestricted", "unrestricted", "Restricted",
    "Spent", "Expenditure", "expenditure", "Sign", "Home", "Reports", "Report", "Rate",
    "Rates", "Bank", "Reverse", "Record", "Recorded", "Submit", "Submitted", "submitted",
    "Approved", "approved", "Draft", "draft", "Closed", "closed", "Save", "Show", "Download",
    "Print", "Search", "Filter", "Next", "Previous", "days", "overdue", "Due", "Year",
    "Month", "Entry", "entry", "Entries", "Account", "Accounts", "Debit", "Credit",
    "credit", "Paid", "paid", "Travel", "Equipment", "Contractual", "services", "Users",
    "Settings", "Program", "Purpose", "Funding", "pool", "pools", "Tranche", "tranche",
    "January", "February", "April", "June", "July", "August", "September", "October",
    "November", "December", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday",
)  # fmt: skip
CODES_AND_COMMANDS = (
    # an English amount: 54,250.00 (Spanish writes 54.250,00, French 54 250,00)
    r"\d{1,3}(?:,\d{3})+\.\d{2}(?!\d)",
    r"\b\d+\.\d{2}(?!\d|\.\d)",
    # a Program reference or a pool written as code
    r"\b(?:activity|objective|organ|unrestricted)(?::\d+)?\b",
    r"\b[A-Z]{2,4}(?:-[A-Z]{2,4})?/(?:activity|objective|organ)",
    r"\bdonor \d+",
    # a command line (the application's name alone is a proper name)
    r"\bfundledger [a-z]",
    r"(?<!\w)--[a-z]",
)
#: A word cut short by an ellipsis ("educación formal y no for…") is not the word.
DETECTOR = re.compile(
    "|".join([*CODES_AND_COMMANDS, r"\b(?:" + "|".join(ENGLISH_WORDS) + r")\b(?!…)"])
)
#: Never checked: the emails users typed; an entry's idempotency key (an opaque
#: identifier such as ``web:pledge:88b6…``, shown to be compared, not read); and the plain
#: way of writing an amount that every amount field accepts and offers beside the
#: reader's own (``40.000,00 o 40000.00``).
UNREAD = re.compile("|".join([r"\S+@\S+", r"\bweb:[a-z-]+:[0-9a-f]+", re.escape(f"{EXAMPLE:f}")]))


def english(text: str, allow: re.Pattern[str]) -> list[str]:
    """Each piece of English, code or command line in ``text``, with a little context."""
    text = allow.sub(" ", text)
    return [
        text[max(0, found.start() - 30) : found.end() + 30].replace("\n", " ")
        for found in DETECTOR.finditer(text)
    ]


#: All the text a reader meets on the page: what is shown, and the tooltips and labels
#: a screen reader says.
VISIBLE = """() => [document.title, document.body.innerText,
  ...[...document.querySelectorAll('[title],[aria-label],[placeholder]')].flatMap(e =>
     [e.getAttribute('title'), e.getAttribute('aria-label'), e.getAttribute('placeholder')])
].filter(Boolean).join('\\n')"""


class Reader:
    """A browser tab that reads every page it lands on, and keeps what it found."""

    def __init__(self, page: Page, allow: re.Pattern[str]) -> None:
        self.page = page
        self.allow = allow
        self.found: dict[str, set[str]] = {}

    def read(self) -> None:
        hits = english(self.page.evaluate(VISIBLE), self.allow)
        if hits:
            path = self.page.url.split("/", 3)[-1]
            self.found.setdefault("/" + path, set()).update(hits)

    def visit(self, path: str) -> None:
        response = self.page.goto(path)
        assert response is not None, path
        assert response.ok, f"{path}: {response.status}"
        self.read()

    def submit(self, button: str = "[type=submit]") -> None:
        self.page.locator("main").locator(button).last.click()
        self.page.wait_for_load_state()
        self.read()


@pytest.fixture
def tab(chromium: Browser, served: str) -> Iterator[Callable[[str], Page]]:
    """``tab("es-ES")``: a browser tab whose browser asks for that language, as a
    reader's does (conftest's ``page`` asks for English)."""
    contexts = []

    def make(locale: str) -> Page:
        context = chromium.new_context(
            base_url=served, locale=locale, viewport={"width": 1280, "height": 900}
        )
        context.set_default_timeout(TIMEOUT)
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()


def sign_in(reader: Reader, login: Login) -> None:
    """Sign in as :func:`tests.browser.conftest.sign_in` does, by the fields' names."""
    page = reader.page
    main = page.locator("main")
    reader.visit("/login")
    main.locator("[name=email]").fill(login.email)
    main.locator("[name=password]").fill(PASSWORD)
    reader.submit()
    if login.totp_secret is not None:
        page.wait_for_url("**/login/code")
        main.locator("[name=code]").fill(pyotp.TOTP(login.totp_secret).now())
        reader.submit()
    page.wait_for_url("**/")
    reader.read()


@pytest.mark.parametrize("database", ["sqlite"], indirect=True)
def test_a_spanish_speaking_secretariat_officer_meets_no_english(
    database: Database, tab: Callable[[str], Page], account: Account, tmp_path: Path
) -> None:
    login = account("secretariat", email="oficial@oea.org")
    with database.transaction() as session:  # her mail's language; her browser's is the pages'
        session.execute(update(User).where(User.email == login.email).values(language="es"))
    page = tab("es-ES")
    main = page.locator("main")
    reader = Reader(page, UNREAD)
    sign_in(reader, login)
    shot(page, tmp_path, "secretaria-inicio")

    reader.visit("/donors/new")
    main.locator("[name=code]").fill("ES-OBS")
    main.locator("[name=type]").select_option("permanent_observer")
    main.locator("[name=name]").fill("España")
    main.locator("[name=country]").fill("España")
    main.locator("[name=language]").select_option("es")
    reader.submit()
    page.wait_for_url("**/donors/ES-OBS")
    reader.read()

    # A pledge with its mistakes: an amount that is no number, then no rate for the yen.
    reader.visit("/donors/ES-OBS/pledges/new")
    main.locator("[name=pledge_date]").fill("2026-02-10")
    main.locator("[name=amount]").fill("cincuenta mil")
    reader.submit()
    expect(page.locator("[data-error-summary]").first).to_be_visible()
    main.locator("[name=amount]").fill("5.000.000")
    main.locator("[name=currency]").select_option("JPY")
    reader.submit()
    expect(page.locator("#rate-error")).to_be_visible()
    shot(page, tmp_path, "secretaria-sin-tipo")

    earmark = main.locator("[name=earmark]")
    activity_5 = earmark.locator("option[value='activity:5']").first.inner_text()
    main.locator("[name=currency]").select_option("EUR")
    main.locator("[name=amount]").fill("50.000,00")
    main.locator("[name=rate]").fill("1,0850")
    earmark.select_option(label=activity_5)
    main.locator("[name=due]").fill("2026-06-30")  # overdue by now: the ageing report shows it
    reader.submit()
    page.wait_for_url("**/donors/ES-OBS")
    reader.read()
    with database.session() as session:  # typed the Spanish way, read as meant
        assert session.execute(select(Pledge.amount, Pledge.rate, Pledge.earmark)).one() == (
            Decimal("50000.00"), Decimal("1.0850"), "activity:5")  # fmt: skip

    reader.visit("/donors/ES-OBS/receipts/new")
    main.locator("[name=value_date]").fill("2026-04-15")
    main.locator("[name=amount]").fill("29.980,00")
    main.locator("[name=currency]").select_option("EUR")
    main.locator("[name=rate]").fill("1,1000")
    main.locator("[name=charges]").fill("20,00")
    reader.submit()
    page.wait_for_url("**/donors/ES-OBS")
    reader.read()
    shot(page, tmp_path, "secretaria-donante")

    # An allocation to activity 5 from Spain's earmarked money; the CAJP approves it.
    reader.visit("/allocations/new?activity=5")
    main.locator("[name=amount]").fill("20.000,00")
    main.locator("[name=purpose]").fill("Estudio sobre la migración femenina")
    main.locator("[name=period_start]").fill("2026-05-01")
    main.locator("[name=period_end]").fill("2026-11-30")
    main.locator("table.pool-choice input[type=text], table.pool-choice input[type=number]"
                 ).first.fill("1")  # fmt: skip
    main.locator("[name=gender_marker][value='1']").check()
    reader.submit()
    page.wait_for_url(re.compile(r".*/allocations/\d+$"))
    reader.read()
    reader.submit("form[action$='/submit'] [type=submit]")
    allocation_url = page.url
    with database.transaction() as session:
        allocation = session.scalar(select(Allocation))
        assert allocation is not None
        ops.decide_allocation(
            session, CAJP, allocation, decision="approve", on=dt.date(2026, 5, 5),
            reference="CP/CAJP-0001/26",
        )  # fmt: skip
    reader.visit(allocation_url)
    # More than was approved: the operation refuses, in the reader's language.
    form = page.locator("form[action$='/disburse']")
    form.locator("[name$=-amount]").fill("25.000,00")
    form.locator("[name$=-on]").fill("2026-05-10")
    reader.submit("form[action$='/disburse'] [type=submit]")
    expect(page.locator(".refusal").first).to_be_visible()
    shot(page, tmp_path, "secretaria-tramo-rechazado")
    form = page.locator("form[action$='/disburse']")
    form.locator("[name$=-amount]").fill("15.000,00")
    form.locator("[name$=-on]").fill("2026-05-10")
    reader.submit("form[action$='/disburse'] [type=submit]")
    form = page.locator("form[action$='/report']")
    form.locator("[name$=-amount]").fill("12.500,00")
    form.locator("[name$=-period_end]").fill("2026-10-31")
    form.locator("[name$=-category]").select_option("travel")
    reader.submit("form[action$='/report'] [type=submit]")
    shot(page, tmp_path, "secretaria-asignacion")

    # The books as she reads them: home, the journal and an entry, the lists and reports,
    # and the forms the menu leads to.
    reader.visit("/journal")
    shot(page, tmp_path, "secretaria-diario")
    for path in (
        "/", "/journal/1", "/journal/3", "/donors", "/donors/ES-OBS", "/pledges", "/receipts",
        "/rates", "/allocations", "/available", "/budgets", "/reports/ageing", "/reports/budget",
        "/reports/net-assets", "/trial-balance", "/accounts", "/periods", "/statements",
        "/statements/issue", "/reversals", "/program/objectives", "/program/activities",
        "/program/activities/5", "/program/crossref", "/meetings", "/cajp/queue", "/settings",
        "/rates/new", "/interest/new", "/refunds/new", "/re-earmark", "/account",
    ):  # fmt: skip
        reader.visit(path)

    assert reader.found == {}


@pytest.mark.parametrize("database", ["sqlite"], indirect=True)
def test_a_french_speaking_donor_meets_no_english(
    database: Database, tab: Callable[[str], Page], account: Account, tmp_path: Path
) -> None:
    with database.transaction() as session:
        haiti = create_donor(session, SETUP, code="HT", name="Haïti", type="member_state",
                             language="fr")  # fmt: skip
        pledge = record_pledge(
            session, SETUP, haiti, pledge_date=dt.date(2026, 1, 20), amount=Decimal("60000.00"),
            currency="EUR", rate=Decimal("1.1000"), earmark="activity:5",
            due_date=dt.date(2026, 6, 30),
        )  # fmt: skip
        record_receipt(
            session, SETUP, haiti, value_date=dt.date(2026, 3, 2), amount=Decimal("39960.00"),
            currency="EUR", rate=Decimal("1.0800"), charges=Decimal("40.00"), pledges=[pledge],
        )  # fmt: skip
        allocation = ops.propose_allocation(
            session, SETUP, activity=5, amount=Decimal("30000.00"), purpose="Étude",
            period_start=dt.date(2026, 4, 1), period_end=dt.date(2026, 11, 30),
            pools=["HT/activity:5"],
        )  # fmt: skip
        ops.submit_allocation(session, SETUP, allocation)
        ops.decide_allocation(session, CAJP, allocation, decision="approve",
                              on=dt.date(2026, 4, 10), reference="CP/CAJP-0002/26")  # fmt: skip
        ops.disburse(session, SETUP, allocation, amount=Decimal("30000.00"),
                     on=dt.date(2026, 4, 20))  # fmt: skip
        ops.report_expenditure(session, SETUP, allocation, amount=Decimal("12000.00"),
                               period_end=dt.date(2026, 9, 30), category="travel")  # fmt: skip
    with database.session() as session:
        donor = session.scalar(select(Donor).filter_by(code="HT"))
    page = tab("fr-FR")  # from the sign-in form on; then the donor's own language holds
    reader = Reader(page, UNREAD)
    sign_in(reader, account("donor", email="mission@haiti.ht", donor=donor))
    expect(page.locator("html")).to_have_attribute("lang", "fr")
    shot(page, tmp_path, "donateur-accueil")

    reader.visit("/donor")
    shot(page, tmp_path, "donateur-contributions")
    reader.visit("/my/statements")
    reader.submit()
    page.wait_for_url(re.compile(r".*/my/statements#.+"))
    expect(page.locator(".flash")).to_be_visible()
    reader.read()
    shot(page, tmp_path, "donateur-releves")

    assert reader.found == {}


@pytest.mark.parametrize(
    ("text", "caught"),
    [
        ("Earmarked to activity:5", ["Earmarked", "to", "activity:5"]),
        ("Con destino a objective:8", ["objective:8"]),
        ("Disponible en CAN/objective:6", ["CAN/objective"]),
        ("Refusé : (fundledger rate set --currency JPY)", ["fundledger r", "--c"]),
        ("Prometido 54,250.00; recibido 50000.00.", ["54,250.00", "50000.00"]),
        ("promesa n.º 1 a 1,085 · 54.250,00 US$ · 1.000.000", []),
        ("Écriture nº 3 · 54 250,00 $US · Affecté à l'activité 5 — Date", []),
        ("pledge #1 at 1,1", ["pledge", "at"]),
        ("oficial@oea.org escribió «40.000,00 o 40000.00»", []),
        ("Actividad 28 — Combatir la discriminación en la educación formal y no for…", []),
    ],
)
def test_the_detector_tells_english_from_spanish_and_french(text: str, caught: list[str]) -> None:
    """What the walks rely on: English words, codes and commands are caught, whole words
    only; Spanish and French text, numbers in their way and what users typed are not."""
    found = [match.group() for match in DETECTOR.finditer(re.sub(UNREAD, " ", text))]
    assert found == caught
