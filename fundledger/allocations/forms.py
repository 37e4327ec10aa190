"""The shapes of the allocation, CAJP, work-plan, availability and period forms.

Forms say what must be filled in and how it is written; whether money is available, a
pool may fund an activity, a step is legal now or this person may take it is for the
operations to say.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from flask_wtf import FlaskForm
from wtforms import (
    DateField,
    FieldList,
    Form,
    FormField,
    HiddenField,
    IntegerField,
    RadioField,
    SelectChoice,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import (
    AnyOf,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    ValidationError,
)
from wtforms.widgets import HiddenInput

from fundledger.allocations.models import State
from fundledger.allocations.operations import CATEGORIES
from fundledger.money import InvalidAmount, parse_decimal

#: Sort keys of the allocations list; a leading ``-`` sorts the other way.
ANY = SelectChoice("", "any")


def _strip(value: str | None) -> str | None:
    return value.strip() if isinstance(value, str) else value


class AmountField(StringField):
    """A USD amount typed as text and read by :func:`parse_decimal`, never through a
    float. What was typed stays in ``data`` (the form shows it again as it was); the
    ``Decimal`` is in ``amount`` once the form validates."""

    def __init__(self, label: str | None = None, validators: Any = None, **kwargs: Any) -> None:
        kwargs.setdefault("filters", [_strip])
        kwargs.setdefault("description", "USD, digits and a point: 40000.00")
        kwargs.setdefault("render_kw", {"inputmode": "decimal", "autocomplete": "off"})
        super().__init__(label, validators, **kwargs)
        self.amount: Decimal | None = None

    @property
    def value(self) -> Decimal:
        """The amount of a field the form requires, once the form validated."""
        if self.amount is None:
            raise ValueError(f"{self.name} has no amount: validate the form first")
        return self.amount

    def pre_validate(self, form: Form) -> None:
        self.amount = None
        if self.data:
            try:
                self.amount = parse_decimal(self.data, what="the amount")
            except InvalidAmount as error:
                raise ValidationError(
                    f"{str(error).capitalize()}: write it like 40000.00."
                ) from None


def _required(message: str) -> list[Any]:
    return [InputRequired(message)]


def _reference(label: str, *, required: bool) -> StringField:
    checks = [InputRequired(f"Enter the {label.lower()}.")] if required else [Optional()]
    return StringField(label, validators=[*checks, Length(max=200)], filters=[_strip])


def _comment(label: str = "Comment (optional)") -> TextAreaField:
    return TextAreaField(label, validators=[Optional(), Length(max=2000)], filters=[_strip])


# --- the allocations list -------------------------------------------------------------


class AllocationFilterForm(Form):
    """The list's query string (no CSRF: it changes nothing). The view lists the
    activities and organs."""

    state = SelectField("State", choices=[ANY, *(SelectChoice(s.value) for s in State)], default="")
    activity = SelectField("Activity", choices=[ANY], default="")
    organ = SelectField("Organ", choices=[ANY], default="")


# --- proposing and revising -----------------------------------------------------------


class ActivityChoiceForm(Form):
    """The first step of a proposal (a GET): which activity, to list the pools that may
    fund it. The view lists the fundable activities."""

    activity = SelectField("Activity", choices=[], coerce=int)


class PoolOrderForm(Form):
    """One pool of the table: its key and its place in the drawing order (blank: not used)."""

    pool = HiddenField(validators=[InputRequired(), Length(max=60)])
    order = IntegerField(
        "Order",
        validators=[Optional(), NumberRange(min=1, max=99, message="The order is 1 to 99.")],
        render_kw={"inputmode": "numeric", "size": 3},
    )


class RevisionForm(FlaskForm):
    amount = AmountField("Requested amount", validators=_required("Enter the amount requested."))
    purpose = TextAreaField(
        "Purpose",
        validators=[InputRequired("Say what the money is for."), Length(max=2000)],
        filters=[_strip],
    )
    period_start = DateField("Period from", validators=_required("Enter the period's start."))
    period_end = DateField("Period to", validators=_required("Enter the period's end."))
    pools = FieldList(FormField(PoolOrderForm), label="Funding pools")
    submit = SubmitField("Save the revision")

    def validate_pools(self, field: FieldList) -> None:
        orders = [entry.order.data for entry in field if entry.order.data is not None]
        if len(set(orders)) != len(orders):
            raise ValidationError("Give each pool you draw on its own place in the order.")

    def chosen_pools(self) -> list[str]:
        """The pools given a place, in that order (none: the operation's default)."""
        chosen = [entry for entry in self.pools if entry.order.data is not None]
        return [entry.pool.data for entry in sorted(chosen, key=lambda e: e.order.data)]


class ProposalForm(RevisionForm):
    #: Chosen in the first step; carried along so that the pools table stays the same.
    activity = IntegerField(widget=HiddenInput(), validators=_required("Choose an activity."))
    submit = SubmitField("Propose as a draft")


# --- steps on an allocation -----------------------------------------------------------


class SubmitForm(FlaskForm):
    submit = SubmitField("Submit to the CAJP")


DECISIONS = [
    SelectChoice("approve", "Approve the amount requested"),
    SelectChoice("reduce", "Approve a reduced amount"),
    SelectChoice("reject", "Reject"),
    SelectChoice("return", "Return to the Secretariat for revision"),
]


class DecisionForm(FlaskForm):
    decision = RadioField("Decision", choices=DECISIONS, validators=_required("Choose a decision."))
    amount = AmountField("Reduced amount approved")
    on = DateField("Date of the decision", validators=_required("Enter the decision's date."))
    reference = _reference("CAJP document reference", required=True)
    comment = _comment()
    #: Where the decision was taken: the allocation's page, or the CAJP's queue.
    back = HiddenField(validators=[Optional(), AnyOf(["queue"])])
    submit = SubmitField("Record the decision")

    def validate_amount(self, field: AmountField) -> None:
        if self.decision.data == "reduce" and not field.data:
            raise ValidationError("Enter the reduced amount the CAJP approved.")
        if self.decision.data != "reduce" and field.data:
            raise ValidationError("An amount goes only with “Approve a reduced amount”.")


class DisburseForm(FlaskForm):
    amount = AmountField("Tranche", validators=_required("Enter the tranche's amount."))
    on = DateField("Value date", validators=_required("Enter the value date."))
    reference = _reference("Bank reference (optional)", required=False)
    submit = SubmitField("Pay the tranche")


class ExpenditureForm(FlaskForm):
    amount = AmountField("Amount spent", validators=_required("Enter the amount spent."))
    period_end = DateField(
        "End of the period reported", validators=_required("Enter the end of the period.")
    )
    category = SelectField("Category", choices=[SelectChoice(c) for c in CATEGORIES])
    reference = _reference("The organ's report reference (optional)", required=False)
    submit = SubmitField("Record the report")


class CloseForm(FlaskForm):
    on = DateField(
        "Date the unspent balance came back", validators=_required("Enter the closing date.")
    )
    comment = _comment()
    submit = SubmitField("Close the allocation")


class RefundForm(FlaskForm):
    """The view lists the earmarked pools."""

    pool = SelectField("Earmarked pool", choices=[])
    amount = AmountField("Amount", validators=_required("Enter the amount to refund."))
    on = DateField("Value date", validators=_required("Enter the value date."))
    reason = TextAreaField(
        "Reason",
        validators=[InputRequired("Say why the money goes back."), Length(max=2000)],
        filters=[_strip],
    )
    submit = SubmitField("Refund to the donor")


# --- work plans -----------------------------------------------------------------------


class BudgetLineForm(Form):
    """One line of a work plan; a line left wholly blank is not part of it."""

    activity = SelectField("Activity", choices=[], default="")
    amount = AmountField("Amount")
    justification = StringField("Justification", validators=[Length(max=2000)], filters=[_strip])

    @property
    def blank(self) -> bool:
        return not (self.activity.data or self.amount.data or self.justification.data)


class BudgetForm(FlaskForm):
    year = IntegerField(
        "Year",
        validators=[InputRequired("Enter the year."), NumberRange(2000, 2199, "A year 2000–2199.")],
        render_kw={"inputmode": "numeric"},
    )
    lines = FieldList(FormField(BudgetLineForm), min_entries=6, label="Lines")
    more = SubmitField("Add more lines")
    submit = SubmitField("Propose the work plan")

    def validate_lines(self, field: FieldList) -> None:
        for number, entry in enumerate(field, start=1):
            if entry.form.blank:
                continue
            if not (entry.activity.data and entry.amount.data and entry.justification.data):
                raise ValidationError(
                    f"Line {number}: give the activity, the amount and a justification "
                    "(or leave the whole line blank)."
                )

    def filled_lines(self) -> list[tuple[int, Decimal, str]]:
        """(activity, amount, justification) of each line filled in."""
        return [
            (int(entry.activity.data), entry.amount.amount, entry.justification.data)
            for entry in self.lines
            if not entry.form.blank and entry.amount.amount is not None
        ]


class LineVerdictForm(Form):
    activity = IntegerField(widget=HiddenInput(), validators=[InputRequired()])
    verdict = RadioField(
        "Verdict", choices=[SelectChoice("approve"), SelectChoice("reject")], validate_choice=False
    )


BUDGET_DECISIONS = [
    SelectChoice("approve", "Approve the whole plan"),
    SelectChoice("reject", "Reject the whole plan"),
    SelectChoice("lines", "Decide line by line, as marked"),
]


class BudgetDecisionForm(FlaskForm):
    decision = RadioField(
        "Decision", choices=BUDGET_DECISIONS, validators=_required("Choose a decision.")
    )
    lines = FieldList(FormField(LineVerdictForm))
    on = DateField("Date of the decision", validators=_required("Enter the decision's date."))
    reference = _reference("CAJP document reference", required=True)
    comment = _comment()
    submit = SubmitField("Record the decision")

    def validate_lines(self, field: FieldList) -> None:
        if self.decision.data != "lines":
            return
        for entry in field:
            if entry.verdict.data not in ("approve", "reject"):
                raise ValidationError(
                    f"Mark activity {entry.activity.data} approve or reject, "
                    "or decide the plan as a whole."
                )

    def verdicts(self) -> dict[int, bool] | None:
        """Activity → approved, when decided line by line; none for a whole-plan decision."""
        if self.decision.data != "lines":
            return None
        return {entry.activity.data: entry.verdict.data == "approve" for entry in self.lines}


class BudgetReportForm(Form):
    """The report's query string; the view puts this year in when none is given."""

    year = IntegerField(
        "Year",
        validators=[Optional(), NumberRange(2000, 2199, "A year 2000–2199.")],
        render_kw={"inputmode": "numeric"},
    )
    by = SelectField(
        "By",
        choices=[SelectChoice("activity"), SelectChoice("organ"), SelectChoice("objective")],
        default="activity",
    )


# --- settings and periods -------------------------------------------------------------


class SettingsForm(FlaskForm):
    availability_basis = SelectField(
        "Availability basis",
        choices=[
            SelectChoice("cash", "Cash: only money received counts as available"),
            SelectChoice("cash_and_receivables", "Cash and receivables: pledged money counts too"),
        ],
    )
    indirect_cost_rate = StringField(
        "Indirect cost recovery rate",
        validators=[InputRequired("Enter a rate, 0 for none."), Length(max=20)],
        filters=[_strip],
        description="A fraction of each disbursement: 0.07 for 7 %, 0 for none.",
        render_kw={"inputmode": "decimal"},
    )
    submit = SubmitField("Save the settings")


def _year(label: str = "Fiscal year") -> IntegerField:
    return IntegerField(
        label,
        validators=[InputRequired("Enter the year."), NumberRange(2000, 2199, "A year 2000–2199.")],
        render_kw={"inputmode": "numeric"},
    )


class CloseYearForm(FlaskForm):
    year = _year()
    submit = SubmitField("Close the year")


class ReopenYearForm(FlaskForm):
    year = _year()
    reason = TextAreaField(
        "Reason",
        validators=[InputRequired("Say why the year is reopened."), Length(max=2000)],
        filters=[_strip],
    )
    submit = SubmitField("Reopen the year")
