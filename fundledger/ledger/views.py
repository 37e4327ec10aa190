"""Read-only pages of the ledger: chart of accounts, journal, one entry, trial balance."""

from __future__ import annotations

import datetime as dt
import re

from flask import Blueprint, Response, abort, render_template, request

from fundledger.errors import NotFound
from fundledger.ledger import queries
from fundledger.money import plain
from fundledger.web.database import db_session
from fundledger.web.downloads import csv_download

blueprint = Blueprint("ledger", __name__)

PER_PAGE = 50
#: Entry numbers are 32-bit integers; a larger number in a URL names no entry.
_MAX_NUMBER = 2**31 - 1
_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


@blueprint.get("/accounts")
def accounts() -> str:
    return render_template("ledger/accounts.html", lines=queries.account_lines(db_session()))


@blueprint.get("/accounts.csv")
def accounts_csv() -> Response:
    rows = [
        (
            line.account.code,
            line.account.name,
            line.account.type,
            line.account.normal_side,
            plain(line.debit),
            plain(line.credit),
        )
        for line in queries.account_lines(db_session())
    ]
    header = ("account", "name", "type", "normal_side", "debit", "credit")
    return csv_download("accounts.csv", header, rows)


@blueprint.get("/journal")
def journal() -> str:
    number = request.args.get("page", default=1, type=int)
    page = queries.journal_page(db_session(), page=number, per_page=PER_PAGE)
    return render_template("ledger/journal.html", page=page)


@blueprint.get("/journal/<int:number>")
def entry(number: int) -> str:
    session = db_session()
    found = queries.entry_by_number(session, number) if number <= _MAX_NUMBER else None
    if found is None:
        raise NotFound(f"There is no journal entry #{number}.")
    return render_template(
        "ledger/entry.html",
        entry=found,
        created_at=_in_utc(found.created_at),
        reversed_by=queries.reversal_of(session, found),
    )


@blueprint.get("/trial-balance")
def trial_balance() -> str:
    report = queries.trial_balance(db_session(), _as_of_argument())
    return render_template("ledger/trial_balance.html", report=report)


@blueprint.get("/trial-balance.csv")
def trial_balance_csv() -> Response:
    report = queries.trial_balance(db_session(), _as_of_argument())
    rows = [(row.code, row.name, plain(row.debit), plain(row.credit)) for row in report.rows]
    suffix = "" if report.as_of is None else f"-{report.as_of.isoformat()}"
    return csv_download(f"trial-balance{suffix}.csv", ("account", "name", "debit", "credit"), rows)


def _in_utc(moment: dt.datetime) -> dt.datetime:
    """SQLite hands back the stored UTC time without its zone; PostgreSQL in the session's."""
    if moment.tzinfo is None:
        return moment.replace(tzinfo=dt.UTC)
    return moment.astimezone(dt.UTC)


def _as_of_argument() -> dt.date | None:
    """``?as_of=YYYY-MM-DD`` as a date; none or blank means today's balances; else a 400."""
    text = request.args.get("as_of", "").strip()
    if not text:
        return None
    shown = text if len(text) <= 40 else text[:37] + "..."
    if not _ISO_DATE.fullmatch(text):
        abort(
            400,
            description=f"as_of must be a date written YYYY-MM-DD, like 2025-12-31, not “{shown}”.",
        )
    try:
        return dt.date.fromisoformat(text)
    except ValueError as error:
        abort(400, description=f"as_of {shown} is not a calendar date: {error}.")
