"""The fiscal years' page: the years closed and reopened, and the forms that revalue a
year's foreign-currency money at its end and close it (the Secretariat) or reopen it (an
admin). A year is the ledger's own concept (no entry
may be dated in a closed one), so its page joins the ledger's blueprint; the URLs are
those the allocations area served it at (/periods, /periods.csv, /periods/close and
/periods/reopen)."""

from __future__ import annotations

import datetime as dt

from flask import render_template, request, url_for
from sqlalchemy import Select
from sqlalchemy.orm import Session

from fundledger.auth import sessions
from fundledger.auth.access import READERS, allow
from fundledger.auth.models import Role
from fundledger.auth.timing import as_utc
from fundledger.donors.revaluation import Revaluation, revalue
from fundledger.errors import FundledgerError
from fundledger.ledger.models import FiscalPeriod
from fundledger.ledger.periods import RevaluationPending, close_year, next_to_close, reopen_year
from fundledger.ledger.queries import PERIOD_SORTS, periods_query
from fundledger.listing import ListArgs, ordered, page_of
from fundledger.web import lists
from fundledger.web.database import db_session
from fundledger.web.downloads import Table, table_download
from fundledger.web.i18n import _
from fundledger.web.ledger.forms import (
    CloseYearForm,
    PeriodFilterForm,
    ReopenYearForm,
    RevalueYearForm,
)
from fundledger.web.ledger.views import blueprint
from fundledger.web.pages import Page, form_page, reason


@blueprint.get("/periods")
@allow(*READERS)
def periods() -> Page:
    return _periods_page(db_session(), None)


@table_download(blueprint, "/periods", endpoint="periods")
@allow(*READERS)
def periods_table() -> Table:
    periods = db_session().scalars(_periods(_period_filters(), lists.order(PERIOD_SORTS)))
    rows = [
        (p.year, "closed" if p.closed else "reopened", p.closed_by,
         None if p.closed_at is None else as_utc(p.closed_at))
        for p in periods
    ]  # fmt: skip
    return Table("periods", ("year", "status", "closed_by", "closed_at"), rows)


@blueprint.post("/periods/revalue")
@allow(Role.SECRETARIAT)
def revalue_period() -> Page:
    db = db_session()
    form = RevalueYearForm(prefix="revalue")

    def carry_out() -> tuple[str, str]:
        done = revalue(db, sessions.request_actor(), dt.date(form.year.data, 12, 31))
        return _revalued(done), url_for(".periods")

    return form_page(form, carry_out, lambda refusal: _periods_page(db, refusal, revalue=form))


def _revalued(done: Revaluation) -> str:
    if done.entries is None:
        return _("Nothing to revalue at %(date)s: no foreign-currency receivable or credit "
                 "open that day differs from its value at the day's rates.",
                 date=done.as_of.isoformat())  # fmt: skip
    entry, reversal = done.entries
    if not done.new:
        return _("The revaluation at %(date)s was already posted (entry %(entry)s, reversed "
                 "by entry %(reversal)s); nothing was posted.", date=done.as_of.isoformat(),
                 entry=entry.number, reversal=reversal.number)  # fmt: skip
    return _("Foreign-currency receivables and credits open at %(date)s are revalued at that "
             "day's rates (entry %(entry)s), reversed on %(next)s (entry %(reversal)s).",
             date=done.as_of.isoformat(), entry=entry.number,
             next=reversal.entry_date.isoformat(), reversal=reversal.number)  # fmt: skip


@blueprint.post("/periods/close")
@allow(Role.SECRETARIAT)
def close_period() -> Page:
    db = db_session()
    form = CloseYearForm(prefix="close")

    def carry_out() -> tuple[str, str]:
        close_year(db, sessions.request_actor(), form.year.data)
        return (
            _("Fiscal year %(year)s is closed: its revenue and expenses are in net assets.",
              year=form.year.data),
            url_for(".periods"),
        )  # fmt: skip

    return form_page(form, carry_out, lambda refusal: _periods_page(db, refusal, close=form))


@blueprint.post("/periods/reopen")
@allow(Role.ADMIN)
def reopen_period() -> Page:
    db = db_session()
    form = ReopenYearForm(prefix="reopen")

    def carry_out() -> tuple[str, str]:
        reopen_year(db, sessions.request_actor(), form.year.data, reason=form.reason.data)
        return _("Fiscal year %(year)s is open again.", year=form.year.data), url_for(".periods")

    return form_page(form, carry_out, lambda refusal: _periods_page(db, refusal, reopen=form))


def _periods_page(
    db: Session,
    refusal: FundledgerError | None,
    *,
    close: CloseYearForm | None = None,
    reopen: ReopenYearForm | None = None,
    revalue: RevalueYearForm | None = None,
) -> str:
    last_year = sessions.now().date().year - 1
    if revalue is not None and not isinstance(revalue.year.data, int):
        revalue = None  # a year that is no year: the button offers the usual one again
    if isinstance(refusal, RevaluationPending):  # the button revalues the year refused
        revalue_year = refusal.as_of.year
    else:
        revalue_year = next_to_close(db, last_year) if revalue is None else revalue.year.data
    filters = _period_filters()
    order = lists.order(PERIOD_SORTS, endpoint="ledger.periods")
    return render_template(
        "ledger/periods.html",
        page=page_of(db, _periods(filters, order), order),
        filters=filters,
        order=order,
        close=close or CloseYearForm(formdata=None, prefix="close", data={"year": last_year}),
        reopen=reopen or ReopenYearForm(formdata=None, prefix="reopen"),
        revalue=revalue or RevalueYearForm(formdata=None, prefix="revalue",
                                           data={"year": revalue_year}),
        revalue_year=revalue_year,
        refused_form="close" if close is not None else "reopen" if reopen is not None
        else "revalue" if revalue is not None else None,
        utc=as_utc,
        refusal=reason(refusal),
    )


def _period_filters() -> PeriodFilterForm:
    return lists.checked(PeriodFilterForm(request.args))


def _periods(filters: PeriodFilterForm, order: ListArgs) -> Select[FiscalPeriod]:
    closed = {"closed": True, "reopened": False}.get(filters.status.data or "")
    return ordered(periods_query(closed=closed), PERIOD_SORTS, order)
