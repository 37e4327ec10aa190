"""The shapes of the contribution forms: what is required, ranges, choices.

Whether an amount fits its currency, a rate exists for the day, an earmark names an
activity the fund finances, or a receipt exceeds its pledges is the operations' business;
their refusals come back to the form as its error. Amounts are text read by
:class:`fundledger.web.fields.AmountField`, never floats.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField, FileRequired
from wtforms import (
    BooleanField,
    Form,
    FormField,
    HiddenField,
    RadioField,
    SelectChoice,
    SelectField,
    SelectMultipleField,
    SubmitField,
)
from wtforms.validators import Length, Optional, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from fundledger.donors.models import NAME_LANGUAGES, DonorType
from fundledger.donors.operations import LANGUAGES
from fundledger.web.fields import (
    LOCAL_EXAMPLE,
    AmountField,
    ChooserField,
    DateField,
    Required,
    StringField,
    code,
    id_number,
)
from fundledger.web.forms import PostsOnce, RowList
from fundledger.web.i18n import LazyText, _l

TYPE_LABELS = {
    DonorType.MEMBER_STATE: _l("Member state"),
    DonorType.PERMANENT_OBSERVER: _l("Permanent observer"),
    DonorType.REGIONAL_ORG: _l("Regional organization"),
    DonorType.INTERNATIONAL_ORG: _l("International organization"),
    DonorType.CIVIL_SOCIETY: _l("Civil society"),
    DonorType.OTHER: _l("Other"),
}
LANGUAGE_LABELS = {"en": _l("English"), "es": _l("Spanish"), "fr": _l("French"),
                   "pt": _l("Portuguese")}  # fmt: skip
ACTIVE_CHOICES = {"": _l("Active and inactive"), "yes": _l("Active only"),
                  "no": _l("Inactive only")}  # fmt: skip
INSTALMENT_ROWS = 4


def _strip(value: str | None) -> str | None:
    return value.strip() if isinstance(value, str) else value


# --- fields ---------------------------------------------------------------------------


class CheckboxListField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class MoreThanZero:
    def __init__(self, message: str) -> None:
        self.message = message

    def __call__(self, form: Any, field: Any) -> None:
        if field.data is not None and field.data <= 0:
            raise ValidationError(self.message)


class NotNegative(MoreThanZero):
    def __call__(self, form: Any, field: Any) -> None:
        if field.data is not None and field.data < 0:
            raise ValidationError(self.message)


def _currency_chooser() -> ChooserField:
    """The currency of a pledge or a receipt: the view offers USD, the common ones and
    those the rate table has (``web.names.offer_currencies``), each with its name."""
    return ChooserField(
        _l("Currency"), validators=[Required(_l("Choose the currency."))],
        not_offered=_l("Choose the currency from the list (set a rate for another one first)."),
    )  # fmt: skip


def _save_rate_box() -> BooleanField:
    return BooleanField(_l("Also keep this rate in the rate table, for that day"))


def _earmark_chooser(description: LazyText) -> ChooserField:
    """The earmark of a pledge or of unpledged money: the view offers the fundable ones
    (``web.names.offer_earmarks``), grouped by objective; the blank choice is unrestricted."""
    return ChooserField(
        _l("Earmark"), description=description, default="",
        not_offered=_l("Choose the earmark from the list: it offers those an activity the "
                       "fund finances can use."),
    )  # fmt: skip


def _currency_field() -> StringField:
    return StringField(
        _l("Currency"),
        validators=[Required(_l("Enter the currency, like USD or EUR.")), Length(max=10)],
        filters=[code],
        render_kw={"list": "currencies", "autocomplete": "off", "size": 5},
    )


# --- donors ---------------------------------------------------------------------------


class DonorForm(FlaskForm):
    """A donor's descriptive fields; code and type identify it and stay."""

    name = StringField(
        _l("Name"), validators=[Required(_l("Enter the donor's name.")), Length(max=200)],
        filters=[_strip],
    )  # fmt: skip
    country = StringField(
        _l("Country"),
        description=_l("Two-letter ISO 3166 code, like MX; blank for organizations."),
        validators=[Optional(), Length(max=2, message=_l("The country is a two-letter code."))],
        filters=[code],
        render_kw={"size": 3, "autocomplete": "off"},
    )
    language = SelectField(
        _l("Language of its statements"),
        choices=[SelectChoice(code, LANGUAGE_LABELS[code]) for code in LANGUAGES],
        default="en",
    )
    contact = StringField(_l("Contact person or address"), validators=[Length(max=500)],
                          filters=[_strip])  # fmt: skip
    anonymous = BooleanField(
        _l("Anonymous in public"),
        description=_l("The public page, the IATI file and the public API show it as "
                       "“Anonymous donor”; its money still counts in the totals."),
    )  # fmt: skip
    name_en = StringField(_l("Name in English"), validators=[Length(max=200)], filters=[_strip])
    name_es = StringField(_l("Name in Spanish"), validators=[Length(max=200)], filters=[_strip])
    name_fr = StringField(_l("Name in French"), validators=[Length(max=200)], filters=[_strip])
    name_pt = StringField(_l("Name in Portuguese"), validators=[Length(max=200)],
                          filters=[_strip])  # fmt: skip
    submit = SubmitField(_l("Save"))

    def names(self) -> dict[str, str | None]:
        """The names by language as entered (blank removes one)."""
        return {language: getattr(self, f"name_{language}").data or None
                for language in NAME_LANGUAGES}  # fmt: skip


