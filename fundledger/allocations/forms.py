"""The shapes of the allocation, CAJP, work-plan, availability and settings forms.

Forms say what must be filled in and how it is written; whether money is available, a
pool may fund an activity, a step is legal now or this person may take it is for the
operations to say.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    Form,
    FormField,
    HiddenField,
    IntegerField,
    RadioField,
    SelectChoice,
    SelectField,
    SubmitField,
)
from wtforms.validators import (
    AnyOf,
    Length,
    NumberRange,
    Optional,
    ValidationError,
)
from wtforms.widgets import HiddenInput

from fundledger.allocations.categories import CATEGORIES
from fundledger.allocations.models import State
from fundledger.meetings.forms import CajpDecisionForm, meeting_field
from fundledger.web.fields import (
    LOCAL_EXAMPLE,
    AmountField,
    ChooserField,
    DateField,
    IdField,
    Required,
    StringField,
    TextAreaField,
    id_number,
    stripped,
)
from fundledger.web.forms import PostsOnce, RowList
from fundledger.web.i18n import _, _l, usd

#: Sort keys of the allocations list; a leading ``-`` sorts the other way.
ANY = SelectChoice("", _l("any"))
#: The steps an allocation's timeline records, as the timeline names them.
ACTION_NAMES = {
    "revise": _l("revised"),
    "submit": _l("submitted"),
    "approve": _l("approved"),
    "reject": _l("rejected"),
    "return": _l("returned for revision"),
    "disburse": _l("tranche disbursed"),
    "report": _l("expenditure reported"),
    "close": _l("closed"),
}
#: Most lines a work plan form takes: one per fundable activity (32) leaves room to spare.
MAX_BUDGET_LINES = 100
#: Most rows of a proposal's pools table: unrestricted money and each donor's earmarks
#: that may fund the activity, far more than the fund's donors can make.
MAX_POOL_ROWS = 1000


def _amount(label: Any, validators: Any = ()) -> AmountField:
    return AmountField(
        label,
        validators=list(validators),
        description=_l("USD, written like %(example)s", example=LOCAL_EXAMPLE),
    )


def _required(message: Any) -> list[Any]:
    return [Required(message)]


def _reference(label: Any, *, required: bool) -> StringField:
    checks = [Required(_l("Enter the reference."))] if required else [Optional()]
    return StringField(label, validators=[*checks, Length(max=200)], filters=[stripped])


def _decision_reference() -> StringField:
    """A CAJP decision's own document: optional when it names its meeting."""
    return _reference(_l("CAJP decision reference (optional with a meeting)"), required=False)


def _comment(label: Any = None) -> TextAreaField:
    return TextAreaField(
        label or _l("Comment (optional)"),
        validators=[Optional(), Length(max=2000)],
        filters=[stripped],
    )


# --- the allocations list -------------------------------------------------------------


class QueueFilterForm(Form):
    """The CAJP queue's query string (no CSRF: it changes nothing). The view lists the
    activities and organs."""

    activity = SelectField(_l("Activity"), choices=[ANY], default="")
    organ = SelectField(_l("Organ"), choices=[ANY], default="")


#: The states and work-plan statuses in the reader's language, as the lists' filters offer
#: them (the pages' badges say the same words: templates/allocations/_macros.html).
STATE_LABELS = {
    State.DRAFT: _l("draft"),
    State.SUBMITTED: _l("submitted"),
    State.APPROVED: _l("approved"),
    State.REJECTED: _l("rejected"),
    State.RETURNED: _l("returned"),
    State.DISBURSED: _l("disbursed"),
    State.REPORTED: _l("reported"),
    State.CLOSED: _l("closed"),
}
WORK_PLAN_STATUS_LABELS = {
    "proposed": _l("proposed"),
    "approved": _l("approved"),
    "rejected": _l("rejected"),
    "superseded": _l("superseded"),
}


class AllocationFilterForm(QueueFilterForm):
    """The allocation list's query string: the queue's filters and the state."""

    state = SelectField(
        _l("State"),
        choices=[ANY, *(SelectChoice(state.value, label) for state, label in STATE_LABELS.items())],
        default="",
    )


class BudgetFilterForm(Form):
    year = IntegerField(
        _l("Year"),
        validators=[Optional(), NumberRange(2000, 2199, _l("A year 2000–2199."))],
        render_kw={"inputmode": "numeric"},
    )
    status = SelectField(
        _l("Status"),
        choices=[ANY, *(SelectChoice(*status) for status in WORK_PLAN_STATUS_LABELS.items())],
        default="",
    )


# --- proposing and revising -----------------------------------------------------------


