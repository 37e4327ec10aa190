"""Reading the web's table downloads as a spreadsheet would: the CSV (which starts with a
byte-order mark) and the workbook (typed cells)."""

from __future__ import annotations

import io

from openpyxl import load_workbook
from openpyxl.worksheet.worksheet import Worksheet
from werkzeug.test import TestResponse

from fundledger.web.downloads import BOM
from fundledger.workbook import MIMETYPE


def csv_text(response: TestResponse) -> str:
    """The CSV's text after its byte-order mark, which every web CSV starts with."""
    assert response.status_code == 200, response.status_code
    assert response.mimetype == "text/csv"
    text = response.get_data(as_text=True)
    assert text.startswith(BOM), "a web CSV starts with a byte-order mark"
    return text.removeprefix(BOM)


def sheet(response: TestResponse) -> Worksheet:
    """The workbook's one sheet, as openpyxl reads it back."""
    assert response.status_code == 200, response.status_code
    assert response.mimetype == MIMETYPE
    assert response.headers["Content-Disposition"].endswith('.xlsx"')
    book = load_workbook(io.BytesIO(response.data))
    assert len(book.worksheets) == 1
    return book.worksheets[0]
