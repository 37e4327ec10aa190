"""The web UI in English, Spanish, French and Portuguese: the switcher in the header
changes the words and the number format and the choice holds from page to page; a donor
login starts in its donor's language; a browser's Accept-Language is honoured; an unknown
language is refused; and every string the pages show is translated."""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from decimal import Decimal

import pytest
from babel.numbers import format_decimal
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import func, select

from fundledger.auth.models import User
from fundledger.db import Database
from fundledger.donors.models import Donor
from fundledger.i18n import LANGUAGES, WEB, read, untranslated
from fundledger.web.i18n import COOKIE, page_language
from tests.factories import create_donor
from tests.web.conftest import Browser, other_scripts
from tests.web.test_donor_pages import body, pledge

LoginAs = Callable[..., User]
PLACEHOLDER = re.compile(r"%\((\w+)\)s")

#: The worked example's pledge (€50,000.00 at 1.085, signed 10 February 2025) as each
#: language writes it, and words of the donor page and the menu.
SPANISH_PLEDGE = {"pledge_date": "2025-02-10", "amount": "50000.00", "currency": "EUR",
                  "rate": "1.0850"}  # fmt: skip
LOOKS = {
    "en": ("54,250.00", "Outstanding", "Journal", "Sign out", "Feb 10, 2025"),
    "es": ("54.250,00", "Pendiente", "Libro diario", "Cerrar sesión", "10 feb 2025"),
    "fr": ("54\u202f250,00", "Restant dû", "Journal", "Se déconnecter", "10 févr. 2025"),
    "pt": ("54.250,00", "Pendente", "Livro diário", "Sair", "10 de fev. de 2025"),
}


def language_of(page: str) -> str:
    found = re.search(r'<html lang="([a-z]+)">', page)
    assert found, "the page names no language"
    return found.group(1)


def choose(browser: Browser, language: str, *, on: str) -> str:
    """Press the language's button in the header of page ``on``; the page it returns to."""
    response = browser.submit("/language", {"language": language, "next": on}, page=on)
    assert response.status_code == 302, body(response)
    assert response.headers["Location"] == on
    return body(browser.get(on))


@pytest.fixture
def secretariat(browser: Browser, login_as: LoginAs, database: Database) -> Browser:
    with database.transaction() as session:
        create_donor(session, "ES-OBS", name="Spain", type="permanent_observer")
    login_as("secretariat")
    pledge(browser, "ES-OBS", **SPANISH_PLEDGE)
    return browser


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_switcher_changes_the_words_and_the_numbers(
    secretariat: Browser, language: str
) -> None:
    amount, outstanding, journal, sign_out, signed = LOOKS[language]
    page = choose(secretariat, language, on="/donors/ES-OBS")
    assert language_of(page) == language
    assert f"<dt>{outstanding}</dt><dd>{amount}</dd>" in html.unescape(page)
    assert f">{journal}</a>" in page
    assert f">{sign_out}</button>" in page
    reduce = html.unescape(body(secretariat.get("/donors/ES-OBS/pledges/1/reduce")))
    assert signed in reduce, "the pledge's date as the language writes it"


def test_the_choice_holds_on_every_page_until_changed(secretariat: Browser) -> None:
    choose(secretariat, "es", on="/donors/ES-OBS")
    for url in ("/journal", "/donors", "/account", "/objectives"):
        page = body(secretariat.get(url))
        assert language_of(page) == "es", url
        assert ">Libro diario</a>" in page, url
        assert "Programa aprobado por la resolución AG/RES. 2141" in page, url
    page = choose(secretariat, "en", on="/journal")
    assert language_of(page) == "en"
    assert ">Journal</a>" in page


def test_the_switcher_works_without_javascript(secretariat: Browser) -> None:
    page = body(secretariat.get("/donors"))
    switcher = re.search(r'<form[^>]*action="/language".*?</form>', page, re.DOTALL)
    assert switcher, "no language switcher in the header"
    assert "csrf_token" not in switcher.group(0), "no session needed to switch"
    assert 'name="next" value="/donors"' in switcher.group(0)
    for code, name in (("en", "English"), ("es", "Español"), ("fr", "Français"),
                       ("pt", "Português")):  # fmt: skip
        assert re.search(rf'<button type="submit" name="language" value="{code}"[^>]*>{name}<',
                         switcher.group(0)), code  # fmt: skip
    assert other_scripts(page) == []


def test_a_donor_login_starts_in_its_donors_language(
    browser: Browser, login_as: LoginAs, database: Database
) -> None:
    with database.transaction() as session:
        france = create_donor(session, "FRA", name="France", language="fr")
    login_as("donor", donor=france)
    page = body(browser.get("/donor"))
    assert language_of(page) == "fr"
    assert ">Se déconnecter</button>" in page
    assert language_of(choose(browser, "pt", on="/donor")) == "pt", "a choice outranks it"


