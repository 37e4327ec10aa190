"""The form that records a meeting, and the meeting choice of the CAJP's decision forms."""

from __future__ import annotations

from typing import Any

from flask import g
from flask_wtf import FlaskForm
from wtforms import SelectChoice, SelectField, SubmitField
from wtforms.validators import Length, Optional, ValidationError

from fundledger.meetings.models import MeetingKind
from fundledger.meetings.queries import meetings
from fundledger.web.database import db_session
from fundledger.web.fields import DateField, Required, StringField, stripped
from fundledger.web.i18n import _, _l

MEETING_KINDS = [
    SelectChoice(MeetingKind.REGULAR.value, _l("Regular meeting of the CAJP")),
    SelectChoice(MeetingKind.IMPLEMENTERS.value, _l("Annual meeting with the implementers")),
    SelectChoice(MeetingKind.EXPERTS.value, _l("Meeting of experts before a Summit")),
]


class MeetingForm(FlaskForm):
    held_on = DateField(_l("Date held"), validators=[Required(_l("Enter the meeting's date."))])
    kind = SelectField(_l("Kind of meeting"), choices=MEETING_KINDS)
    reference = StringField(
        _l("Meeting document reference"),
        validators=[Required(_l("Enter the reference.")), Length(max=200)],
        filters=[stripped],
    )
    title = StringField(
        _l("Subject (optional)"), validators=[Optional(), Length(max=200)], filters=[stripped]
    )
    submit = SubmitField(_l("Record the meeting"))


def meeting_field() -> SelectField:
    """Which meeting took a decision: none, or one recorded (see :func:`offer_meetings`)."""
    return SelectField(_l("CAJP meeting"), choices=[], default="", validate_choice=True)


def offer_meetings(field: SelectField) -> None:
    """Give ``field`` the meetings to choose from, read once per request (the queue has a
    form per allocation)."""
    if "meeting_choices" not in g:
        g.meeting_choices = [
            SelectChoice(str(m.id), f"{m.held_on.isoformat()} — {m.reference}")
            for m in meetings(db_session())
        ]
    field.choices = [SelectChoice("", _("None: the decision's own reference")),
                     *g.meeting_choices]  # fmt: skip


def chosen_meeting(field: SelectField) -> int | None:
    """The meeting chosen (one of those offered), if any."""
    return int(field.data) if field.data else None


class CajpDecisionForm(FlaskForm):
    """A CAJP decision's form: it offers the meetings, and names its meeting, its own
    reference, or both. Each form declares ``meeting`` (:func:`meeting_field`) and
    ``reference`` where it shows them."""

    meeting: SelectField
    reference: Any

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        offer_meetings(self.meeting)

    def validate_meeting(self, field: SelectField) -> None:
        if not (field.data or self.reference.data):
            raise ValidationError(_l("Choose the meeting or enter the decision's reference."))
