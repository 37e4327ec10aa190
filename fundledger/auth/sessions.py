"""Who is signed in, checked on the server on every request.

Flask-Login keeps a random token in the signed session cookie. The ``user_sessions``
row it names decides whether the session is still good: not ended (sign-out, password
change, reset, deactivation), not idle for longer than IDLE_TIMEOUT, not older than
ABSOLUTE_TIMEOUT, and its user still active. Between the password and the one-time
code, the cookie holds only a short-lived *pending* sign-in, which opens no page but
the code and enrolment pages.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable
from typing import Any

from flask import Flask, current_app, g, request, session
from flask_login import LoginManager, current_user, login_user, logout_user
from sqlalchemy.orm import Session

from fundledger.actors import Actor
from fundledger.auth import operations, queries, throttle, tokens
from fundledger.auth.models import ApiToken, Role, User, UserSession
from fundledger.auth.passwords import Passwords, token_digest
from fundledger.auth.throttle import ThrottlePolicy
from fundledger.auth.timing import as_utc, utc_now
from fundledger.web.database import db_session, get_database

DEFAULTS: dict[str, Any] = {
    #: Seconds without a request after which a session ends.
    "IDLE_TIMEOUT": 30 * 60,
    #: Seconds after sign-in after which a session ends, however active.
    "ABSOLUTE_TIMEOUT": 12 * 60 * 60,
    #: A session's last-seen time is written at most this often (seconds).
    "SESSION_TOUCH_INTERVAL": 60,
    #: Seconds allowed between the password and the one-time code.
    "PENDING_LOGIN_TIMEOUT": 5 * 60,
    #: Seconds a setup link stays valid.
    "SETUP_LINK_LIFETIME": 72 * 60 * 60,
    #: Returns the current time (timezone-aware); tests put a clock they control here.
    "CLOCK": utc_now,
}
_SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
_PENDING = "pending_login"
_PASSWORDS = "fundledger.passwords"


class SignedIn:
    """The signed-in user of this request, as Flask-Login's ``current_user``."""

    is_authenticated = True
    is_active = True
    is_anonymous = False

    def __init__(self, user: User, record: UserSession, token: str) -> None:
        self.user = user
        self.record = record
        self.token = token

    def get_id(self) -> str:
        """What the cookie keeps: the session's token, never the user's id."""
        return self.token

    @property
    def id(self) -> int:
        return self.user.id

    @property
    def email(self) -> str:
        return self.user.email

    @property
    def name(self) -> str:
        return self.user.name

    @property
    def roles(self) -> frozenset[Role]:
        return self.user.roles

    @property
    def donor_id(self) -> int | None:
        return self.user.donor_id


class TokenCaller(SignedIn):
    """A request authenticated by an API token (``Authorization: Bearer …``): the
    token's user, within the token's scope. It has no browser session: no cookie is set,
    and it has no ``record`` (only the sign-out page, which no token reaches, reads it)."""

    def __init__(self, user: User, api_token: ApiToken) -> None:
        self.user = user
        self.api_token = api_token
        self.token = ""


def init_app(app: Flask) -> None:
    for key, value in DEFAULTS.items():
        app.config.setdefault(key, value)
    manager = LoginManager()
    # No "remember me": a session lives only as long as its server-side record.
    manager.user_loader(_load)
    manager.init_app(app)


def now() -> dt.datetime:
    moment: dt.datetime = current_app.config["CLOCK"]()
    return moment


def seconds(key: str) -> dt.timedelta:
    return dt.timedelta(seconds=float(current_app.config[key]))


def init_passwords(app: Flask) -> None:
    """The web app's password hasher, made with the app (its decoy hash with it), so the
    first sign-in with an unknown email is not the one slow one; the CLI's commands that
    need no password do not pay for it."""
    app.extensions[_PASSWORDS] = Passwords.from_config(app.config)


def passwords() -> Passwords:
    """The app's password hasher (see :func:`init_passwords`)."""
    hasher: Passwords = current_app.extensions[_PASSWORDS]
    return hasher


def throttle_policy() -> ThrottlePolicy:
    return ThrottlePolicy.from_config(current_app.config)


def current() -> SignedIn | None:
    """The signed-in user (or the API token's), or none for an anonymous request."""
    caller: TokenCaller | None = g.get("api_caller")
    if caller is not None:
        return caller
    user = current_user._get_current_object()
    return user if isinstance(user, SignedIn) else None


def request_id() -> str:
    if "request_id" not in g:
        g.request_id = f"web-{uuid.uuid4().hex}"
    value: str = g.request_id
    return value


