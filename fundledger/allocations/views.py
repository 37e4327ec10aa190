"""Pages of the allocations area: allocations and their timelines, the CAJP's queue,
funds available, work plans and the budget report, the fund's settings and fiscal years.

A page that changes something takes a POST (the app checks its CSRF token), calls one
operation as the signed-in user, commits once and redirects with a message. A refusal
is shown with its reason on the page the form came from, with what was typed, and
nothing is written.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any, TypeVar

from flask import Blueprint, render_template, request, url_for
from flask_wtf import FlaskForm
from sqlalchemy import Row, Select
from sqlalchemy.orm import Session
from werkzeug.wrappers import Response
from wtforms import SelectChoice

from fundledger.allocations import budgets as budget_ops
from fundledger.allocations import operations, queries
from fundledger.allocations.forms import (
    MAX_BUDGET_LINES,
    ActivityChoiceForm,
    AllocationFilterForm,
    BudgetDecisionForm,
    BudgetFilterForm,
    BudgetForm,
    BudgetReportForm,
    CloseForm,
    CloseYearForm,
    DecisionForm,
    DisburseForm,
    ExpenditureForm,
    PeriodFilterForm,
    ProposalForm,
    QueueFilterForm,
    RefundForm,
    ReopenYearForm,
    RevisionForm,
    SettingsForm,
    SubmitForm,
)
from fundledger.allocations.models import Allocation, Budget
from fundledger.allocations.pools import (
    UNRESTRICTED,
    ZERO,
    Availability,
    availability,
)
from fundledger.allocations.settings import SETTINGS, counts_receivables, get_setting, set_setting
from fundledger.allocations.transitions import TRANSITIONS, next_state
from fundledger.auth import sessions
from fundledger.auth.access import READERS, allow, can_view
from fundledger.auth.models import Role
from fundledger.auth.timing import as_utc
from fundledger.errors import FundledgerError, NotFound
from fundledger.ledger.models import FiscalPeriod
from fundledger.ledger.periods import close_year, reopen_year
from fundledger.ledger.queries import entry_numbers
from fundledger.listing import ListArgs, ordered, page_of, page_of_rows, sorted_rows
from fundledger.money import plain
from fundledger.program import queries as program
from fundledger.program.models import Activity
from fundledger.web import lists
from fundledger.web.database import db_session
from fundledger.web.downloads import csv_download
from fundledger.web.fields import required
from fundledger.web.forms import PostsOnce
from fundledger.web.i18n import _, usd
from fundledger.web.pages import Page, form_page, reason, template_page

blueprint = Blueprint("allocations", __name__)

QF = TypeVar("QF", bound=QueueFilterForm)

#: Ids are 32-bit integers; a larger one in a URL names nothing.
_MAX_ID = 2**31 - 1

#: The page step that takes each action of the lifecycle table, in the order offered.
STEP_OF = {
    "revise": "revise",
    "submit": "submit",
    "approve": "decide",
    "reject": "decide",
    "return": "decide",
    "disburse": "disburse",
    "report": "report",
    "close": "close",
}
STEPS = ("revise", "submit", "decide", "disburse", "report", "close")
#: The form of each step taken on the allocation's own page (revising has a page of its own).
STEP_FORMS: dict[str, type[FlaskForm]] = {
    "submit": SubmitForm,
    "decide": DecisionForm,
    "disburse": DisburseForm,
    "report": ExpenditureForm,
    "close": CloseForm,
}


# --- the allocations ------------------------------------------------------------------


@blueprint.get("/allocations")
@allow(*READERS)
def allocations() -> str:
    db = db_session()
    form, order = _allocation_filters(db), lists.order(queries.ALLOCATION_SORTS)
    page = page_of(db, _allocations(form, order), order)
    return render_template("allocations/list.html", form=form, page=page, order=order)


@blueprint.get("/allocations.csv")
@allow(*READERS)
def allocations_csv() -> Response:
    db = db_session()
    listed = db.scalars(
        _allocations(_allocation_filters(db), lists.order(queries.ALLOCATION_SORTS))
    )
    header = ("id", "activity", "organ", "state", "requested", "approved", "disbursed",
              "spent", "period_start", "period_end", "pools", "purpose")  # fmt: skip
    rows = [
        (a.id, a.activity_number, a.organ_code, a.state, plain(a.requested_amount),
         "" if a.approved_amount is None else plain(a.approved_amount),
         plain(a.disbursed), plain(a.spent), a.period_start.isoformat(),
         a.period_end.isoformat(), " ".join(pool.pool for pool in a.pools), a.purpose)
        for a in listed
    ]  # fmt: skip
    return csv_download("allocations.csv", header, rows)


@blueprint.get("/allocations/<int:allocation_id>")
@allow(*READERS)
def allocation(allocation_id: int) -> Page:
    db = db_session()
    return _allocation_page(db, _allocation_or_404(db, allocation_id), None, None)


@blueprint.route("/allocations/new", methods=["GET", "POST"])
@allow(Role.SECRETARIAT)
def propose() -> Page:
    """Two steps: choose the activity (a GET, which lists the pools that may fund it),
    then fill in and post the proposal."""
    db = db_session()
    if request.method == "GET":
        return _proposal_start(db)
    form = ProposalForm()
    activity = _fundable(db, form.activity.data)

    def carry_out() -> tuple[str, str]:
        created = operations.propose_allocation(
            db, sessions.request_actor(), activity=required(form.activity.data),
            amount=form.amount.value, purpose=form.purpose.data,
            period_start=required(form.period_start.data),
            period_end=required(form.period_end.data), pools=form.chosen_pools(),
        )  # fmt: skip
        return (
            _("Allocation #%(id)s is proposed as a draft. Submit it to the CAJP when ready.",
              id=created.id),
            url_for(".allocation", allocation_id=created.id),
        )  # fmt: skip

    return form_page(form, carry_out, lambda refusal: _proposal_page(db, form, activity, refusal))


@blueprint.route("/allocations/<int:allocation_id>/revise", methods=["GET", "POST"])
@allow(Role.SECRETARIAT)
def revise(allocation_id: int) -> Page:
    db = db_session()
    allocation = _allocation_or_404(db, allocation_id)
    if request.method == "GET":
        next_state(allocation.id, allocation.state, "revise")  # the reason, if it is too late
    activity = _fundable(db, allocation.activity_number)
    form = RevisionForm(data=_revision_data(db, allocation))

    def carry_out() -> tuple[str, str]:
        operations.revise_allocation(
            db, sessions.request_actor(), allocation, amount=form.amount.value,
            purpose=form.purpose.data, period_start=required(form.period_start.data),
            period_end=required(form.period_end.data), pools=form.chosen_pools(),
        )  # fmt: skip
        return (
            _("Allocation #%(id)s is revised; it is a draft until you submit it again.",
              id=allocation.id),
            url_for(".allocation", allocation_id=allocation.id),
        )  # fmt: skip

    return form_page(
        form, carry_out, lambda refusal: _proposal_page(db, form, activity, refusal, allocation)
    )


@blueprint.post("/allocations/<int:allocation_id>/submit")
@allow(Role.SECRETARIAT)
def submit(allocation_id: int) -> Page:
    def step(db: Session, allocation: Allocation, _form: Any) -> str:
        operations.submit_allocation(db, sessions.request_actor(), allocation)
        return _("Allocation #%(id)s is in the CAJP's queue.", id=allocation.id)

    return _take_step(allocation_id, "submit", step)


@blueprint.post("/allocations/<int:allocation_id>/decide")
@allow(Role.CAJP)
def decide(allocation_id: int) -> Page:
    def step(db: Session, allocation: Allocation, form: Any) -> str:
        reduced = form.decision.data == "reduce"
        operations.decide_allocation(
            db, sessions.request_actor(), allocation,
            decision="approve" if reduced else form.decision.data, on=form.on.data,
            reference=form.reference.data, approved_amount=form.amount.amount if reduced else None,
            comment=form.comment.data,
        )  # fmt: skip
        said = {"id": allocation.id, "reference": form.reference.data}
        if allocation.approved_amount is not None:
            return _("Allocation #%(id)s is approved for %(amount)s under %(reference)s.",
                     amount=usd(allocation.approved_amount), **said)  # fmt: skip
        if allocation.state == "rejected":
            return _("Allocation #%(id)s is rejected under %(reference)s.", **said)
        return _("Allocation #%(id)s is returned under %(reference)s.", **said)

    return _take_step(allocation_id, "decide", step)


@blueprint.post("/allocations/<int:allocation_id>/disburse")
@allow(Role.SECRETARIAT)
def disburse(allocation_id: int) -> Page:
    def step(db: Session, allocation: Allocation, form: Any) -> str:
        entry = operations.disburse(
            db, sessions.request_actor(), allocation, amount=form.amount.value,
            on=form.on.data, reference=form.reference.data or None,
            idempotency_key=form.idempotency_key(),
        )  # fmt: skip
        return _("A tranche of %(amount)s to %(organ)s is posted as entry #%(number)s.",
                 amount=usd(form.amount.value), organ=allocation.organ_code,
                 number=entry.number)  # fmt: skip

    return _take_step(allocation_id, "disburse", step)


@blueprint.post("/allocations/<int:allocation_id>/report")
@allow(Role.SECRETARIAT)
def report(allocation_id: int) -> Page:
    def step(db: Session, allocation: Allocation, form: Any) -> str:
        entry = operations.report_expenditure(
            db, sessions.request_actor(), allocation, amount=form.amount.value,
            period_end=form.period_end.data, category=form.category.data,
            reference=form.reference.data or None, idempotency_key=form.idempotency_key(),
        )  # fmt: skip
        return _("Expenditure of %(amount)s (%(category)s) is posted as entry #%(number)s.",
                 amount=usd(form.amount.value), category=form.category.data,
                 number=entry.number)  # fmt: skip

    return _take_step(allocation_id, "report", step)


@blueprint.post("/allocations/<int:allocation_id>/close")
@allow(Role.SECRETARIAT)
def close(allocation_id: int) -> Page:
    def step(db: Session, allocation: Allocation, form: Any) -> str:
        entry = operations.close_allocation(
            db, sessions.request_actor(), allocation, on=form.on.data, comment=form.comment.data,
            idempotency_key=form.idempotency_key(),
        )  # fmt: skip
        if entry is None:
            return _("Allocation #%(id)s is closed and its commitment released.", id=allocation.id)
        return _(
            "Allocation #%(id)s is closed and its commitment released; the unspent balance "
            "came back as entry #%(number)s.",
            id=allocation.id,
            number=entry.number,
        )

    return _take_step(allocation_id, "close", step)


# --- the CAJP's queue -----------------------------------------------------------------


@blueprint.get("/cajp/queue")
@allow(*READERS)
def queue() -> Page:
    return _queue_page(db_session(), None, None)


@blueprint.get("/cajp/queue.csv")
@allow(*READERS)
def queue_csv() -> Response:
    db = db_session()
    items = _queue(db, _queue_filters(db), lists.order(queries.QUEUE_SORTS))
    rows = [
        (i.allocation.id, i.allocation.activity_number, i.allocation.organ_code,
         plain(i.allocation.requested_amount),
         " ".join(f"{p.pool}:{plain(p.available_before)}>{plain(p.available_after)}"
                  for p in i.pools),
         "yes" if i.fits else "no")
        for i in items
    ]  # fmt: skip
    header = ("id", "activity", "organ", "requested", "pools_before_after", "fits")
    return csv_download("cajp-queue.csv", header, rows)


# --- funds available and refunds ------------------------------------------------------


@blueprint.get("/available")
@allow(*READERS)
def available() -> str:
    db = db_session()
    order = lists.order(queries.AVAILABLE_SORTS)
    pools = sorted_rows(_availability(db).values(), queries.AVAILABLE_SORTS, order)
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


@blueprint.get("/available.csv")
@allow(*READERS)
def available_csv() -> Response:
    order = lists.order(queries.AVAILABLE_SORTS)
    rows = [
        (p.pool, plain(p.money), plain(p.committed), plain(p.available))
        for p in sorted_rows(_availability(db_session()).values(), queries.AVAILABLE_SORTS, order)
    ]
    return csv_download("available.csv", ("pool", "money", "committed", "available"), rows)


@blueprint.route("/refunds/new", methods=["GET", "POST"])
@allow(Role.SECRETARIAT)
def refund() -> Page:
    db = db_session()
    form = RefundForm(data={"pool": request.args.get("pool", ""), "on": _today()}, scope=[])
    pools = [pool for key, pool in _availability(db).items() if key != UNRESTRICTED]
    form.pool.choices = [
        SelectChoice(p.pool, f"{p.pool} — {p.available:,.2f} available") for p in pools
    ]

    def carry_out() -> tuple[str, str]:
        entry = operations.refund_to_donor(
            db, sessions.request_actor(), pool=form.pool.data, amount=form.amount.value,
            on=required(form.on.data), reason=form.reason.data,
            idempotency_key=form.idempotency_key(),
        )  # fmt: skip
        return (
            _("%(amount)s from %(pool)s is refunded: entry #%(number)s.",
              amount=usd(form.amount.value), pool=form.pool.data, number=entry.number),
            url_for(".available"),
        )  # fmt: skip

    return form_page(form, carry_out, template_page("allocations/refund.html", form))


# --- work plans and the budget report -------------------------------------------------


@blueprint.get("/budgets")
@allow(*READERS)
def budgets() -> Page:
    return _budgets_page(db_session(), None, None)


@blueprint.get("/budgets.csv")
@allow(*READERS)
def budgets_csv() -> Response:
    budgets = db_session().scalars(_budgets(_budget_filters(), lists.order(queries.BUDGET_SORTS)))
    rows = [
        (b.id, b.year, b.version, b.status, line.activity_number, plain(line.amount),
         line.status, line.justification)
        for b in budgets
        for line in b.lines
    ]  # fmt: skip
    header = ("budget", "year", "version", "status", "activity", "amount", "line_status",
              "justification")  # fmt: skip
    return csv_download("budgets.csv", header, rows)


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
    budget = db.get(Budget, budget_id) if budget_id <= _MAX_ID else None
    if budget is None:
        raise NotFound(_("There is no work plan #%(id)s.", id=budget_id))
    form = BudgetDecisionForm(prefix=f"budget-{budget.id}")

    def carry_out() -> tuple[str, str]:
        verdicts = form.verdicts()
        budget_ops.decide_budget(
            db, sessions.request_actor(), budget, on=required(form.on.data),
            reference=form.reference.data,
            approve=None if verdicts is not None else form.decision.data == "approve",
            lines=verdicts, comment=form.comment.data,
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
        total=queries.budget_total(rows),
    )  # fmt: skip


@blueprint.get("/reports/budget.csv")
@allow(*READERS)
def budget_report_csv() -> Response:
    form, _order, rows = _budget_report()
    csv_rows = [
        (r.key, r.label, plain(r.budget), plain(r.allocated), plain(r.disbursed), plain(r.spent))
        for r in rows
    ]
    header = (form.by.data, "name", "budget", "allocated", "disbursed", "spent")
    return csv_download(f"budget-{form.year.data}-by-{form.by.data}.csv", header, csv_rows)


# --- the fund's settings and fiscal years ---------------------------------------------


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


@blueprint.get("/periods")
@allow(*READERS)
def periods() -> Page:
    return _periods_page(db_session(), None)


@blueprint.get("/periods.csv")
@allow(*READERS)
def periods_csv() -> Response:
    periods = db_session().scalars(_periods(_period_filters(), lists.order(queries.PERIOD_SORTS)))
    rows = [
        (p.year, "closed" if p.closed else "reopened", p.closed_by or "",
         "" if p.closed_at is None else as_utc(p.closed_at).isoformat())
        for p in periods
    ]  # fmt: skip
    return csv_download("periods.csv", ("year", "status", "closed_by", "closed_at"), rows)


@blueprint.post("/periods/close")
@allow(Role.SECRETARIAT)
def close_period() -> Page:
    db = db_session()
    form = CloseYearForm(prefix="close")

    def carry_out() -> tuple[str, str]:
        close_year(db, sessions.request_actor(), form.year.data)
        return (
            _("Fiscal year %(year)s is closed: its revenue and expenses are in net assets.",
              year=form.year.data),
            url_for(".periods"),
        )  # fmt: skip

    return form_page(form, carry_out, lambda refusal: _periods_page(db, refusal, close=form))


@blueprint.post("/periods/reopen")
@allow(Role.ADMIN)
def reopen_period() -> Page:
    db = db_session()
    form = ReopenYearForm(prefix="reopen")

    def carry_out() -> tuple[str, str]:
        reopen_year(db, sessions.request_actor(), form.year.data, reason=form.reason.data)
        return _("Fiscal year %(year)s is open again.", year=form.year.data), url_for(".periods")

    return form_page(form, carry_out, lambda refusal: _periods_page(db, refusal, reopen=form))


# --- the allocation's page and its steps ----------------------------------------------


def _take_step(
    allocation_id: int, step: str, carry_out: Callable[[Session, Allocation, Any], str]
) -> Page:
    """Load the allocation or 404, validate the step's form, carry the step out, commit
    once and go back with its message. A refusal shows on the page, nothing written."""
    db = db_session()
    allocation = _allocation_or_404(db, allocation_id)
    form = _step_form(step, allocation)
    in_queue = step == "decide" and form.back.data == "queue"
    back = url_for(".queue") if in_queue else url_for(".allocation", allocation_id=allocation.id)

    def redisplay(refusal: FundledgerError | None) -> str:
        if in_queue:
            return _queue_page(db, (allocation.id, form), refusal)
        return _allocation_page(db, allocation, (step, form), refusal)

    return form_page(form, lambda: (carry_out(db, allocation, form), back), redisplay)


def _allocation_page(
    db: Session,
    allocation: Allocation,
    posted: tuple[str, FlaskForm] | None,
    refusal: FundledgerError | None,
) -> str:
    """The allocation, its pools and timeline, and the steps the viewer may take now."""
    offered = _offered_steps(allocation)
    forms = {step: _blank_step_form(step, allocation) for step in offered if step in STEP_FORMS}
    refused_step = None
    said = reason(refusal)
    if posted is not None and posted[0] in forms:
        refused_step = posted[0]
        forms[refused_step] = posted[1]
    elif posted is not None and said is None:  # a form the page does not show: say why
        said = " ".join(str(error) for errors in posted[1].errors.values() for error in errors)
    return render_template(
        "allocations/allocation.html",
        allocation=allocation,
        activity=db.get(Activity, allocation.activity_number),
        entry_numbers=entry_numbers(db, (e.entry_id for e in allocation.events if e.entry_id)),
        utc=as_utc,
        offered=offered,
        forms=forms,
        refusal=said,
        refused_step=refused_step,
    )


def _offered_steps(allocation: Allocation) -> list[str]:
    """The steps the lifecycle table allows from the allocation's state, of those the
    viewer's roles may take."""
    legal = {STEP_OF[action] for (state, action) in TRANSITIONS if state == allocation.state}
    return [step for step in STEPS if step in legal and can_view(f"allocations.{step}")]


