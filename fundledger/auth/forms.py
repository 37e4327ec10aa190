"""The shapes of the accounts forms; rules (password policy, role combinations) are
the operations' business."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    Form,
    HiddenField,
    PasswordField,
    SelectChoice,
    SelectField,
    SelectMultipleField,
    SubmitField,
)
from wtforms.validators import EqualTo, Length, Regexp
from wtforms.widgets import CheckboxInput, ListWidget

from fundledger.auth.models import Role
from fundledger.auth.passwords import MAX_LENGTH
from fundledger.donors.forms import LANGUAGE_LABELS
from fundledger.i18n import LANGUAGES
from fundledger.web.fields import Required, StringField
from fundledger.web.i18n import _l

ROLE_LABELS = {
    Role.SECRETARIAT: _l("Secretariat — records money, proposes budgets and allocations"),
    Role.CAJP: _l("CAJP — decides on budgets and allocations"),
    Role.DONOR: _l("Donor — sees its own donor's contributions"),
    Role.AUDITOR: _l("Auditor — reads and exports everything"),
    Role.ADMIN: _l("Admin — manages users and roles"),
}


NO_DONOR = SelectChoice("", _l("— none —"))


def _strip(value: str | None) -> str | None:
    return value.strip() if isinstance(value, str) else value


class SignInForm(FlaskForm):
    email = StringField(
        _l("Email"),
        validators=[Required(_l("Enter your email.")), Length(max=254)],
        filters=[_strip],
        render_kw={"autocomplete": "username", "inputmode": "email"},
    )
    password = PasswordField(
        _l("Password"),
        validators=[Required(_l("Enter your password.")), Length(max=MAX_LENGTH)],
        render_kw={"autocomplete": "current-password"},
    )
    next = HiddenField()
    submit = SubmitField(_l("Sign in"))


class CodeForm(FlaskForm):
    code = StringField(
        _l("Six-digit code"),
        validators=[
            Required(_l("Enter the code from your authenticator app.")),
            Regexp(r"^\s*[0-9]{3}\s?[0-9]{3}\s*$", message=_l("The code is six digits.")),
        ],
        render_kw={"autocomplete": "one-time-code", "inputmode": "numeric"},
    )
    submit = SubmitField(_l("Continue"))


class NewPasswordForm(FlaskForm):
    password = PasswordField(
        _l("New password"),
        validators=[Required(_l("Choose a password.")), Length(max=MAX_LENGTH)],
        render_kw={"autocomplete": "new-password"},
    )
    confirm = PasswordField(
        _l("The new password again"),
        validators=[
            Required(_l("Type the new password again.")),
            EqualTo("password", message=_l("The two passwords are not the same.")),
        ],
        render_kw={"autocomplete": "new-password"},
    )
    submit = SubmitField(_l("Set password"))


class ChangePasswordForm(FlaskForm):
    current = PasswordField(
        _l("Current password"),
        validators=[Required(_l("Enter your current password.")), Length(max=MAX_LENGTH)],
        render_kw={"autocomplete": "current-password"},
    )
    password = PasswordField(
        _l("New password"),
        validators=[Required(_l("Choose a new password.")), Length(max=MAX_LENGTH)],
        render_kw={"autocomplete": "new-password"},
    )
    confirm = PasswordField(
        _l("The new password again"),
        validators=[
            Required(_l("Type the new password again.")),
            EqualTo("password", message=_l("The two passwords are not the same.")),
        ],
        render_kw={"autocomplete": "new-password"},
    )
    submit = SubmitField(_l("Change password"))


class RoleField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class UserForm(FlaskForm):
    """An admin's view of a user; the view fills in the donor choices."""

    name = StringField(
        _l("Name"),
        validators=[Required(_l("Enter a name.")), Length(max=200)],
        filters=[_strip],
    )
    roles = RoleField(
        _l("Roles"),
        choices=[SelectChoice(role.value, label) for role, label in ROLE_LABELS.items()],
    )
    #: The view lists the donors.
    donor = SelectField(_l("Donor (for a donor login only)"), choices=[NO_DONOR], default="")
    #: The language of the mail the user is sent (the view defaults it for a new user).
    language = SelectField(
        _l("Language of the user's mail"),
        choices=[SelectChoice(code, LANGUAGE_LABELS[code]) for code in LANGUAGES],
    )
    active = BooleanField(_l("Active (may sign in)"))
    submit = SubmitField(_l("Save"))


class NewUserForm(UserForm):
    email = StringField(
        _l("Email"),
        validators=[Required(_l("Enter an email.")), Length(max=254)],
        filters=[_strip],
        render_kw={"inputmode": "email"},
    )
    submit = SubmitField(_l("Add user"))


class UserFilterForm(Form):
    """The user list's filters, read from the query string (no CSRF: they change nothing)."""

    text = StringField(_l("Email or name contains"), validators=[Length(max=254)], filters=[_strip])
    role = SelectField(
        _l("Role"),
        choices=[SelectChoice("", _l("any")), *(SelectChoice(role.value) for role in Role)],
        default="",
    )
    status = SelectField(
        _l("Status"),
        choices=[SelectChoice("", _l("any")), SelectChoice("active", _l("active")),
                 SelectChoice("inactive", _l("deactivated"))],
        default="",
    )  # fmt: skip


class TokenForm(FlaskForm):
    """A new API token: its name, what it may do, how long it lasts."""

    name = StringField(
        _l("Name of the token"),
        validators=[Required(_l("Name the token, e.g. after the program that uses it.")),
                    Length(max=80)],
    )  # fmt: skip
    scope = SelectField(
        _l("Scope"),
        choices=[SelectChoice("read", _l("Read")),
                 SelectChoice("read write", _l("Read and write"))],
    )  # fmt: skip
    days = SelectField(
        _l("Expires after"),
        choices=[SelectChoice("30", _l("30 days")), SelectChoice("90", _l("90 days")),
                 SelectChoice("366", _l("a year")), SelectChoice("", _l("never (until revoked)"))],
        default="90",
    )  # fmt: skip
    submit = SubmitField(_l("Create a token"))

    @property
    def lifetime(self) -> int | None:
        return int(self.days.data) if self.days.data else None
