"""API tokens on the account page (one's own) and on an admin's user page (any
user's): created there, shown once, revoked there (:mod:`fundledger.auth.tokens`)."""

from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from werkzeug.wrappers import Response

from fundledger.auth import sessions, tokens
from fundledger.auth.access import EVERY_ROLE, allow
from fundledger.auth.forms import TokenForm
from fundledger.auth.models import Role, User
from fundledger.auth.views import _signed_in, _user_or_404, blueprint
from fundledger.errors import FundledgerError
from fundledger.web.database import db_session
from fundledger.web.i18n import _
from fundledger.web.pages import Page, reason


@blueprint.post("/account/tokens")
@allow(*EVERY_ROLE)
def new_token() -> Page:
    return _issue(_signed_in().user, back=url_for("auth.account"))


@blueprint.post("/account/tokens/<int:token_id>/revoke")
@allow(*EVERY_ROLE)
def revoke_token(token_id: int) -> Response:
    return _revoke(_signed_in().user, token_id, back=url_for("auth.account"))


@blueprint.post("/admin/users/<int:user_id>/tokens")
@allow(Role.ADMIN)
def new_user_token(user_id: int) -> Page:
    user = _user_or_404(db_session(), user_id)
    return _issue(user, back=url_for("auth.edit_user", user_id=user.id))


@blueprint.post("/admin/users/<int:user_id>/tokens/<int:token_id>/revoke")
@allow(Role.ADMIN)
def revoke_user_token(user_id: int, token_id: int) -> Response:
    user = _user_or_404(db_session(), user_id)
    return _revoke(user, token_id, back=url_for("auth.edit_user", user_id=user.id))


def _issue(user: User, *, back: str) -> Page:
    """The new token, on a page of its own (the only time it is shown); a form that
    does not validate, or a refusal, goes back with its reason."""
    form = TokenForm()
    if not form.validate_on_submit():
        for errors in form.errors.values():
            flash(" ".join(str(error) for error in errors))
        return redirect(back)
    db = db_session()
    try:
        token, secret = tokens.issue_token(
            db, sessions.request_actor(), user, name=form.name.data or "",
            scope=form.scope.data, days=form.lifetime, now=sessions.now(),
        )  # fmt: skip
    except FundledgerError as refusal:
        db.rollback()
        flash(reason(refusal) or "")
        return redirect(back)
    db.commit()
    return render_template("auth/token_created.html", token=token, secret=secret, user=user,
                           back=back)  # fmt: skip


def _revoke(user: User, token_id: int, *, back: str) -> Response:
    db = db_session()
    token = tokens.token_of(db, user, token_id)
    tokens.revoke_token(db, sessions.request_actor(), token, now=sessions.now())
    db.commit()
    flash(_("The token “%(name)s” is revoked; it no longer opens the API.", name=token.name))
    return redirect(back)
