"""The public page of the Fund and its downloads: open to everyone, read-only, no
parameters. The figures are read once per state of the books (:class:`FiguresCache`)."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, render_template
from werkzeug.wrappers import Response

from fundledger.auth import sessions
from fundledger.auth.access import public
from fundledger.donors.forms import TYPE_LABELS
from fundledger.public.queries import FiguresCache, PublicFigures
from fundledger.public.tables import DOWNLOADS
from fundledger.web.database import db_session
from fundledger.web.downloads import csv_download
from fundledger.web.i18n import _
from fundledger.web.views import fund_chart

blueprint = Blueprint("public", __name__)


@blueprint.get("/public")
@public
def page() -> str:
    figures = _figures()
    return render_template(
        "public/index.html", figures=figures, fund=figures.fund,
        fund_chart=fund_chart(figures.fund.years), type_labels=TYPE_LABELS,
    )  # fmt: skip


@blueprint.get("/public/<name>.csv")
@public
def download(name: str) -> Response:
    table = DOWNLOADS.get(name)
    if table is None:
        abort(404, description=_("There is no such table."))
    return csv_download(f"{name}.csv", table.header, table.rows(_figures()), bom=True)


def _figures() -> PublicFigures:
    cache: FiguresCache = current_app.extensions.setdefault("fundledger_public", FiguresCache())
    return cache.get(db_session(), sessions.now().date())
