"""The statement pages (issue 5, item 7): the Secretariat issues statements; everyone who
reads the books sees the register, downloads issued PDFs and verifies a file; a donor
login sees and downloads its own donor's statements and requests a current one.

A donor login reaches no other donor's statement and none of the fund's own documents by
any URL: such an id reads as one that does not exist (404), so numbers are not
confirmed. A download sends the archived bytes only once their SHA-256 matches the
register's. Issuing is one operation, committed once, then a redirect.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from flask import (
    Blueprint,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from sqlalchemy import Select
from sqlalchemy.orm import Session
from werkzeug.wrappers import Response
from wtforms import SelectChoice

from fundledger.auth.access import READERS, allow, donor_scope, own_donor
from fundledger.auth.models import Role
from fundledger.auth.sessions import now, request_actor
from fundledger.donors.forms import LANGUAGE_LABELS
from fundledger.donors.models import Donor
from fundledger.donors.queries import donor_by_code, donors
from fundledger.errors import FundledgerError, NotFound
from fundledger.ledger.balances import first_day
from fundledger.ledger.periods import fiscal_year
from fundledger.listing import ListArgs, ordered, page_of
from fundledger.reporting import queries
from fundledger.reporting.forms import (
    KIND_LABELS,
    DonorStatementForm,
    FundStatementForm,
    MeetingPackForm,
    OwnStatementForm,
    RegisterFilterForm,
    VerifyForm,
)
from fundledger.reporting.models import StatementKind, StatementRecord
from fundledger.reporting.operations import issue_once_a_day, issue_statement
from fundledger.reporting.render import Request, since_inception
from fundledger.reporting.signing import Signer, SigningPaths, load_signer, trusted_certificate
from fundledger.web import lists
from fundledger.web.database import db_session
from fundledger.web.downloads import Table, table_download
from fundledger.web.fields import required
from fundledger.web.i18n import _
from fundledger.web.pages import Page, form_page, reason, refused

blueprint = Blueprint("statements", __name__)

REGISTER_COLUMNS = ("number", "kind", "statement", "language", "issued_at", "issued_by",
                    "sha256", "size", "status", "supersedes", "superseded_by")  # fmt: skip


@blueprint.context_processor
def _labels() -> dict[str, Any]:
    return {
        "kind_labels": KIND_LABELS,
        "language_labels": LANGUAGE_LABELS,
        "parameters": lambda statement: queries.request_of(statement).parameters,
        "stamp": queries.stamp,
    }


# --- the register ---------------------------------------------------------------------


@blueprint.get("/statements")
@allow(*READERS)
def register() -> str:
    known = donors(db_session())
    filters, order = _register_filters(known), lists.order(queries.REGISTER_SORTS)
    page = page_of(db_session(), _register(filters, order), order)
    return render_template(
        "reporting/register.html", page=page, filters=filters, order=order,
        donor_names={d.code: d.name for d in known}, queries_status=queries.status,
        changes=queries.figures_changes(db_session(), page.items),
    )  # fmt: skip


@table_download(blueprint, "/statements", endpoint="register")
@allow(*READERS)
def register_table() -> Table:
    filters = _register_filters(donors(db_session()))
    found = db_session().scalars(_register(filters, lists.order(queries.REGISTER_SORTS))).all()
    rows = [
        (s.number, s.kind, queries.describe(s), s.language, queries.stamp(s), s.issued_by,
         s.sha256, s.size, queries.status(s), *queries.succession(s))
        for s in found
    ]  # fmt: skip
    return Table("statements", REGISTER_COLUMNS, rows)


@blueprint.get("/statements/<int:statement_id>.pdf")
@allow(*READERS, Role.DONOR)
def download(statement_id: int) -> Page:
    """The issued PDF, byte for byte; a donor login only its own donor's."""
    statement = queries.statement_by_id(db_session(), statement_id, donor_id=donor_scope())
    if statement is None:
        raise NotFound(_("There is no such statement."))
    try:
        content = queries.archived_pdf(_archive(), statement)
    except queries.ArchiveProblem as problem:
        current_app.logger.error("statement archive: %s", problem)
        page = render_template(
            "error.html", status=problem.status, title="Not available", reason=reason(problem)
        )
        return refused(page, problem)
    return Response(
        content,
        mimetype="application/pdf",
        headers={
            "Content-Disposition": f'attachment; filename="{statement.number}.pdf"',
            "Content-Length": str(len(content)),
        },
    )


