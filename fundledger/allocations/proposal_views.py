"""Pages of the allocations area for proposing an allocation (choose the activity, then
fill in the proposal with the pools that may fund it) and revising a returned one."""

from __future__ import annotations

import datetime as dt
from typing import Any

from flask import render_template, request, url_for
from sqlalchemy.orm import Session

from fundledger.allocations import operations, queries
from fundledger.allocations.blueprint import (
    MAX_ID,
    activity_choices,
    allocation_or_404,
    availability_now,
    blueprint,
    today,
)
from fundledger.allocations.forms import (
    ActivityChoiceForm,
    ProposalForm,
    RevisionForm,
)
from fundledger.allocations.models import Allocation
from fundledger.allocations.settings import counts_receivables
from fundledger.allocations.transitions import next_state
from fundledger.auth import sessions
from fundledger.auth.access import allow
from fundledger.auth.models import Role
from fundledger.errors import FundledgerError
from fundledger.money import plain
from fundledger.program.models import Activity
from fundledger.web.database import db_session
from fundledger.web.fields import required
from fundledger.web.i18n import _
from fundledger.web.pages import Page, form_page, reason


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
            amount=required(form.amount.data), purpose=form.purpose.data,
            period_start=required(form.period_start.data),
            period_end=required(form.period_end.data), pools=form.chosen_pools(),
            gender_marker=required(form.gender_marker.data), organ=form.organ.data,
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
    allocation = allocation_or_404(db, allocation_id)
    if request.method == "GET":
        next_state(allocation.id, allocation.state, "revise")  # the reason, if it is too late
    activity = _fundable(db, allocation.activity_number)
    form = RevisionForm(data=_revision_data(db, allocation))

    def carry_out() -> tuple[str, str]:
        operations.revise_allocation(
            db, sessions.request_actor(), allocation, amount=required(form.amount.data),
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


# --- proposing and revising -----------------------------------------------------------


def _proposal_start(db: Session) -> Page:
    """The first step, and the second once an activity is chosen."""
    choice = ActivityChoiceForm(request.args)
    choice.activity.choices = activity_choices(db)
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
    now = today()
    form = ProposalForm(
        formdata=None,
        data={
            "activity": choice.activity.data,
            "period_start": now,
            "period_end": dt.date(now.year, 12, 31),
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
        choice.activity.choices = activity_choices(db)
    return render_template(
        "allocations/allocation_form.html",
        choice=choice,
        form=form,
        activity=activity,
        allocation=allocation,
        pools=availability_now(db),
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


# --- helpers --------------------------------------------------------------------------


def _fundable(db: Session, number: Any) -> Activity | None:
    """The fundable activity ``number``, or none (the operations say why it is refused)."""
    if not isinstance(number, int) or not 1 <= number <= MAX_ID:
        return None
    found = db.get(Activity, number)
    return found if found is not None and found.fundable else None