def _blank_step_form(step: str, allocation: Allocation, **data: Any) -> FlaskForm:
    today = _today()
    return _step_form(
        step, allocation, formdata=None, data={"on": today, "period_end": today, **data}
    )


def _step_form(step: str, allocation: Allocation, **kwargs: Any) -> FlaskForm:
    """The step's form, its fields named apart; one that posts money is issued for this
    allocation (submitting and deciding move its state, which refuses a second post)."""
    form = STEP_FORMS[step]
    if issubclass(form, PostsOnce):
        kwargs["scope"] = [allocation.id]
    return form(prefix=_prefix(step, allocation.id), **kwargs)


def _prefix(step: str, allocation_id: int) -> str:
    """Each form's fields are named apart, so that several can share a page."""
    return f"{step}-{allocation_id}"


def _queue_page(
    db: Session, posted: tuple[int, FlaskForm] | None, refusal: FundledgerError | None
) -> str:
    filters = _queue_filters(db)
    order = lists.order(queries.QUEUE_SORTS, endpoint="allocations.queue")
    page = page_of_rows(_queue(db, filters, order), order)
    items = page.items
    forms: dict[int, FlaskForm] = {}
    if can_view("allocations.decide"):
        forms = {
            item.allocation.id: _blank_step_form("decide", item.allocation, back="queue")
            for item in items
        }
    refused_id = None
    if posted is not None and posted[0] in forms:
        refused_id = posted[0]
        forms[refused_id] = posted[1]
    return render_template(
        "allocations/queue.html",
        page=page,
        filters=filters,
        order=order,
        forms=forms,
        activities=_activities(db),
        refusal=reason(refusal),
        refused_id=refused_id,
    )


