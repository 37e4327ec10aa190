"""What every form's fields share: the rules of :mod:`fundledger.inputs` (dates, ids,
codes, text) and of :func:`fundledger.money.read_amount` (amounts), worded for the page
in its reader's language, and a required field that a value of spaces does not fill.
Forms use these, never WTForms' own ``StringField``, ``TextAreaField``, ``DateField``,
``DecimalField``, ``IntegerField`` for an id, or ``InputRequired``
(tests/web/test_inputs.py looks)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any, TypeVar

import wtforms
from wtforms import IntegerField
from wtforms.validators import InputRequired, StopValidation
from wtforms.widgets import DateInput, TextArea

from fundledger.inputs import (
    FIRST_DAY,
    LAST_DAY,
    InvalidInput,
    parse_date,
    parse_id,
    text_problem,
    upper_code,
)
from fundledger.money import MAX_AMOUNT, AmountOutOfRange, InvalidAmount, read_amount
from fundledger.web.i18n import _, request_language

T = TypeVar("T")


def required(data: T | None) -> T:
    """A required field's value once the form is valid (its :class:`Required` saw to it)."""
    if data is None:
        raise ValueError("a required field has no value: is Required missing?")
    return data


class Required(InputRequired):
    """``InputRequired`` that takes a value of spaces as missing. WTForms' own looks at the
    raw value, which " " fills, while the field's data is empty: the view then met a
    required field with nothing in it (a 500)."""

    def __call__(self, form: Any, field: Any) -> None:
        first = field.raw_data[0] if field.raw_data else None
        if isinstance(first, str) and not first.strip():
            field.errors[:] = []
            raise StopValidation(self.message or field.gettext("This field is required."))
        super().__call__(form, field)


class StringField(wtforms.StringField):
    """One line of text (a name, a reference, an email): no line break, tab or other
    control character (:func:`fundledger.inputs.text_problem`), as on the command line
    and in the import. The request guard cannot tell a name from a comment, so it
    refuses only what no field may hold; the field knows, and says so beside itself."""

    single_line = True

    def pre_validate(self, form: Any) -> None:
        value = self.data
        if not isinstance(value, str) or not text_problem(value, single_line=self.single_line):
            return
        if self.single_line and ("\n" in value or "\r" in value):
            raise StopValidation(_("Write this on one line: it contains a line break."))
        raise StopValidation(_("This field contains a control character."))


class TextAreaField(StringField):
    """Free text (a purpose, a comment) typed over several lines: tabs and line breaks are
    not refused (the service collapses them), other control characters are."""

    widget = TextArea()
    single_line = False


class DateField(StringField):
    """A date written YYYY-MM-DD (what a browser's date picker sends), within the fund's
    days: :func:`fundledger.inputs.parse_date`."""

    widget = DateInput()

    def __init__(self, label: Any = None, validators: Any = None, **kwargs: Any) -> None:
        kwargs.setdefault("render_kw", {"min": FIRST_DAY.isoformat(), "max": LAST_DAY.isoformat()})
        super().__init__(label, validators, **kwargs)

    def process_formdata(self, valuelist: list[str]) -> None:
        self.data = None
        text = valuelist[0].strip() if valuelist else ""
        if not text:
            return
        try:
            self.data = parse_date(text)
        except InvalidInput as error:
            if error.kind == "calendar":
                raise ValueError(_("%(text)s is not a date on the calendar.", text=text)) from None
            if error.kind == "range":
                raise ValueError(
                    _("Dates run from %(first)s to %(last)s.", first=FIRST_DAY, last=LAST_DAY)
                ) from None
            raise ValueError(_("Write the date as YYYY-MM-DD, like 2025-04-15.")) from None

    def _value(self) -> str:
        if self.raw_data:
            return str(self.raw_data[0])
        if isinstance(self.data, dt.date):
            return self.data.isoformat()
        return "" if self.data is None else str(self.data)  # prefilled from a link


