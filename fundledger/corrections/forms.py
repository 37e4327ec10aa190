"""The forms of corrections: a reversal's reason and date, a decision, the threshold."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import SubmitField
from wtforms.validators import Length

from fundledger.web.fields import AmountField, DateField, Required, TextAreaField
from fundledger.web.i18n import _l


class ReverseForm(FlaskForm):
    reason = TextAreaField(
        _l("Reason"), validators=[Required(_l("Give the reason for the reversal.")),
                                  Length(max=2000)],
    )  # fmt: skip
    on = DateField(
        _l("Date of the reversal"), validators=[Required(_l("Enter the date."))],
        description=_l("Today, unless the books should show the correction earlier."),
    )  # fmt: skip
    submit = SubmitField(_l("Reverse"))


class WithdrawForm(FlaskForm):
    reason = TextAreaField(
        _l("Reason"), validators=[Required(_l("Give the reason for the reversal.")),
                                  Length(max=2000)],
    )  # fmt: skip
    submit = SubmitField(_l("Withdraw the rate"))


class DecisionForm(FlaskForm):
    note = TextAreaField(
        _l("Why it is refused"), validators=[Length(max=2000)],
        description=_l("Needed to refuse; not to approve."),
    )  # fmt: skip
    approve = SubmitField(_l("Approve and post the reversal"))
    refuse = SubmitField(_l("Refuse"))


class ThresholdForm(FlaskForm):
    threshold = AmountField(
        _l("Approval threshold (USD)"),
        description=_l("A reversal of an entry above this total needs a second Secretariat "
                       "user's approval; 0: every reversal; blank: none."),
    )  # fmt: skip
    submit = SubmitField(_l("Save"))
