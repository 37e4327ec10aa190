"""Money parsing, places and conversion: Decimal in, Decimal out, one rounding rule."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from fundledger.money import (
    InvalidAmount,
    UnknownCurrency,
    check_currency,
    fits_currency,
    format_money,
    minor_units,
    parse_decimal,
    plain,
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
