"""The contribution pages (issue 3, item 7): donors, pledges, receipts, unapplied credit,
exchange rates; and a donor login's own page (the fund's pledge and receipt lists and the
ageing report are in fund_views.py, the CSV import in import_views.py).

Everyone who reads the books reads these pages; only the Secretariat changes anything.
A donor login sees its own donor and nothing of any other (another's code reads as an
unknown one). Each change is one operation, committed once, then a redirect.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from flask import (
    Blueprint,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_wtf import FlaskForm
from sqlalchemy import Select
from sqlalchemy.orm import Session
from werkzeug.wrappers import Response
from wtforms import SelectChoice

from fundledger.auth.access import READERS, allow, check_donor, own_donor
from fundledger.auth.models import Role
from fundledger.auth.sessions import now, request_actor
from fundledger.clock import local_date
from fundledger.documents import views as documents
from fundledger.documents.models import OwnerKind
from fundledger.donors import listings, operations, queries
from fundledger.donors.announcements import unsigned
from fundledger.donors.errors import MissingRate
from fundledger.donors.forms import (
    LANGUAGE_LABELS,
    TYPE_LABELS,
    CreditForm,
    DonorFilterForm,
    DonorForm,
    NewDonorForm,
    PledgeForm,
    RateFilterForm,
    RateForm,
    ReceiptForm,
    ReduceForm,
)
from fundledger.donors.models import Donor, ExchangeRate, Pledge
from fundledger.donors.pledges import record_pledge, reduce_pledge
from fundledger.donors.receipts import apply_credit, record_receipt
from fundledger.errors import FundledgerError, NotFound
from fundledger.ledger.queries import entry_numbers
from fundledger.listing import ListArgs, ordered, page_of
from fundledger.web import lists
from fundledger.web.database import db_session
from fundledger.web.downloads import Table, table_download
from fundledger.web.fields import required
from fundledger.web.filters import format_day, format_rate
from fundledger.web.i18n import _, money
from fundledger.web.names import (
    COMMON_CURRENCIES,
    earmark_label,
    offer_currencies,
    offer_earmarks,
)
from fundledger.web.pages import Page, Redisplay, form_page, reason

blueprint = Blueprint("donors", __name__)

DONOR_COLUMNS = ("code", "name", "type", "country", "language", "active")


@blueprint.context_processor
def _labels() -> dict[str, Any]:
    return {
        "type_labels": TYPE_LABELS,
        "language_labels": LANGUAGE_LABELS,
        "common_currencies": COMMON_CURRENCIES,
    }


# --- donors ---------------------------------------------------------------------------


@blueprint.get("/donors")
@allow(*READERS)
def index() -> str:
    filters, order = _donor_filters(), lists.order(listings.DONOR_SORTS)
    page = page_of(db_session(), _donors(filters, order), order)
    return render_template("donors/list.html", page=page, filters=filters, order=order)


@table_download(blueprint, "/donors", endpoint="index")
@allow(*READERS)
def index_table() -> Table:
    donors = db_session().scalars(_donors(_donor_filters(), lists.order(listings.DONOR_SORTS)))
    rows = [
        (d.code, d.name, d.type, d.country, d.language, "yes" if d.active else "no")
        for d in donors
    ]
    return Table("donors", DONOR_COLUMNS, rows)


@blueprint.get("/donors/<code>")
@allow(*READERS, Role.DONOR)
def detail(code: str) -> str:
    db = db_session()
    return _donor_page(db, _donor_or_404(db, code))


@blueprint.get("/donor")
@allow(Role.DONOR)
def own() -> str:
    """A donor login's own page (its address is the same for every donor login)."""
    return _donor_page(db_session(), own_donor())


