"""Money parsing, places and conversion: Decimal in, Decimal out, one rounding rule."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from fundledger.i18n import grouped
from fundledger.money import (
    MAX_AMOUNT,
    AmountOutOfRange,
    InvalidAmount,
    UnknownCurrency,
    check_currency,
    fits_currency,
    format_money,
    minor_units,
    parse_decimal,
    plain,
    read_amount,
    to_base,
)

D = Decimal


@pytest.mark.parametrize(
    ("text", "value"),
    [("54250.00", D("54250.00")), (" -3.5 ", D("-3.5")), ("+.25", D("0.25")), ("7", D(7))],
)
def test_plain_decimals_parse_exactly(text: str, value: Decimal) -> None:
    assert parse_decimal(text) == value


@pytest.mark.parametrize(
    "text", ["1e3", "NaN", "Infinity", "-inf", "1,000.00", "12.3.4", "", "0x10", "١٢", "1e999999"]
)
def test_anything_but_a_plain_decimal_is_refused(text: str) -> None:
    with pytest.raises(InvalidAmount, match="is not a plain decimal number"):
        parse_decimal(text)


def test_floats_and_huge_amounts_are_refused() -> None:
    with pytest.raises(InvalidAmount, match=r"decimal string, not 0\.1"):
        parse_decimal(0.1)  # type: ignore[arg-type]
    with pytest.raises(InvalidAmount, match="out of range"):
        parse_decimal("1" + "0" * 20)


READINGS = [
    ("en", "1,234.56", D("1234.56")), ("es", "1.234,56", D("1234.56")),
    ("fr", "1 234,56", D("1234.56")), ("fr", "1\u202f234,56", D("1234.56")),
    ("pt", "1.234,56", D("1234.56")), ("es", "1.000", D(1000)), ("en", "1.000", D(1)),
    ("es", "1000,50", D("1000.50")), ("en", "100,000.00", D(100000)),
    ("es", "-1.234,5", D("-1234.5")),
    *((language, "1234.56", D("1234.56")) for language in ("en", "es", "fr", "pt")),
]  # fmt: skip
REFUSED = [
    ("en", "1,2,3"), ("es", "1,2,3"), ("en", "1000,50"), ("en", "1 000.00"), ("es", "1,234.56"),
    ("fr", "1.234,56"), ("pt", "1 234,56"), ("es", "1e2"), ("fr", "NaN"), ("es", "1_000"),
    ("en", "١٢٣"), ("es", "Infinity"), ("en", ""),
]  # fmt: skip


@pytest.mark.parametrize(("language", "text", "value"), READINGS)
def test_an_amount_is_read_the_readers_way_or_plain(
    language: str, text: str, value: Decimal
) -> None:
    read = read_amount(text, language)
    assert read == value
    assert type(read) is Decimal


@pytest.mark.parametrize(("language", "text"), REFUSED)
def test_an_amount_grouped_wrongly_or_ambiguous_is_refused(language: str, text: str) -> None:
    with pytest.raises(InvalidAmount):
        read_amount(text, language)


def test_an_amount_past_the_limit_is_refused_however_written() -> None:
    with pytest.raises(AmountOutOfRange):
        read_amount("100.000.000.000.000,00", "es")
    with pytest.raises(AmountOutOfRange):
        read_amount("1" + "0" * 5000, "fr")


@given(
    st.decimals(min_value=-MAX_AMOUNT + 1, max_value=MAX_AMOUNT - 1, places=2),
    st.sampled_from(["en", "es", "fr", "pt"]),
)
def test_an_amount_as_the_pages_write_it_reads_back_exactly(amount: Decimal, language: str) -> None:
    assert read_amount(grouped(amount, 2, language), language) == amount
    assert read_amount(f"{amount:f}", language) == amount


@pytest.mark.parametrize(("currency", "places"), [("USD", 2), ("JPY", 0), ("CLP", 0), ("KWD", 3)])
def test_minor_units_come_from_babel(currency: str, places: int) -> None:
    assert minor_units(currency) == places


def test_unknown_currency() -> None:
    assert check_currency(" eur ") == "EUR"
    with pytest.raises(UnknownCurrency, match="'XYZ' is not an ISO 4217 currency code"):
        check_currency("XYZ")


@pytest.mark.parametrize(
    ("amount", "currency", "fits"),
    [("100.00", "JPY", True), ("100.5", "JPY", False), ("1.005", "USD", False),
     ("1.005", "KWD", True), ("1.0050", "USD", False)],
)  # fmt: skip
def test_fits_currency(amount: str, currency: str, fits: bool) -> None:
    assert fits_currency(D(amount), currency) is fits


@pytest.mark.parametrize(
    ("original", "rate", "usd"),
    [("50000", "1.0850", "54250.00"), ("29980", "1.1", "32978.00"), ("0.5", "0.01", "0.01"),
     ("-0.5", "0.01", "-0.01"), ("1000", "0.0066125", "6.61"), ("100", "0.72", "72.00")],
)  # fmt: skip
def test_conversion_rounds_half_away_from_zero(original: str, rate: str, usd: str) -> None:
    assert to_base(D(original), D(rate)) == D(usd)


@given(st.decimals(min_value=-(10**9), max_value=10**9, places=2))
def test_plain_round_trips(amount: Decimal) -> None:
    assert D(plain(amount)) == amount
    assert "," not in plain(amount)
    assert "E" not in plain(amount)


def test_locale_formatting() -> None:
    assert format_money(D("54250"), "USD", "en") == "$54,250.00"
    assert format_money(D("54250"), "USD", "es") == "54.250,00\xa0US$"
