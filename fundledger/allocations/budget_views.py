"""Pages of the allocations area for work plans: their versions, proposing one, the
CAJP's decision, and the budget report against what was allocated, disbursed and spent."""

from __future__ import annotations

from typing import Any

from flask import render_template, request, url_for
from flask_wtf import FlaskForm
from sqlalchemy import Select
from sqlalchemy.orm import Session
from wtforms import SelectChoice

from fundledger.allocations import budgets as budget_ops
from fundledger.allocations import execution, queries
from fundledger.allocations.blueprint import (
    MAX_ID,
    activities_by_number,
    activity_choices,
    blueprint,
    today,
)
from fundledger.allocations.forms import (
    MAX_BUDGET_LINES,
    BudgetDecisionForm,
    BudgetFilterForm,
    BudgetForm,
    BudgetReportForm,
)
from fundledger.allocations.models import Budget
from fundledger.auth import sessions
from fundledger.auth.access import READERS, allow, can_view
from fundledger.auth.models import Role
from fundledger.auth.timing import as_utc
from fundledger.errors import FundledgerError, NotFound
from fundledger.listing import ListArgs, ordered, page_of, sorted_rows
from fundledger.meetings.forms import chosen_meeting
from fundledger.money import plain, quantize
from fundledger.web import lists
from fundledger.web.database import db_session
from fundledger.web.downloads import Table, table_download
from fundledger.web.fields import required
from fundledger.web.i18n import _, current_language
from fundledger.web.pages import Page, form_page, reason, template_page

# --- work plans and the budget report -------------------------------------------------


@blueprint.get("/budgets")
@allow(*READERS)
def budgets() -> Page:
    return _budgets_page(db_session(), None, None)


@table_download(blueprint, "/budgets", endpoint="budgets")
@allow(*READERS)
def budgets_table() -> Table:
    budgets = db_session().scalars(_budgets(_budget_filters(), lists.order(queries.BUDGET_SORTS)))
    rows = [
        (b.id, b.year, b.version, b.status, line.activity_number, quantize(line.amount),
         line.status, line.justification)
        for b in budgets
        for line in b.lines
    ]  # fmt: skip
    header = ("budget", "year", "version", "status", "activity", "amount", "line_status",
              "justification")  # fmt: skip
    return Table("budgets", header, rows)


@blueprint.route("/budgets/new", methods=["GET", "POST"])
@allow(Role.SECRETARIAT)
def new_budget() -> Page:
    db = db_session()
    form = BudgetForm(data=_budget_copy(db, request.args.get("year", type=int)))
    if form.more.data:
        for _line in range(min(4, MAX_BUDGET_LINES - len(form.lines))):
            form.lines.append_entry()
    _line_choices(db, form)
    page = template_page("allocations/budget_form.html", form, more=bool(form.more.data))
    if form.more.data:  # more rows asked for: the form again, not yet sent
        return page(None)

    def carry_out() -> tuple[str, str]:
        created = budget_ops.propose_budget(
            db, sessions.request_actor(), year=form.year.data, lines=form.filled_lines()
        )
        return (
            _("Work plan %(year)s, version %(version)s, is proposed to the CAJP.",
              year=created.year, version=created.version),
            url_for(".budgets", _anchor=f"budget-{created.id}"),
        )  # fmt: skip

    return form_page(form, carry_out, page)


@blueprint.post("/budgets/<int:budget_id>/decide")
@allow(Role.CAJP)
def decide_budget(budget_id: int) -> Page:
    db = db_session()
    budget = db.get(Budget, budget_id) if budget_id <= MAX_ID else None
    if budget is None:
        raise NotFound(_("There is no work plan #%(id)s.", id=budget_id))
    form = BudgetDecisionForm(prefix=f"budget-{budget.id}")

    def carry_out() -> tuple[str, str]:
        verdicts = form.verdicts()
        budget_ops.decide_budget(
            db, sessions.request_actor(), budget, on=required(form.on.data),
            reference=form.reference.data,
            approve=None if verdicts is not None else form.decision.data == "approve",
            lines=verdicts, comment=form.comment.data, meeting=chosen_meeting(form.meeting),
        )  # fmt: skip
        said = {"year": budget.year, "version": budget.version}
        if budget.status == "approved":
            message = _("Work plan %(year)s, version %(version)s, is approved.", **said)
        else:
            message = _("Work plan %(year)s, version %(version)s, is rejected.", **said)
        return message, url_for(".budgets", _anchor=f"budget-{budget.id}")

    return form_page(form, carry_out, lambda refusal: _budgets_page(db, (budget.id, form), refusal))


