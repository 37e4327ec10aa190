"""What every response carries: CSRF protection, cookie flags, security headers, and a
cap on request size; and what every request's values must be before a view sees them
(no NUL or other control character, ids within the database's range). The CSRF token
itself is checked by the access gate, right after it has decided who may use the view."""

from __future__ import annotations

from typing import Any

from flask import Flask, abort, request
from flask_wtf.csrf import CSRFProtect
from werkzeug.routing import IntegerConverter, Map
from werkzeug.wrappers import Response

from fundledger.config import in_production
from fundledger.inputs import MAX_ID, text_problem
from fundledger.web.i18n import _

#: Only our own origin, no inline script or style, never inside a frame.
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'; "
    "object-src 'none'"
)
HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
}
#: Uploads (CSV bank statements…) larger than this are refused with 413.
DEFAULT_MAX_CONTENT_LENGTH = 16 * 1024 * 1024


class IdConverter(IntegerConverter):
    """``<int:...>`` in a URL: a number beyond the id columns' range matches no route
    (404) instead of overflowing the database driver (500)."""

    def __init__(self, url_map: Map, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("max", MAX_ID)
        super().__init__(url_map, *args, **kwargs)


def refuse_unstorable_text() -> None:
    """Every query-string and form value, names included, and the URL's path: text no
    field may hold (:func:`~fundledger.inputs.text_problem`: NUL, which PostgreSQL's text
    cannot store, ESC and the other control characters, which garble terminals and
    documents) is refused here, the one rule for every form, present or future."""
    for values in (request.args, request.form):
        for name, value in values.items(multi=True):
            if "\x00" in name or "\x00" in value:
                abort(
                    400,
                    description=_(
                        "The field %(name)s contains a NUL character.", name=repr(name[:40])
                    ),
                )
            if text_problem(name) or text_problem(value, single_line=False):
                abort(
                    400,
                    description=_(
                        "The field %(name)s contains a control character.", name=repr(name[:40])
                    ),
                )
    if text_problem(request.path):
        abort(404)


def init_app(app: Flask) -> None:
    # Before any blueprint binds its routes; before the access gate reads the request.
    app.url_map.converters["int"] = IdConverter
    app.before_request(refuse_unstorable_text)
    secure = in_production(app.config)
    app.config["SESSION_COOKIE_SECURE"] = secure
    app.config["SESSION_COOKIE_HTTPONLY"] = True
    if app.config.get("SESSION_COOKIE_SAMESITE") is None:
        app.config["SESSION_COOKIE_SAMESITE"] = "Lax"
    if app.config.get("MAX_CONTENT_LENGTH") is None:
        app.config["MAX_CONTENT_LENGTH"] = DEFAULT_MAX_CONTENT_LENGTH
    # The access gate calls csrf.protect() itself, after authorization (see access.py).
    app.config["WTF_CSRF_CHECK_DEFAULT"] = False
    csrf = CSRFProtect(app)
    # The language switch only sets the posting browser's preference cookie and changes
    # nothing on the server, so it asks for no token: a visitor without a session (the
    # public page is sent whole, from a cache, with no cookie) can switch too.
    csrf.exempt("fundledger.web.language.choose")

    def add_headers(response: Response) -> Response:
        for name, value in HEADERS.items():
            response.headers.setdefault(name, value)
        if secure:
            response.headers.setdefault("Strict-Transport-Security", "max-age=31536000")
        if request.endpoint != "static":
            # Pages show the fund's books: no copy stays in a shared browser or proxy.
            response.headers.setdefault("Cache-Control", "no-store")
        return response

    app.after_request(add_headers)
