"""The figures a statement prints, as data: a JSON file (and the same as CSV) attached
to every issued PDF, and what ``statement donor --format json`` prints without issuing.

The JSON is the statement's data (:data:`render.StatementData`, what the renderer
prints from) as plain values: amounts as decimal strings ("54250.00", never floats),
dates in ISO 8601, mappings as objects. The CSV has one line per value: its path in the
JSON (``receipts.0.usd``) and the value.
"""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import io
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from fundledger.reporting import indented
from fundledger.reporting.attachments import Attachment
from fundledger.reporting.donor_data import DonorStatementData
from fundledger.reporting.figures import figure_fields
from fundledger.reporting.fund_data import FundStatementData
from fundledger.reporting.issue import Issue
from fundledger.reporting.pack_data import PackData

FORMAT = "fundledger-statement-figures/1"
JSON_NAME = "figures.json"
CSV_NAME = "figures.csv"


def plain(value: Any) -> Any:
    """``value`` as JSON values: dataclasses and mappings as objects (keys as text)."""
    kind = type(value)
    if kind is str or kind is int or kind is bool or value is None:  # most values: first
        return value
    if kind is Decimal:
        return str(value)
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {name: plain(item) for name, item in figure_fields(value)}
    if isinstance(value, Mapping):
        return {str(key): plain(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [plain(item) for item in value]
    if isinstance(value, set | frozenset):
        return sorted(str(item) for item in value)
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


def kind_of(data: DonorStatementData | FundStatementData | PackData) -> str:
    if isinstance(data, DonorStatementData):
        return "donor"
    if isinstance(data, FundStatementData):
        return "fund"
    return "cajp_pack"


def payload(
    data: DonorStatementData | FundStatementData | PackData, issue: Issue | None
) -> dict[str, Any]:
    """The document: format, kind, the issue (None when not issued) and the figures."""
    statement = None
    if issue is not None:
        statement = {"number": issue.number, "issued_at": issue.moment.isoformat(),
                     "language": issue.language.code, "status": str(issue.status),
                     "supersedes": issue.supersedes}  # fmt: skip
    return {"format": FORMAT, "kind": kind_of(data), "statement": statement,
            "figures": plain(data)}  # fmt: skip


def as_json(document: Mapping[str, Any]) -> str:
    """Indented, keys sorted, text as itself (``json.dumps``'s text, made faster)."""
    return indented.dumps(document) + "\n"


def as_csv(document: Mapping[str, Any]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(("field", "value"))
    rows: list[tuple[str, str]] = []
    _flat(document, "", rows)
    writer.writerows(rows)
    return out.getvalue()


def _flat(value: Any, path: str, rows: list[tuple[str, str]]) -> None:
    """Append ``value``'s lines to ``rows`` (into one list: no list per level)."""
    if isinstance(value, Mapping):
        items: Any = sorted(value.items())
    elif isinstance(value, list):
        items = enumerate(value)
    else:
        rows.append((path, "" if value is None else str(value)))
        return
    prefix = f"{path}." if path else ""
    for key, item in items:
        if type(item) is str:  # most values: without a call
            rows.append((f"{prefix}{key}", item))
        else:
            _flat(item, f"{prefix}{key}", rows)


def figure_files(
    data: DonorStatementData | FundStatementData | PackData, issue: Issue
) -> list[Attachment]:
    """The attachments of an issued statement: its figures as JSON and as CSV."""
    document = payload(data, issue)
    return [
        Attachment(JSON_NAME, as_json(document).encode(), "application/json",
                   f"The figures of statement {issue.number}, as data"),
        Attachment(CSV_NAME, as_csv(document).encode(), "text/csv",
                   f"The figures of statement {issue.number}, one value a line"),
    ]  # fmt: skip
