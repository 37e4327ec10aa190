"""Plain tables for the terminal and CSV for spreadsheets, shared by every CLI report and
web download (their workbooks come from the same rows: :mod:`fundledger.workbook`).

Rows carry typed values (``Decimal``, ``int``, ``date``, None, text); the CSV writes
each as text here, the workbook as a typed cell."""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Sequence
from decimal import Decimal

from fundledger.inputs import visible
from fundledger.money import is_plain_decimal

#: What makes a spreadsheet read a cell as a formula (OWASP, "CSV Injection").
FORMULA_STARTS = frozenset("=+-@\t\r")
#: The mark put before such a cell: a spreadsheet then shows the text as typed.
TEXT_MARK = "'"


def text_of(value: object) -> str:
    """A row's value as text: a ``Decimal`` in plain notation (``54250.00``, never
    ``5.425E+4``), a date or datetime in ISO 8601, None empty."""
    if isinstance(value, Decimal):
        return f"{value:f}"
    if isinstance(value, dt.date):
        return value.isoformat()
    return "" if value is None else str(value)


def csv_cell(value: object) -> str:
    """``value`` as a CSV cell (:func:`text_of`) a spreadsheet will not evaluate, losslessly.

    A cell that starts like a formula gets :data:`TEXT_MARK` in front, unless it is a plain
    decimal (``-3.50`` is a number). So that a reader can undo it, a cell that already
    starts with the mark followed by such a character, or by the mark itself, gets one
    too: a machine reading the file removes one leading mark wherever it is followed by
    one of those characters (docs/EXPORTS.md).
    """
    text = text_of(value)
    if isinstance(value, int | Decimal) or is_plain_decimal(text):
        return text
    if text[:1] in FORMULA_STARTS or (
        text[:1] == TEXT_MARK and text[1:2] in FORMULA_STARTS | {TEXT_MARK}
    ):
        return TEXT_MARK + text
    return text


def to_csv(header: Sequence[str], rows: Sequence[Sequence[object]]) -> str:
    """The one CSV writer (web downloads and ``--format csv``): every cell through
    :func:`csv_cell`; the csv module quotes cells holding a comma, quote or line break.

    Python 3.11's writer leaves a lone CR unquoted when lines end in LF, which a reader
    takes for the end of the row, so a row holding one has every cell quoted.
    """
    buffer = io.StringIO()
    minimal = csv.writer(buffer, lineterminator="\n")
    quoted = csv.writer(buffer, lineterminator="\n", quoting=csv.QUOTE_ALL)
    for row in [header, *rows]:
        cells = [csv_cell(cell) for cell in row]
        (quoted if any("\r" in cell for cell in cells) else minimal).writerow(cells)
    return buffer.getvalue()


def to_table(
    header: Sequence[str], rows: Sequence[Sequence[object]], *, numeric: Sequence[int] = ()
) -> str:
    """Columns padded to their widest cell, each shown as a terminal shows it safely
    (:func:`~fundledger.inputs.visible`; CSV keeps values as they are); the ``numeric`` columns
    right-aligned."""
    cells = [[visible(text_of(cell)) for cell in row] for row in [header, *rows]]
    widths = [max(len(row[column]) for row in cells) for column in range(len(header))]

    def line(row: list[str]) -> str:
        return "  ".join(
            cell.rjust(width) if column in numeric else cell.ljust(width)
            for column, (cell, width) in enumerate(zip(row, widths, strict=True))
        ).rstrip()

    rule = "  ".join("-" * width for width in widths)
    return "\n".join([line(cells[0]), rule, *(line(row) for row in cells[1:])]) + "\n"
