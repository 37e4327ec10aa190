"""The net-assets page and its CSV: the figures of :mod:`fundledger.reporting.net_assets`,
for the Secretariat, the CAJP and auditors (the same the CLI prints)."""

from __future__ import annotations

import datetime as dt

from flask import render_template, request

from fundledger.auth.access import allow
from fundledger.auth.models import Role
from fundledger.auth.sessions import now
from fundledger.donors.forms import AsOfForm
from fundledger.reporting.net_assets import HEADER, net_assets
from fundledger.reporting.views import blueprint
from fundledger.web import lists
from fundledger.web.database import db_session
from fundledger.web.downloads import Table, table_download

#: Who reads net assets by pool: those who keep, decide on and audit the books.
AUDIENCE = (Role.SECRETARIAT, Role.CAJP, Role.AUDITOR)


@blueprint.get("/reports/net-assets")
@allow(*AUDIENCE)
def net_assets_page() -> str:
    form, as_of = _as_of()
    return render_template(
        "reporting/net_assets.html", form=form, figures=net_assets(db_session(), as_of)
    )


@table_download(blueprint, "/reports/net-assets", endpoint="net_assets")
@allow(*AUDIENCE)
def net_assets_table() -> Table:
    _form, as_of = _as_of()
    return Table(f"net-assets-{as_of.isoformat()}", HEADER, net_assets(db_session(), as_of).rows())


def _as_of() -> tuple[AsOfForm, dt.date]:
    """The report's date: the one asked for, or today (shown in its form)."""
    form = lists.checked(AsOfForm(request.args))
    as_of = form.as_of.data = form.as_of.data or now().date()
    return form, as_of
