"""The activity list's filters, read from the query string (no CSRF: they change nothing),
and the form that records a Program revision: one change, its effective date, and the
CAJP decision (meeting or reference) that made it.

The view offers the Program's objectives and implementers.
"""

from __future__ import annotations

from wtforms import BooleanField, Form, IntegerField, SelectChoice, SelectField, SubmitField
from wtforms.validators import Length, NumberRange, Optional

from fundledger.meetings.forms import CajpDecisionForm, meeting_field
from fundledger.web.fields import DateField, Required, StringField, stripped
from fundledger.web.i18n import _l

ANY = SelectChoice("", _l("any"))


class ActivityFilterForm(Form):
    objective = SelectField(_l("Serves objective"), choices=[ANY], default="")
    organ = SelectField(_l("Implementer"), choices=[ANY], default="")
    #: "1" is the value the older "fundable only" link sends.
    fundable = SelectField(
        _l("Fundable"),
        choices=[ANY, SelectChoice("1", _l("yes")), SelectChoice("0", _l("no"))],
        default="",
    )

    @property
    def fundable_only(self) -> bool | None:
        return {"1": True, "0": False}.get(self.fundable.data or "")


CHANGES = [
    SelectChoice("link", _l("Link an activity to a specific objective")),
    SelectChoice("unlink", _l("Unlink an activity from a specific objective")),
    SelectChoice("move_activity", _l("Move an activity to another implementer")),
    SelectChoice("add_activity", _l("Add an activity")),
    SelectChoice("add_implementer", _l("Add an implementer")),
]
GROUPS = [
    SelectChoice("oas_organ", _l("OAS organ, agency or entity (its activities are fundable)")),
    SelectChoice("member_states", _l("Member states")),
    SelectChoice("state_forum", _l("Forum of states")),
    SelectChoice("multilateral", _l("Multilateral organization")),
    SelectChoice("other", _l("Other")),
]


class RevisionForm(CajpDecisionForm):
    change = SelectField(_l("Change"), choices=CHANGES)
    activity = IntegerField(_l("Activity number"), validators=[Optional(), NumberRange(1, 9999)])
    objective = IntegerField(_l("Specific objective"), validators=[Optional(), NumberRange(1, 20)])
    implementer = StringField(
        _l("Implementer code"), validators=[Optional(), Length(max=20)], filters=[stripped]
    )
    text = StringField(
        _l("Title of the activity, or name of the implementer"),
        validators=[Optional(), Length(max=2000)], filters=[stripped],
    )  # fmt: skip
    group = SelectField(_l("Group of the implementer added"), choices=GROUPS)
    effective_on = DateField(
        _l("Effective from"), validators=[Required(_l("Enter the date it takes effect."))]
    )
    meeting = meeting_field()
    reference = StringField(
        _l("Decision reference"), validators=[Optional(), Length(max=200)], filters=[stripped]
    )
    existing_continue = BooleanField(
        _l("The decision says allocations already made to an activity it makes unfundable "
           "continue")
    )  # fmt: skip
    submit = SubmitField(_l("Record the revision"))
