"""The CAJP's meetings: the list, one meeting with the decisions recorded at it, and the
form that records one. Thin shells over :mod:`fundledger.meetings.operations`."""

from __future__ import annotations

from flask import Blueprint, render_template, url_for

from fundledger.allocations.queries import meeting_decisions
from fundledger.auth.access import READERS, allow
from fundledger.auth.models import Role
from fundledger.auth.sessions import request_actor
from fundledger.documents import views as documents
from fundledger.documents.models import OwnerKind
from fundledger.errors import NotFound
from fundledger.inputs import MAX_ID
from fundledger.meetings import operations, queries
from fundledger.meetings.forms import MeetingForm
from fundledger.meetings.models import Meeting
from fundledger.web.database import db_session
from fundledger.web.fields import required
from fundledger.web.i18n import _
from fundledger.web.pages import Page, form_page, template_page

blueprint = Blueprint("meetings", __name__)


@blueprint.get("/meetings")
@allow(*READERS)
def meetings() -> str:
    db = db_session()
    listed = queries.meetings(db)
    counts = {m.id: len(meeting_decisions(db, m.id)) for m in listed}
    return render_template("meetings/list.html", meetings=listed, counts=counts)


@blueprint.get("/meetings/<int:meeting_id>")
@allow(*READERS)
def meeting(meeting_id: int) -> str:
    db = db_session()
    found = db.get(Meeting, meeting_id) if meeting_id <= MAX_ID else None
    if found is None:
        raise NotFound(_("There is no meeting #%(id)s.", id=meeting_id))
    attached = documents.section(db, [(OwnerKind.MEETING, found.id, "")])
    return render_template("meetings/meeting.html", meeting=found,
                           decisions=meeting_decisions(db, found.id), **attached)  # fmt: skip


@blueprint.route("/meetings/new", methods=["GET", "POST"])
@allow(Role.CAJP)
def new() -> Page:
    db = db_session()
    form = MeetingForm()

    def carry_out() -> tuple[str, str]:
        recorded = operations.record_meeting(
            db, request_actor(), held_on=required(form.held_on.data), kind=form.kind.data,
            reference=required(form.reference.data), title=form.title.data,
        )  # fmt: skip
        return (_("The meeting of %(day)s is recorded under %(reference)s.",
                  day=recorded.held_on.isoformat(), reference=recorded.reference),
                url_for(".meeting", meeting_id=recorded.id))  # fmt: skip

    return form_page(form, carry_out, template_page("meetings/new.html", form))
