"""Signing in and out, one's own account, and the admin's user pages."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import replace
from typing import Any

import segno
from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_wtf import FlaskForm
from markupsafe import Markup
from sqlalchemy import Select
from sqlalchemy.orm import Session
from werkzeug.wrappers import Response
from wtforms import SelectChoice

from fundledger.auth import operations, queries, sessions
from fundledger.auth.access import EVERY_ROLE, allow, pending_sign_in, public
from fundledger.auth.errors import (
    InvalidUser,
    LastAdmin,
    SignInRefused,
    Throttled,
    UnknownUser,
    WeakPassword,
    WrongCode,
    WrongPassword,
)
from fundledger.auth.forms import (
    NO_DONOR,
    ChangePasswordForm,
    CodeForm,
    NewPasswordForm,
    NewUserForm,
    SignInForm,
    TokenForm,
    UserFilterForm,
    UserForm,
)
from fundledger.auth.invitations import mail_setup_link
from fundledger.auth.models import Role, User
from fundledger.auth.passwords import new_totp_secret, totp_uri
from fundledger.auth.sessions import SignedIn
from fundledger.auth.tokens import tokens_of
from fundledger.donors.forms import LANGUAGE_LABELS
from fundledger.donors.models import Donor
from fundledger.donors.queries import donor_by_code, donor_codes
from fundledger.errors import FundledgerError, NotFound
from fundledger.inputs import text_problem
from fundledger.listing import ListArgs, ordered, page_of
from fundledger.mail import mail_settings
from fundledger.web import lists
from fundledger.web.database import db_session
from fundledger.web.downloads import Table, table_download
from fundledger.web.i18n import _, request_language
from fundledger.web.pages import Page, form_again, reason, refused, template_page
from fundledger.web.redirects import local_path

blueprint = Blueprint("auth", __name__)


# --- signing in and out ---------------------------------------------------------------


@blueprint.route("/login", methods=["GET", "POST"])
@public
def login() -> Page:
    if sessions.current() is not None:
        return redirect(url_for("home.index"))
    form = SignInForm()
    if not form.is_submitted():
        form.next.data = local_path(request.args.get("next"))
        form.email.data = _carried_email(request.args.get("email", ""))
    if not form.validate_on_submit():
        return form_again("auth/login.html", form)
    db = db_session()
    try:
        user = operations.check_password(
            db,
            form.email.data or "",
            form.password.data or "",
            sessions.request_actor(),
            passwords=sessions.passwords(),
            policy=sessions.throttle_policy(),
            now=sessions.now(),
        )
    except SignInRefused as refusal:
        db.commit()  # the failed attempt is recorded: audit event and throttle counter
        return _refused("auth/login.html", form, refusal)
    next_url = local_path(form.next.data)
    if not user.needs_second_factor:
        return _finish_sign_in(db, user, next_url)
    db.commit()  # a password hash upgraded to the current parameters
    sessions.begin_pending(user, next_url)
    return redirect(url_for("auth.login_code" if user.totp_secret else "auth.enrol"))


@blueprint.route("/login/code", methods=["GET", "POST"])
@pending_sign_in
def login_code() -> Page:
    db = db_session()
    user = sessions.pending_user(db)
    if user is None or user.totp_secret is None:
        return redirect(url_for("auth.login"))
    form = CodeForm()
    if not form.validate_on_submit():
        return form_again("auth/code.html", form)
    try:
        operations.check_code(
            db,
            user,
            form.code.data or "",
            sessions.request_actor(),
            policy=sessions.throttle_policy(),
            now=sessions.now(),
        )
    except SignInRefused as refusal:
        db.commit()
        return _refused("auth/code.html", form, refusal)
    return _finish_sign_in(db, user, sessions.pending_value("next"))


@blueprint.route("/login/enrol", methods=["GET", "POST"])
@pending_sign_in
def enrol() -> Page:
    """First sign-in of a role that needs a code: set up an authenticator app."""
    db = db_session()
    user = sessions.pending_user(db)
    if user is None:
        return redirect(url_for("auth.login"))
    if user.totp_secret is not None:
        return redirect(url_for("auth.login_code"))
    secret = sessions.pending_value("secret")
    if not secret:
        secret = new_totp_secret()
        sessions.set_pending_value("secret", secret)
    form = CodeForm()
    uri = totp_uri(secret, user.email)
    extra = {"secret": secret, "uri": uri, "qr_code": _qr_code(uri), "user": user}
    if not form.validate_on_submit():
        return form_again("auth/enrol.html", form, **extra)
    actor = replace(sessions.request_actor(), name=user.email)
    try:
        operations.enrol_second_factor(
            db, user, secret, form.code.data or "", actor, now=sessions.now()
        )
    except WrongCode as refusal:
        return _refused("auth/enrol.html", form, refusal, **extra)
    return _finish_sign_in(db, user, sessions.pending_value("next"))


def _carried_email(value: str) -> str | None:
    """The address the setup page sends along to the sign-in form, if it can be one."""
    return value if 0 < len(value) <= 254 and not text_problem(value) else None


def _qr_code(uri: str) -> Markup:
    """The setup URI as a QR code an authenticator app scans: inline SVG, black on white
    with its quiet zone, so that it reads on any page background."""
    drawn = segno.make(uri, error="m").svg_inline(
        scale=4, dark="#000", light="#fff", title=_("QR code of the setup URI"), svgclass=None
    )
    return Markup(drawn)  # noqa: S704 - segno's own SVG; the URI is only in its squares  # nosec B704


def _finish_sign_in(db: Session, user: User, next_url: str | None) -> Response:
    _start_session(db, user)
    return redirect(local_path(next_url) or url_for("home.index"))


def _start_session(db: Session, user: User) -> None:
    record, token = operations.start_session(
        db, user, sessions.request_actor(), policy=sessions.throttle_policy(), now=sessions.now()
    )
    db.commit()
    sessions.sign_in(user, record, token)


@blueprint.post("/logout")
@allow(*EVERY_ROLE)
def logout() -> Response:
    signed_in = _signed_in()
    db = db_session()
    operations.end_session(db, signed_in.record, sessions.request_actor(), now=sessions.now())
    db.commit()
    sessions.sign_out()
    flash(_("You have signed out."))
    return redirect(url_for("auth.login"))


@blueprint.route("/setup/<token>", methods=["GET", "POST"])
@public
def setup(token: str) -> Page:
    """The one-time link to set a password (a new user's first, or after a reset)."""
    db = db_session()
    user = operations.setup_link_user(db, token, now=sessions.now())
    form = NewPasswordForm()
    if not form.validate_on_submit():
        return form_again("auth/setup.html", form, user=user)
    try:
        operations.use_setup_link(
            db,
            token,
            form.password.data or "",
            sessions.request_actor(),
            passwords=sessions.passwords(),
            now=sessions.now(),
        )
    except WeakPassword as refusal:
        return _refused("auth/setup.html", form, refusal, field=form.password, user=user)
    db.commit()
    sessions.sign_out()
    flash(_("Your password is set. Sign in with it."))
    return redirect(url_for("auth.login", email=user.email))


# --- one's own account ----------------------------------------------------------------


@blueprint.get("/account")
@allow(*EVERY_ROLE)
def account() -> str:
    signed_in = _signed_in()
    donor = None if signed_in.donor_id is None else db_session().get(Donor, signed_in.donor_id)
    return render_template(
        "auth/account.html", user=signed_in.user, donor=donor,
        **_token_context(db_session(), signed_in.user,
                         lambda token_id: url_for("auth.revoke_token", token_id=token_id)),
    )  # fmt: skip


@blueprint.route("/account/password", methods=["GET", "POST"])
@allow(*EVERY_ROLE)
def change_password() -> Page:
    signed_in = _signed_in()
    form = ChangePasswordForm()
    if not form.validate_on_submit():
        return form_again("auth/change_password.html", form)
    db = db_session()
    try:
        operations.change_password(
            db,
            signed_in.user,
            form.current.data or "",
            form.password.data or "",
            sessions.request_actor(),
            passwords=sessions.passwords(),
            policy=sessions.throttle_policy(),
            now=sessions.now(),
        )
    except (WrongPassword, Throttled) as refusal:
        db.commit()  # counted against the sign-in throttle
        return _refused("auth/change_password.html", form, refusal, field=form.current)
    except WeakPassword as refusal:
        return _refused("auth/change_password.html", form, refusal, field=form.password)
    # Every session ended with the change; this browser continues in a new one.
    _start_session(db, signed_in.user)
    flash(_("Your password has been changed. Any other session you had open is signed out."))
    return redirect(url_for("auth.account"))


# --- the admin's pages ----------------------------------------------------------------


@blueprint.get("/admin/users")
@allow(Role.ADMIN)
def users() -> str:
    db = db_session()
    filters, order = lists.checked(UserFilterForm(request.args)), lists.order(queries.USER_SORTS)
    page = page_of(db, _users(filters, order), order)
    codes = donor_codes(db, {u.donor_id for u in page.items if u.donor_id is not None})
    return render_template(
        "auth/users.html", page=page, filters=filters, order=order, donor_codes=codes
    )


@table_download(blueprint, "/admin/users", endpoint="users")
@allow(Role.ADMIN)
def users_table() -> Table:
    db = db_session()
    filters, order = lists.checked(UserFilterForm(request.args)), lists.order(queries.USER_SORTS)
    listed = db.scalars(_users(filters, order)).all()
    codes = donor_codes(db, {u.donor_id for u in listed if u.donor_id is not None})
    rows = [
        (u.email, u.name, " ".join(sorted(u.roles)), codes.get(u.donor_id or 0),
         "yes" if u.totp_secret else "no", "yes" if u.active else "no")
        for u in listed
    ]  # fmt: skip
    header = ("email", "name", "roles", "donor", "two_factor", "active")
    return Table("users", header, rows)


def _users(filters: UserFilterForm, order: ListArgs) -> Select[User]:
    active = {"active": True, "inactive": False}.get(filters.status.data or "")
    query = queries.users_query(text=filters.text.data, role=filters.role.data, active=active)
    return ordered(query, queries.USER_SORTS, order)


@blueprint.route("/admin/users/new", methods=["GET", "POST"])
@allow(Role.ADMIN)
def new_user() -> Page:
    db = db_session()
    form = NewUserForm(data={"language": request_language().code})
    _donor_choices(db, form)
    if not form.validate_on_submit():
        return form_again("auth/user_form.html", form, user=None)
    actor, moment = sessions.request_actor(), sessions.now()
    try:
        user = operations.create_user(
            db,
            actor,
            email=form.email.data or "",
            name=form.name.data or "",
            roles=form.roles.data or [],
            donor=_donor(db, form.donor.data),
            language=form.language.data,
            now=moment,
        )
    except InvalidUser as refusal:
        return _refused("auth/user_form.html", form, refusal, user=None)
    token = operations.issue_setup_link(db, user, actor, now=moment, lifetime=_link_lifetime())
    db.commit()
    return _hand_over(db, user, token, new=True)


@blueprint.route("/admin/users/<int:user_id>", methods=["GET", "POST"])
@allow(Role.ADMIN)
def edit_user(user_id: int) -> Page:
    db = db_session()
    user = _user_or_404(db, user_id)
    form = UserForm(data=_form_data(db, user))
    _donor_choices(db, form)
    context = _token_context(
        db, user, lambda token_id: url_for("auth.revoke_user_token", user_id=user_id,
                                           token_id=token_id),
    )  # fmt: skip
    if not form.validate_on_submit():
        return form_again("auth/user_form.html", form, user=user, **context)
    try:
        operations.update_user(
            db,
            user,
            sessions.request_actor(),
            name=form.name.data or "",
            roles=form.roles.data or [],
            donor=_donor(db, form.donor.data),
            active=form.active.data,
            language=form.language.data,
            now=sessions.now(),
        )
    except (InvalidUser, LastAdmin) as refusal:
        return _refused("auth/user_form.html", form, refusal, user=user, **context)
    db.commit()
    flash(_("Saved %(email)s.", email=user.email))
    return redirect(url_for("auth.users"))


@blueprint.post("/admin/users/<int:user_id>/reset-password")
@allow(Role.ADMIN)
def reset_password(user_id: int) -> Page:
    db = db_session()
    user = _user_or_404(db, user_id)
    token = operations.reset_password(
        db, user, sessions.request_actor(), now=sessions.now(), lifetime=_link_lifetime()
    )
    db.commit()
    return _hand_over(db, user, token, new=False)


def _hand_over(db: Session, user: User, token: str, *, new: bool) -> str:
    """The page after a setup link was issued (and committed): with a mail server, the
    link is mailed and the page says so; without one, or if the mail could not be sent
    (the page says that too), the page shows the link for the admin to hand over."""
    link, mailed = _setup_link(token), None
    settings = mail_settings(current_app.config)
    if settings is not None:
        mailed = mail_setup_link(db, sessions.request_actor(), user, link, new=new,
                                 settings=settings)  # fmt: skip
        db.commit()
    return render_template("auth/setup_link.html", user=user, link=link, new=new, mailed=mailed,
                           language=LANGUAGE_LABELS[user.language])  # fmt: skip


@blueprint.post("/admin/users/<int:user_id>/reset-two-factor")
@allow(Role.ADMIN)
def reset_two_factor(user_id: int) -> Response:
    db = db_session()
    user = _user_or_404(db, user_id)
    operations.reset_second_factor(db, user, sessions.request_actor(), now=sessions.now())
    db.commit()
    flash(_("%(email)s will set up a new authenticator app at the next sign-in.", email=user.email))
    return redirect(url_for("auth.edit_user", user_id=user.id))


# --- helpers --------------------------------------------------------------------------


def _signed_in() -> SignedIn:
    user = sessions.current()
    if user is None:  # the access gate lets no anonymous request through to these views
        raise RuntimeError("a signed-in view ran without a signed-in user")
    return user


def _refused(
    template: str, form: FlaskForm, refusal: FundledgerError, *, field: Any = None, **context: Any
) -> Page:
    """The form again with the refusal's reason, under ``field`` if it names one.

    Not :func:`form_page`: a refused sign-in is recorded (audit, throttle), so it commits.
    """
    if field is None:
        return refused(template_page(template, form, **context)(refusal), refusal)
    field.errors = [*field.errors, reason(refusal) or ""]
    return refused(template_page(template, form, **context)(None), refusal)


def _token_context(db: Session, user: User, revoke_url: Callable[[int], str]) -> dict[str, Any]:
    """What a page listing ``user``'s API tokens needs (``templates/auth/_tokens.html``):
    the tokens, a form for a new one, the address that revokes one
    (:mod:`fundledger.auth.token_views`)."""
    return {"tokens": tokens_of(db, user), "token_form": TokenForm(), "revoke_url": revoke_url}


def _user_or_404(db: Session, user_id: int) -> User:
    user = queries.user_by_id(db, user_id) if user_id <= 2**31 - 1 else None
    if user is None:
        raise UnknownUser(_("There is no user #%(id)s.", id=user_id))
    return user


def _donor_choices(db: Session, form: UserForm) -> None:
    form.donor.choices = [NO_DONOR] + [
        SelectChoice(donor.code, f"{donor.code} — {donor.name}") for donor in queries.donors(db)
    ]


def _donor(db: Session, code: str | None) -> Donor | None:
    if not code:
        return None
    donor = donor_by_code(db, code)
    if donor is None:
        raise NotFound(_("There is no donor %(code)s.", code=code))
    return donor


def _form_data(db: Session, user: User) -> dict[str, Any]:
    """The user's current values, shaped like the form (what was posted wins)."""
    codes = donor_codes(db, {user.donor_id} if user.donor_id is not None else set())
    return {
        "name": user.name,
        "roles": sorted(user.roles),
        "donor": codes.get(user.donor_id or 0, ""),
        "active": user.active,
        "language": user.language,
    }


def _link_lifetime() -> dt.timedelta:
    return sessions.seconds("SETUP_LINK_LIFETIME")


def _setup_link(token: str) -> str:
    base = current_app.config.get("PUBLIC_URL") or request.host_url
    return base.rstrip("/") + url_for("auth.setup", token=token)
