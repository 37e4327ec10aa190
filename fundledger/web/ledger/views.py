"""Read-only pages of the ledger: chart of accounts, journal, one entry, trial balance
(the fiscal years are in period_views.py, on the same blueprint).

Each list filters, sorts and pages through :mod:`fundledger.listing`, and its CSV holds
every row the filters let through, in the same order. The trial balance is not paged:
it is one statement whose debit and credit totals must agree, with at most one row per
account, and a page of it would foot to nothing.
"""

from __future__ import annotations

import datetime as dt
import functools
from decimal import Decimal

from flask import Blueprint, render_template, request
from sqlalchemy import Select
from sqlalchemy.orm import Session
from wtforms import SelectChoice

from fundledger.auth.access import READERS, allow
from fundledger.clock import today
from fundledger.corrections.queries import pending_for
from fundledger.donors.queries import donor_by_code, donor_codes
from fundledger.errors import NotFound
from fundledger.ledger import queries
from fundledger.ledger.memos import memo_for_reader
from fundledger.ledger.models import JournalEntry, credit_part, debit_part
from fundledger.listing import ListArgs, ordered, page_of_rows, sorted_rows
from fundledger.money import quantize
from fundledger.web import lists
from fundledger.web.database import db_session
from fundledger.web.downloads import Table, table_download
from fundledger.web.i18n import _, request_language
from fundledger.web.ledger.forms import AccountFilterForm, JournalFilterForm, TrialBalanceFilterForm
from fundledger.web.names import memo_labels

blueprint = Blueprint("ledger", __name__)

JOURNAL_COLUMNS = ("entry", "date", "kind", "memo", "account", "account_name", "debit",
                   "credit", "donor", "activity", "objective", "organ", "earmark",
                   "allocation", "currency", "original_amount", "rate", "line_memo")  # fmt: skip


@blueprint.get("/accounts")
def accounts() -> str:
    filters, order = (
        lists.checked(AccountFilterForm(request.args)),
        lists.order(queries.ACCOUNT_SORTS),
    )
    page = page_of_rows(_account_lines(filters, order), order)
    return render_template("ledger/accounts.html", page=page, filters=filters, order=order)


@table_download(blueprint, "/accounts", endpoint="accounts")
@allow(*READERS)
def accounts_table() -> Table:
    filters, order = (
        lists.checked(AccountFilterForm(request.args)),
        lists.order(queries.ACCOUNT_SORTS),
    )
    rows = [
        (line.account.code, line.account.name, line.account.type, line.account.normal_side,
         quantize(line.debit), quantize(line.credit))
        for line in _account_lines(filters, order)
    ]  # fmt: skip
    header = ("account", "name", "type", "normal_side", "debit", "credit")
    return Table("accounts", header, rows)


@blueprint.get("/journal")
def journal() -> str:
    db = db_session()
    filters, order = _journal_filters(db), lists.order(queries.JOURNAL_SORTS)
    page = queries.journal_page(db, _entries(db, filters, order), order)
    return render_template("ledger/journal.html", page=page, filters=filters, order=order)


@table_download(blueprint, "/journal", endpoint="journal")
@allow(*READERS)
def journal_table() -> Table:
    db = db_session()
    entries = _entries(db, _journal_filters(db), lists.order(queries.JOURNAL_SORTS))
    codes, language, labels = donor_codes(db), request_language().code, memo_labels()

    # An entry's memo repeats on each of its lines, and many line memos repeat too.
    @functools.lru_cache(maxsize=4096)
    def worded(text: str | None, message_id: str | None, params: str | None) -> str:
        return memo_for_reader(text, message_id, params, language, labels)

    rows = [
        (line.number, line.entry_date, line.kind,
         worded(line.entry_memo, line.entry_memo_id, line.entry_memo_params),
         line.code, line.name,
         _amount(debit_part(line.amount)), _amount(credit_part(line.amount)),
         codes.get(line.donor_id), line.activity_number, line.objective_number,
         line.organ_code, line.earmark,
         line.allocation_id, line.currency,
         None if line.original_amount is None else quantize(line.original_amount),
         None if line.rate is None else line.rate.normalize(),
         worded(line.memo, line.memo_id, line.memo_params) or None)
        for line in db.execute(queries.journal_lines(entries).execution_options(yield_per=2000))
    ]  # fmt: skip
    return Table("journal", JOURNAL_COLUMNS, rows)


