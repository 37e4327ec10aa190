"""The ledger pages' forms: the lists' filters, read from the query string (no CSRF:
they change nothing), and those a fiscal year is revalued, closed and reopened with.

The journal's view fills in the account and donor choices from the database.
"""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import Form, IntegerField, SelectChoice, SelectField, SubmitField
from wtforms.validators import Length, NumberRange
from wtforms.widgets import HiddenInput

from fundledger.ledger.models import AccountType, EntryKind
from fundledger.web.fields import DateField, Required, TextAreaField, stripped
from fundledger.web.filters import TERMS
from fundledger.web.i18n import _l

ANY = SelectChoice("", _l("any"))


def _type_field() -> SelectField:
    return SelectField(
        _l("Type"),
        choices=[ANY, *(SelectChoice(t.value, TERMS[t]) for t in AccountType)],
        default="",
    )


class AccountFilterForm(Form):
    type = _type_field()
    status = SelectField(
        _l("Status"),
        choices=[ANY, SelectChoice("open", _l("open")), SelectChoice("closed", _l("closed"))],
        default="",
    )


class TrialBalanceFilterForm(Form):
    as_of = DateField(_l("As of"))
    type = _type_field()


class JournalFilterForm(Form):
    start = DateField(_l("From"), name="from")
    end = DateField(_l("To"), name="to")
    kind = SelectField(
        _l("Kind"),
        choices=[ANY, *(SelectChoice(k.value, TERMS[k]) for k in EntryKind)],
        default="",
    )
    account = SelectField(_l("Account"), choices=[ANY], default="")
    donor = SelectField(_l("Donor"), choices=[ANY], default="")


class PeriodFilterForm(Form):
    status = SelectField(
        _l("Status"),
        choices=[
            ANY,
            SelectChoice("closed", _l("closed")),
            SelectChoice("reopened", _l("reopened")),
        ],
        default="",
    )


def _year() -> IntegerField:
    return IntegerField(
        _l("Fiscal year"),
        validators=[
            Required(_l("Enter the year.")),
            NumberRange(2000, 2199, _l("A year 2000–2199.")),
        ],
        render_kw={"inputmode": "numeric"},
    )


class RevalueYearForm(FlaskForm):
    """One button, "Revalue at 31 December YYYY": the year travels with it."""

    year = IntegerField(
        _l("Fiscal year"),
        validators=[Required(_l("Enter the year.")),
                    NumberRange(2000, 2199, _l("A year 2000–2199."))],
        widget=HiddenInput(),
    )  # fmt: skip


class CloseYearForm(FlaskForm):
    year = _year()
    submit = SubmitField(_l("Close the year"))


class ReopenYearForm(FlaskForm):
    year = _year()
    reason = TextAreaField(
        _l("Reason"),
        validators=[Required(_l("Say why the year is reopened.")), Length(max=2000)],
        filters=[stripped],
    )
    submit = SubmitField(_l("Reopen the year"))
