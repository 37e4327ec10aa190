"""Tables as Excel workbooks (.xlsx), from the same rows as their CSV (:mod:`fundledger.tabular`).

Where the CSV has text, the workbook has typed cells: a number is a number a spreadsheet
adds up, a date is a date it sorts, and no text is ever a formula. The rules
(docs/EXPORTS.md, "Workbooks"):

- ``Decimal``: a number shown with as many places as it carries (an amount quantized to
  cents as :data:`AMOUNT_FORMAT`). openpyxl writes it as the decimal text of the nearest
  double ("%.16g"), which is what Excel itself stores for the value typed in; a value of
  more than :data:`EXACT_DIGITS` significant digits would lose some, so it is written as
  text instead (no figure changes on its way into a spreadsheet).
- ``int``: a number without separators (a year, an id); ``date`` and ``datetime``: dates
  (a datetime with a timezone in UTC, as the CSV's ISO form says).
- text: a text cell, whatever it starts with (openpyxl would take ``=…`` for a formula
  and ``#N/A`` for an error); one that starts like a formula also gets Excel's quote
  prefix, so that editing the cell keeps it text.

The header row is bold and frozen; each column is as wide as its widest cell, within bounds.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Sequence
from decimal import Decimal

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ERROR_CODES, ILLEGAL_CHARACTERS_RE, Cell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

from fundledger.tabular import FORMULA_STARTS

#: The format of an amount in the base currency: thousands grouped, two places.
AMOUNT_FORMAT = "#,##0.00"
DATE_FORMAT = "yyyy-mm-dd"
DATETIME_FORMAT = "yyyy-mm-dd hh:mm:ss"
#: The significant digits a spreadsheet's number (an IEEE double) holds exactly.
EXACT_DIGITS = 15
#: Column widths, in characters: no column narrower or wider.
MIN_WIDTH, MAX_WIDTH = 6, 60
#: What a sheet's name may not hold, and its longest (Excel's rules).
_SHEET_FORBIDDEN = str.maketrans({c: "-" for c in "[]:*?/\\"})
_SHEET_LENGTH = 31
#: Excel's own media type for .xlsx files.
MIMETYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def to_xlsx(header: Sequence[str], rows: Sequence[Sequence[object]], *, title: str) -> bytes:
    """One sheet named ``title``: the bold, frozen ``header`` row, then ``rows`` as typed cells."""
    book = Workbook(write_only=True)
    sheet: WriteOnlyWorksheet = book.create_sheet(_sheet_name(title))
    sheet.freeze_panes = "A2"
    # Widths go before the first row in a write-only sheet. openpyxl's type stubs leave
    # out its column_dimensions, which it has (set up as a worksheet's).
    columns = sheet.column_dimensions  # type: ignore[attr-defined]
    for column, width in enumerate(_widths(header, rows), start=1):
        columns[get_column_letter(column)].width = width
    bold = Font(bold=True)
    cells = _Cells(sheet)
    sheet.append([cells.text(column, name, font=bold) for column, name in enumerate(header)])
    for row in rows:
        sheet.append([cells.cell(column, value) for column, value in enumerate(row)])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


class _Cells:
    """Makes each row's cells. A plain value (a whole number, ordinary text) goes in as it
    is; a cell with a style (a number format, text kept text) is one object per column and
    style, given each row's value in turn. A write-only sheet writes a row's cells as the
    row is appended, so the object is free again for the next row, and its style is looked
    up once instead of for every cell (the journal's workbook is written about twice as
    fast)."""

    def __init__(self, sheet: WriteOnlyWorksheet) -> None:
        self.sheet = sheet
        self.styled: dict[tuple[int, str], Cell] = {}

    def cell(self, column: int, value: object) -> object:
        if value is None or value == "":
            return None
        if isinstance(value, Decimal):
            if value.is_finite() and len(value.normalize().as_tuple().digits) <= EXACT_DIGITS:
                return self._styled(column, _number_format(value), value)
            value = f"{value:f}"  # more than a spreadsheet's number holds: text, exactly
        elif isinstance(value, dt.datetime):
            return self._styled(column, DATETIME_FORMAT, _naive(value))
        elif isinstance(value, dt.date):
            return self._styled(column, DATE_FORMAT, value)
        elif isinstance(value, int) and not isinstance(value, bool):
            return value
        text = ILLEGAL_CHARACTERS_RE.sub("\ufffd", str(value))
        if text[:1] in FORMULA_STARTS or text in ERROR_CODES:
            return self.text(column, text)
        return text

    def text(self, column: int, text: str, *, font: Font | None = None) -> Cell:
        """A text cell whatever ``text`` starts with: the type is set after the value,
        which openpyxl would otherwise read as a formula or an error code."""
        quoted = text[:1] in FORMULA_STARTS
        if font is None:
            cell = self._styled(column, "quoted" if quoted else "text", text)
        else:
            cell = WriteOnlyCell(self.sheet, text)
            cell.font = font
        cell.data_type = "s"
        cell.quotePrefix = quoted
        return cell

    def _styled(self, column: int, style: str, value: str | Decimal | dt.date) -> Cell:
        cell = self.styled.get((column, style))
        if cell is None:
            cell = self.styled[column, style] = WriteOnlyCell(self.sheet)
            if style not in ("quoted", "text"):
                cell.number_format = style
        cell.value = value
        return cell


def _number_format(value: Decimal) -> str:
    """Thousands grouped, and as many places as ``value`` carries (``#,##0.00`` for cents)."""
    exponent = value.as_tuple().exponent
    places = -exponent if isinstance(exponent, int) and exponent < 0 else 0
    return "#,##0" + ("." + "0" * places if places else "")


def _naive(moment: dt.datetime) -> dt.datetime:
    """A spreadsheet's dates have no timezone: an aware moment as the UTC time it names."""
    if moment.tzinfo is None:
        return moment
    return moment.astimezone(dt.UTC).replace(tzinfo=None)


def _widths(header: Sequence[str], rows: Sequence[Sequence[object]]) -> list[int]:
    widest = [len(name) for name in header]
    for row in rows:
        for column, value in enumerate(row):
            widest[column] = max(widest[column], _shown_length(value))
    return [min(MAX_WIDTH, max(MIN_WIDTH, width + 2)) for width in widest]


def _shown_length(value: object) -> int:
    if isinstance(value, Decimal) and value.is_finite():
        return len(f"{value:,f}")
    if isinstance(value, dt.datetime):
        return len("2000-01-01 00:00:00")
    return len("" if value is None else str(value))


def _sheet_name(title: str) -> str:
    return title.translate(_SHEET_FORBIDDEN)[:_SHEET_LENGTH] or "Sheet"
