"""Who may open which page: decided here, for every view, before it runs.

A view declares its audience with :func:`allow` (roles), :func:`public` or
:func:`pending_sign_in`; views written before this module are declared in
:data:`ENDPOINTS` below. A view declared nowhere is refused to everyone (403), so a
new route cannot ship open by accident. ``tests/web/test_access.py`` walks the URL map
to hold every route to its declaration.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from flask import Flask, abort, current_app, flash, redirect, request, url_for
from flask_wtf.csrf import CSRFProtect
from werkzeug.wrappers import Response

from fundledger.auth import sessions
from fundledger.auth.models import Role
from fundledger.donors.models import Donor
from fundledger.errors import NotFound
from fundledger.web.database import db_session
from fundledger.web.errors import API_PATH
from fundledger.web.i18n import _

View = TypeVar("View", bound=Callable[..., Any])

_ATTRIBUTE = "_fundledger_access"


@dataclass(frozen=True, slots=True)
class Rule:
    """Who may use a view: signed-in users holding one of ``roles``; or anyone
    (``public``); or someone between password and one-time code (``pending``)."""

    roles: frozenset[Role] = frozenset()
    public: bool = False
    pending: bool = False

    def admits(self, roles: frozenset[Role]) -> bool:
        return bool(self.roles & roles)


EVERY_ROLE = frozenset(Role)
#: Everyone who may read the fund's books: all but donors (DESIGN §2).
READERS = frozenset({Role.SECRETARIAT, Role.CAJP, Role.AUDITOR, Role.ADMIN})

PUBLIC = Rule(public=True)
PENDING = Rule(pending=True)

#: Views that predate this module (and Flask's static files), declared by endpoint.
ENDPOINTS: dict[str, Rule] = {
    "static": PUBLIC,
    # The API's OpenAPI description (served by flask-smorest, fundledger.api).
    "api-docs.openapi_json": PUBLIC,
    # Donors see only the home page for now; their own pages come with later issues.
    "home.index": Rule(EVERY_ROLE),
    "ledger.accounts": Rule(READERS),
    "ledger.journal": Rule(READERS),
    "ledger.entry": Rule(READERS),
    "ledger.trial_balance": Rule(READERS),
    # The Program is public reference data: every signed-in role reads it.
    "program.objectives": Rule(EVERY_ROLE),
    "program.activities": Rule(EVERY_ROLE),
    "program.activity": Rule(EVERY_ROLE),
    "program.crossref": Rule(EVERY_ROLE),
}


# --- declaring ------------------------------------------------------------------------


def allow(*roles: Role | str) -> Callable[[View], View]:
    """Open the view to signed-in users holding any of ``roles``."""
    if not roles:
        raise ValueError("allow() needs at least one role; use public() for everyone")
    rule = Rule(frozenset(Role(role) for role in roles))

    def declare(view: View) -> View:
        return _declare(view, rule)

    return declare


def public(view: View) -> View:
    """Open the view to everyone, signed in or not."""
    return _declare(view, PUBLIC)


def pending_sign_in(view: View) -> View:
    """Open the view to someone who gave the right password and owes a one-time code."""
    return _declare(view, PENDING)


def _declare(view: View, rule: Rule) -> View:
    if hasattr(view, _ATTRIBUTE):
        raise ValueError(f"{view.__qualname__} declares its access twice")
    setattr(view, _ATTRIBUTE, rule)
    return view


def rule_for(app: Flask, endpoint: str) -> Rule | None:
    """The declared audience of an endpoint; none means nobody may use it."""
    view = app.view_functions.get(endpoint)
    declared: Rule | None = getattr(view, _ATTRIBUTE, None)
    return declared if declared is not None else ENDPOINTS.get(endpoint)


def undeclared(app: Flask) -> list[str]:
    """Endpoints no declaration covers, and table entries naming no endpoint (or a
    view that declares itself too): each a mistake."""
    problems = [
        f"{endpoint}: no access declared"
        for endpoint in app.view_functions
        if rule_for(app, endpoint) is None
    ]
    for endpoint in ENDPOINTS:
        view = app.view_functions.get(endpoint)
        if view is None:
            problems.append(f"{endpoint}: declared in access.ENDPOINTS but there is no such view")
        elif hasattr(view, _ATTRIBUTE):
            problems.append(f"{endpoint}: declared both on the view and in access.ENDPOINTS")
    return problems


# --- enforcing ------------------------------------------------------------------------


def init_app(app: Flask) -> None:
    app.before_request(_gate)
    app.jinja_env.globals["can_view"] = can_view


def _gate() -> Response | None:
    """Runs before every view: authenticate, authorize, then check the CSRF token."""
    sessions.request_id()
    endpoint = request.endpoint
    if endpoint is None:
        return None  # no such URL or method: the 404 or 405 follows
    rule = rule_for(current_app, endpoint)
    if rule is None:
        abort(403, description=_("No role has been given access to this page."))
    if request.path.startswith(API_PATH) and (secret := sessions.presented_token()) is not None:
        _token_gate(rule, secret)
        return None
    if rule.pending and not sessions.pending_fresh():
        return redirect(url_for("auth.login"))
    if not (rule.public or rule.pending):
        user = sessions.current()
        if user is None:
            if sessions.ended_on_server():
                sessions.sign_out()
                flash(_("Your session has ended; sign in again."))
            return _to_sign_in()
        if not rule.admits(user.roles):
            abort(403, description=_("Your role does not give access to this page."))
    _check_csrf()
    return None


_SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def _token_gate(rule: Rule, secret: str) -> None:
    """An API request carrying a token: the token's user, held to the view's roles and
    the token's scope. No CSRF token is asked: a browser never adds this header by
    itself, so a forged cross-site request cannot carry it (a request without it goes
    through the cookie's checks, CSRF included)."""
    caller = sessions.sign_in_with_token(secret)
    if caller is None:
        abort(401, description=_("The API token is unknown, expired or revoked."))
    if not rule.public and not rule.admits(caller.roles):
        abort(403, description=_("Your role does not give access to this page."))
    if request.method not in _SAFE_METHODS and not caller.api_token.writes:
        abort(403, description=_("This API token may only read; its scope is read."))


def _to_sign_in() -> Response:
    if request.path.startswith(API_PATH):
        abort(401, description=_("Send an API token: Authorization: Bearer <token>."))
    if request.method in ("GET", "HEAD"):
        here = request.path
        if request.query_string:
            here += "?" + request.query_string.decode("utf-8", "replace")
        return redirect(url_for("auth.login", next=here))
    abort(401, description=_("Sign in first."))


def _check_csrf() -> None:
    if current_app.config.get("WTF_CSRF_ENABLED", True):
        csrf: CSRFProtect = current_app.extensions["csrf"]
        csrf.protect(apply_exemptions=True)


def can_view(endpoint: str) -> bool:
    """Whether the current user may open ``endpoint`` (to show only links that work)."""
    rule = rule_for(current_app, endpoint)
    if rule is None or rule.pending:
        return False
    if rule.public:
        return True
    user = sessions.current()
    return user is not None and rule.admits(user.roles)


# --- objects --------------------------------------------------------------------------


def donor_scope() -> int | None:
    """The one donor a donor login may see; none (all donors) for the other roles."""
    user = sessions.current()
    if user is None:
        abort(401, description=_("Sign in first."))
    if Role.DONOR in user.roles:
        if user.donor_id is None:  # refused when the user is saved; never trust it here
            abort(403, description=_("This donor login is not tied to a donor."))
        return user.donor_id
    return None


def own_donor() -> Donor:
    """The donor a donor login stands for, behind the pages only donors open; for any
    other user the same refusal as a missing donor."""
    donor_id = donor_scope()
    donor = None if donor_id is None else db_session().get(Donor, donor_id)
    if donor is None:
        raise NotFound(_("There is no such donor."))
    return donor


def check_donor(donor_id: int) -> None:
    """Refuse a donor login anything of another donor. The refusal reads like a
    missing donor, so nobody learns which other donors exist."""
    scope = donor_scope()
    if scope is not None and scope != donor_id:
        raise NotFound(_("There is no such donor."))
