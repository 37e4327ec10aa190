"""The one rule per kind of typed value (fundledger/inputs.py), as a table."""

from __future__ import annotations

import datetime as dt

import pytest

from fundledger.inputs import InvalidInput, parse_date, parse_id, text_problem, upper_code


@pytest.mark.parametrize(
    ("typed", "kind"),
    [("2026-W01-1", "form"), ("20260101", "form"), ("2026-001", "form"), ("2026-1-5", "form"),
     ("2026-01-01T00:00", "form"), ("２０２６-01-01", "form"), ("2025-02-29", "calendar"),
     ("0001-01-01", "range"), ("9999-12-31", "range"), ("1999-12-31", "range"),
     ("2200-01-01", "range")],
)  # fmt: skip
def test_a_date_is_yyyy_mm_dd_within_the_fund_s_days(typed: str, kind: str) -> None:
    with pytest.raises(InvalidInput) as refused:
        parse_date(typed)
    assert refused.value.kind == kind


def test_the_first_and_last_day_are_dates() -> None:
    assert parse_date(" 2000-01-01 ") == dt.date(2000, 1, 1)
    assert parse_date("2199-12-31") == dt.date(2199, 12, 31)


@pytest.mark.parametrize("typed", ["0", "-1", str(2**31), str(2**63), "١", "5_0", "+5", "", "x"])
def test_an_id_is_ascii_digits_within_the_integer_columns(typed: str) -> None:
    with pytest.raises(InvalidInput, match="is not a number from 1 to 2147483647"):
        parse_id(typed)
    assert parse_id(" 2147483647 ") == 2**31 - 1


@pytest.mark.parametrize("typed", ["ıom", "maß", "ﬀ", "ＭＥＸ", "uſd", "MEX\u200b"])
def test_a_code_is_ascii_before_it_is_upper_cased(typed: str) -> None:
    with pytest.raises(InvalidInput, match="is not written in ASCII letters"):
        upper_code(typed)
    assert upper_code(" es-obs ") == "ES-OBS"


@pytest.mark.parametrize("character", ["\x1b", "\x07", "\x08", "\x7f", "\x9b", "\x85"])
def test_control_characters_are_refused_on_one_line_or_many(character: str) -> None:
    assert text_problem(f"a{character}b") is not None
    assert text_problem(f"a{character}b", single_line=False) is not None
    assert text_problem("a\nb\tc", single_line=False) is None