class ActivityChoiceForm(Form):
    """The first step of a proposal (a GET): which activity, to list the pools that may
    fund it. The view lists the fundable activities."""

    activity = SelectField(_l("Activity"), choices=[], coerce=id_number)


class PoolOrderForm(Form):
    """One pool of the table: its key and its place in the drawing order (blank: not used)."""

    pool = HiddenField(validators=[Required(), Length(max=60)])
    order = IntegerField(
        _l("Order"),
        validators=[Optional(), NumberRange(min=1, max=99, message=_l("The order is 1 to 99."))],
        render_kw={"inputmode": "numeric", "size": 3},
    )


class RevisionForm(FlaskForm):
    amount = _amount(_l("Requested amount"), _required(_l("Enter the amount requested.")))
    purpose = TextAreaField(
        _l("Purpose"),
        validators=[Required(_l("Say what the money is for.")), Length(max=2000)],
        filters=[stripped],
    )
    period_start = DateField(
        _l("Period from"), validators=_required(_l("Enter the period's start."))
    )
    period_end = DateField(_l("Period to"), validators=_required(_l("Enter the period's end.")))
    pools = RowList(FormField(PoolOrderForm), label=_l("Funding pools"), max_entries=MAX_POOL_ROWS)
    submit = SubmitField(_l("Save the revision"))

    def validate_pools(self, field: RowList) -> None:
        orders = [entry.order.data for entry in field if entry.order.data is not None]
        if len(set(orders)) != len(orders):
            raise ValidationError(_l("Give each pool you draw on its own place in the order."))

    def chosen_pools(self) -> list[str]:
        """The pools given a place, in that order (none: the operation's default)."""
        chosen = [entry for entry in self.pools if entry.order.data is not None]
        return [entry.pool.data for entry in sorted(chosen, key=lambda e: e.order.data)]


#: The OECD DAC gender-equality policy marker, as the proposal form offers it.
GENDER_MARKERS = [
    SelectChoice(0, _l("0 — not targeted: gender equality is not an objective")),
    SelectChoice(1, _l("1 — significant: gender equality is an important objective")),
    SelectChoice(2, _l("2 — principal: gender equality is the main objective")),
]


class ProposalForm(RevisionForm):
    #: Chosen in the first step; carried along so that the pools table stays the same.
    activity = IdField(widget=HiddenInput(), validators=_required(_l("Choose an activity.")))
    gender_marker = RadioField(
        _l("Gender-equality marker (OECD DAC)"),
        choices=GENDER_MARKERS,
        coerce=int,
        validators=_required(_l("Choose the gender-equality marker.")),
    )
    #: Asked only for an activity all the organs carry (30–32): the organ paid.
    organ = StringField(
        _l("Organ that receives the money (code, e.g. CIM)"),
        validators=[Optional(), Length(max=20)], filters=[stripped],
    )  # fmt: skip
    submit = SubmitField(_l("Propose as a draft"))


# --- steps on an allocation -----------------------------------------------------------


class SubmitForm(FlaskForm):
    submit = SubmitField(_l("Submit to the CAJP"))


DECISIONS = [
    SelectChoice("approve", _l("Approve the amount requested")),
    SelectChoice("reduce", _l("Approve a reduced amount")),
    SelectChoice("reject", _l("Reject")),
    SelectChoice("return", _l("Return to the Secretariat for revision")),
]


class DecisionForm(CajpDecisionForm):
    decision = RadioField(
        _l("Decision"), choices=DECISIONS, validators=_required(_l("Choose a decision."))
    )
    amount = _amount(_l("Reduced amount approved"))
    on = DateField(
        _l("Date of the decision"), validators=_required(_l("Enter the decision's date."))
    )
    meeting = meeting_field()
    reference = _decision_reference()
    comment = _comment()
    #: Where the decision was taken: the allocation's page, or the CAJP's queue.
    back = HiddenField(validators=[Optional(), AnyOf(["queue"])])
    submit = SubmitField(_l("Record the decision"))

    def validate_amount(self, field: AmountField) -> None:
        if self.decision.data == "reduce" and not field.typed:
            raise ValidationError(_l("Enter the reduced amount the CAJP approved."))
        if self.decision.data != "reduce" and field.typed:
            raise ValidationError(_l("An amount goes only with “Approve a reduced amount”."))


class DisburseForm(PostsOnce):
    posts = "disbursement"
    amount = _amount(_l("Tranche"), _required(_l("Enter the tranche's amount.")))
    on = DateField(_l("Value date"), validators=_required(_l("Enter the value date.")))
    reference = _reference(_l("Bank reference (optional)"), required=False)
    submit = SubmitField(_l("Pay the tranche"))


