"""CSV cells a spreadsheet would evaluate are neutralised, and a machine can undo it."""

from __future__ import annotations

import csv
import io
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from fundledger.money import is_plain_decimal
from fundledger.tabular import FORMULA_STARTS, TEXT_MARK, csv_cell, to_csv


def unmarked(cell: str) -> str:
    """What docs/EXPORTS.md tells a program reading an export to do with each text cell."""
    if cell[:1] == TEXT_MARK and cell[1:2] in FORMULA_STARTS | {TEXT_MARK}:
        return cell[1:]
    return cell


def test_formulas_are_marked_as_text_and_amounts_are_not() -> None:
    hostile = ['=HYPERLINK("http://x","y")', "+cmd|' /C calc'!A0", "@SUM(A1:A9)",
               "-2+3+cmd|' /C calc'!A0", "\t=1+1", "\r=1+1"]  # fmt: skip
    text = to_csv(("name", "amount"), [(cell, "-3.50") for cell in hostile])
    rows = list(csv.reader(io.StringIO(text)))[1:]
    assert [row[0] for row in rows] == [TEXT_MARK + cell for cell in hostile]
    assert {row[1] for row in rows} == {"-3.50"}
    assert to_csv(("n",), [(Decimal("-3.50"),), (-7,), ("+12",), ("-0.00",)]) == (
        "n\n-3.50\n-7\n+12\n-0.00\n"
    )


def test_text_that_already_starts_with_the_mark_stays_recoverable() -> None:
    assert csv_cell("'=1") == "''=1"
    assert csv_cell("''") == "'''"
    assert csv_cell("'t Hooft") == "'t Hooft"
    assert csv_cell("O'Higgins") == "O'Higgins"


@given(st.text(alphabet=st.sampled_from("=+-@\t\r'0123456789.a ,\"\n")))
def test_every_text_cell_reads_back_as_written_and_never_starts_a_formula(text: str) -> None:
    written = to_csv(("cell",), [(text,)])
    (cell,) = list(csv.reader(io.StringIO(written, newline="")))[1] or [""]
    assert unmarked(cell) == text
    assert cell[:1] not in FORMULA_STARTS or is_plain_decimal(cell)
