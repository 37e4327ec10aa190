"""Transfers by implementing organ on a page and as CSV/XLSX: the figures of
:mod:`fundledger.reporting.organ_transfers`, the ones the fund statement prints, for
any period, for the Secretariat, the CAJP and auditors."""

from __future__ import annotations

import datetime as dt

from flask import render_template, request

from fundledger.auth.access import allow
from fundledger.auth.models import Role
from fundledger.auth.sessions import now
from fundledger.ledger.periods import fiscal_year
from fundledger.reporting.forms import PeriodReportForm
from fundledger.reporting.organ_transfers import HEADER, table_rows, transfers_by_organ
from fundledger.reporting.views import blueprint
from fundledger.web import lists
from fundledger.web.database import db_session
from fundledger.web.downloads import Table, table_download

#: Who follows the money the organs hold: those who keep, decide on and audit the books.
AUDIENCE = (Role.SECRETARIAT, Role.CAJP, Role.AUDITOR)


@blueprint.get("/reports/organ-transfers")
@allow(*AUDIENCE)
def organ_transfers_page() -> str:
    form, start, end = _period()
    rows = transfers_by_organ(db_session(), start, end)
    return render_template("reporting/organ_transfers.html", form=form, rows=rows,
                           start=start, end=end)  # fmt: skip


@table_download(blueprint, "/reports/organ-transfers", endpoint="organ_transfers")
@allow(*AUDIENCE)
def organ_transfers_table() -> Table:
    _form, start, end = _period()
    rows = table_rows(transfers_by_organ(db_session(), start, end))
    return Table(f"organ-transfers-{start.isoformat()}-{end.isoformat()}", HEADER, rows)


def _period() -> tuple[PeriodReportForm, dt.date, dt.date]:
    """The period asked for; by default this fiscal year to today (shown in its form)."""
    form = lists.checked(PeriodReportForm(request.args))
    today = now().date()
    start = form.start.data = form.start.data or fiscal_year(today.year)[0]
    end = form.end.data = form.end.data or max(today, start)
    return form, start, end
