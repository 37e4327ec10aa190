"""Co-financing pages: the items by year (the Secretariat records and withdraws them; the
CAJP, auditors and admins read), and the Program's resources by specific objective.
Thin shells over :mod:`fundledger.cofinancing.operations` and
:func:`fundledger.cofinancing.queries.resources_by_objective`."""

from __future__ import annotations

from flask import Blueprint, render_template, request, url_for
from wtforms import SelectChoice

from fundledger.auth.access import READERS, allow
from fundledger.auth.models import Role
from fundledger.auth.sessions import request_actor
from fundledger.cofinancing import operations, queries
from fundledger.cofinancing.forms import (
    KIND_NAMES,
    ItemFilterForm,
    ItemForm,
    ResourcesForm,
    WithdrawForm,
)
from fundledger.cofinancing.models import CofinancingItem
from fundledger.errors import NotFound
from fundledger.inputs import MAX_ID
from fundledger.listing import ordered, page_of
from fundledger.money import quantize
from fundledger.program.labels import ACTIVITY, program_names, short
from fundledger.web import lists
from fundledger.web.database import db_session
from fundledger.web.downloads import Table, table_download
from fundledger.web.fields import required
from fundledger.web.i18n import _, current_language, usd
from fundledger.web.pages import Page, form_page, template_page

blueprint = Blueprint("cofinancing", __name__)


@blueprint.get("/cofinancing")
@allow(*READERS)
def items() -> str:
    db = db_session()
    filters = lists.checked(ItemFilterForm(request.args))
    order = lists.order(queries.ITEM_SORTS)
    query = queries.items_query(year=filters.year.data, source_kind=filters.source_kind.data)
    return render_template(
        "cofinancing/list.html", filters=filters, order=order,
        page=page_of(db, ordered(query, queries.ITEM_SORTS, order), order),
        activity_names=_activity_names(), kinds=KIND_NAMES,
    )  # fmt: skip


@table_download(blueprint, "/cofinancing", endpoint="items")
@allow(*READERS)
def items_table() -> Table:
    filters = lists.checked(ItemFilterForm(request.args))
    query = queries.items_query(year=filters.year.data, source_kind=filters.source_kind.data)
    found = db_session().scalars(
        ordered(query, queries.ITEM_SORTS, lists.order(queries.ITEM_SORTS))
    )
    rows = [(i.id, i.year, i.activity_number, i.source_kind, i.source_name, quantize(i.amount),
             i.description, i.recorded_by, i.withdrawn_at.date() if i.withdrawn_at else None,
             i.withdrawal_reason) for i in found]  # fmt: skip
    header = ("id", "year", "activity", "source", "name", "amount_usd", "description",
              "recorded_by", "withdrawn_on", "withdrawal_reason")  # fmt: skip
    return Table("cofinancing", header, rows)


@blueprint.route("/cofinancing/new", methods=["GET", "POST"])
@allow(Role.SECRETARIAT)
def new() -> Page:
    db = db_session()
    form = ItemForm()
    form.activity.choices = [SelectChoice(str(number), label)
                             for number, label in _activity_names().items()]  # fmt: skip

    def carry_out() -> tuple[str, str]:
        item = operations.record_item(
            db, request_actor(), activity=int(form.activity.data), year=required(form.year.data),
            source_kind=form.source_kind.data, source_name=required(form.source_name.data),
            amount=required(form.amount.data), description=required(form.description.data),
        )  # fmt: skip
        return (_("%(amount)s for activity %(activity)s in %(year)s is recorded as item "
                  "#%(id)s.", amount=usd(item.amount), activity=item.activity_number,
                  year=str(item.year), id=item.id),
                url_for(".items", year=item.year))  # fmt: skip

    return form_page(form, carry_out, template_page("cofinancing/new.html", form))


@blueprint.route("/cofinancing/<int:item_id>/withdraw", methods=["GET", "POST"])
@allow(Role.SECRETARIAT)
def withdraw(item_id: int) -> Page:
    db = db_session()
    item = db.get(CofinancingItem, item_id) if item_id <= MAX_ID else None
    if item is None:
        raise NotFound(_("There is no co-financing item #%(id)s.", id=item_id))
    form = WithdrawForm()

    def carry_out() -> tuple[str, str]:
        operations.withdraw_item(db, request_actor(), item, reason=required(form.reason.data))
        return (_("Co-financing item #%(id)s is withdrawn.", id=item.id),
                url_for(".items", year=item.year))  # fmt: skip

    return form_page(form, carry_out, template_page(
        "cofinancing/withdraw.html", form, item=item, activity_names=_activity_names(),
        kinds=KIND_NAMES))  # fmt: skip


@blueprint.get("/reports/resources")
@allow(*READERS)
def resources() -> str:
    form, report = _resources()
    return render_template("cofinancing/resources.html", form=form, report=report)


@table_download(blueprint, "/reports/resources", endpoint="resources")
@allow(*READERS)
def resources_table() -> Table:
    _form, report = _resources()
    rows: list[tuple[object, ...]] = [
        (o.number, o.title, quantize(o.resources.fund), quantize(o.resources.regular_fund),
         quantize(o.resources.others), quantize(o.resources.total))
        for o in report.objectives
    ]  # fmt: skip
    whole = report.program
    rows.append(
        (
            None,
            "whole Program (each activity once)",
            quantize(whole.fund),
            quantize(whole.regular_fund),
            quantize(whole.others),
            quantize(whole.total),
        )
    )
    name = f"resources-{report.year if report.year is not None else 'all-years'}"
    return Table(name, ("objective", "name", "fund", "regular_fund", "others", "total"), rows)


def _resources() -> tuple[ResourcesForm, queries.ResourcesReport]:
    form = lists.checked(ResourcesForm(request.args))
    return form, queries.resources_by_objective(db_session(), form.year.data)


def _activity_names() -> dict[int, str]:
    """Every activity, optional ones too (which are no earmark), as the pages name it."""
    titles = program_names(db_session(), current_language()).activities
    return {number: _(ACTIVITY, number=number, title=short(title))
            for number, title in sorted(titles.items())}  # fmt: skip
