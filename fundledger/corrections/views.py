"""Corrections' pages: reverse an entry, a receipt or a pledge; the Secretariat's list of
reversals waiting for a second approver; the administrator's threshold. Thin shells over
:mod:`fundledger.corrections.operations`."""

from __future__ import annotations

from flask import Blueprint, render_template, url_for

from fundledger.auth.access import allow
from fundledger.auth.models import Role
from fundledger.auth.sessions import request_actor
from fundledger.clock import today
from fundledger.corrections import operations, queries
from fundledger.corrections.forms import DecisionForm, ReverseForm, ThresholdForm, WithdrawForm
from fundledger.corrections.models import ReversalRequest
from fundledger.corrections.operations import CorrectionRefused
from fundledger.donors.models import ExchangeRate, Pledge, Receipt
from fundledger.errors import FundledgerError, NotFound
from fundledger.ledger.models import JournalEntry
from fundledger.ledger.queries import entry_by_number
from fundledger.web.database import db_session
from fundledger.web.fields import required
from fundledger.web.i18n import _
from fundledger.web.pages import Page, form_page, reason, template_page

blueprint = Blueprint("corrections", __name__)


@blueprint.route("/journal/<int:number>/reverse", methods=["GET", "POST"])
@allow(Role.SECRETARIAT)
def reverse_entry(number: int) -> Page:
    entry = entry_by_number(db_session(), number)
    if entry is None:
        raise NotFound(_("There is no journal entry #%(number)s.", number=number))
    return _reverse(entry, url_for(".reverse_entry", number=number))


@blueprint.route("/donors/<code>/receipts/<int:receipt_id>/reverse", methods=["GET", "POST"])
@allow(Role.SECRETARIAT)
def reverse_receipt(code: str, receipt_id: int) -> Page:
    receipt = db_session().get(Receipt, receipt_id)
    if receipt is None or receipt.donor.code != code:
        raise NotFound(_("%(code)s has no receipt #%(id)s.", code=code, id=receipt_id))
    return _reverse(_entry(receipt.entry_id),
                    url_for(".reverse_receipt", code=code, receipt_id=receipt_id))  # fmt: skip


@blueprint.route("/donors/<code>/pledges/<int:pledge_id>/reverse", methods=["GET", "POST"])
@allow(Role.SECRETARIAT)
def reverse_pledge(code: str, pledge_id: int) -> Page:
    pledge = db_session().get(Pledge, pledge_id)
    if pledge is None or pledge.donor.code != code:
        raise NotFound(_("%(code)s has no pledge #%(id)s.", code=code, id=pledge_id))
    return _reverse(_entry(pledge.entry_id),
                    url_for(".reverse_pledge", code=code, pledge_id=pledge_id))  # fmt: skip


@blueprint.route("/rates/<int:rate_id>/reverse", methods=["GET", "POST"])
@allow(Role.SECRETARIAT)
def reverse_rate(rate_id: int) -> Page:
    db = db_session()
    rate = db.get(ExchangeRate, rate_id)
    if rate is None:
        raise NotFound(_("There is no rate %(id)s.", id=rate_id))
    form = WithdrawForm()
    currency, day = rate.currency, rate.rate_date

    def carry_out() -> tuple[str, str]:
        operations.withdraw_rate(db, request_actor(), rate, reason=form.reason.data or "")
        return _("The %(currency)s rate of %(day)s is withdrawn.", currency=currency,
                 day=day.isoformat()), url_for("donors.rates")  # fmt: skip

    return form_page(form, carry_out, template_page("corrections/withdraw_rate.html", form,
                                                    rate=rate))  # fmt: skip


@blueprint.get("/reversals")
@allow(Role.SECRETARIAT)
def requests() -> str:
    return _requests_page(None)


@blueprint.post("/reversals/<int:request_id>")
@allow(Role.SECRETARIAT)
def decide(request_id: int) -> Page:
    db = db_session()
    found = db.get(ReversalRequest, request_id)
    if found is None:
        raise NotFound(_("There is no reversal request %(id)s.", id=request_id))
    form = DecisionForm(prefix=f"decide-{request_id}")

    def carry_out() -> tuple[str, str]:
        if form.refuse.data:
            operations.refuse(db, request_actor(), found, note=form.note.data or "")
            return _("The reversal of entry #%(number)s is refused.",
                     number=found.entry.number), url_for(".requests")  # fmt: skip
        if not form.approve.data:
            raise CorrectionRefused(_("Choose to approve or to refuse."))
        reversal = operations.approve(db, request_actor(), found, note=form.note.data or "")
        return _("Entry #%(number)s is reversed by #%(reversal)s.",
                 number=found.entry.number, reversal=reversal.number), (
            url_for("ledger.entry", number=reversal.number))  # fmt: skip

    def redisplay(refusal: FundledgerError | None) -> str:
        return _requests_page(reason(refusal), failed=(request_id, form))

    return form_page(form, carry_out, redisplay)


@blueprint.route("/reversals/threshold", methods=["GET", "POST"])
@allow(Role.ADMIN)
def threshold() -> Page:
    db = db_session()
    form = ThresholdForm(data={"threshold": operations.threshold(db)})

    def carry_out() -> tuple[str, str]:
        operations.set_threshold(db, request_actor(), form.threshold.data)
        return _("The approval threshold is saved."), url_for(".threshold")

    return form_page(form, carry_out, template_page("corrections/threshold.html", form))


# --- helpers --------------------------------------------------------------------------


def _entry(entry_id: int) -> JournalEntry:
    return db_session().get_one(JournalEntry, entry_id)


def _reverse(entry: JournalEntry, action: str) -> Page:
    db = db_session()
    form = ReverseForm(data={"on": today()})

    def carry_out() -> tuple[str, str]:
        outcome = operations.reverse(
            db, request_actor(), entry, reason=form.reason.data or "", on=required(form.on.data)
        )
        if outcome.reversal is not None:
            return _("Entry #%(number)s is reversed by #%(reversal)s.", number=entry.number,
                     reversal=outcome.reversal.number), (
                url_for("ledger.entry", number=outcome.reversal.number))  # fmt: skip
        return _("The reversal of entry #%(number)s waits for a second Secretariat user's "
                 "approval.", number=entry.number), url_for(".requests")  # fmt: skip

    page = template_page(
        "corrections/reverse.html", form, entry=entry, action=action,
        total=operations.entry_total(entry), limit=operations.threshold(db),
        pending=queries.pending_for(db, entry.id),
    )  # fmt: skip
    return form_page(form, carry_out, page)


def _requests_page(
    refusal: str | None, failed: tuple[int, DecisionForm] | None = None
) -> str:
    db = db_session()
    pending = queries.pending_requests(db)
    forms = {r.id: DecisionForm(prefix=f"decide-{r.id}", formdata=None) for r in pending}
    if failed is not None:
        forms[failed[0]] = failed[1]
    return render_template(
        "corrections/requests.html", pending=pending, forms=forms, refusal=refusal,
        failed=None if failed is None else failed[0], decided=queries.decided_requests(db),
        me=request_actor().name, totals={r.id: operations.entry_total(r.entry) for r in pending},
    )  # fmt: skip

