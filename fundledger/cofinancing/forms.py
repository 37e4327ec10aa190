"""The Secretariat's forms that record and withdraw a co-financing item, and the
filters of the list and the report (shape only: the rules are the operations')."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import Form, IntegerField, SelectChoice, SelectField, SubmitField
from wtforms.validators import Length, NumberRange, Optional

from fundledger.cofinancing.models import SourceKind
from fundledger.web.fields import LOCAL_EXAMPLE, AmountField, Required, StringField, stripped
from fundledger.web.i18n import _l

SOURCE_KINDS = [
    SelectChoice(SourceKind.REGULAR_FUND.value, _l("OAS Regular Fund")),
    SelectChoice(SourceKind.OWN_RESOURCES.value, _l("The implementer's own resources")),
    SelectChoice(SourceKind.MEMBER_STATE.value, _l("A member state's report")),
    SelectChoice(SourceKind.OTHER.value, _l("Other source")),
]
#: How a page names each kind of source.
KIND_NAMES = {choice.value: choice.label for choice in SOURCE_KINDS}
_YEARS = NumberRange(2000, 2199, _l("A year 2000–2199."))


class ItemForm(FlaskForm):
    """The view offers every Program activity."""

    activity = SelectField(_l("Program activity"), choices=[])
    year = IntegerField(_l("Year spent"), validators=[Required(_l("Enter the year.")), _YEARS],
                        render_kw={"inputmode": "numeric"})  # fmt: skip
    source_kind = SelectField(_l("Source"), choices=SOURCE_KINDS)
    source_name = StringField(
        _l("Source's name"),
        description=_l("An organ's code, a state, an institution."),
        validators=[Required(_l("Enter the source's name.")), Length(max=500)],
        filters=[stripped],
    )
    amount = AmountField(
        _l("Amount"), validators=[Required(_l("Enter the amount."))],
        description=_l("USD, written like %(example)s", example=LOCAL_EXAMPLE),
    )  # fmt: skip
    description = StringField(
        _l("What it paid for, and where it is reported"),
        validators=[Required(_l("Enter the description.")), Length(max=500)],
        filters=[stripped],
    )
    submit = SubmitField(_l("Record the co-financing"))


class WithdrawForm(FlaskForm):
    reason = StringField(
        _l("Reason for the withdrawal"),
        validators=[Required(_l("Enter the reason.")), Length(max=500)],
        filters=[stripped],
    )
    submit = SubmitField(_l("Withdraw the item"))


class ItemFilterForm(Form):
    year = IntegerField(_l("Year"), validators=[Optional(), _YEARS],
                        render_kw={"inputmode": "numeric"})  # fmt: skip
    source_kind = SelectField(
        _l("Source"), choices=[SelectChoice("", _l("Any")), *SOURCE_KINDS], default=""
    )


class ResourcesForm(Form):
    """The report's query string: a year, or none for every year."""

    year = IntegerField(_l("Year (blank: every year)"), validators=[Optional(), _YEARS],
                        render_kw={"inputmode": "numeric"})  # fmt: skip
