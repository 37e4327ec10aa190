"""A real browser against the real app: Debian's chromium driven by Playwright, the app
served by werkzeug on 127.0.0.1 over a freshly seeded database (SQLite and PostgreSQL).

No browser is ever downloaded: Playwright launches the system's ``/usr/bin/chromium``.
Without it the tests are skipped on a workstation, and fail in CI (``CI`` set), where
``.ci/run`` installs it.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pyotp
import pytest
from flask import Flask
from playwright.sync_api import Browser, Page, sync_playwright
from werkzeug.serving import BaseWSGIServer, make_server

from fundledger import create_app
from fundledger.auth.models import SECOND_FACTOR_ROLES, Role
from fundledger.db import Database
from fundledger.donors.models import Donor
from fundledger.web.database import get_database
from tests.factories import PASSWORD, create_user

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
#: How long a page may take to load or an element to appear before the test fails, ms.
TIMEOUT = 10_000


@pytest.fixture(scope="session")
def chromium() -> Iterator[Browser]:
    """The browser, launched once for the whole run."""
    if not CHROMIUM.exists():
        if os.environ.get("CI"):
            pytest.fail(f"{CHROMIUM} is missing; .ci/run installs the chromium package")
        pytest.skip(f"{CHROMIUM} is not installed (apt-get install chromium)")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()


@pytest.fixture
def statements_dir(tmp_path: Path) -> Path:
    """The served app's archive of issued statements."""
    return tmp_path / "statements"


@pytest.fixture
def served(database: Database, statements_dir: Path) -> Iterator[str]:
    """The app on a free port of 127.0.0.1, in a thread; its base URL."""
    app: Flask = create_app(
        {"DATABASE_URL": database.url, "SECRET_KEY": "browser-tests", "DEPLOYMENT": "development",
         "STATEMENTS_DIR": str(statements_dir)}
    )  # fmt: skip
    server: BaseWSGIServer = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=5)
    get_database(app).dispose()


@pytest.fixture
def page(chromium: Browser, served: str) -> Iterator[Page]:
    """A fresh browser tab (its own cookies) on the served app."""
    context = chromium.new_context(base_url=served, viewport={"width": 1280, "height": 900})
    context.set_default_timeout(TIMEOUT)
    tab = context.new_page()
    yield tab
    context.close()


@dataclass(frozen=True)
class Login:
    email: str
    roles: tuple[str, ...]
    #: The authenticator app's secret, for the roles that need a one-time code.
    totp_secret: str | None


@pytest.fixture
def account(database: Database) -> Callable[..., Login]:
    """``account("cajp")``: a user in the database, with an enrolled authenticator app
    when the role needs one."""

    def make(*roles: str, email: str | None = None, donor: Donor | None = None) -> Login:
        needs_code = any(Role(role) in SECOND_FACTOR_ROLES for role in roles)
        secret = pyotp.random_base32() if needs_code else None
        with database.transaction() as session:
            user = create_user(session, *roles, email=email, donor=donor, totp_secret=secret)
            return Login(user.email, roles, secret)

    return make


def sign_in(page: Page, login: Login) -> None:
    """Sign in through the pages as a person does: password, then the app's code."""
    page.goto("/login")
    page.get_by_label("Email").fill(login.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    if login.totp_secret is not None:
        page.wait_for_url("**/login/code")
        page.get_by_label("Six-digit code").fill(pyotp.TOTP(login.totp_secret).now())
        page.get_by_role("button", name="Continue").click()
    page.wait_for_url("**/")


def shot(page: Page, tmp_path: Path, name: str) -> Path:
    """A full-page screenshot under the test's temporary folder (to look at)."""
    path = tmp_path / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path