# --- proposing and revising -----------------------------------------------------------


def _proposal_start(db: Session) -> Page:
    """The first step, and the second once an activity is chosen."""
    choice = ActivityChoiceForm(request.args)
    choice.activity.choices = _activity_choices(db)
    if "activity" not in request.args:
        return render_template("allocations/allocation_form.html", choice=choice, form=None)
    if not choice.validate():
        return render_template("allocations/allocation_form.html", choice=choice, form=None), 400
    activity = _fundable(db, choice.activity.data)
    pools = (
        queries.eligible_pools(db, activity, with_receivables=counts_receivables(db))
        if activity is not None
        else []
    )
    today = _today()
    form = ProposalForm(
        formdata=None,
        data={
            "activity": choice.activity.data,
            "period_start": today,
            "period_end": dt.date(today.year, 12, 31),
            "pools": [{"pool": pool.pool} for pool in pools],
        },
    )
    return _proposal_page(db, form, activity)


def _proposal_page(
    db: Session,
    form: RevisionForm,
    activity: Activity | None,
    refusal: FundledgerError | None = None,
    allocation: Allocation | None = None,
) -> str:
    """The proposal (or revision) form with the pools table of its activity."""
    choice = None
    if allocation is None:
        choice = ActivityChoiceForm(data={"activity": form.activity.data})
        choice.activity.choices = _activity_choices(db)
    return render_template(
        "allocations/allocation_form.html",
        choice=choice,
        form=form,
        activity=activity,
        allocation=allocation,
        pools=_availability(db),
        refusal=reason(refusal),
    )


