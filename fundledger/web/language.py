"""The language switcher in the page header: a small form that works without JavaScript."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, redirect, request, url_for
from werkzeug.wrappers import Response

from fundledger.auth.access import public
from fundledger.i18n import LANGUAGES
from fundledger.web.i18n import COOKIE, _
from fundledger.web.redirects import local_path

#: A year: the choice is a preference, not a secret.
COOKIE_AGE = 365 * 24 * 3600

blueprint = Blueprint("language", __name__)


@blueprint.post("/language")
@public
def choose() -> Response:
    """Remember the language picked in the header and go back to the page it was picked on."""
    language = request.form.get("language", "")
    if language not in LANGUAGES:
        abort(400, description=_("There is no such language."))
    response = redirect(local_path(request.form.get("next")) or url_for("home.index"))
    response.set_cookie(
        COOKIE,
        language,
        max_age=COOKIE_AGE,
        secure=bool(current_app.config.get("SESSION_COOKIE_SECURE")),
        httponly=True,
        samesite="Lax",
    )
    return response