@blueprint.route("/donors/new", methods=["GET", "POST"])
@allow(Role.SECRETARIAT)
def new() -> Page:
    form = NewDonorForm()
    if form.validate_on_submit() and not form.confirm.data:
        similar = queries.similar_donors(
            db_session(), name=form.name.data or "", country=form.country.data or None
        )
        if similar:  # a warning, not a refusal: shown once, with the box to go ahead
            return _shown("donors/donor_form.html", form, donor=None, similar=similar)(None), 409

    def carry_out() -> tuple[str, str]:
        donor = operations.create_donor(
            db_session(), request_actor(), code=form.code.data, name=form.name.data,
            type=form.type.data, country=form.country.data or None,
            language=form.language.data, contact=form.contact.data or None,
            anonymous=form.anonymous.data, names=form.names(),
        )  # fmt: skip
        return (
            _("Added donor %(code)s — %(name)s.", code=donor.code, name=donor.name),
            url_for("donors.detail", code=donor.code),
        )

    return form_page(
        form, carry_out, _shown("donors/donor_form.html", form, donor=None, similar=[])
    )


@blueprint.route("/donors/<code>/edit", methods=["GET", "POST"])
@allow(Role.SECRETARIAT)
def edit(code: str) -> Page:
    db = db_session()
    donor = _donor_or_404(db, code)
    form = DonorForm(obj=donor)

    def carry_out() -> tuple[str, str]:
        operations.update_donor(
            db, request_actor(), donor, name=form.name.data, country=form.country.data or None,
            language=form.language.data, contact=form.contact.data or None,
            anonymous=form.anonymous.data, names=form.names(),
        )  # fmt: skip
        return _("Saved donor %(code)s.", code=donor.code), _detail(donor)

    return form_page(form, carry_out, _shown("donors/donor_form.html", form, donor=donor))


@blueprint.post("/donors/<code>/deactivate")
@allow(Role.SECRETARIAT)
def deactivate(code: str) -> Response:
    return _set_active(code, active=False)


@blueprint.post("/donors/<code>/reactivate")
@allow(Role.SECRETARIAT)
def reactivate(code: str) -> Response:
    return _set_active(code, active=True)


def _set_active(code: str, *, active: bool) -> Response:
    db = db_session()
    donor = operations.set_donor_active(db, request_actor(), _donor_or_404(db, code), active)
    db.commit()
    if active:
        flash(_("%(code)s is active again: it may pledge and pay.", code=donor.code))
    else:
        flash(
            _(
                "%(code)s is deactivated: no new pledges or receipts; its history stays.",
                code=donor.code,
            )
        )
    return redirect(url_for("donors.detail", code=donor.code))


# --- pledges --------------------------------------------------------------------------


@blueprint.route("/donors/<code>/pledges/new", methods=["GET", "POST"])
@allow(Role.SECRETARIAT)
def new_pledge(code: str) -> Page:
    db = db_session()
    donor = _donor_or_404(db, code)
    form = PledgeForm(data={"pledge_date": _today(), "currency": "USD"}, scope=[donor.code])
    offer_currencies(form.currency)
    offer_earmarks(form.earmark)

    def carry_out() -> tuple[str, str]:
        _keep_rate(db, form, required(form.pledge_date.data))
        pledge = record_pledge(
            db, request_actor(), donor, pledge_date=required(form.pledge_date.data),
            amount=required(form.amount.data), currency=form.currency.data, rate=form.rate.data,
            earmark=form.earmark.data or None, due_date=form.due.data,
            reference=form.reference.data or None, instalments=form.schedule(),
            idempotency_key=form.idempotency_key(),
        )  # fmt: skip
        return (
            _("Recorded pledge #%(id)s: %(amount)s, carried at %(usd)s.", id=pledge.id,
              amount=money(pledge.amount, pledge.currency), usd=money(pledge.usd_amount)),
            _detail(donor),
        )  # fmt: skip

    return form_page(form, carry_out, _shown("donors/pledge_form.html", form, donor=donor))