class NewDonorForm(DonorForm):
    code = StringField(
        _l("Code"),
        description=_l(
            "1–20 letters, digits or dashes, like MEX, ES-OBS or IOM; it cannot change."
        ),
        validators=[Required(_l("Enter a short code.")), Length(max=20)],
        filters=[code],
        render_kw={"autocomplete": "off", "size": 12},
    )
    type = SelectField(
        _l("Type"),
        choices=[SelectChoice(kind.value, label) for kind, label in TYPE_LABELS.items()],
        validators=[Required(_l("Choose the type of donor."))],
    )
    #: Offered once the view found donors the new one may duplicate.
    confirm = BooleanField(_l("It is not one of these: add it anyway"))
    submit = SubmitField(_l("Add donor"))


class DonorFilterForm(Form):
    """The donor list's filters, read from the query string (the order is the list's)."""

    type = SelectField(
        _l("Type"),
        choices=[SelectChoice("", _l("All types"))]
        + [SelectChoice(kind.value, label) for kind, label in TYPE_LABELS.items()],
        default="",
    )
    active = SelectField(
        _l("Status"), choices=[SelectChoice(k, v) for k, v in ACTIVE_CHOICES.items()], default=""
    )

    @property
    def active_only(self) -> bool | None:
        return {"yes": True, "no": False}.get(self.active.data or "")


# --- rates ----------------------------------------------------------------------------


class RateForm(FlaskForm):
    currency = _currency_field()
    rate_date = DateField(_l("Date"), validators=[Required(_l("Enter the date."))])
    rate = AmountField(
        _l("Rate"),
        description=_l("USD per one unit of the currency, like 1.0850 for the euro."),
        validators=[
            Required(_l("Enter the rate.")),
            MoreThanZero(_l("The rate is more than zero.")),
        ],
    )
    submit = SubmitField(_l("Save rate"))


class RateFilterForm(Form):
    currency = StringField(_l("Currency"), validators=[Optional(), Length(max=3)], filters=[code])


class ContributionFilterForm(RateFilterForm):
    """The receipt list's filters; the view offers the donors."""

    donor = SelectField(_l("Donor"), choices=[SelectChoice("", _l("any"))], default="")
    start = DateField(_l("From"), name="from")
    end = DateField(_l("To"), name="to")


class PledgeFilterForm(ContributionFilterForm):
    status = SelectField(
        _l("Status"),
        choices=[SelectChoice("", _l("any")), SelectChoice("outstanding", _l("money still owed")),
                 SelectChoice("settled", _l("settled"))],
        default="",
    )  # fmt: skip


class AsOfForm(Form):
    as_of = DateField(_l("As of"))


# --- pledges --------------------------------------------------------------------------


class InstalmentForm(Form):
    """One row of a pledge's schedule: both fields, or neither."""

    due = DateField(_l("Due"))
    amount = AmountField(_l("Amount"), validators=[MoreThanZero(_l("More than zero."))])

    def validate_amount(self, field: AmountField) -> None:
        if not self.due.errors and (self.due.data is None) != (field.data is None):
            raise ValidationError(_l("Give both the due date and the amount, or neither."))


