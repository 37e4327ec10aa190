"""The public page of the Fund and its downloads: open to everyone, read-only, no
parameters. The figures are read once per state of the books (:class:`BooksCache`)."""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass

from flask import Blueprint, Response, abort, current_app, render_template, request
from markupsafe import Markup
from sqlalchemy.orm import Session

from fundledger.auth import sessions
from fundledger.auth.access import public
from fundledger.donors.forms import TYPE_LABELS
from fundledger.public.iati import iati_activities
from fundledger.public.queries import BooksCache, PublicFigures, public_figures
from fundledger.public.tables import DOWNLOADS
from fundledger.web.database import db_session
from fundledger.web.downloads import Table, table_download
from fundledger.web.i18n import _, current_language
from fundledger.web.views import fund_chart

blueprint = Blueprint("public", __name__)


@blueprint.get("/public")
@public
def page() -> Response | str:
    """The page, the same for every visitor without a session in a language while the books
    stay as they are: sent whole from what was rendered for the first of them, with an ETag
    so a browser that has it gets a 304, and no cookie (docs/PERFORMANCE.md). A signed-in
    visitor's header names them, so their page is rendered around the kept figures."""
    iati = bool(current_app.config.get("IATI_ORGANISATION"))
    if sessions.current() is not None or request.query_string:
        return render_template("public/index.html", figures_html=_figures_html(iati))
    shown = _cache().get(
        db_session(), sessions.now().date(), f"anonymous:{current_language()}:{iati}",
        lambda _session, _today: KeptPage.of(
            render_template("public/index.html", figures_html=_figures_html(iati))
        ),
    )  # fmt: skip
    response = Response(shown.body, mimetype="text/html")
    response.set_etag(shown.etag)
    # Asked again each time (a 304 while the books stay as they are), never stale; the
    # language follows the cookie or the browser's languages.
    response.headers["Cache-Control"] = "no-cache"
    response.vary.update(("Cookie", "Accept-Language"))
    response.make_conditional(request)  # a 304 if the browser has these bytes
    return response


@dataclass(frozen=True, slots=True)
class KeptPage:
    """A whole page as sent, with the ETag of its bytes (the same in every worker)."""

    body: bytes
    etag: str

    @classmethod
    def of(cls, html: str) -> KeptPage:
        body = html.encode("utf-8")
        return cls(body, hashlib.sha256(body).hexdigest()[:32])


def _figures_html(iati: bool) -> Markup:
    """The figures' part of the page, rendered once per state of the books and language."""

    def render(_session: Session, _today: dt.date) -> Markup:
        figures = published_figures()
        return Markup(render_template(  # noqa: S704 - our own template, autoescaped
            "public/_figures.html", figures=figures, fund=figures.fund,
            fund_chart=fund_chart(figures.fund.years), type_labels=TYPE_LABELS, iati=iati,
        ))  # fmt: skip

    key = f"page:{current_language()}:{iati}"
    shown: Markup = _cache().get(db_session(), sessions.now().date(), key, render)
    return shown


@table_download(blueprint, "/public/<name>", endpoint="download")
@public
def download_table(name: str) -> Table:
    table = DOWNLOADS.get(name)
    if table is None:
        abort(404, description=_("There is no such table."))
    return Table(name, table.header, table.rows(published_figures(), current_language()))


@blueprint.get("/public/iati.xml")
@public
def iati() -> Response:
    """The Fund's IATI 2.03 activity file, once its IATI organisation identifier is set."""
    organisation = current_app.config.get("IATI_ORGANISATION")
    if not organisation:
        abort(404, description=_("The Fund publishes no IATI file yet: its IATI organisation "
                                 "identifier is not configured."))  # fmt: skip
    document = _cache().get(
        db_session(), sessions.now().date(), "iati",
        lambda session, _today: iati_activities(
            session, organisation=organisation, generated=sessions.now().replace(microsecond=0)
        ),
    )  # fmt: skip
    return Response(
        document, mimetype="application/xml",
        headers={"Content-Disposition": 'attachment; filename="fund-iati-activities.xml"'},
    )  # fmt: skip


def published_figures() -> PublicFigures:
    """The public figures of the books as they stand: the page's, its CSVs' and the API's."""
    return _cache().get(db_session(), sessions.now().date(), "figures", public_figures)


def _cache() -> BooksCache:
    cache: BooksCache = current_app.extensions.setdefault("fundledger_public", BooksCache())
    return cache