@blueprint.route("/donors/<code>/pledges/<int:pledge_id>/reduce", methods=["GET", "POST"])
@allow(Role.SECRETARIAT)
def reduce(code: str, pledge_id: int) -> Page:
    db = db_session()
    donor, pledge = _pledge_or_404(db, code, pledge_id)
    form = ReduceForm(data={"on": _today()}, scope=[donor.code, pledge.id])
    page = {"donor": donor, "pledge": pledge, "status": _status(db, pledge)}

    def carry_out() -> tuple[str, str]:
        reduction = reduce_pledge(
            db, request_actor(), pledge, on=required(form.on.data), reason=form.reason.data,
            amount=form.reduction, idempotency_key=form.idempotency_key(),
        )  # fmt: skip
        amount = money(reduction.amount, pledge.currency)
        if reduction.cancellation:
            return _("Pledge #%(id)s: Cancelled %(amount)s.", id=pledge.id, amount=amount), (
                _detail(donor)
            )
        return _("Pledge #%(id)s: Reduced by %(amount)s.", id=pledge.id, amount=amount), (
            _detail(donor)
        )

    return form_page(form, carry_out, _shown("donors/reduce_form.html", form, **page))


@blueprint.route("/donors/<code>/pledges/<int:pledge_id>/apply-credit", methods=["GET", "POST"])
@allow(Role.SECRETARIAT)
def credit(code: str, pledge_id: int) -> Page:
    db = db_session()
    donor, pledge = _pledge_or_404(db, code, pledge_id)
    form = CreditForm(data={"on": _today()}, scope=[donor.code, pledge.id])
    credits = [c for c in listings.credits_of(db, donor) if c.receipt.currency == pledge.currency]
    page = {"donor": donor, "pledge": pledge, "status": _status(db, pledge), "credits": credits}

    def carry_out() -> tuple[str, str]:
        applied = apply_credit(
            db, request_actor(), pledge, on=required(form.on.data), amount=form.amount.data,
            idempotency_key=form.idempotency_key(),
        )  # fmt: skip
        total = sum((application.amount for application in applied), Decimal(0))
        return (
            _("Applied %(amount)s of unapplied credit to pledge #%(id)s.",
              amount=money(total, pledge.currency), id=pledge.id),
            _detail(donor),
        )  # fmt: skip

    return form_page(form, carry_out, _shown("donors/credit_form.html", form, **page))


# --- receipts -------------------------------------------------------------------------


@blueprint.route("/donors/<code>/receipts/new", methods=["GET", "POST"])
@allow(Role.SECRETARIAT)
def new_receipt(code: str) -> Page:
    db = db_session()
    donor = _donor_or_404(db, code)
    outstanding = [s for s in queries.pledge_statuses(db, donor) if s.outstanding > 0]
    form = ReceiptForm(data={"value_date": _today(), "currency": "USD"}, scope=[donor.code])
    offer_currencies(form.currency)
    offer_earmarks(form.earmark)
    form.pledges.choices = [SelectChoice(s.pledge.id, _pledge_label(s)) for s in outstanding]
    by_id = {s.pledge.id: s.pledge for s in outstanding}

    def carry_out() -> tuple[str, str]:
        _keep_rate(db, form, required(form.value_date.data))
        receipt = record_receipt(
            db, request_actor(), donor, value_date=required(form.value_date.data),
            amount=required(form.amount.data), currency=form.currency.data, rate=form.rate.data,
            charges=Decimal(0) if form.charges.data is None else form.charges.data,
            pledges=[by_id[pledge_id] for pledge_id in form.pledges.data],
            unpledged=form.kind.data == "unpledged", earmark=form.earmark.data or None,
            overpayment=form.overpayment.data, reference=form.reference.data or None,
            idempotency_key=form.idempotency_key(),
        )  # fmt: skip
        recorded = {"id": receipt.id, "amount": money(receipt.amount, receipt.currency),
                    "paid": money(receipt.usd_amount + receipt.usd_charges)}  # fmt: skip
        if receipt.unapplied_usd:
            return _("Recorded receipt #%(id)s: %(amount)s credited, %(paid)s with the "
                     "charges; %(held)s held as unapplied credit.",
                     held=money(receipt.unapplied_usd), **recorded), _detail(donor)  # fmt: skip
        return _("Recorded receipt #%(id)s: %(amount)s credited, %(paid)s with the charges.",
                 **recorded), _detail(donor)  # fmt: skip

    return form_page(form, carry_out, _shown("donors/receipt_form.html", form, donor=donor))