@blueprint.get("/reports/budget")
@allow(*READERS)
def budget_report() -> Page:
    form, order, rows = _budget_report()
    return render_template(
        "allocations/budget_report.html", form=form, rows=rows, order=order,
        total=execution.budget_total(rows),
    )  # fmt: skip


@table_download(blueprint, "/reports/budget", endpoint="budget_report")
@allow(*READERS)
def budget_report_table() -> Table:
    form, _order, rows = _budget_report()
    table_rows = [
        (r.key, r.label, quantize(r.budget), quantize(r.allocated), quantize(r.disbursed),
         quantize(r.spent))
        for r in rows
    ]  # fmt: skip
    header = (form.by.data, "name", "budget", "allocated", "disbursed", "spent")
    return Table(f"budget-{form.year.data}-by-{form.by.data}", header, table_rows)


# --- work plans -----------------------------------------------------------------------


def _budgets_page(
    db: Session, posted: tuple[int, FlaskForm] | None, refusal: FundledgerError | None
) -> str:
    """The versions of the work plans asked for, newest first unless asked otherwise,
    with the CAJP's decision forms."""
    filters = _budget_filters()
    order = lists.order(queries.BUDGET_SORTS, per_page=10, endpoint="allocations.budgets")
    page = page_of(db, _budgets(filters, order), order)
    listed = page.items
    forms: dict[int, FlaskForm] = {}
    if can_view("allocations.decide_budget"):
        forms = {
            budget.id: BudgetDecisionForm(
                formdata=None,
                prefix=f"budget-{budget.id}",
                data={
                    "on": today(),
                    "lines": [{"activity": line.activity_number} for line in budget.lines],
                },
            )
            for budget in listed
            if budget.status == "proposed"
        }
    refused_id = None
    if posted is not None and posted[0] in forms:
        refused_id = posted[0]
        forms[refused_id] = posted[1]
    return render_template(
        "allocations/budgets.html",
        page=page,
        filters=filters,
        order=order,
        latest=queries.latest_versions(db),
        utc=as_utc,
        forms=forms,
        activities=activities_by_number(db),
        refusal=reason(refusal),
        refused_id=refused_id,
    )


def _budget_copy(db: Session, year: int | None) -> dict[str, Any]:
    """A new version of ``year``'s plan starts from its latest version's lines."""
    if year is None:
        return {"year": today().year}
    versions = queries.budgets(db, year) if 2000 <= year <= 2199 else []
    lines = versions[-1].lines if versions else []
    return {
        "year": year,
        "lines": [
            {"activity": str(line.activity_number), "amount": plain(line.amount),
             "justification": line.justification}
            for line in lines
        ],
    }  # fmt: skip


def _line_choices(db: Session, form: BudgetForm) -> None:
    choices = [SelectChoice("", "—"), *activity_choices(db)]
    for entry in form.lines:
        entry.activity.choices = choices


def _budget_report() -> tuple[BudgetReportForm, ListArgs, list[execution.BudgetFigures]]:
    form, order = (
        lists.checked(BudgetReportForm(request.args)),
        lists.order(queries.BUDGET_REPORT_SORTS),
    )
    if form.year.data is None:
        form.year.data = today().year
    rows = execution.in_language(
        execution.budget_report(db_session(), form.year.data, form.by.data),
        form.by.data,
        current_language(),
    )
    return form, order, sorted_rows(rows, queries.BUDGET_REPORT_SORTS, order)


def _budget_filters() -> BudgetFilterForm:
    return lists.checked(BudgetFilterForm(request.args))


def _budgets(filters: BudgetFilterForm, order: ListArgs) -> Select[Budget]:
    query = queries.budgets_query(year=filters.year.data, status=filters.status.data or None)
    return ordered(query, queries.BUDGET_SORTS, order)
