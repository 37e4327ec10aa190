"""Pledges announced and not yet signed, on the donor's pages: record one, record the
pledge once its agreement is signed, or withdraw it. Thin shells over
:mod:`fundledger.donors.announcements`; the donor's page lists them."""

from __future__ import annotations

from flask import url_for
from sqlalchemy.orm import Session

from fundledger.auth.access import allow
from fundledger.auth.models import Role
from fundledger.auth.sessions import request_actor
from fundledger.donors.announcements import announce_pledge, announcement_of, sign, withdraw
from fundledger.donors.forms import AnnouncementForm, SignAnnouncementForm, WithdrawAnnouncementForm
from fundledger.donors.models import Donor, PledgeAnnouncement
from fundledger.donors.views import _donor_or_404, _today, blueprint
from fundledger.errors import NotFound
from fundledger.web.database import db_session
from fundledger.web.fields import required
from fundledger.web.i18n import _, money
from fundledger.web.names import offer_currencies, offer_earmarks
from fundledger.web.pages import Page, form_page, template_page


@blueprint.route("/donors/<code>/announcements/new", methods=["GET", "POST"])
@allow(Role.SECRETARIAT)
def announce(code: str) -> Page:
    db = db_session()
    donor = _donor_or_404(db, code)
    form = AnnouncementForm(data={"announced_on": _today(), "currency": "USD"})
    offer_currencies(form.currency)
    offer_earmarks(form.earmark)

    def carry_out() -> tuple[str, str]:
        announced = announce_pledge(
            db, request_actor(), donor, announced_on=required(form.announced_on.data),
            amount=required(form.amount.data), currency=form.currency.data, rate=form.rate.data,
            earmark=form.earmark.data or None, reference=form.reference.data or None,
        )  # fmt: skip
        return (
            _("Recorded the announcement of %(amount)s, not yet signed: no total counts it.",
              amount=money(announced.amount, announced.currency)),
            _detail(donor),
        )  # fmt: skip

    page = template_page("donors/announcement_form.html", form, donor=donor)
    return form_page(form, carry_out, page)


@blueprint.route("/donors/<code>/announcements/<int:announcement_id>/sign",
                 methods=["GET", "POST"])  # fmt: skip
@allow(Role.SECRETARIAT)
def sign_announcement(code: str, announcement_id: int) -> Page:
    db = db_session()
    donor, announcement = _announcement_or_404(db, code, announcement_id)
    form = SignAnnouncementForm(data={"pledge_date": _today()})

    def carry_out() -> tuple[str, str]:
        pledge = sign(
            db, request_actor(), announcement, pledge_date=required(form.pledge_date.data),
            rate=form.rate.data, due_date=form.due.data, reference=form.reference.data or None,
        )  # fmt: skip
        return (
            _("Recorded pledge #%(id)s: %(amount)s, carried at %(usd)s.", id=pledge.id,
              amount=money(pledge.amount, pledge.currency), usd=money(pledge.usd_amount)),
            _detail(donor),
        )  # fmt: skip

    page = template_page("donors/announcement_sign.html", form, donor=donor,
                         announcement=announcement)  # fmt: skip
    return form_page(form, carry_out, page)


@blueprint.route("/donors/<code>/announcements/<int:announcement_id>/withdraw",
                 methods=["GET", "POST"])  # fmt: skip
@allow(Role.SECRETARIAT)
def withdraw_announcement(code: str, announcement_id: int) -> Page:
    db = db_session()
    donor, announcement = _announcement_or_404(db, code, announcement_id)
    form = WithdrawAnnouncementForm()

    def carry_out() -> tuple[str, str]:
        amount = money(announcement.amount, announcement.currency)
        withdraw(db, request_actor(), announcement, reason=required(form.reason.data))
        return _("Withdrew the announcement of %(amount)s.", amount=amount), _detail(donor)

    page = template_page("donors/announcement_withdraw.html", form, donor=donor,
                         announcement=announcement)  # fmt: skip
    return form_page(form, carry_out, page)


def _announcement_or_404(
    db: Session, code: str, announcement_id: int
) -> tuple[Donor, PledgeAnnouncement]:
    donor = _donor_or_404(db, code)
    announcement = announcement_of(db, donor, announcement_id)
    if announcement is None:
        raise NotFound(
            _("%(code)s has no announced pledge #%(id)s not yet signed.", code=donor.code,
              id=announcement_id)
        )  # fmt: skip
    return donor, announcement


def _detail(donor: Donor) -> str:
    return url_for("donors.detail", code=donor.code, _anchor="announced-heading")
