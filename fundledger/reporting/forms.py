"""The shapes of the statement forms: issuing each kind, filtering the register,
verifying a file, and a donor's request for its current statement.

Whether a donor exists is checked against the choices the view gives; whether a
statement can be built from what was typed is for :mod:`fundledger.reporting.render`,
whose refusal comes back to the form.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import Form, IntegerField, RadioField, SelectChoice, SelectField, SubmitField
from wtforms.validators import NumberRange, Optional, ValidationError

from fundledger.donors.forms import LANGUAGE_LABELS
from fundledger.reporting.i18n import LANGUAGES
from fundledger.reporting.models import StatementKind
from fundledger.web.fields import DateField, Required
from fundledger.web.i18n import _, _l

KIND_LABELS = {
    StatementKind.DONOR: _l("Donor statement"),
    StatementKind.FUND: _l("Fund statement"),
    StatementKind.CAJP_PACK: _l("CAJP meeting pack"),
}
#: The fiscal years a fund statement can be issued for (as ``Request.fund`` accepts).
FIRST_YEAR, LAST_YEAR = 2000, 2199
_LANGUAGES = [SelectChoice(code, LANGUAGE_LABELS[code]) for code in LANGUAGES]
_YEARS = NumberRange(FIRST_YEAR, LAST_YEAR, _l("The year is from %(min)s to %(max)s."))


def _language(default: str = "en") -> SelectField:
    return SelectField(_l("Language"), choices=_LANGUAGES, default=default)


class KnownChoice:
    """The value is one of the field's choices; else ``message`` with the value in it.

    The view fills the choices (the donors); a value not among them was not offered, and
    the message names it rather than WTForms' bare "Not a valid choice".
    """

    def __init__(self, message: str) -> None:
        self.message = message

    def __call__(self, form: Any, field: Any) -> None:
        if field.data and field.data not in {choice.value for choice in field.choices}:
            raise ValidationError(self.message % {"value": str(field.data)[:40]})


# --- issuing --------------------------------------------------------------------------


class DonorStatementForm(FlaskForm):
    """The view lists the donors in ``donor``."""

    donor = SelectField(
        _l("Donor"),
        choices=[],
        validate_choice=False,
        validators=[
            Required(_l("Choose the donor.")),
            KnownChoice("There is no donor %(value)s."),
        ],
    )
    start = DateField(_l("From"), validators=[Required(_l("Enter the first day of the period."))])
    end = DateField(_l("To"), validators=[Required(_l("Enter the last day of the period."))])
    language = SelectField(
        _l("Language"),
        choices=[SelectChoice("", _l("The donor's own language")), *_LANGUAGES],
        default="",
    )
    submit = SubmitField(_l("Issue the donor statement"))

    def validate_end(self, field: DateField) -> None:
        if self.start.data and field.data and field.data < self.start.data:
            raise ValidationError(
                _(
                    "The period ends (%(end)s) before it starts (%(start)s).",
                    end=field.data.isoformat(),
                    start=self.start.data.isoformat(),
                )
            )


#: What a fund statement covers, and the fields each choice needs (with their message).
FUND_COVERS = [
    SelectChoice("year", _l("A fiscal year")),
    SelectChoice("period", _l("A period")),
    SelectChoice("inception", _l("The Fund's whole life, from its first day to the day in To")),
]


class FundStatementForm(FlaskForm):
    covers = RadioField(_l("Covering"), choices=FUND_COVERS, default="year")
    year = IntegerField(_l("Fiscal year"), validators=[Optional(), _YEARS])
    start = DateField(_l("From"), validators=[Optional()])
    end = DateField(_l("To"), validators=[Optional()])
    language = _language()
    submit = SubmitField(_l("Issue the fund statement"))

    def validate(self, extra_validators: Any = None) -> bool:
        """Each choice of ``covers`` needs its own fields: the year, or the period's days."""
        valid = bool(super().validate(extra_validators))
        needs = {
            "year": [(self.year, _("Enter the fiscal year."))],
            "period": [(self.start, _("Enter the first day of the period.")),
                       (self.end, _("Enter the last day of the period."))],
            "inception": [(self.end, _("Enter the last day of the period."))],
        }.get(self.covers.data or "", [])  # fmt: skip
        for field, message in needs:
            if field.data is None and not field.errors:
                field.errors = [*field.errors, message]
                valid = False
        return valid

    def validate_end(self, field: DateField) -> None:
        start = self.start.data
        if self.covers.data == "period" and start and field.data and field.data < start:
            raise ValidationError(
                _("The period ends (%(end)s) before it starts (%(start)s).",
                  end=field.data.isoformat(), start=start.isoformat())
            )  # fmt: skip