@blueprint.get("/journal/<int:number>")
def entry(number: int) -> str:
    session = db_session()
    found = queries.entry_by_number(session, number)  # the router refuses a number past any id
    if found is None:
        raise NotFound(_("There is no journal entry #%(number)s.", number=number))
    reversed_by = queries.reversal_of(session, found)
    # A reversal, or a reversed entry, has no reversal to wait for.
    settled = found.reverses_id is not None or reversed_by is not None
    return render_template(
        "ledger/entry.html",
        entry=found,
        created_at=_in_utc(found.created_at),
        reversed_by=reversed_by,
        today=today(),
        pending=None if settled else pending_for(session, found.id),
    )


@blueprint.get("/trial-balance")
def trial_balance() -> str:
    filters, order = _trial_balance_filters(), lists.order(queries.TRIAL_BALANCE_SORTS)
    report = _trial_balance(filters, order)
    return render_template("ledger/trial_balance.html", report=report, filters=filters, order=order)


@table_download(blueprint, "/trial-balance", endpoint="trial_balance")
@allow(*READERS)
def trial_balance_table() -> Table:
    filters, order = _trial_balance_filters(), lists.order(queries.TRIAL_BALANCE_SORTS)
    report = _trial_balance(filters, order)
    rows = [(row.code, row.name, quantize(row.debit), quantize(row.credit)) for row in report.rows]
    suffix = "" if report.as_of is None else f"-{report.as_of.isoformat()}"
    return Table(f"trial-balance{suffix}", ("account", "name", "debit", "credit"), rows)


# --- helpers --------------------------------------------------------------------------


def _account_lines(filters: AccountFilterForm, order: ListArgs) -> list[queries.AccountLine]:
    lines = [
        line
        for line in queries.account_lines(db_session())
        if (not filters.type.data or line.account.type == filters.type.data)
        and (not filters.status.data or line.account.active == (filters.status.data == "open"))
    ]
    return sorted_rows(lines, queries.ACCOUNT_SORTS, order)


def _journal_filters(db: Session) -> JournalFilterForm:
    """The journal's filters, offering the chart's accounts and the donors."""
    form = JournalFilterForm(request.args)
    lists.offer(
        form.account, (SelectChoice(a.code, f"{a.code} {_(a.name)}") for a in queries.accounts(db))
    )
    lists.offer(form.donor, sorted(donor_codes(db).values()))
    return lists.checked(form)


def _entries(db: Session, filters: JournalFilterForm, order: ListArgs) -> Select[JournalEntry]:
    donor = donor_by_code(db, filters.donor.data) if filters.donor.data else None
    donor_id = None if donor is None else donor.id
    query = queries.journal_query(
        start=filters.start.data, end=filters.end.data, kind=filters.kind.data or None,
        account=filters.account.data or None, donor_id=donor_id,
    )  # fmt: skip
    return ordered(query, queries.JOURNAL_SORTS, order)


def _trial_balance_filters() -> TrialBalanceFilterForm:
    return lists.checked(TrialBalanceFilterForm(request.args))


def _trial_balance(filters: TrialBalanceFilterForm, order: ListArgs) -> queries.TrialBalance:
    report = queries.trial_balance(db_session(), filters.as_of.data)
    rows = [row for row in report.rows if not filters.type.data or row.type == filters.type.data]
    return queries.TrialBalance(report.as_of, sorted_rows(rows, queries.TRIAL_BALANCE_SORTS, order))


def _amount(value: Decimal) -> Decimal | None:
    """A debit or credit column of the download: blank where the posting has none."""
    return quantize(value) if value else None


def _in_utc(moment: dt.datetime) -> dt.datetime:
    """SQLite hands back the stored UTC time without its zone; PostgreSQL in the session's."""
    if moment.tzinfo is None:
        return moment.replace(tzinfo=dt.UTC)
    return moment.astimezone(dt.UTC)