# --- issuing --------------------------------------------------------------------------


@blueprint.get("/statements/issue")
@allow(Role.SECRETARIAT)
def issue() -> Page:
    return _issue_page(None)


@blueprint.post("/statements/issue/donor")
@allow(Role.SECRETARIAT)
def issue_donor() -> Page:
    db = db_session()
    form = _donor_form(db)

    def carry_out() -> tuple[str, str]:
        donor = required(donor_by_code(db, form.donor.data))  # one of the choices
        wanted = Request.donor(donor.code, required(form.start.data), required(form.end.data))
        return _issued(wanted, form.language.data or donor.language)

    return form_page(form, carry_out, lambda refusal: _issue_page(refusal, donor_form=form))


@blueprint.post("/statements/issue/fund")
@allow(Role.SECRETARIAT)
def issue_fund() -> Page:
    form = FundStatementForm(prefix="fund")
    return form_page(
        form,
        lambda: _issued(_fund_request(form), form.language.data),
        lambda refusal: _issue_page(refusal, fund_form=form),
    )


def _fund_request(form: FundStatementForm) -> Request:
    """The fiscal year, the period, or the Fund's whole life to the day given."""
    if form.covers.data == "period":
        return Request.fund_period(required(form.start.data), required(form.end.data))
    if form.covers.data == "inception":
        return since_inception(db_session(), required(form.end.data))
    return Request.fund(required(form.year.data))


@blueprint.post("/statements/issue/pack")
@allow(Role.SECRETARIAT)
def issue_pack() -> Page:
    form = MeetingPackForm(prefix="pack")
    return form_page(
        form,
        lambda: _issued(Request.pack(required(form.meeting.data)), form.language.data),
        lambda refusal: _issue_page(refusal, pack_form=form),
    )


def _issued(wanted: Request, language: str) -> tuple[str, str]:
    """Issue the statement; its message, and its place in the register."""
    statement = issue_statement(db_session(), request_actor(), wanted, language=language,
                                archive=_archive(), signer=_signer(), now=now())  # fmt: skip
    message = _("Issued %(number)s: %(what)s, in %(language)s.", number=statement.number,
                what=queries.describe(statement),
                language=LANGUAGE_LABELS[statement.language])  # fmt: skip
    return message, url_for("statements.register", _anchor=statement.number)


def _issue_page(
    refusal: FundledgerError | None, *, donor_form: DonorStatementForm | None = None,
    fund_form: FundStatementForm | None = None, pack_form: MeetingPackForm | None = None,
) -> str:  # fmt: skip
    """The three issuing forms; the one sent back keeps what was typed and its errors."""
    today = now().date()
    db = db_session()
    return render_template(
        "reporting/issue.html",
        donor_form=donor_form or _donor_form(db, data={"start": dt.date(today.year, 1, 1),
                                                       "end": today}),
        fund_form=fund_form or FundStatementForm(prefix="fund", data={"year": today.year - 1,
                                                                      "end": today}),
        pack_form=pack_form or MeetingPackForm(prefix="pack", data={"meeting": today}),
        refusal=reason(refusal),
    )  # fmt: skip


def _donor_form(db: Session, **kwargs: Any) -> DonorStatementForm:
    form = DonorStatementForm(prefix="donor", **kwargs)
    form.donor.choices = [SelectChoice("", _("Choose a donor"))] + [
        SelectChoice(d.code, f"{d.code} — {d.name} ({LANGUAGE_LABELS[d.language]})"
                     + ("" if d.active else ", inactive"))
        for d in donors(db)
    ]  # fmt: skip
    return form


# --- verification ---------------------------------------------------------------------


@blueprint.route("/statements/verify", methods=["GET", "POST"])
@allow(*READERS)
def verify() -> Page:
    """Upload a PDF: is it a statement this fund issued, and unaltered?"""
    form = VerifyForm()
    if not form.validate_on_submit():
        status = 400 if form.is_submitted() else 200
        return render_template("reporting/verify.html", form=form, verdict=None), status
    trusted = trusted_certificate(SigningPaths.of(current_app.config))
    verdict = queries.verify(db_session(), form.file.data.read(), trusted)
    return render_template(
        "reporting/verify.html", form=VerifyForm(formdata=None), verdict=verdict,
        answer=queries.verdict_text(verdict), filename=(form.file.data.filename or "")[:200],
    )  # fmt: skip