class MeetingPackForm(FlaskForm):
    meeting = DateField(
        _l("Date of the CAJP meeting"),
        validators=[Required(_l("Enter the date of the meeting."))],
    )
    language = _language()
    submit = SubmitField(_l("Issue the meeting pack"))


# --- the register ---------------------------------------------------------------------


class RegisterFilterForm(Form):
    """The register's filters, read from the query string; the view lists the donors."""

    kind = SelectField(
        _l("Kind"),
        choices=[SelectChoice("", _l("All kinds"))]
        + [SelectChoice(kind.value, label) for kind, label in KIND_LABELS.items()],
        default="",
    )
    donor = SelectField(
        _l("Donor"),
        choices=[],
        validate_choice=False,
        validators=[KnownChoice("there is no donor %(value)s")],
    )
    year = IntegerField(_l("Year issued"), validators=[Optional(), _YEARS])


class VerifyForm(FlaskForm):
    file = FileField(_l("PDF file"), validators=[FileRequired("Choose the PDF file to verify.")])
    submit = SubmitField(_l("Verify"))


#: What a donor's own statement covers.
OWN_COVERS = [
    SelectChoice("year", _l("A year")),
    SelectChoice("life", _l("All our contributions, from the first to today")),
    SelectChoice("period", _l("A period")),
]


class OwnStatementForm(FlaskForm):
    """A donor's request for its own statement: a year (this one to date, or a past one
    since its first entry), its whole life, or a period. The view lists the years and
    sets :attr:`first_day` (the Fund's inception) and :attr:`today`, the bounds of a
    period; sent without a choice, it asks for this year to date."""

    covers = RadioField(_l("Covering"), choices=OWN_COVERS, default="year")
    year = SelectField(_l("Year"), choices=[], validate_choice=False)
    start = DateField(_l("From"), validators=[Optional()])
    end = DateField(_l("To"), validators=[Optional()])
    submit = SubmitField(_l("Request my statement"))

    first_day: dt.date | None = None
    today: dt.date | None = None

    def validate(self, extra_validators: Any = None) -> bool:
        valid = bool(super().validate(extra_validators))
        problems = {
            "year": self._year_problems,
            "period": self._period_problems,
        }.get(self.covers.data or "", lambda: [])()
        for field, message in problems:
            field.errors = [*field.errors, message]
            valid = False
        return valid

    def _year_problems(self) -> list[tuple[Any, str]]:
        if self.year.data not in {choice.value for choice in self.year.choices}:
            return [(self.year, _("Choose one of the years offered."))]
        return []

    def _period_problems(self) -> list[tuple[Any, str]]:
        start, end = self.start.data, self.end.data
        if self.start.errors or self.end.errors:
            return []
        if start is None or end is None:
            return [(field, message) for field, message in (
                (self.start, _("Enter the first day of the period.")),
                (self.end, _("Enter the last day of the period.")),
            ) if field.data is None]  # fmt: skip
        if end < start:
            return [(self.end, _("The period ends (%(end)s) before it starts (%(start)s).",
                                 end=end.isoformat(), start=start.isoformat()))]  # fmt: skip
        problems = []
        first, today = self.first_day, self.today
        if first is not None and start < first:
            message = _("The Fund's books start on %(first)s; choose that day or a later one.",
                        first=first.isoformat())  # fmt: skip
            problems.append((self.start, message))
        if today is not None and end > today:
            message = _("A statement cannot run past today (%(today)s).", today=today.isoformat())
            problems.append((self.end, message))
        return problems


class PeriodReportForm(Form):
    """The period a report covers (``?from=…&to=…``); the view fills what is left blank."""

    start = DateField(_l("From"), name="from", validators=[Optional()])
    end = DateField(_l("To"), name="to", validators=[Optional()])

    def validate_end(self, field: DateField) -> None:
        start = self.start.data
        if start and field.data and field.data < start:
            raise ValidationError(
                _("The period ends (%(end)s) before it starts (%(start)s).",
                  end=field.data.isoformat(), start=start.isoformat())
            )  # fmt: skip
