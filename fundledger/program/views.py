"""Pages of the Program: objectives, activities, the Appendix I cross-reference, as they
stand today; the revisions the CAJP made, and its form to record one."""

from __future__ import annotations

from flask import Blueprint, render_template, request, url_for
from sqlalchemy import Select
from sqlalchemy.orm import Session
from wtforms import SelectChoice

from fundledger.auth.access import EVERY_ROLE, READERS, allow
from fundledger.auth.models import Role
from fundledger.auth.sessions import request_actor
from fundledger.errors import NotFound
from fundledger.listing import Columns, ListArgs, Sorts, ordered, page_of
from fundledger.meetings.forms import chosen_meeting
from fundledger.program import queries, revisions
from fundledger.program.forms import ActivityFilterForm, RevisionForm
from fundledger.program.models import Activity, ProgramChange
from fundledger.program.translated import alphabetical, title_of
from fundledger.web import lists
from fundledger.web.database import db_session
from fundledger.web.downloads import Table, table_download
from fundledger.web.fields import required
from fundledger.web.i18n import _, current_language
from fundledger.web.pages import Page, form_page, template_page

blueprint = Blueprint("program", __name__, url_prefix="/program")


@blueprint.get("/objectives")
def objectives() -> str:
    session = db_session()
    return render_template(
        "program/objectives.html",
        general_objectives=queries.general_objectives(session),
        objectives=queries.objectives(session),
    )


@table_download(blueprint, "/objectives", endpoint="objectives")
@allow(*EVERY_ROLE)
def objectives_table() -> Table:
    """The Program's objectives, general then specific, as the resolution numbers them
    (23 of them: the page neither pages nor sorts them), titled in the reader's language."""
    db, language = db_session(), current_language()
    rows = [
        *(("general", o.number, title_of(o, language)) for o in queries.general_objectives(db)),
        *(("specific", o.number, title_of(o, language)) for o in queries.objectives(db)),
    ]
    return Table("objectives", ("level", "number", "title"), rows)


@blueprint.get("/activities")
def activities() -> str:
    db = db_session()
    sorts = queries.activity_sorts(db, current_language())
    filters, order = _activity_filters(db), lists.order(sorts, per_page=100)
    page = page_of(db, _activities(filters, sorts, order), order)
    return render_template("program/activities.html", page=page, filters=filters, order=order)


@table_download(blueprint, "/activities", endpoint="activities")
@allow(*EVERY_ROLE)
def activities_table() -> Table:
    db, language = db_session(), current_language()
    sorts = queries.activity_sorts(db, language)
    order = lists.order(sorts)
    rows = [
        (a.number, title_of(a, language), a.implementer_code, title_of(a.implementer, language),
         "yes" if a.fundable else "no",
         " ".join(str(objective.number) for objective in a.objectives))
        for a in db.scalars(_activities(_activity_filters(db), sorts, order))
    ]  # fmt: skip
    header = ("number", "title", "implementer", "implementer_name", "fundable", "objectives")
    return Table("activities", header, rows)


@blueprint.get("/activities/<int:number>")
def activity(number: int) -> str:
    found = db_session().get(Activity, number)  # the router refuses a number past any id
    if found is None:
        raise NotFound(
            _(
                "There is no activity %(number)s; the Program has activities 1 to 100.",
                number=number,
            )
        )
    history = revisions.revisions(db_session(), activity=number)
    return render_template("program/activity.html", activity=found, revisions=history,
                           describe=change_text)  # fmt: skip


@blueprint.get("/revisions")
@allow(*READERS)
def revision_list() -> str:
    listed = revisions.revisions(db_session())
    return render_template("program/revisions.html", revisions=listed,
                           describe=change_text)  # fmt: skip


@blueprint.route("/revisions/new", methods=["GET", "POST"])
@allow(Role.CAJP)
def new_revision() -> Page:
    db = db_session()
    form = RevisionForm()

    def carry_out() -> tuple[str, str]:
        change = revisions.Change(
            form.change.data, activity=form.activity.data, objective=form.objective.data,
            implementer=form.implementer.data, text=form.text.data, group=form.group.data,
        )  # fmt: skip
        recorded = revisions.revise_program(
            db, request_actor(), effective_on=required(form.effective_on.data), changes=[change],
            reference=form.reference.data, meeting=chosen_meeting(form.meeting),
            existing_continue=form.existing_continue.data,
        )  # fmt: skip
        return (_("The revision is recorded under %(reference)s, effective %(day)s.",
                  reference=recorded.reference, day=recorded.effective_on.isoformat()),
                url_for(".revision_list"))  # fmt: skip

    return form_page(form, carry_out, template_page("program/new_revision.html", form))


@table_download(blueprint, "/crossref", endpoint="crossref")
@allow(*EVERY_ROLE)
def crossref_table() -> Table:
    """Appendix I as pairs, by activity then objective. The page is its matrix, in the
    Appendix's order; filtering the activities is the activity list's job."""
    rows = queries.crossref(db_session())
    return Table("crossref", ("activity", "objective"), rows)


@blueprint.get("/crossref")
def crossref() -> str:
    session = db_session()
    crosses = set(queries.crossref(session))
    in_table = {activity_number for activity_number, _ in crosses}
    return render_template(
        "program/crossref.html",
        activities=[a for a in queries.activities(session) if a.number in in_table],
        objectives=queries.objectives(session),
        crosses=crosses,
    )


def _activity_filters(db: Session) -> ActivityFilterForm:
    form = ActivityFilterForm(request.args)
    lists.offer(form.objective, (str(o.number) for o in queries.objectives(db)))
    language = current_language()
    organs = {i.code: title_of(i, language) for i in queries.implementers(db)}
    by_name = sorted(organs, key=lambda code: alphabetical(organs[code]))
    lists.offer(form.organ, (SelectChoice(code, organs[code]) for code in by_name))
    return lists.checked(form)


def _activities(
    filters: ActivityFilterForm, sorts: Sorts[Columns], order: ListArgs
) -> Select[Activity]:
    query = queries.activities_query(
        objective=int(filters.objective.data) if filters.objective.data else None,
        organ=filters.organ.data or None,
        fundable=filters.fundable_only,
    )
    return ordered(query, sorts, order)


def change_text(change: ProgramChange) -> str:
    """A revision's change in the reader's language (the command and the audit log use
    :func:`fundledger.program.revisions.describe`)."""
    params = {"activity": change.activity_number, "objective": change.objective_number,
              "code": change.implementer_code, "previous": change.previous_code}  # fmt: skip
    texts = {
        "add_activity": _("Activity %(activity)s added, carried by %(code)s", **params),
        "add_implementer": _("Implementer %(code)s added", **params),
        "move_activity": _("Activity %(activity)s moved from %(previous)s to %(code)s", **params),
        "link": _("Activity %(activity)s linked to objective %(objective)s", **params),
        "unlink": _("Activity %(activity)s unlinked from objective %(objective)s", **params),
    }
    return texts.get(change.kind, change.kind)
