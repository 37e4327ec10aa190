"""The web app under test: a clock the test moves, browsers that fill in forms the way a
person does (with the page's CSRF token), and signing in as any role."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pyotp
import pytest
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from fundledger import create_app
from fundledger.auth.models import User
from fundledger.db import Database
from fundledger.donors.models import Donor
from fundledger.web.database import get_database
from tests.factories import create_donor, create_user, open_session

#: Where the test browsers come from unless a test says otherwise (TEST-NET-1).
HOME_ADDRESS = "192.0.2.10"
IDLE_TIMEOUT = 600
ABSOLUTE_TIMEOUT = 3600
_CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
_ATTEMPT = re.compile(r'name="((?:[\w-]+-)?attempt)"[^>]*value="([^"]+)"')


#: The one script a page carries: the error summary's, a file of our own origin, which the
#: Content-Security-Policy allows (default-src 'self'); never an inline script.
OWN_SCRIPT = '<script src="/static/error-summary.js" defer></script>'


def other_scripts(page: str) -> list[str]:
    """The page's script elements other than :data:`OWN_SCRIPT`."""
    found = re.findall(r"<script\b.*?</script>", page, re.IGNORECASE | re.DOTALL)
    return [script for script in found if script != OWN_SCRIPT]


class Clock:
    """The app's idea of now; tests move it instead of sleeping."""

    def __init__(self) -> None:
        self.now = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)

    def __call__(self) -> dt.datetime:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += dt.timedelta(seconds=seconds)

    def code(self, secret: str, steps: int = 0) -> str:
        """The authenticator app's code at this moment (or ``steps`` of 30 s later)."""
        return pyotp.TOTP(secret).at(self.now + dt.timedelta(seconds=30 * steps))


class Browser:
    """A test client used like a browser: each form is fetched first, and posted with
    the CSRF token (and the attempt token) it carries."""

    def __init__(self, client: FlaskClient, address: str = HOME_ADDRESS) -> None:
        self.client = client
        self.client.environ_base["REMOTE_ADDR"] = address

    def get(self, url: str, **kwargs: Any) -> TestResponse:
        return self.client.get(url, **kwargs)

    def submit(
        self, url: str, data: dict[str, Any] | None = None, *, page: str | None = None
    ) -> TestResponse:
        """Post ``data`` to ``url`` from the form on ``page`` (default: ``url`` itself)."""
        html = self.client.get(page or url).get_data(as_text=True)
        found = _CSRF.search(html)
        assert found, f"no CSRF token on {page or url}"
        # The attempt tokens of the page's forms that post once (web.forms.PostsOnce);
        # a form reads only its own (a step's is prefixed, like "disburse-1-attempt").
        hidden = {"csrf_token": found.group(1), **dict(_ATTEMPT.findall(html))}
        return self.client.post(url, data={**hidden, **(data or {})})

    def sign_in(self, email: str, password: str, **kwargs: Any) -> TestResponse:
        return self.submit("/login", {"email": email, "password": password, **kwargs})

    def sign_out(self) -> TestResponse:
        return self.submit("/logout", page="/account")

    def copy(self, address: str | None = None) -> Browser:
        """A second browser holding this one's cookie (a stolen or copied session)."""
        other = Browser(
            self.client.application.test_client(),
            address or self.client.environ_base["REMOTE_ADDR"],
        )
        cookie = self.client.get_cookie("session")
        assert cookie is not None, "this browser has no session cookie"
        other.client.set_cookie("session", cookie.value)
        return other


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def app(database: Database, clock: Clock, tmp_path: Path) -> Iterator[Flask]:
    app = create_app(
        {
            "DATABASE_URL": database.url,
            "DOCUMENTS_DIR": str(tmp_path / "documents"),
            "TESTING": True,
            "SECRET_KEY": "test",
            "CLOCK": clock,
            "IDLE_TIMEOUT": IDLE_TIMEOUT,
            "ABSOLUTE_TIMEOUT": ABSOLUTE_TIMEOUT,
            "SESSION_TOUCH_INTERVAL": 0,
        }
    )
    yield app
    get_database(app).dispose()


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def browser(client: FlaskClient) -> Browser:
    return Browser(client)


@pytest.fixture
def new_browser(app: Flask) -> Callable[[str], Browser]:
    """Another browser, from ``address``."""
    return lambda address=HOME_ADDRESS: Browser(app.test_client(), address)


@pytest.fixture
def make_user(database: Database) -> Callable[..., User]:
    """``make_user("cajp", email=..., ...)``: a user in the test database."""

    def make(*roles: str, **fields: Any) -> User:
        with database.transaction() as session:
            return create_user(session, *roles, **fields)

    return make


@pytest.fixture
def donor(database: Database) -> Donor:
    with database.transaction() as session:
        return create_donor(session, "MEX", name="Mexico")


@pytest.fixture
def login_as(
    database: Database, client: FlaskClient, clock: Clock, make_user: Callable[..., User]
) -> Callable[..., User]:
    """``login_as("auditor")``: a signed-in user with those roles, in ``client``
    (or the ``client=`` given), without going through the sign-in pages."""

    def login(*roles: str, client: FlaskClient = client, **fields: Any) -> User:
        user = make_user(*roles, **fields)
        sign_in(client, database, user, now=clock.now)
        return user

    return login


def sign_in(
    client: FlaskClient, database: Database, user: User, *, now: dt.datetime | None = None
) -> None:
    """Put a fresh server-side session for ``user`` in ``client``'s cookie."""
    with database.transaction() as session:
        token = open_session(session, session.merge(user), now=now)
    with client.session_transaction() as cookie:
        cookie["_user_id"] = token
        cookie["_fresh"] = True