# --- a donor's own statements ---------------------------------------------------------


@blueprint.get("/my/statements")
@allow(Role.DONOR)
def own() -> str:
    return _own_page(_own_form(own_donor()))


def _own_page(form: OwnStatementForm) -> str:
    db = db_session()
    donor = own_donor()
    return render_template(
        "reporting/own.html", donor=donor, statements=queries.statements(db, donor_id=donor.id),
        form=form, donor_names={donor.code: donor.name},
    )  # fmt: skip


@blueprint.post("/my/statements/request")
@allow(Role.DONOR)
def request_current() -> Page:
    """Issue the donor's statement for the period asked (this year to date unless told),
    in its language. Asked again the same day, the one issued earlier is the answer while
    its figures hold; once new entries changed them, a fresh one supersedes it (see
    ``issue_once_a_day``)."""
    db = db_session()
    donor = own_donor()
    form = _own_form(donor)
    if not form.validate_on_submit():
        return _own_page(form), 400
    start, end = _own_period(form, donor)
    try:
        statement, new = issue_once_a_day(
            db, request_actor(), Request.donor(donor.code, start, end),
            language=donor.language, archive=_archive(), signer=_signer(), now=now(),
        )  # fmt: skip
    except FundledgerError as refusal:
        db.rollback()
        flash(_("Your statement could not be issued: %(reason)s", reason=reason(refusal)))
        return redirect(url_for("statements.own"))
    number = statement.number
    earlier = None if statement.supersedes is None else statement.supersedes.number
    db.commit()
    if not new:
        flash(_("Your statement for this period was issued earlier today: %(number)s.",
                number=number))  # fmt: skip
    elif earlier is not None:
        flash(_("Issued %(number)s, your statement from %(start)s to %(end)s; it supersedes "
                "%(earlier)s, whose figures have changed since.", number=number,
                start=start.isoformat(), end=end.isoformat(), earlier=earlier))  # fmt: skip
    else:
        flash(
            _("Issued %(number)s, your statement from %(start)s to %(end)s.", number=number,
              start=start.isoformat(), end=end.isoformat())
        )  # fmt: skip
    return redirect(url_for("statements.own", _anchor=number))


def _own_form(donor: Donor) -> OwnStatementForm:
    """The donor's request form: the years from its first entry's to this one (to date),
    newest first; the Fund's first day and today bound a period."""
    db, today = db_session(), now().date()
    first = first_day(db, donor_id=donor.id) or today
    form = OwnStatementForm(data={"year": str(today.year), "start": dt.date(today.year, 1, 1),
                                  "end": today})  # fmt: skip
    form.year.choices = [SelectChoice(str(today.year), _("%(year)s, to date", year=today.year))] + [
        SelectChoice(str(year), str(year)) for year in range(today.year - 1, first.year - 1, -1)
    ]
    form.first_day, form.today = first_day(db), today
    return form


def _own_period(form: OwnStatementForm, donor: Donor) -> tuple[dt.date, dt.date]:
    """The days the statement covers, from a form that validated."""
    today = now().date()
    if form.covers.data == "period":
        return required(form.start.data), required(form.end.data)
    if form.covers.data == "life":
        return first_day(db_session(), donor_id=donor.id) or form.first_day or today, today
    year = int(form.year.data)
    return (dt.date(year, 1, 1), today) if year == today.year else fiscal_year(year)


# --- helpers --------------------------------------------------------------------------


def _archive() -> Path:
    return Path(current_app.config["STATEMENTS_DIR"])


def _signer() -> Signer:
    """The Fund's signing key (a missing one refuses the issue, saying what to configure)."""
    return load_signer(SigningPaths.of(current_app.config))


def _register_filters(known: Sequence[Donor]) -> RegisterFilterForm:
    form = RegisterFilterForm(request.args)
    form.donor.choices = [SelectChoice("", _("All donors"))] + [
        SelectChoice(d.code, f"{d.code} — {d.name}") for d in known
    ]
    return lists.checked(form)


def _register(filters: RegisterFilterForm, order: ListArgs) -> Select[StatementRecord]:
    """The statements the filters let through, in the order asked (the page and its export)."""
    query = queries.register_query(
        kind=StatementKind(filters.kind.data) if filters.kind.data else None,
        donor=filters.donor.data or None,
        year=filters.year.data,
    )
    return ordered(query, queries.REGISTER_SORTS, order)