class PledgeForm(PostsOnce):
    posts = "pledge"
    pledge_date = DateField(
        _l("Date the agreement was signed"),
        validators=[Required(_l("Enter the pledge date."))],
    )
    amount = AmountField(
        _l("Amount pledged"),
        description=_l("In its currency, written like %(example)s.", example=LOCAL_EXAMPLE),
        validators=[Required(_l("Enter the amount.")),
                    MoreThanZero(_l("The amount pledged is more than zero."))],
    )  # fmt: skip
    currency = _currency_chooser()
    rate = AmountField(
        _l("Rate"),
        description=_l("USD per unit; blank: the rate table's for the pledge date."),
        validators=[MoreThanZero(_l("The rate is more than zero."))],
    )
    save_rate = _save_rate_box()
    earmark = _earmark_chooser(
        _l("What the money may fund: an objective, an activity or an organ; or unrestricted.")
    )
    due = DateField(_l("Due date"), description=_l("Blank: the last instalment's date, or none."))
    reference = StringField(_l("Agreement reference"), validators=[Length(max=200)],
                            filters=[_strip])  # fmt: skip
    instalments = RowList(FormField(InstalmentForm), label=_l("Instalments"),
                          min_entries=INSTALMENT_ROWS, max_entries=INSTALMENT_ROWS)  # fmt: skip
    submit = SubmitField(_l("Record pledge"))

    def schedule(self) -> list[tuple[dt.date, Decimal]]:
        """The filled-in instalment rows, as (due date, amount)."""
        return [
            (row.due.data, row.amount.data)
            for row in self.instalments
            if row.due.data is not None and row.amount.data is not None
        ]


class ReduceForm(PostsOnce):
    posts = "pledge-reduction"
    action = RadioField(
        _l("What to do"),
        choices=[
            SelectChoice("reduce", _l("Reduce what is outstanding by an amount")),
            SelectChoice("cancel", _l("Cancel everything still outstanding")),
        ],
        default="reduce",
        validators=[Required(_l("Choose to reduce or to cancel."))],
    )
    amount = AmountField(
        _l("Reduce by"),
        description=_l("In the pledge's currency."),
        validators=[MoreThanZero(_l("The reduction is more than zero."))],
    )
    on = DateField(_l("Date"), validators=[Required(_l("Enter the date."))])
    reason = StringField(
        _l("Reason"), validators=[Required(_l("Give the reason.")), Length(max=500)],
        filters=[_strip],
    )  # fmt: skip
    submit = SubmitField(_l("Record"))

    def validate_amount(self, field: AmountField) -> None:
        if self.action.data == "reduce" and field.data is None and not field.errors:
            raise ValidationError(_l("Enter the amount to reduce by, or choose to cancel."))

    @property
    def reduction(self) -> Decimal | None:
        """The amount to reduce by; none cancels the rest."""
        return None if self.action.data == "cancel" else self.amount.data


# --- receipts and credit --------------------------------------------------------------


class ReceiptForm(PostsOnce):
    """The view lists the donor's outstanding pledges in ``pledges``."""

    posts = "receipt"

    value_date = DateField(_l("Value date"), validators=[Required(_l("Enter the value date."))])
    amount = AmountField(
        _l("Amount the bank credited"),
        description=_l(
            "In its currency, after the bank's charges, written like %(example)s.",
            example=LOCAL_EXAMPLE,
        ),
        validators=[Required(_l("Enter the amount.")),
                    MoreThanZero(_l("The amount credited is more than zero."))],
    )  # fmt: skip
    currency = _currency_chooser()
    rate = AmountField(
        _l("Rate"),
        description=_l("USD per unit; blank: the rate table's for the value date."),
        validators=[MoreThanZero(_l("The rate is more than zero."))],
    )
    save_rate = _save_rate_box()
    charges = AmountField(
        _l("Bank charges"),
        description=_l(
            "What the bank deducted before crediting; credited plus charges is what the donor paid."
        ),
        validators=[NotNegative(_l("Bank charges cannot be negative."))],
    )
    kind = RadioField(
        _l("The money is"),
        choices=[
            SelectChoice(
                "pledges",
                _l(
                    "Against pledges: those ticked, or if none is ticked the "
                    "oldest outstanding in this currency first"
                ),
            ),
            SelectChoice("unpledged", _l("Unpledged: no pledge, recognised as revenue now")),
        ],
        default="pledges",
        validators=[Required(_l("Choose what the money is for."))],
    )
    pledges = CheckboxListField(_l("Pledges to settle, in this order"), coerce=id_number,
                                choices=[])  # fmt: skip
    overpayment = BooleanField(_l("Keep whatever exceeds the pledges as unapplied credit"))
    earmark = _earmark_chooser(_l("For unpledged money only."))
    reference = StringField(_l("Bank reference"), validators=[Length(max=200)], filters=[_strip])
    submit = SubmitField(_l("Record receipt"))