class AmountField(StringField):
    """An amount typed as text in the reader's way of writing numbers, or as a plain
    decimal (:func:`fundledger.money.read_amount`), never through a float. ``data`` is
    the ``Decimal`` (None when blank or unreadable); the page shows back what was typed.
    The command line and the import keep plain decimals, for machines."""

    def __init__(self, label: Any = None, validators: Any = None, **kwargs: Any) -> None:
        kwargs.setdefault("render_kw", {"inputmode": "decimal", "autocomplete": "off"})
        super().__init__(label, validators, **kwargs)

    @property
    def typed(self) -> str:
        """What was typed, without the spaces around it ("" when nothing was)."""
        return str(self.raw_data[0]).strip() if self.raw_data else ""

    def process_formdata(self, valuelist: list[str]) -> None:
        self.data = None
        text = valuelist[0].strip() if valuelist else ""
        if not text:
            return
        language = request_language()
        try:
            self.data = read_amount(text, language.locale)
        except AmountOutOfRange:
            raise ValueError(
                _("Enter an amount below %(limit)s.", limit=language.usd(MAX_AMOUNT))
            ) from None
        except InvalidAmount:
            raise ValueError(
                _("%(text)s is not an amount: write it like %(example)s or %(plain)s.",
                  text=text[:40], example=language.usd(EXAMPLE), plain=f"{EXAMPLE:f}")
            ) from None  # fmt: skip

    def _value(self) -> str:
        if self.raw_data:
            return str(self.raw_data[0])
        if isinstance(self.data, Decimal):
            return f"{self.data:f}"
        return "" if self.data is None else str(self.data)  # prefilled as plain text


#: The amount the refusals and hints show, in the reader's way and plain.
EXAMPLE = Decimal("40000.00")


class _LocalExample:
    """:data:`EXAMPLE` in the request's way of writing numbers, when a hint is shown."""

    def __str__(self) -> str:
        return request_language().usd(EXAMPLE)


#: For a hint declared once: ``_l("USD, written like %(example)s", example=LOCAL_EXAMPLE)``.
LOCAL_EXAMPLE = _LocalExample()


class IdField(IntegerField):
    """The number of a row (an activity, a pledge), 1 to :data:`~fundledger.inputs.MAX_ID`:
    a larger one would overflow the database driver instead of finding nothing."""

    def process_formdata(self, valuelist: list[Any]) -> None:
        self.data = None
        if not valuelist or not str(valuelist[0]).strip():
            return
        text = str(valuelist[0])
        try:
            self.data = parse_id(text)
        except InvalidInput:
            raise ValueError(_("There is no %(text)s to choose.", text=text[:20])) from None


def id_number(value: Any) -> int:
    """``coerce`` for a choice of rows: a number out of range is no choice (ValueError)."""
    try:
        return parse_id(str(value))
    except InvalidInput as error:
        raise ValueError(str(error)) from None


def code(value: Any) -> Any:
    """A code field's filter: stripped and upper-cased, and refused unless ASCII."""
    if not isinstance(value, str):
        return value
    try:
        return upper_code(value)
    except InvalidInput:
        raise ValueError(_("Write the code in ASCII letters, digits and dashes.")) from None


def stripped(value: str | None) -> str | None:
    """A text field's filter: the text without the white space around it."""
    return value.strip() if isinstance(value, str) else value


class ChooserField(wtforms.SelectField):
    """A select whose choices the view fills in from the database (the earmarks, the
    currencies), refusing a value it does not offer with ``not_offered``, a sentence that
    says what to do, instead of WTForms' "Not a valid choice"."""

    def __init__(self, label: Any = None, validators: Any = None, *, not_offered: Any,
                 **kwargs: Any) -> None:  # fmt: skip
        kwargs.setdefault("choices", [])
        super().__init__(label, validators, **kwargs)
        self.not_offered = not_offered

    def pre_validate(self, form: Any) -> None:
        offered = {str(choice[0]) for choice in self._iter_choices_normalized()}
        if self.data is None or str(self.data) not in offered:
            raise StopValidation(str(self.not_offered))