def request_actor() -> Actor:
    """Who is acting in this request: the signed-in user's email, or ``anonymous``."""
    user = current()
    return Actor(
        name="anonymous" if user is None else user.email,
        request_id=request_id(),
        address=request.remote_addr,
    )


def sign_in(user: User, record: UserSession, token: str) -> None:
    """Put a new session in the cookie; whatever the cookie held before is dropped."""
    session.clear()
    login_user(SignedIn(user, record, token))


def sign_out() -> None:
    logout_user()
    session.clear()


def ended_on_server() -> bool:
    """Whether this request's cookie named a session the server no longer accepts."""
    return bool(g.get("session_refused"))


# --- API tokens -----------------------------------------------------------------------


def presented_token() -> str | None:
    """The token in the request's ``Authorization: Bearer …`` header; ``""`` for a
    header of another scheme or none at all; none without the header."""
    header = request.headers.get("Authorization")
    if header is None:
        return None
    scheme, _, value = header.strip().partition(" ")
    return value.strip() if scheme.lower() == "bearer" else ""


def sign_in_with_token(secret: str) -> TokenCaller | None:
    """The caller a live token stands for, for this request only; none for a token
    unknown, expired or revoked, or whose user was deactivated."""
    moment = now()
    token = tokens.live_token(db_session(), secret, now=moment)
    if token is None:
        _count_bad_token(moment)
        return None
    if tokens.needs_touch(token, moment):
        token_id = token.id
        _write(lambda db: tokens.touch(db, token_id, now=moment))
    caller = TokenCaller(token.user, token)
    g.api_caller = caller
    # The journal and the audit trail name the token a change came through.
    g.request_id = f"api-token-{token.id}-{uuid.uuid4().hex}"
    return caller


#: The sign-in throttle's account for wrong API tokens (no email can be this).
TOKEN_ACCOUNT = "api token"  # noqa: S105 - a throttle key, not a password


def _count_bad_token(moment: dt.datetime) -> None:
    """A wrong token counts against its client address as a wrong password does (the
    sign-in throttle): past a few, the address waits (429 with Retry-After) before the
    next wrong one is even answered; a right token is never held up."""
    policy, address = throttle_policy(), request.remote_addr
    with get_database().transaction() as db:
        throttle.check(db, TOKEN_ACCOUNT, address, now=moment, policy=policy)
        throttle.record_failure(db, TOKEN_ACCOUNT, address, now=moment, policy=policy)


# --- the pending sign-in between password and code ------------------------------------


def begin_pending(user: User, next_url: str | None) -> None:
    session.clear()
    session[_PENDING] = {"user": user.id, "since": now().timestamp(), "next": next_url}


def pending_fresh() -> bool:
    """Whether the cookie holds a pending sign-in that is still within its time."""
    state = session.get(_PENDING)
    if not isinstance(state, dict):
        return False
    age = now().timestamp() - float(state.get("since", 0))
    return 0 <= age <= float(current_app.config["PENDING_LOGIN_TIMEOUT"])


def pending_user(db: Session) -> User | None:
    """The user who gave the right password moments ago, if still within the time."""
    if not pending_fresh():
        return None
    user = queries.user_by_id(db, int(session[_PENDING]["user"]))
    if user is None or not user.active:
        return None
    return user


def pending_value(key: str) -> Any:
    state = session.get(_PENDING)
    return state.get(key) if isinstance(state, dict) else None


def set_pending_value(key: str, value: Any) -> None:
    state = dict(session.get(_PENDING) or {})
    state[key] = value
    session[_PENDING] = state


# --- loading the session named by the cookie ------------------------------------------


def _load(token: str) -> SignedIn | None:
    record = queries.live_session(db_session(), token_digest(token))
    if record is None:
        g.session_refused = True
        return None
    moment = now()
    last_seen = as_utc(record.last_seen_at)
    if (
        moment - last_seen >= seconds("IDLE_TIMEOUT")
        or moment - as_utc(record.started_at) >= seconds("ABSOLUTE_TIMEOUT")
        or not record.user.active
    ):
        session_id = record.id
        _write(lambda db: operations.expire_session(db, session_id, now=moment))
        g.session_refused = True
        return None
    if moment - last_seen >= seconds("SESSION_TOUCH_INTERVAL"):
        session_id = record.id
        _write(lambda db: operations.touch_session(db, session_id, now=moment))
    return SignedIn(record.user, record, token)


def _write(change: Callable[[Session], None]) -> None:
    """Bookkeeping on the session row. A read request gets its own short transaction;
    a write request's own session carries it (and commits it with the view's change)."""
    if request.method in _SAFE_METHODS:
        with get_database().transaction() as db:
            change(db)
    else:
        change(db_session())
