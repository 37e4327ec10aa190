"""Statement languages: every label translated, numbers and dates in each locale's form."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

import pytest
from babel.numbers import format_decimal
from hypothesis import given
from hypothesis import strategies as st

from fundledger.i18n import STATEMENTS, read, untranslated
from fundledger.money import minor_units
from fundledger.reporting import labels
from fundledger.reporting.i18n import CATALOGS, LANGUAGES, Language, UnknownLanguage

D = Decimal
PLACEHOLDER = re.compile(r"%\((\w+)\)s")


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_label_the_code_prints_is_translated(language: str) -> None:
    assert untranslated(STATEMENTS, language) == []


@pytest.mark.parametrize("language", LANGUAGES)
def test_translations_keep_their_placeholders(language: str) -> None:
    for message in read(STATEMENTS, language):
        if message.id and message.string:
            assert sorted(PLACEHOLDER.findall(str(message.id))) == sorted(
                PLACEHOLDER.findall(str(message.string))
            ), message.id


def test_catalogs_are_sources_only() -> None:
    assert sorted(path.parent.parent.name for path in CATALOGS.rglob("*.po")) == sorted(LANGUAGES)
    assert list(CATALOGS.rglob("*.mo")) == []


def test_an_unknown_language_is_refused() -> None:
    with pytest.raises(UnknownLanguage, match="en, es, fr, pt"):
        Language.of("de")


@pytest.mark.parametrize(
    ("code", "money", "negative", "yen", "dinars", "rate", "share", "day"),
    [
        ("en", "54,250.00", "(22.00)", "1,250,000", "1,234.567", "1.0850", "25.00%",
         "Feb 10, 2025"),
        ("es", "54.250,00", "(22,00)", "1.250.000", "1.234,567", "1,0850", "25,00\u00a0%",
         "10 feb 2025"),
        ("fr", "54\u202f250,00", "(22,00)", "1\u202f250\u202f000", "1\u202f234,567", "1,0850",
         "25,00\u00a0%", "10 févr. 2025"),
        ("pt", "54.250,00", "(22,00)", "1.250.000", "1.234,567", "1,0850", "25,00%",
         "10 de fev. de 2025"),
    ],
)  # fmt: skip
def test_formats_follow_the_locale(
    code: str, money: str, negative: str, yen: str, dinars: str, rate: str, share: str, day: str
) -> None:
    language = Language.of(code)
    assert language.money(D("54250.00")) == money
    assert language.money(D("-22.00")) == negative
    assert language.original(D("1250000"), "JPY") == yen
    assert language.original(D("1234.567"), "KWD") == dinars
    assert language.rates([D("1.085")]) == [rate]
    assert language.rates([D("0.0070123456")])[0] in ("0.0070123456", "0,0070123456")
    assert language.percent(D("0.25")) == share
    assert language.date(dt.date(2025, 2, 10)) == day


@pytest.mark.parametrize(
    ("code", "column"),
    [("en", ["1.066020", "1.107222", "0.720000"]), ("es", ["1,066020", "1,107222", "0,720000"])],
)
def test_a_column_of_rates_has_one_number_of_places(code: str, column: list[str]) -> None:
    """Issue 16 (layout): 1,06602 printed above 1,107222 did not align; the column takes
    the places its most precise rate was entered with, and a stored scale of ten adds
    no zeros of its own."""
    stored = [D("1.0660200000"), D("1.1072220000"), D("0.7200000000")]
    assert Language.of(code).rates(stored) == column
    assert Language.of(code).rates([D("1.0850000000")]) == [column[0][:2] + "0850"]


def test_labels_are_translated() -> None:
    spanish = Language.of("es")
    assert labels.earmark(spanish, "activity:5") == "Actividad 5"
    assert labels.earmark(spanish, "organ:CIM") == "Órgano CIM"
    assert labels.earmark(spanish, None) == "Sin restricciones"
    assert labels.pool(spanish, "MEX/objective:3") == "MEX — Objetivo 3"
    assert labels.donor_type(Language.of("fr"), "permanent_observer") == "Observateur permanent"
    assert labels.decision(Language.of("pt"), "return") == "Devolvido para revisão"
    assert "Trabajadores Migratorios" in labels.fund_name(spanish)
    assert "AG/RES. 2141 (XXXV-O/05)" in labels.mandate(Language.of("pt"))
    assert "traducciones de trabajo" in labels.titles_note(spanish)
    assert "prevalecen" in labels.titles_note(spanish)
    assert "shown in English" in labels.titles_note(Language.of("en"))


@given(
    amount=st.decimals(min_value=-(10**13), max_value=10**13, places=2),
    code=st.sampled_from(LANGUAGES),
)
def test_money_reads_as_babel_would_write_it(amount: Decimal, code: str) -> None:
    expected = format_decimal(amount, format="#,##0.00;(#,##0.00)", locale=code)
    assert Language.of(code).money(amount) == expected


@given(
    amount=st.decimals(min_value=0, max_value=10**12, places=3),
    currency=st.sampled_from(["USD", "EUR", "JPY", "KWD", "CAD"]),
    code=st.sampled_from(LANGUAGES),
)
def test_original_amounts_and_rates_read_as_babel_would_write_them(
    amount: Decimal, currency: str, code: str
) -> None:
    places = minor_units(currency)
    exact = amount.quantize(Decimal(1).scaleb(-places))
    pattern = "#,##0" + ("." + "0" * places if places else "")
    assert Language.of(code).original(exact, currency) == format_decimal(
        exact, format=pattern, locale=code
    )
    rate = (amount / 1000 + Decimal("0.0001")).quantize(Decimal("1e-10"))
    assert Language.of(code).rates([rate])[0] == format_decimal(
        rate, format="#,##0.0000######", locale=code
    )