def _revision_data(db: Session, allocation: Allocation) -> dict[str, Any]:
    """The allocation's values, shaped like the form (what was posted wins)."""
    chosen = [pool.pool for pool in allocation.pools]
    activity = _fundable(db, allocation.activity_number)
    pools = (
        []
        if activity is None
        else queries.eligible_pools(
            db, activity, with_receivables=counts_receivables(db), keep=chosen
        )
    )
    return {
        "amount": plain(allocation.requested_amount),
        "purpose": allocation.purpose,
        "period_start": allocation.period_start,
        "period_end": allocation.period_end,
        "pools": [
            {
                "pool": pool.pool,
                "order": chosen.index(pool.pool) + 1 if pool.pool in chosen else None,
            }
            for pool in pools
        ],
    }


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
                    "on": _today(),
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
        activities=_activities(db),
        refusal=reason(refusal),
        refused_id=refused_id,
    )


def _budget_copy(db: Session, year: int | None) -> dict[str, Any]:
    """A new version of ``year``'s plan starts from its latest version's lines."""
    if year is None:
        return {"year": _today().year}
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
    choices = [SelectChoice("", "—"), *_activity_choices(db)]
    for entry in form.lines:
        entry.activity.choices = choices


def _budget_report() -> tuple[BudgetReportForm, ListArgs, list[queries.BudgetRow]]:
    form, order = (
        lists.checked(BudgetReportForm(request.args)),
        lists.order(queries.BUDGET_REPORT_SORTS),
    )
    if form.year.data is None:
        form.year.data = _today().year
    rows = queries.budget_report(db_session(), form.year.data, form.by.data)
    return form, order, sorted_rows(rows, queries.BUDGET_REPORT_SORTS, order)