# --- rates ----------------------------------------------------------------------------


@blueprint.get("/rates")
@allow(*READERS)
def rates() -> str:
    filters, order = _rate_filters(), lists.order(listings.RATE_SORTS)
    page = page_of(db_session(), _rates(filters, order), order)
    return render_template("donors/rates.html", page=page, filters=filters, order=order)


@table_download(blueprint, "/rates", endpoint="rates")
@allow(*READERS)
def rates_table() -> Table:
    rates = db_session().scalars(_rates(_rate_filters(), lists.order(listings.RATE_SORTS)))
    rows = [(r.currency, r.rate_date, r.rate.normalize(), r.entered_by) for r in rates]
    return Table("rates", ("currency", "date", "usd_per_unit", "set_by"), rows)


@blueprint.route("/rates/new", methods=["GET", "POST"])
@allow(Role.SECRETARIAT)
def set_rate() -> Page:
    """The rate form; ``?currency=EUR&date=2025-02-10`` fills it in (from a missing rate)."""
    form = RateForm(data={"currency": request.args.get("currency", "")[:3],
                          "rate_date": request.args.get("date", "")[:10] or _today()})  # fmt: skip

    def carry_out() -> tuple[str, str]:
        saved = operations.set_rate(
            db_session(), request_actor(), currency=form.currency.data,
            on=required(form.rate_date.data), rate=required(form.rate.data),
        )  # fmt: skip
        return (
            _("%(currency)s on %(day)s: %(rate)s USD per unit.", currency=saved.currency,
              day=saved.rate_date, rate=format(saved.rate.normalize(), "f")),
            url_for("donors.rates", currency=saved.currency),
        )  # fmt: skip

    return form_page(form, carry_out, _shown("donors/rate_form.html", form))


# --- helpers --------------------------------------------------------------------------


def _donor_or_404(db: Session, code: str) -> Donor:
    """The donor, if this user may see it; an unknown donor and another donor's (for a
    donor login) get the same answer."""
    donor = queries.donor_by_code(db, code) if len(code) <= 40 else None
    if donor is None:
        raise NotFound(_("There is no such donor."))
    check_donor(donor.id)
    return donor


def _pledge_or_404(db: Session, code: str, pledge_id: int) -> tuple[Donor, Pledge]:
    donor = _donor_or_404(db, code)
    pledge = listings.pledge_of(db, donor, pledge_id)
    if pledge is None:
        raise NotFound(_("%(code)s has no pledge #%(id)s.", code=donor.code, id=pledge_id))
    return donor, pledge


def _donor_page(db: Session, donor: Donor) -> str:
    statuses = queries.pledge_statuses(db, donor)
    return render_template(
        "donors/detail.html",
        donor=donor,
        position=queries.donor_position(db, donor),
        statuses=statuses,
        announced=unsigned(db, donor),
        pledge_entries=entry_numbers(db, (s.pledge.entry_id for s in statuses)),
        receipts=listings.receipts_of(db, donor),
        earmarks=listings.earmarks_of(db, donor),
        credits=listings.credits_of(db, donor),
        **documents.section(db, _document_owners(donor, statuses)),
    )