#: The harmonised expenditure categories in the reader's language, for the report form and
#: the allocation's timeline.
CATEGORY_LABELS = {
    "staff_personnel": _l("Staff and other personnel costs"),
    "supplies_materials": _l("Supplies, commodities and materials"),
    "equipment": _l("Equipment, vehicles and furniture"),
    "contractual_services": _l("Contractual services"),
    "travel": _l("Travel"),
    "transfers_grants": _l("Transfers and grants to counterparts"),
    "general_operating": _l("General operating and other direct costs"),
    "indirect_support": _l("Indirect support costs"),
}


class ExpenditureForm(PostsOnce):
    posts = "expenditure"
    amount = _amount(_l("Amount spent"), _required(_l("Enter the amount spent.")))
    period_end = DateField(
        _l("End of the period reported"), validators=_required(_l("Enter the end of the period."))
    )
    category = SelectField(
        _l("Category"), choices=[SelectChoice(c, CATEGORY_LABELS[c]) for c in CATEGORIES]
    )
    reference = _reference(_l("The organ's report reference (optional)"), required=False)
    submit = SubmitField(_l("Record the report"))


class CloseForm(PostsOnce):
    """Closing: ``undisbursed`` (approved, never paid) must be confirmed, as closing gives
    it up; without any, the box is not there."""

    posts = "allocation-closing"
    on = DateField(
        _l("Date the unspent balance came back"),
        validators=_required(_l("Enter the closing date.")),
    )
    comment = _comment()
    confirm = BooleanField()
    submit = SubmitField(_l("Close the allocation"))

    def __init__(self, *args: Any, undisbursed: Decimal = Decimal(0), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.undisbursed = undisbursed
        if undisbursed > 0:
            self.confirm.label.text = _(
                "Close although %(amount)s approved was never disbursed",
                amount=usd(undisbursed),
            )
        else:
            del self.confirm

    def validate_confirm(self, field: BooleanField) -> None:
        if not field.data:
            raise ValidationError(
                _("%(amount)s approved was never disbursed: tick the box to close anyway.",
                  amount=usd(self.undisbursed))
            )  # fmt: skip


class RefundForm(PostsOnce):
    """The view lists the earmarked pools."""

    posts = "refund"

    pool = SelectField(_l("Earmarked pool"), choices=[])
    amount = _amount(_l("Amount"), _required(_l("Enter the amount to refund.")))
    on = DateField(_l("Value date"), validators=_required(_l("Enter the value date.")))
    reason = TextAreaField(
        _l("Reason"),
        validators=[Required(_l("Say why the money goes back.")), Length(max=2000)],
        filters=[stripped],
    )
    submit = SubmitField(_l("Refund to the donor"))


class InterestForm(PostsOnce):
    posts = "interest"

    amount = _amount(_l("Interest credited"), _required(_l("Enter the interest credited.")))
    on = DateField(_l("Value date"), validators=_required(_l("Enter the value date.")))
    reference = _reference(_l("Bank reference (optional)"), required=False)
    submit = SubmitField(_l("Record the interest"))


class ReEarmarkForm(PostsOnce):
    """The view lists the pools no allocation can use."""

    posts = "re-earmark"

    pool = SelectField(_l("Earmarked pool no allocation can use"), choices=[])
    to = ChooserField(
        _l("New earmark"),
        description=_l("One an activity the fund finances can use."),
        validators=[Required(_l("Choose the new earmark."))],
        not_offered=_l("Choose the earmark from the list: it offers those an activity the "
                       "fund finances can use."),
    )  # fmt: skip
    amount = _amount(_l("Amount"), _required(_l("Enter the amount to move.")))
    on = DateField(_l("Date"), validators=_required(_l("Enter the date.")))
    reason = TextAreaField(
        _l("Reason"),
        validators=[Required(_l("Say why the money moves, e.g. the donor's agreement.")),
                    Length(max=2000)],
        filters=[stripped],
    )  # fmt: skip
    submit = SubmitField(_l("Re-earmark"))


# --- work plans -----------------------------------------------------------------------


class BudgetLineForm(Form):
    """One line of a work plan; a line left wholly blank is not part of it."""

    activity = SelectField(_l("Activity"), choices=[], default="")
    amount = _amount(_l("Amount"))
    justification = StringField(
        _l("Justification"), validators=[Length(max=2000)], filters=[stripped]
    )

    @property
    def blank(self) -> bool:
        return not (self.activity.data or self.amount.typed or self.justification.data)


class BudgetForm(FlaskForm):
    year = IntegerField(
        _l("Year"),
        validators=[
            Required(_l("Enter the year.")),
            NumberRange(2000, 2199, _l("A year 2000–2199.")),
        ],
        render_kw={"inputmode": "numeric"},
    )
    lines = RowList(
        FormField(BudgetLineForm), min_entries=6, max_entries=MAX_BUDGET_LINES, label=_l("Lines")
    )
    more = SubmitField(_l("Add more lines"))
    submit = SubmitField(_l("Propose the work plan"))

    def validate_lines(self, field: RowList) -> None:
        for number, entry in enumerate(field, start=1):
            if entry.form.blank:
                continue
            if not (entry.activity.data and entry.amount.typed and entry.justification.data):
                raise ValidationError(
                    _(
                        "Line %(number)s: give the activity, the amount and a justification "
                        "(or leave the whole line blank).",
                        number=number,
                    )
                )

    def filled_lines(self) -> list[tuple[int, Decimal, str]]:
        """(activity, amount, justification) of each line filled in."""
        return [
            (int(entry.activity.data), entry.amount.data, entry.justification.data)
            for entry in self.lines
            if not entry.form.blank and entry.amount.data is not None
        ]


class LineVerdictForm(Form):
    activity = IdField(widget=HiddenInput(), validators=[Required()])
    verdict = RadioField(
        _l("Verdict"),
        choices=[SelectChoice("approve", _l("approve")), SelectChoice("reject", _l("reject"))],
        validate_choice=False,
    )


BUDGET_DECISIONS = [
    SelectChoice("approve", _l("Approve the whole plan")),
    SelectChoice("reject", _l("Reject the whole plan")),
    SelectChoice("lines", _l("Decide line by line, as marked")),
]


class BudgetDecisionForm(CajpDecisionForm):
    decision = RadioField(
        _l("Decision"), choices=BUDGET_DECISIONS, validators=_required(_l("Choose a decision."))
    )
    lines = RowList(FormField(LineVerdictForm), label=_l("Lines"), max_entries=MAX_BUDGET_LINES)
    on = DateField(
        _l("Date of the decision"), validators=_required(_l("Enter the decision's date."))
    )
    meeting = meeting_field()
    reference = _decision_reference()
    comment = _comment()
    submit = SubmitField(_l("Record the decision"))

    def validate_lines(self, field: RowList) -> None:
        if self.decision.data != "lines":
            return
        for entry in field:
            if entry.verdict.data not in ("approve", "reject"):
                raise ValidationError(
                    _(
                        "Mark activity %(number)s approve or reject, or decide the plan as a "
                        "whole.",
                        number=entry.activity.data,
                    )
                )

    def verdicts(self) -> dict[int, bool] | None:
        """Activity → approved, when decided line by line; none for a whole-plan decision."""
        if self.decision.data != "lines":
            return None
        return {entry.activity.data: entry.verdict.data == "approve" for entry in self.lines}


class BudgetReportForm(Form):
    """The report's query string; the view puts this year in when none is given."""

    year = IntegerField(
        _l("Year"),
        validators=[Optional(), NumberRange(2000, 2199, _l("A year 2000–2199."))],
        render_kw={"inputmode": "numeric"},
    )
    by = SelectField(
        _l("By"),
        choices=[
            SelectChoice("activity", _l("activity")),
            SelectChoice("organ", _l("organ")),
            SelectChoice("objective", _l("objective")),
        ],
        default="activity",
    )


# --- settings -------------------------------------------------------------------------


class SettingsForm(FlaskForm):
    availability_basis = SelectField(
        _l("Availability basis"),
        choices=[
            SelectChoice("cash", _l("Cash: only money received counts as available")),
            SelectChoice(
                "cash_and_receivables", _l("Cash and receivables: pledged money counts too")
            ),
        ],
    )
    indirect_cost_rate = StringField(
        _l("Indirect cost recovery rate"),
        validators=[Required(_l("Enter a rate, 0 for none.")), Length(max=20)],
        filters=[stripped],
        description=_l("A fraction of each disbursement: 0.07 for 7 %, 0 for none."),
        render_kw={"inputmode": "decimal"},
    )
    interest_distribution = SelectField(
        _l("Bank interest"),
        choices=[
            SelectChoice("unrestricted", _l("Unrestricted income")),
            SelectChoice("pro_rata", _l("Shared among the unrestricted money and the earmarks, "
                                        "pro rata to the money each holds")),
        ],
    )  # fmt: skip
    submit = SubmitField(_l("Save the settings"))