# --- settings and periods -------------------------------------------------------------


def _settings_data(db: Session) -> dict[str, str]:
    return {key: get_setting(db, key) for key in SETTINGS}


def _settings_page(db: Session, form: SettingsForm, refusal: FundledgerError | None) -> str:
    return render_template(
        "allocations/settings.html",
        form=form,
        settings=[(key, get_setting(db, key), meaning) for key, (_, meaning) in SETTINGS.items()],
        refusal=reason(refusal),
    )


def _periods_page(
    db: Session,
    refusal: FundledgerError | None,
    *,
    close: CloseYearForm | None = None,
    reopen: ReopenYearForm | None = None,
) -> str:
    last_year = _today().year - 1
    filters = _period_filters()
    order = lists.order(queries.PERIOD_SORTS, endpoint="allocations.periods")
    return render_template(
        "allocations/periods.html",
        page=page_of(db, _periods(filters, order), order),
        filters=filters,
        order=order,
        close=close or CloseYearForm(formdata=None, prefix="close", data={"year": last_year}),
        reopen=reopen or ReopenYearForm(formdata=None, prefix="reopen"),
        refused_form="close" if close is not None else "reopen" if reopen is not None else None,
        utc=as_utc,
        refusal=reason(refusal),
    )


# --- helpers --------------------------------------------------------------------------