def _document_owners(
    donor: Donor, statuses: list[queries.PledgeStatus]
) -> list[tuple[OwnerKind, int, str]]:
    """The records the donor page shows documents of: the donor and its pledges."""
    pledges = [(OwnerKind.PLEDGE, s.pledge.id, _("Pledge #%(id)s", id=s.pledge.id))
               for s in statuses]  # fmt: skip
    return [(OwnerKind.DONOR, donor.id, donor.name), *pledges]


def _status(db: Session, pledge: Pledge) -> queries.PledgeStatus:
    donor = pledge.donor
    return next(s for s in queries.pledge_statuses(db, donor) if s.pledge.id == pledge.id)


def _pledge_label(status: queries.PledgeStatus) -> str:
    pledge = status.pledge
    values = {
        "id": pledge.id,
        "day": pledge.pledge_date.isoformat(),
        "outstanding": money(status.outstanding, pledge.currency),
        "amount": money(pledge.amount, pledge.currency),
        "earmark": earmark_label(pledge.earmark),
    }
    if pledge.earmark:
        return _("#%(id)s of %(day)s: %(outstanding)s outstanding of %(amount)s, earmarked "
                 "%(earmark)s", **values)  # fmt: skip
    return _("#%(id)s of %(day)s: %(outstanding)s outstanding of %(amount)s", **values)


def _today() -> dt.date:
    return local_date(now())


def _donor_filters() -> DonorFilterForm:
    return lists.checked(DonorFilterForm(request.args))


def _donors(filters: DonorFilterForm, order: ListArgs) -> Select[Donor]:
    """The donors the filters let through, in the order asked (the page and its export)."""
    query = listings.donors_query(type=filters.type.data or None, active=filters.active_only)
    return ordered(query, listings.DONOR_SORTS, order)


def _rate_filters() -> RateFilterForm:
    return lists.checked(RateFilterForm(request.args))


def _rates(filters: RateFilterForm, order: ListArgs) -> Select[ExchangeRate]:
    query = listings.rates_query(currency=filters.currency.data or None)
    return ordered(query, listings.RATE_SORTS, order)


def _keep_rate(db: Session, form: PledgeForm | ReceiptForm, on: dt.date) -> None:
    """The rate typed on a pledge or receipt form, kept in the rate table for its day when
    the box asks for it: through the rate service, in the same transaction as the entry
    (a refused entry keeps no rate)."""
    if form.save_rate.data and form.rate.data is not None:
        operations.set_rate(
            db, request_actor(), currency=form.currency.data, on=on, rate=form.rate.data
        )


def _shown(template: str, form: FlaskForm, **context: Any) -> Redisplay:
    """A contribution form's page. A missing rate's refusal becomes the rate field's
    error, naming the last known rate, and ticks the box that keeps the rate typed: the
    rate is given in place, and nothing typed is lost."""

    def render(refusal: FundledgerError | None) -> str:
        missing = isinstance(refusal, MissingRate)
        if missing and isinstance(form, PledgeForm | ReceiptForm):
            _ask_for_rate(form)
        return render_template(
            template, form=form, refusal=None if missing else reason(refusal), **context
        )

    return render


def _ask_for_rate(form: PledgeForm | ReceiptForm) -> None:
    day = required(form.pledge_date.data if isinstance(form, PledgeForm) else form.value_date.data)
    currency = form.currency.data
    last = listings.last_rate(db_session(), currency, day)
    values = {"currency": currency, "day": format_day(day)}
    if last is None:
        message = _("There is no %(currency)s rate for %(day)s: enter it here, in USD per unit.",
                    **values)  # fmt: skip
    else:
        message = _("There is no %(currency)s rate for %(day)s: enter it here, in USD per "
                    "unit. The last known rate is %(rate)s, of %(last_day)s.",
                    rate=format_rate(last.rate.normalize()), last_day=format_day(last.rate_date),
                    **values)  # fmt: skip
    form.rate.errors = [message]
    form.save_rate.data = True


def _detail(donor: Donor) -> str:
    return url_for("donors.detail", code=donor.code)