def test_the_browsers_languages_are_honoured(browser: Browser) -> None:
    for header, expected in (
        ("pt-BR,pt;q=0.9,en;q=0.5", "pt"),
        ("de-DE,fr;q=0.8", "fr"),
        ("es-MX", "es"),
        ("de, ja", "en"),
        ("", "en"),
    ):
        page = body(browser.get("/login", headers={"Accept-Language": header}))
        assert language_of(page) == expected, header
    page = body(browser.get("/login", headers={"Accept-Language": "pt-BR"}))
    assert "<h1>Entrar</h1>" in page


def test_an_unknown_language_is_refused_and_changes_nothing(browser: Browser) -> None:
    response = browser.submit("/language", {"language": "de", "next": "/login"}, page="/login")
    assert response.status_code == 400
    assert "There is no such language." in body(response)
    assert browser.client.get_cookie(COOKIE) is None
    browser.client.set_cookie(COOKIE, "xx")
    assert language_of(body(browser.get("/login"))) == "en"


def test_the_choice_needs_no_session(browser: Browser) -> None:
    """It only sets the browser's own preference, so a visitor of the public page (sent
    with no cookie) can switch without one."""
    response = browser.client.post("/language", data={"language": "es", "next": "/public"})
    assert response.status_code == 302
    assert response.headers["Location"] == "/public"
    assert browser.client.get_cookie(COOKIE).value == "es"
    assert browser.client.get_cookie("session") is None


def test_the_switcher_never_sends_anyone_to_another_site(browser: Browser) -> None:
    for target in ("https://example.com/", "//example.com/", "login"):
        response = browser.submit("/language", {"language": "es", "next": target}, page="/login")
        assert response.status_code == 302
        assert response.headers["Location"] == "/", target


@given(
    amount=st.decimals(min_value=-(10**13), max_value=10**13, places=2)
    | st.sampled_from([Decimal("-0.00"), Decimal("0"), Decimal("-0.01"), Decimal("999.99")]),
    code=st.sampled_from(LANGUAGES),
)
def test_amounts_read_as_babel_would_write_them(amount: Decimal, code: str) -> None:
    """The pages format USD themselves, per cell, for speed; the text must stay Babel's."""
    expected = format_decimal(amount, format="#,##0.00", locale=code)
    assert page_language(code).usd(amount) == expected


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_string_the_pages_show_is_translated(language: str) -> None:
    assert untranslated(WEB, language) == []


@pytest.mark.parametrize("language", LANGUAGES)
def test_translations_keep_their_placeholders(language: str) -> None:
    for message in read(WEB, language):
        if message.id and message.string:
            assert sorted(PLACEHOLDER.findall(str(message.id))) == sorted(
                PLACEHOLDER.findall(str(message.string))
            ), message.id


def test_catalogs_are_sources_only() -> None:
    assert sorted(p.parent.parent.name for p in WEB.directory.rglob("*.po")) == sorted(LANGUAGES)
    assert list(WEB.directory.rglob("*.mo")) == []


def test_form_labels_and_refusals_follow_the_language(
    secretariat: Browser, database: Database
) -> None:
    choose(secretariat, "es", on="/donors/new")
    response = secretariat.submit("/donors/new", {"code": "", "name": "", "type": "other"})
    assert response.status_code == 400
    page = html.unescape(body(response))
    assert '<label for="code">Código</label>' in page
    assert "Ingrese un código corto." in page
    assert "Ingrese el nombre del donante." in page
    with database.session() as session:
        assert session.scalar(select(func.count()).select_from(Donor)) == 1, "nothing written"


def test_messages_after_a_step_follow_the_language(secretariat: Browser) -> None:
    choose(secretariat, "fr", on="/donors/ES-OBS")
    page = html.unescape(pledge(secretariat, "ES-OBS", **SPANISH_PLEDGE))
    (flash,) = re.findall(r'<p class="flash" role="status">(.*?)</p>', page)
    assert flash.startswith("Annonce nº 2 enregistrée : 50\u202f000,00\u00a0€")
    assert "54\u202f250,00\u00a0$US" in flash


def test_error_pages_follow_the_language(secretariat: Browser) -> None:
    choose(secretariat, "pt", on="/donors")
    response = secretariat.get("/donors/NOPE")
    assert response.status_code == 404
    page = body(response)
    assert "<h1>Não encontrado</h1>" in page
    assert "Esse doador não existe." in page
    page = body(secretariat.get("/no-such-page"))
    assert "Não há nenhuma página neste endereço." in page


def test_a_refusal_raised_below_the_web_reads_in_the_language(
    browser: Browser, make_user: Callable[..., User]
) -> None:
    make_user("auditor", email="ana@example.org")
    browser.client.set_cookie(COOKIE, "es")
    response = browser.sign_in("ana@example.org", "not the password")
    assert response.status_code == 401
    assert "El correo electrónico o la contraseña no son correctos." in html.unescape(
        body(response)
    )