class CreditForm(PostsOnce):
    posts = "credit-application"
    on = DateField(_l("Date"), validators=[Required(_l("Enter the date."))])
    amount = AmountField(
        _l("Amount"),
        description=_l(
            "In the pledge's currency; blank: as much as the credit and the pledge allow."
        ),
        validators=[MoreThanZero(_l("The amount is more than zero."))],
    )
    submit = SubmitField(_l("Apply credit"))


# --- import ---------------------------------------------------------------------------


class ImportForm(FlaskForm):
    file = FileField(
        _l("CSV file"),
        validators=[
            FileRequired("Choose the CSV file to import."),
            FileAllowed(["csv", "txt"], "Choose a .csv file (save a spreadsheet as UTF-8 CSV)."),
        ],
    )
    submit = SubmitField(_l("Preview"))


class ConfirmImportForm(FlaskForm):
    """The previewed file, sent back to be posted (see ``donors.views.import_confirm``)."""

    content = HiddenField(validators=[Required()])
    seal = HiddenField(validators=[Required()])
    filename = HiddenField(validators=[Length(max=255)])
    submit = SubmitField(_l("Post"))


class AnnouncementForm(FlaskForm):
    """A pledge announced and not yet signed: as a pledge, without instalments or due date
    (the agreement will say them)."""

    announced_on = DateField(
        _l("Date announced"), validators=[Required(_l("Enter the date it was announced."))]
    )
    amount = AmountField(
        _l("Amount announced"),
        description=_l("In its currency, as a plain number: 50000.00."),
        validators=[Required(_l("Enter the amount.")),
                    MoreThanZero(_l("The amount announced is more than zero."))],
    )  # fmt: skip
    currency = _currency_chooser()
    rate = AmountField(
        _l("Rate"),
        description=_l("USD per unit; blank: the rate table's for the date announced."),
        validators=[MoreThanZero(_l("The rate is more than zero."))],
    )
    earmark = _earmark_chooser(
        _l("What the money may fund: an objective, an activity or an organ; "
           "or unrestricted.")
    )  # fmt: skip
    reference = StringField(
        _l("Where it was announced"), description=_l("A letter, a pledging conference."),
        validators=[Length(max=200)], filters=[_strip],
    )  # fmt: skip
    submit = SubmitField(_l("Record the announcement"))


class SignAnnouncementForm(FlaskForm):
    """The agreement of an announced pledge is signed: the pledge is recorded as announced."""

    pledge_date = DateField(
        _l("Date the agreement was signed"),
        validators=[Required(_l("Enter the pledge date."))],
    )
    rate = AmountField(
        _l("Rate"),
        description=_l("USD per unit; blank: the rate table's for the pledge date."),
        validators=[MoreThanZero(_l("The rate is more than zero."))],
    )
    due = DateField(_l("Due date"), description=_l("Blank: none."))
    reference = StringField(
        _l("Agreement reference"), description=_l("Blank: where it was announced."),
        validators=[Length(max=200)], filters=[_strip],
    )  # fmt: skip
    submit = SubmitField(_l("Record pledge"))


class WithdrawAnnouncementForm(FlaskForm):
    reason = StringField(
        _l("Reason"), validators=[Required(_l("Give the reason.")), Length(max=500)],
        filters=[_strip],
    )  # fmt: skip
    submit = SubmitField(_l("Withdraw the announcement"))
