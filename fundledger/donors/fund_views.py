"""The fund's pledges and receipts, across donors, and the ageing of what is owed."""

from __future__ import annotations

import datetime as dt
from typing import TypeVar

from flask import (
    render_template,
    request,
)
from sqlalchemy import Select
from sqlalchemy.orm import Session

from fundledger.auth.access import READERS, allow
from fundledger.auth.sessions import now
from fundledger.donors import listings, queries
from fundledger.donors.forms import (
    AsOfForm,
    ContributionFilterForm,
    PledgeFilterForm,
)
from fundledger.donors.models import Receipt
from fundledger.donors.views import blueprint
from fundledger.listing import ListArgs, ordered, page_of, page_of_rows, sorted_rows
from fundledger.money import quantize
from fundledger.web import lists
from fundledger.web.database import db_session
from fundledger.web.downloads import Table, table_download
from fundledger.web.names import donor_name, earmark_label

# --- the fund's pledges and receipts --------------------------------------------------


@blueprint.get("/pledges")
@allow(*READERS)
def pledges() -> str:
    db = db_session()
    filters, order = _with_donors(db, PledgeFilterForm()), lists.order(listings.PLEDGE_SORTS)
    page = page_of_rows(_pledges(db, filters, order), order)
    return render_template("donors/pledges.html", page=page, filters=filters, order=order)


@table_download(blueprint, "/pledges", endpoint="pledges")
@allow(*READERS)
def pledges_table() -> Table:
    db = db_session()
    filters, order = _with_donors(db, PledgeFilterForm()), lists.order(listings.PLEDGE_SORTS)
    rows = [
        (p.id, p.donor.code, donor_name(p.donor), p.pledge_date, p.currency, quantize(p.amount),
         p.rate.normalize(), quantize(p.usd_amount), quantize(s.outstanding),
         quantize(s.outstanding_usd), p.due_date, p.earmark, earmark_label(p.earmark),
         p.reference)
        for s in _pledges(db, filters, order)
        for p in (s.pledge,)
    ]  # fmt: skip
    header = ("id", "donor", "donor_name", "date", "currency", "amount", "rate", "usd",
              "outstanding", "outstanding_usd", "due", "earmark", "earmark_name",
              "reference")  # fmt: skip
    return Table("pledges", header, rows)


@blueprint.get("/receipts")
@allow(*READERS)
def receipts() -> str:
    db = db_session()
    filters, order = _with_donors(db, ContributionFilterForm()), lists.order(listings.RECEIPT_SORTS)
    page = page_of(db, _receipts(db, filters, order), order)
    return render_template("donors/receipts.html", page=page, filters=filters, order=order)


@table_download(blueprint, "/receipts", endpoint="receipts")
@allow(*READERS)
def receipts_table() -> Table:
    db = db_session()
    filters, order = _with_donors(db, ContributionFilterForm()), lists.order(listings.RECEIPT_SORTS)
    rows = [
        (r.id, r.donor.code, donor_name(r.donor), r.value_date, r.currency, quantize(r.amount),
         quantize(r.charges), r.rate.normalize(), quantize(r.usd_amount),
         quantize(r.usd_charges), quantize(r.unapplied_usd), r.earmark,
         earmark_label(r.earmark), r.reference)
        for r in db.scalars(_receipts(db, filters, order))
    ]  # fmt: skip
    header = ("id", "donor", "donor_name", "date", "currency", "amount", "charges", "rate",
              "usd", "usd_charges", "unapplied_usd", "earmark", "earmark_name",
              "reference")  # fmt: skip
    return Table("receipts", header, rows)


# --- ageing ---------------------------------------------------------------------------


@blueprint.get("/reports/ageing")
@allow(*READERS)
def ageing() -> str:
    (filters, as_of), order = _ageing_filters(), lists.order(listings.AGEING_SORTS)
    rows = sorted_rows(queries.ageing(db_session(), as_of), listings.AGEING_SORTS, order)
    return render_template(
        "donors/ageing.html", rows=rows, as_of=as_of, buckets=queries.AGE_BUCKETS,
        filters=filters, order=order, total=queries.ageing_total(rows),
    )  # fmt: skip


@table_download(blueprint, "/reports/ageing", endpoint="ageing")
@allow(*READERS)
def ageing_table() -> Table:
    (_filters, as_of), order = _ageing_filters(), lists.order(listings.AGEING_SORTS)
    buckets = [name for name, _, _ in queries.AGE_BUCKETS]
    rows = [
        (row.donor.code, quantize(row.not_due),
         *(quantize(row.overdue[name]) for name in buckets), quantize(row.total))
        for row in sorted_rows(queries.ageing(db_session(), as_of), listings.AGEING_SORTS, order)
    ]  # fmt: skip
    header = ("donor", "not_due", *buckets, "total")
    return Table(f"ageing-{as_of.isoformat()}", header, rows)


# --- helpers --------------------------------------------------------------------------


def _ageing_filters() -> tuple[AsOfForm, dt.date]:
    """The report's date: the one asked for, or today (shown in its form)."""
    form = lists.checked(AsOfForm(request.args))
    as_of = form.as_of.data = form.as_of.data or now().date()
    return form, as_of


F = TypeVar("F", bound=ContributionFilterForm)


def _with_donors(db: Session, form: F) -> F:
    """A contribution filter form read from the query string, offering every donor."""
    lists.offer(form.donor, sorted(queries.donor_codes(db).values()))
    form.process(request.args)
    return lists.checked(form)


def _donor_id(db: Session, form: ContributionFilterForm) -> int | None:
    donor = queries.donor_by_code(db, form.donor.data) if form.donor.data else None
    return None if donor is None else donor.id


def _pledges(db: Session, filters: PledgeFilterForm, order: ListArgs) -> list[queries.PledgeStatus]:
    outstanding = {"outstanding": True, "settled": False}.get(filters.status.data or "")
    matching = listings.pledges_matching(
        db, donor_id=_donor_id(db, filters), start=filters.start.data, end=filters.end.data,
        currency=filters.currency.data or None, outstanding=outstanding,
    )  # fmt: skip
    return sorted_rows(matching, listings.PLEDGE_SORTS, order)


def _receipts(db: Session, filters: ContributionFilterForm, order: ListArgs) -> Select[Receipt]:
    query = listings.receipts_query(
        donor_id=_donor_id(db, filters), start=filters.start.data, end=filters.end.data,
        currency=filters.currency.data or None,
    )  # fmt: skip
    return ordered(query, listings.RECEIPT_SORTS, order)
