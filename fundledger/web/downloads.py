"""CSV downloads: every list page's export is built the same way."""

from __future__ import annotations

from collections.abc import Sequence

from flask import Response

from fundledger.tabular import to_csv

#: Put first, it tells a spreadsheet the file is UTF-8 (Excel guesses a legacy code page).
BOM = "\ufeff"


def csv_download(
    filename: str, header: Sequence[str], rows: Sequence[Sequence[object]], *, bom: bool = False
) -> Response:
    """A CSV attachment: a header row, plain decimals, no thousands separators; with a
    byte-order mark if ``bom`` (files for anyone, opened by double-click)."""
    return Response(
        (BOM if bom else "") + to_csv(header, rows),
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )
