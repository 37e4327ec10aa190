"""The shapes of the accounts forms; rules (password policy, role combinations) are
the operations' business."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    HiddenField,
    PasswordField,
    SelectChoice,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
)
from wtforms.validators import EqualTo, InputRequired, Length, Regexp
from wtforms.widgets import CheckboxInput, ListWidget

from fundledger.auth.models import Role
from fundledger.auth.passwords import MAX_LENGTH

ROLE_LABELS = {
    Role.SECRETARIAT: "Secretariat — records money, proposes budgets and allocations",
    Role.CAJP: "CAJP — decides on budgets and allocations",
    Role.DONOR: "Donor — sees its own donor's contributions",
    Role.AUDITOR: "Auditor — reads and exports everything",
    Role.ADMIN: "Admin — manages users and roles",
}


NO_DONOR = SelectChoice("", "— none —")


def _strip(value: str | None) -> str | None:
    return value.strip() if isinstance(value, str) else value


class SignInForm(FlaskForm):
    email = StringField(
        "Email",
        validators=[InputRequired("Enter your email."), Length(max=254)],
        filters=[_strip],
        render_kw={"autocomplete": "username", "inputmode": "email"},
    )
    password = PasswordField(
        "Password",
        validators=[InputRequired("Enter your password."), Length(max=MAX_LENGTH)],
        render_kw={"autocomplete": "current-password"},
    )
    next = HiddenField()
    submit = SubmitField("Sign in")


class CodeForm(FlaskForm):
    code = StringField(
        "Six-digit code",
        validators=[
            InputRequired("Enter the code from your authenticator app."),
            Regexp(r"^\s*[0-9]{3}\s?[0-9]{3}\s*$", message="The code is six digits."),
        ],
        render_kw={"autocomplete": "one-time-code", "inputmode": "numeric"},
    )
    submit = SubmitField("Continue")


class NewPasswordForm(FlaskForm):
    password = PasswordField(
        "New password",
        validators=[InputRequired("Choose a password."), Length(max=MAX_LENGTH)],
        render_kw={"autocomplete": "new-password"},
    )
    confirm = PasswordField(
        "The new password again",
        validators=[
            InputRequired("Type the new password again."),
            EqualTo("password", message="The two passwords are not the same."),
        ],
        render_kw={"autocomplete": "new-password"},
    )
    submit = SubmitField("Set password")


class ChangePasswordForm(FlaskForm):
    current = PasswordField(
        "Current password",
        validators=[InputRequired("Enter your current password."), Length(max=MAX_LENGTH)],
        render_kw={"autocomplete": "current-password"},
    )
    password = PasswordField(
        "New password",
        validators=[InputRequired("Choose a new password."), Length(max=MAX_LENGTH)],
        render_kw={"autocomplete": "new-password"},
    )
    confirm = PasswordField(
        "The new password again",
        validators=[
            InputRequired("Type the new password again."),
            EqualTo("password", message="The two passwords are not the same."),
        ],
        render_kw={"autocomplete": "new-password"},
    )
    submit = SubmitField("Change password")


class RoleField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class UserForm(FlaskForm):
    """An admin's view of a user; the view fills in the donor choices."""

    name = StringField(
        "Name", validators=[InputRequired("Enter a name."), Length(max=200)], filters=[_strip]
    )
    roles = RoleField(
        "Roles", choices=[SelectChoice(role.value, label) for role, label in ROLE_LABELS.items()]
    )
    #: The view lists the donors.
    donor = SelectField("Donor (for a donor login only)", choices=[NO_DONOR], default="")
    active = BooleanField("Active (may sign in)")
    submit = SubmitField("Save")


class NewUserForm(UserForm):
    email = StringField(
        "Email",
        validators=[InputRequired("Enter an email."), Length(max=254)],
        filters=[_strip],
        render_kw={"inputmode": "email"},
    )
    submit = SubmitField("Add user")
