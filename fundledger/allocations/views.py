"""Pages of the allocations area: allocations, their timelines and steps, and the CAJP's
queue (proposing and revising are in proposal_views.py, work plans in budget_views.py;
funds available, refunds and settings in fund_views.py).

A page that changes something takes a POST (the app checks its CSRF token), calls one
operation as the signed-in user, commits once and redirects with a message. A refusal
is shown with its reason on the page the form came from, with what was typed, and
nothing is written.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from flask import render_template, request, url_for
from flask_wtf import FlaskForm
from sqlalchemy import Select
from sqlalchemy.orm import Session

from fundledger.allocations import operations, queries
from fundledger.allocations.blueprint import (
    activities_by_number,
    activity_choice,
    allocation_or_404,
    blueprint,
    today,
)
from fundledger.allocations.forms import (
    ACTION_NAMES,
    CATEGORY_LABELS,
    AllocationFilterForm,
    CloseForm,
    DecisionForm,
    DisburseForm,
    ExpenditureForm,
    QueueFilterForm,
    SubmitForm,
)
from fundledger.allocations.models import Allocation
from fundledger.allocations.transitions import TRANSITIONS
from fundledger.auth import sessions
from fundledger.auth.access import READERS, allow, can_view
from fundledger.auth.models import Role
from fundledger.auth.timing import as_utc
from fundledger.documents import views as documents
from fundledger.documents.models import OwnerKind
from fundledger.errors import FundledgerError
from fundledger.ledger.queries import entry_numbers
from fundledger.listing import ListArgs, ordered, page_of, page_of_rows, sorted_rows
from fundledger.meetings.forms import chosen_meeting
from fundledger.money import plain, quantize
from fundledger.program.models import Activity
from fundledger.web import lists
from fundledger.web.database import db_session
from fundledger.web.downloads import Table, table_download
from fundledger.web.fields import required
from fundledger.web.forms import PostsOnce
from fundledger.web.i18n import _, usd
from fundledger.web.pages import Page, form_page, reason

QF = TypeVar("QF", bound=QueueFilterForm)

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


@table_download(blueprint, "/allocations", endpoint="allocations")
@allow(*READERS)
def allocations_table() -> Table:
    db = db_session()
    listed = db.scalars(
        _allocations(_allocation_filters(db), lists.order(queries.ALLOCATION_SORTS))
    )
    header = ("id", "activity", "organ", "state", "requested", "approved", "disbursed",
              "spent", "period_start", "period_end", "pools", "purpose",
              "gender_marker")  # fmt: skip
    rows = [
        (a.id, a.activity_number, a.organ_code, a.state, quantize(a.requested_amount),
         None if a.approved_amount is None else quantize(a.approved_amount),
         quantize(a.disbursed), quantize(a.spent), a.period_start, a.period_end,
         " ".join(pool.pool for pool in a.pools), a.purpose, a.gender_marker)
        for a in listed
    ]  # fmt: skip
    return Table("allocations", header, rows)


@blueprint.get("/allocations/<int:allocation_id>")
@allow(*READERS)
def allocation(allocation_id: int) -> Page:
    db = db_session()
    return _allocation_page(db, allocation_or_404(db, allocation_id), None, None)


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
            reference=form.reference.data, approved_amount=form.amount.data if reduced else None,
            comment=form.comment.data, meeting=chosen_meeting(form.meeting),
        )  # fmt: skip
        said = {"id": allocation.id, "reference": allocation.events[-1].reference}
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
            db, sessions.request_actor(), allocation, amount=required(form.amount.data),
            on=form.on.data, reference=form.reference.data or None,
            idempotency_key=form.idempotency_key(),
        )  # fmt: skip
        return _("A tranche of %(amount)s to %(organ)s is posted as entry #%(number)s.",
                 amount=usd(required(form.amount.data)), organ=allocation.organ_code,
                 number=entry.number)  # fmt: skip

    return _take_step(allocation_id, "disburse", step)


@blueprint.post("/allocations/<int:allocation_id>/report")
@allow(Role.SECRETARIAT)
def report(allocation_id: int) -> Page:
    def step(db: Session, allocation: Allocation, form: Any) -> str:
        entry = operations.report_expenditure(
            db, sessions.request_actor(), allocation, amount=required(form.amount.data),
            period_end=form.period_end.data, category=form.category.data,
            reference=form.reference.data or None, idempotency_key=form.idempotency_key(),
        )  # fmt: skip
        return _("Expenditure of %(amount)s (%(category)s) is posted as entry #%(number)s.",
                 amount=usd(required(form.amount.data)), category=form.category.data,
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


@table_download(blueprint, "/cajp/queue", endpoint="queue")
@allow(*READERS)
def queue_table() -> Table:
    db = db_session()
    items = _queue(db, _queue_filters(db), lists.order(queries.QUEUE_SORTS))
    rows = [
        (i.allocation.id, i.allocation.activity_number, i.allocation.organ_code,
         quantize(i.allocation.requested_amount),
         " ".join(f"{p.pool}:{plain(p.available_before)}>{plain(p.available_after)}"
                  for p in i.pools),
         "yes" if i.fits else "no",
         "" if i.allocation.gender_marker is None else i.allocation.gender_marker)
        for i in items
    ]  # fmt: skip
    header = ("id", "activity", "organ", "requested", "pools_before_after", "fits",
              "gender_marker")  # fmt: skip
    return Table("cajp-queue", header, rows)


# --- the allocation's page and its steps ----------------------------------------------


def _take_step(
    allocation_id: int, step: str, carry_out: Callable[[Session, Allocation, Any], str]
) -> Page:
    """Load the allocation or 404, validate the step's form, carry the step out, commit
    once and go back with its message. A refusal shows on the page, nothing written."""
    db = db_session()
    allocation = allocation_or_404(db, allocation_id)
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
        action_names=ACTION_NAMES,
        category_names=CATEGORY_LABELS,
        **documents.section(db, [(OwnerKind.ALLOCATION, allocation.id, "")]),
    )


def _offered_steps(allocation: Allocation) -> list[str]:
    """The steps the lifecycle table allows from the allocation's state, of those the
    viewer's roles may take."""
    legal = {STEP_OF[action] for (state, action) in TRANSITIONS if state == allocation.state}
    return [step for step in STEPS if step in legal and can_view(f"allocations.{step}")]


def _blank_step_form(step: str, allocation: Allocation, **data: Any) -> FlaskForm:
    now = today()
    return _step_form(step, allocation, formdata=None, data={"on": now, "period_end": now, **data})


def _step_form(step: str, allocation: Allocation, **kwargs: Any) -> FlaskForm:
    """The step's form, its fields named apart; one that posts money is issued for this
    allocation (submitting and deciding move its state, which refuses a second post)."""
    form = STEP_FORMS[step]
    if issubclass(form, PostsOnce):
        kwargs["scope"] = [allocation.id]
    if form is CloseForm:
        kwargs["undisbursed"] = allocation.undisbursed
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
        activities=activities_by_number(db),
        refusal=reason(refusal),
        refused_id=refused_id,
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
    lists.offer(form.activity, [activity_choice(activity) for activity in fundable])
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
