"""Table downloads: every list and report the pages offer as a CSV file and as an Excel
workbook, both from the one set of rows its view builds.

A view returns a :class:`Table`; :func:`table_download` serves it at two addresses,
``RULE.csv`` (endpoint ``NAME_csv``) and ``RULE.xlsx`` (``NAME_xlsx``), under the view's
own access rule. A page links to both (``templates/_listing.html``, ``download_links``).
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from flask import Blueprint, Response

from fundledger.tabular import to_csv
from fundledger.workbook import MIMETYPE, to_xlsx

#: Put first, it tells a spreadsheet the file is UTF-8 (Excel guesses a legacy code page,
#: and "España" would open as "EspaÃ±a"). The command line's CSV has none: it is for machines.
BOM = "\ufeff"
#: The two formats, by file extension.
FORMATS = ("csv", "xlsx")


@dataclass(frozen=True, slots=True)
class Table:
    """What a download holds: the file's name without its extension, the header, and
    the rows as typed values (``Decimal``, ``int``, ``date``, text; None for nothing)."""

    name: str
    header: Sequence[str]
    rows: Sequence[Sequence[object]]


def table_download(
    blueprint: Blueprint, rule: str, *, endpoint: str
) -> Callable[[Callable[..., Table]], Callable[..., Table]]:
    """Serve the :class:`Table` the decorated view returns as ``rule`` + ``.csv`` and
    ``.xlsx``, at the endpoints ``endpoint`` + ``_csv`` and ``_xlsx``."""

    def register(view: Callable[..., Table]) -> Callable[..., Table]:
        for extension in FORMATS:
            blueprint.add_url_rule(
                f"{rule}.{extension}", f"{endpoint}_{extension}", _serving(view, extension),
                methods=["GET"],
            )  # fmt: skip
        return view

    return register


def _serving(view: Callable[..., Table], extension: str) -> Callable[..., Response]:
    """The view as a download in one format; it keeps the view's access declaration
    (``functools.wraps`` copies the attribute ``fundledger.auth.access`` reads)."""

    @functools.wraps(view)
    def serve(**arguments: Any) -> Response:
        return download(view(**arguments), extension)

    return serve


def download(table: Table, extension: str) -> Response:
    """``table`` as an attachment: CSV with a byte-order mark (files for anyone, opened by
    double-click), or a workbook."""
    if extension == "csv":
        body: str | bytes = BOM + to_csv(table.header, table.rows)
        mimetype = "text/csv"
    else:
        body = to_xlsx(table.header, table.rows, title=table.name)
        mimetype = MIMETYPE
    return Response(
        body,
        mimetype=mimetype,
        headers={"Content-Disposition": f'attachment; filename="{table.name}.{extension}"'},
    )
