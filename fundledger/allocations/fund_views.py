"""Pages of the allocations area for the fund as a whole: funds available by pool,
refunds to donors and the fund's settings (its fiscal years are the ledger's pages)."""

from __future__ import annotations

from decimal import Decimal

from babel.numbers import format_percent
from flask import render_template, request, url_for
from sqlalchemy.orm import Session
from wtforms import SelectChoice

from fundledger.allocations import interest, pool_moves, queries
from fundledger.allocations.blueprint import (
    availability_now,
    blueprint,
    today,
)
from fundledger.allocations.forms import (
    InterestForm,
    ReEarmarkForm,
    RefundForm,
    SettingsForm,
)
from fundledger.allocations.pools import (
    UNRESTRICTED,
    ZERO,
    Availability,
)
from fundledger.allocations.settings import (
    SETTINGS,
    distributes_interest,
    get_setting,
    set_setting,
)
from fundledger.allocations.unusable import unusable_pools
from fundledger.auth import sessions
from fundledger.auth.access import READERS, allow
from fundledger.auth.models import Role
from fundledger.errors import FundledgerError
from fundledger.listing import sorted_rows
from fundledger.money import quantize
from fundledger.web import lists
from fundledger.web.database import db_session
from fundledger.web.downloads import Table, table_download
from fundledger.web.fields import required
from fundledger.web.i18n import _, request_language, usd
from fundledger.web.names import earmark_label, offer_earmarks, pool_label
from fundledger.web.pages import Page, form_page, reason, template_page

# --- funds available and refunds ------------------------------------------------------


@blueprint.get("/available")
@allow(*READERS)
def available() -> str:
    db = db_session()
    order = lists.order(queries.AVAILABLE_SORTS)
    pools = sorted_rows(availability_now(db).values(), queries.AVAILABLE_SORTS, order)
    return render_template(
        "allocations/available.html",
        pools=pools,
        order=order,
        totals=Availability(
            "total",
            sum((pool.money for pool in pools), ZERO),
            sum((pool.committed for pool in pools), ZERO),
        ),
        basis=get_setting(db, "availability_basis"),
    )


@table_download(blueprint, "/available", endpoint="available")
@allow(*READERS)
def available_table() -> Table:
    order = lists.order(queries.AVAILABLE_SORTS)
    rows = [
        (p.pool, pool_label(p.pool), quantize(p.money), quantize(p.committed),
         quantize(p.available))
        for p in sorted_rows(
            availability_now(db_session()).values(), queries.AVAILABLE_SORTS, order
        )
    ]  # fmt: skip
    return Table("available", ("pool", "pool_name", "money", "committed", "available"), rows)


@blueprint.route("/refunds/new", methods=["GET", "POST"])
@allow(Role.SECRETARIAT)
def refund() -> Page:
    db = db_session()
    form = RefundForm(data={"pool": request.args.get("pool", ""), "on": today()}, scope=[])
    pools = [pool for key, pool in availability_now(db).items() if key != UNRESTRICTED]
    form.pool.choices = [_pool_choice(p.pool, p.available) for p in pools]

    def carry_out() -> tuple[str, str]:
        entry = pool_moves.refund_to_donor(
            db, sessions.request_actor(), pool=form.pool.data, amount=required(form.amount.data),
            on=required(form.on.data), reason=form.reason.data,
            idempotency_key=form.idempotency_key(),
        )  # fmt: skip
        return (
            _("%(amount)s from %(pool)s is refunded: entry #%(number)s.",
              amount=usd(required(form.amount.data)), pool=pool_label(form.pool.data),
              number=entry.number),
            url_for(".available"),
        )  # fmt: skip

    return form_page(form, carry_out, template_page("allocations/refund.html", form))