def _allocation_filters(db: Session) -> AllocationFilterForm:
    return _offering_activities(db, AllocationFilterForm(request.args))


def _queue_filters(db: Session) -> QueueFilterForm:
    return _offering_activities(db, QueueFilterForm(request.args))


def _offering_activities(db: Session, form: QF) -> QF:
    """A list's filters from the query string, offering the fundable activities and
    their organs (a 400 if it names something else)."""
    fundable = queries.fundable_activities(db)
    lists.offer(form.activity, [_activity_choice(activity) for activity in fundable])
    lists.offer(form.organ, sorted({activity.implementer_code for activity in fundable}))
    return lists.checked(form)


def _allocations(form: AllocationFilterForm, order: ListArgs) -> Select[Allocation]:
    query = queries.allocations_query(
        state=form.state.data or None,
        activity=int(form.activity.data) if form.activity.data else None,
        organ=form.organ.data or None,
    )
    return ordered(query, queries.ALLOCATION_SORTS, order)


def _queue(db: Session, filters: QueueFilterForm, order: ListArgs) -> list[queries.QueueItem]:
    items = [
        item
        for item in queries.cajp_queue(db)
        if (
            not filters.activity.data
            or item.allocation.activity_number == int(filters.activity.data)
        )
        and (not filters.organ.data or item.allocation.organ_code == filters.organ.data)
    ]
    return sorted_rows(items, queries.QUEUE_SORTS, order)


