"""The filters of the progress reports' list (shape only)."""

from __future__ import annotations

from wtforms import BooleanField, Form, IntegerField, SelectChoice, SelectField
from wtforms.validators import NumberRange, Optional

from fundledger.inputs import MAX_ID
from fundledger.web.i18n import _l

STATES = [
    SelectChoice("draft", _l("Draft")),
    SelectChoice("submitted", _l("Submitted")),
    SelectChoice("reviewed", _l("Reviewed")),
]
#: How a page names each state.
STATE_NAMES = {choice.value: choice.label for choice in STATES}


class ReportFilterForm(Form):
    allocation = IntegerField(_l("Allocation"), validators=[Optional(), NumberRange(1, MAX_ID)],
                              render_kw={"inputmode": "numeric"})  # fmt: skip
    state = SelectField(_l("State"), choices=[SelectChoice("", _l("Any")), *STATES], default="")
    overdue = BooleanField(_l("Only the reports overdue"))