@blueprint.route("/interest/new", methods=["GET", "POST"])
@allow(Role.SECRETARIAT)
def record_interest() -> Page:
    db = db_session()
    form = InterestForm(data={"on": today()}, scope=[])

    def carry_out() -> tuple[str, str]:
        entry = interest.record_interest(
            db, sessions.request_actor(), on=required(form.on.data),
            amount=required(form.amount.data), reference=form.reference.data,
            idempotency_key=form.idempotency_key(),
        )  # fmt: skip
        return (
            _("Interest of %(amount)s is recorded: entry #%(number)s.",
              amount=usd(required(form.amount.data)), number=entry.number),
            url_for(".available"),
        )  # fmt: skip

    return form_page(form, carry_out, template_page(
        "allocations/interest.html", form, shared=distributes_interest(db)))  # fmt: skip


@blueprint.route("/re-earmark", methods=["GET", "POST"])
@allow(Role.SECRETARIAT)
def re_earmark() -> Page:
    db = db_session()
    form = ReEarmarkForm(data={"pool": request.args.get("pool", ""), "on": today()}, scope=[])
    form.pool.choices = [_pool_choice(p.pool, p.available) for p in unusable_pools(db)]
    offer_earmarks(form.to, blank=_("Choose the new earmark"))

    def carry_out() -> tuple[str, str]:
        entry = pool_moves.re_earmark(
            db, sessions.request_actor(), pool=form.pool.data, to=form.to.data,
            amount=required(form.amount.data), on=required(form.on.data), reason=form.reason.data,
            idempotency_key=form.idempotency_key(),
        )  # fmt: skip
        return (
            _("%(amount)s from %(pool)s is re-earmarked to %(earmark)s: entry #%(number)s.",
              amount=usd(required(form.amount.data)), pool=pool_label(form.pool.data),
              earmark=earmark_label(form.to.data), number=entry.number),
            url_for(".available"),
        )  # fmt: skip

    return form_page(form, carry_out, template_page("allocations/re_earmark.html", form))


def _pool_choice(key: str, available: Decimal) -> SelectChoice:
    return SelectChoice(
        key, _("%(pool)s: %(amount)s available", pool=pool_label(key), amount=usd(available))
    )


# --- the fund's settings --------------------------------------------------------------


@blueprint.get("/settings")
@allow(*READERS)
def settings() -> Page:
    db = db_session()
    return _settings_page(db, SettingsForm(data=_settings_data(db)), None)


@blueprint.post("/settings")
@allow(Role.ADMIN)
def change_settings() -> Page:
    db = db_session()
    form = SettingsForm()

    def carry_out() -> tuple[str, str]:
        actor = sessions.request_actor()
        for key, value in _settings_data(db).items():
            if form[key].data != value:
                set_setting(db, actor, key, form[key].data)
        return _("The settings are saved."), url_for(".settings")

    return form_page(form, carry_out, lambda refusal: _settings_page(db, form, refusal))


# --- helpers --------------------------------------------------------------------------


def _settings_data(db: Session) -> dict[str, str]:
    return {key: get_setting(db, key) for key in SETTINGS}


def _settings_page(db: Session, form: SettingsForm, refusal: FundledgerError | None) -> str:
    return render_template(
        "allocations/settings.html", form=form, settings=_settings_in_force(db),
        refusal=reason(refusal),
    )  # fmt: skip


def _settings_in_force(db: Session) -> list[tuple[str, str]]:
    """Each setting as the form names it, with its value in words in the reader's language
    (the keys and codes, ``pro_rata``, are the command line's): the rate as a percentage."""
    current = SettingsForm(formdata=None, data=_settings_data(db), meta={"csrf": False})
    rows = []
    for key in SETTINGS:
        field = current[key]
        if key == "indirect_cost_rate":
            value = format_percent(Decimal(field.data), locale=request_language().locale)
        else:
            labels = {choice.value: choice.label for choice in field.choices}
            value = str(labels.get(field.data, field.data))
        rows.append((str(field.label.text), value))
    return rows