def _budget_filters() -> BudgetFilterForm:
    return lists.checked(BudgetFilterForm(request.args))


def _budgets(filters: BudgetFilterForm, order: ListArgs) -> Select[Budget]:
    query = queries.budgets_query(year=filters.year.data, status=filters.status.data or None)
    return ordered(query, queries.BUDGET_SORTS, order)


def _period_filters() -> PeriodFilterForm:
    return lists.checked(PeriodFilterForm(request.args))


def _periods(filters: PeriodFilterForm, order: ListArgs) -> Select[FiscalPeriod]:
    closed = {"closed": True, "reopened": False}.get(filters.status.data or "")
    return ordered(queries.periods_query(closed=closed), queries.PERIOD_SORTS, order)


def _allocation_or_404(db: Session, allocation_id: int) -> Allocation:
    found = db.get(Allocation, allocation_id) if allocation_id <= _MAX_ID else None
    if found is None:
        raise NotFound(_("There is no allocation #%(id)s.", id=allocation_id))
    return found


def _fundable(db: Session, number: Any) -> Activity | None:
    """The fundable activity ``number``, or none (the operations say why it is refused)."""
    if not isinstance(number, int) or not 1 <= number <= _MAX_ID:
        return None
    found = db.get(Activity, number)
    return found if found is not None and found.fundable else None


def _activities(db: Session) -> dict[int, Activity]:
    return {activity.number: activity for activity in program.activities(db)}


def _activity_choices(db: Session) -> list[SelectChoice]:
    return [_activity_choice(activity) for activity in queries.fundable_activities(db)]


def _activity_choice(activity: Row[int, str, str]) -> SelectChoice:
    number, title, organ = activity
    return SelectChoice(str(number), f"{number} — {_short(title)} ({organ})")


def _short(text: str, length: int = 70) -> str:
    return text if len(text) <= length else text[: length - 1].rstrip() + "…"


def _availability(db: Session) -> dict[str, Availability]:
    return availability(db, with_receivables=counts_receivables(db))


def _today() -> dt.date:
    return sessions.now().date()
