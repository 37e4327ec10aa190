"""CSV downloads: every list page's export is built the same way."""

from __future__ import annotations

from collections.abc import Sequence

from flask import Response

from fundledger.tabular import to_csv


def csv_download(
    filename: str, header: Sequence[str], rows: Sequence[Sequence[object]]
) -> Response:
    """A CSV attachment: a header row, plain decimals, no thousands separators."""
    return Response(
        to_csv(header, rows),
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )
