"""Take the pictures of docs/screenshots/: each role's home page at 1,366 px, in English
and Spanish, over the demo's books.

Run with ``make screenshots`` (it needs the test extra: Playwright drives Debian's
``/usr/bin/chromium``; nothing is downloaded). The demo is loaded into a throwaway
SQLite database, served on 127.0.0.1 in a thread, and each demo login signs in through
the pages, with its one-time code where the role needs one, as a person does.
"""

from __future__ import annotations

import datetime as dt
import logging
import tempfile
import threading
from pathlib import Path

import pyotp
from playwright.sync_api import Page, sync_playwright
from werkzeug.serving import make_server

from fundledger import create_app
from fundledger.actors import Actor
from fundledger.auth.operations import enrol_second_factor
from fundledger.auth.passwords import Passwords
from fundledger.auth.queries import user_by_email
from fundledger.db import Database
from fundledger.demo.dataset import add_demo_logins, load_demo
from fundledger.setup.bootstrap import initialize

OUT = Path(__file__).parent / "screenshots"
CHROMIUM = "/usr/bin/chromium"
ROLES = ("secretariat", "cajp", "auditor", "admin", "donor")
LANGUAGES = {"en": "English", "es": "Español"}
WIDTH = 1366


def demo_database(folder: Path) -> tuple[Database, dict[str, tuple[str, str, str | None]]]:
    """The demo's books and logins: role → (email, password, authenticator secret)."""
    database = Database(f"sqlite:///{folder / 'demo.sqlite3'}")
    initialize(database)
    operator = Actor("screenshots")
    logins: dict[str, tuple[str, str, str | None]] = {}
    with database.transaction() as session:
        load_demo(session, operator)
        passwords = Passwords.from_config({})
        for role, email, password in add_demo_logins(session, operator, passwords, seed=2141):
            user = user_by_email(session, email)
            if role in logins or user is None:
                continue  # one login per role
            secret = None
            if user.needs_second_factor:
                secret = pyotp.random_base32()
                now = dt.datetime.now(dt.UTC)
                # Enrolled with the previous step's code (within the allowed drift), so
                # that the current one still signs in: a code is used once.
                totp = pyotp.TOTP(secret)
                earlier = totp.generate_otp(totp.timecode(now) - 1)
                enrol_second_factor(session, user, secret, earlier, operator, now=now)
            logins[role] = (email, password, secret)
    return database, logins


def sign_in(page: Page, email: str, password: str, secret: str | None) -> None:
    page.goto("/login")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    if secret is not None:
        page.wait_for_url("**/login/code")
        page.get_by_label("Six-digit code").fill(pyotp.TOTP(secret).now())
        page.get_by_role("button", name="Continue").click()
    page.wait_for_url("**/")


def main() -> None:
    logging.getLogger("werkzeug").setLevel(logging.WARNING)  # no line per request
    OUT.mkdir(exist_ok=True)
    with tempfile.TemporaryDirectory() as folder:
        database, logins = demo_database(Path(folder))
        app = create_app({"DATABASE_URL": database.url, "SECRET_KEY": "screenshots",
                          "DEPLOYMENT": "development"})  # fmt: skip
        server = make_server("127.0.0.1", 0, app, threaded=True)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
            for role in ROLES:
                context = browser.new_context(
                    base_url=f"http://127.0.0.1:{server.server_port}",
                    viewport={"width": WIDTH, "height": 900},
                )
                page = context.new_page()
                sign_in(page, *logins[role])
                for code, language in LANGUAGES.items():
                    page.get_by_role("button", name=language).click()
                    page.wait_for_load_state()
                    path = OUT / f"home-{role}-{code}.png"
                    page.screenshot(path=str(path), full_page=True)
                    print(path.relative_to(OUT.parent.parent))
                context.close()
            browser.close()
        server.shutdown()
        database.dispose()


if __name__ == "__main__":
    main()
