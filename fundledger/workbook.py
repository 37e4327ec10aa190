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
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, Cell
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
    sheet.append([_text_cell(sheet, name, font=bold) for name in header])
    for row in rows:
        sheet.append([_cell(sheet, value) for value in row])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _cell(sheet: WriteOnlyWorksheet, value: object) -> Cell | None:
    if value is None or value == "":
        return None
    if isinstance(value, Decimal):
        return _decimal_cell(sheet, value)
    if isinstance(value, bool) or not isinstance(value, int | dt.date):
        return _text_cell(sheet, str(value))
    cell = WriteOnlyCell(sheet)
    cell.value = _naive(value) if isinstance(value, dt.datetime) else value
    if isinstance(value, dt.datetime):
        cell.number_format = DATETIME_FORMAT
    elif isinstance(value, dt.date):
        cell.number_format = DATE_FORMAT
    return cell


def _decimal_cell(sheet: WriteOnlyWorksheet, value: Decimal) -> Cell:
    if not value.is_finite() or len(value.normalize().as_tuple().digits) > EXACT_DIGITS:
        return _text_cell(sheet, f"{value:f}")
    cell = WriteOnlyCell(sheet)
    cell.value = value
    exponent = value.as_tuple().exponent
    places = -exponent if isinstance(exponent, int) and exponent < 0 else 0
    cell.number_format = "#,##0" + ("." + "0" * places if places else "")
    return cell


def _text_cell(sheet: WriteOnlyWorksheet, text: str, *, font: Font | None = None) -> Cell:
    """Text stays text: the type is set after the value, which openpyxl would otherwise read
    as a formula or an error code. A character XML cannot carry shows as U+FFFD."""
    cell = WriteOnlyCell(sheet, ILLEGAL_CHARACTERS_RE.sub("\ufffd", text))
    cell.data_type = "s"
    if text[:1] in FORMULA_STARTS:
        cell.quotePrefix = True
    if font is not None:
        cell.font = font
    return cell


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
