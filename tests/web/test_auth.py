"""Signing in and out, the second factor, throttling, session expiry, passwords, the
admin's user pages, and the protections every response carries — as a person at a
browser meets them."""

from __future__ import annotations

import hashlib
import html
import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import pyotp
import pytest
import segno
from argon2 import PasswordHasher
from flask import Flask
from sqlalchemy import func, select

from fundledger import create_app
from fundledger.audit.models import AuditEvent
from fundledger.auth.access import public
from fundledger.auth.models import User
from fundledger.auth.sessions import passwords
from fundledger.db import Database
from fundledger.donors.models import Donor
from fundledger.web.database import get_database
from fundledger.web.i18n import COOKIE
from tests.factories import PASSWORD
from tests.web.conftest import ABSOLUTE_TIMEOUT, IDLE_TIMEOUT, Browser, Clock, other_scripts

NEW_PASSWORD = "a brand new passphrase"  # noqa: S105 - a test's password
OWNER_ADDRESS = "198.51.100.7"
ATTACKER_ADDRESS = "203.0.113.66"

MakeUser = Callable[..., User]
LoginAs = Callable[..., User]
NewBrowser = Callable[..., Browser]


# --- reading what happened ------------------------------------------------------------


@dataclass(frozen=True)
class Event:
    action: str
    actor: str
    object_id: str
    before: dict[str, Any] | None
    after: dict[str, Any] | None
    address: str | None


def events(database: Database, prefix: str = "user.") -> list[Event]:
    with database.session() as session:
        rows = session.scalars(
            select(AuditEvent).where(AuditEvent.action.startswith(prefix)).order_by(AuditEvent.id)
        ).all()
        return [
            Event(
                row.action,
                row.actor,
                row.object_id,
                None if row.before is None else json.loads(row.before),
                None if row.after is None else json.loads(row.after),
                row.address,
            )
            for row in rows
        ]


def actions(database: Database) -> list[str]:
    return [event.action for event in events(database)]


def stored_user(database: Database, email: str) -> User:
    with database.session() as session:
        user = session.scalars(select(User).where(User.email == email)).one()
        session.expunge(user)
        return user


def count(database: Database, model: type[Any]) -> int:
    with database.session() as session:
        return session.scalar(select(func.count()).select_from(model)) or 0


def text(response: Any) -> str:
    return str(response.get_data(as_text=True))


def signed_in(browser: Browser) -> bool:
    return browser.get("/account").status_code == 200


def location(response: Any) -> str:
    return str(response.headers["Location"])


# --- signing in -----------------------------------------------------------------------


def test_every_page_sends_a_stranger_to_sign_in(browser: Browser) -> None:
    response = browser.get("/journal?page=2")
    assert response.status_code == 302
    assert location(response) == "/login?next=/journal?page%3D2"
    page = browser.get(location(response))
    assert page.status_code == 200
    assert '<input id="csrf_token" name="csrf_token" type="hidden"' in text(page)
    assert 'value="/journal?page=2"' in text(page)


def test_signing_in_with_the_right_password(
    browser: Browser, make_user: MakeUser, database: Database
) -> None:
    make_user("auditor", email="ana@example.org", name="Ana Auditora")
    response = browser.sign_in(" Ana@Example.org ", PASSWORD)
    assert response.status_code == 302
    assert location(response) == "/"
    header = text(browser.get("/")).split("<main")[0]
    assert '<a href="/account">Ana Auditora (Auditor)</a>' in header
    assert "Sign out" in header
    [event] = events(database)
    assert (event.action, event.actor, event.address) == (
        "user.logged_in",
        "ana@example.org",
        "192.0.2.10",
    )


def test_signing_in_takes_you_to_the_page_you_asked_for(
    browser: Browser, make_user: MakeUser
) -> None:
    make_user("auditor", email="ana@example.org")
    response = browser.sign_in("ana@example.org", PASSWORD, next="/journal?page=2")
    assert location(response) == "/journal?page=2"


@pytest.mark.parametrize(
    "next_url", ["https://evil.example/", "//evil.example/x", "/\\evil.example", "javascript:x"]
)
def test_signing_in_never_sends_you_off_the_site(
    browser: Browser, make_user: MakeUser, next_url: str
) -> None:
    make_user("auditor", email="ana@example.org")
    assert location(browser.sign_in("ana@example.org", PASSWORD, next=next_url)) == "/"


def test_a_wrong_password_is_refused_and_recorded_without_the_password(
    browser: Browser, make_user: MakeUser, database: Database
) -> None:
    make_user("auditor", email="ana@example.org")
    response = browser.sign_in("ana@example.org", "not my password at all")
    assert response.status_code == 401
    html = text(response)
    assert "The email or password is not right." in html
    assert 'value="ana@example.org"' in html, "the email typed is kept"
    assert "not my password at all" not in html
    assert not signed_in(browser)

    [event] = events(database)
    assert event.action == "user.login_failed"
    assert event.actor == "anonymous"
    assert event.after == {"email": "ana@example.org", "reason": "wrong_password"}
    assert "not my password" not in json.dumps([event.before, event.after])


def test_an_unknown_email_gets_the_same_answer(browser: Browser, database: Database) -> None:
    response = browser.sign_in("nobody@example.org", PASSWORD)
    assert response.status_code == 401
    assert "The email or password is not right." in text(response)
    [event] = events(database)
    assert (event.object_id, event.after) == (
        "unknown",
        {"email": "nobody@example.org", "reason": "unknown_email"},
    )


def test_the_first_unknown_email_costs_no_more_than_the_next(
    browser: Browser, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An unknown email is checked against a decoy hash so it takes as long as a known
    one; that decoy is made with the app, not by the first unknown email (which then
    took two hashes' time: a timing oracle for the first probe)."""
    hashed: list[str] = []
    verified_against: list[str] = []
    real_hash, real_verify = PasswordHasher.hash, PasswordHasher.verify

    def counted_hash(self: PasswordHasher, password: str | bytes, **kwargs: Any) -> str:
        hashed.append("hash")
        return real_hash(self, password, **kwargs)

    def recorded_verify(self: PasswordHasher, stored: str | bytes, password: str | bytes) -> Any:
        verified_against.append(str(stored))
        return real_verify(self, stored, password)

    monkeypatch.setattr(PasswordHasher, "hash", counted_hash)
    monkeypatch.setattr(PasswordHasher, "verify", recorded_verify)

    assert browser.sign_in("nobody@example.org", PASSWORD).status_code == 401
    assert browser.sign_in("no-one@example.org", PASSWORD).status_code == 401

    assert hashed == [], "no hash is computed while answering"
    with browser.client.application.app_context():
        decoy = passwords().decoy
    assert decoy.startswith("$argon2id$")
    assert verified_against == [decoy, decoy]


def test_a_deactivated_user_cannot_sign_in(browser: Browser, make_user: MakeUser) -> None:
    make_user("auditor", email="ana@example.org", active=False)
    response = browser.sign_in("ana@example.org", PASSWORD)
    assert response.status_code == 403
    assert "This account has been deactivated" in text(response)
    assert not signed_in(browser)


def test_a_user_without_a_password_yet_cannot_sign_in(
    browser: Browser, make_user: MakeUser
) -> None:
    make_user("auditor", email="ana@example.org", password=None)
    assert browser.sign_in("ana@example.org", "").status_code == 400
    assert browser.sign_in("ana@example.org", PASSWORD).status_code == 401


def test_an_empty_form_is_400_with_the_reasons(browser: Browser, database: Database) -> None:
    response = browser.sign_in("", "")
    assert response.status_code == 400
    assert "Enter your email." in text(response)
    assert "Enter your password." in text(response)
    assert events(database) == []


# --- the second factor ----------------------------------------------------------------


def _secret_on(page: str) -> str:
    found = re.search(r'<code id="totp-secret">([A-Z2-7 ]+)</code>', page)
    assert found, "the secret is shown as text"
    return found.group(1).replace(" ", "")


def _uri_on(page: str) -> str:
    found = re.search(r'<code class="hash" id="totp-uri">([^<]+)</code>', page)
    assert found, "the setup URI is shown as text"
    return found.group(1)


def _qr_path_on(page: str) -> str:
    """The dark squares of the page's QR code: an inline <svg>, drawn as one stroked path."""
    figure = re.search(r'<figure class="qr-code" id="totp-qr">(.*?)</figure>', page, re.S)
    assert figure, "the page shows a QR code"
    svg = re.search(r"<svg[^>]*>.*?</svg>", figure.group(1), re.S)
    assert svg, "the QR code is inline SVG"
    return _dark_path(svg.group())


def _dark_path(svg: str) -> str:
    paths = re.findall(r'<path [^>]*\bstroke="[^"]+"[^>]*\bd="([^"]+)"', svg)
    assert len(paths) == 1, svg[:300]
    return str(paths[0])


def _qr_path(uri: str) -> str:
    """The dark squares of ``uri``'s QR code as segno draws them (segno cannot read a QR
    code back: the test compares the drawings of the same text instead)."""
    return _dark_path(segno.make(uri, error="m").svg_inline())


@pytest.mark.parametrize("role", ["secretariat", "cajp", "admin"])
def test_deciding_roles_set_up_an_authenticator_at_their_first_sign_in(
    browser: Browser, make_user: MakeUser, clock: Clock, database: Database, role: str
) -> None:
    make_user(role, email="eva@example.org")
    response = browser.sign_in("eva@example.org", PASSWORD)
    assert location(response) == "/login/enrol"
    assert not signed_in(browser), "the password alone opens nothing"

    page = text(browser.get("/login/enrol"))
    secret = _secret_on(page)
    assert (
        f"otpauth://totp/fundledger:eva%40example.org?secret={secret}&amp;issuer=fundledger" in page
    )
    assert "<img" not in page
    assert other_scripts(page) == []
    assert _qr_path_on(page) == _qr_path(html.unescape(_uri_on(page))), "the QR code is the URI"

    wrong = browser.submit("/login/enrol", {"code": clock.code(secret, steps=10)})
    assert wrong.status_code == 401
    assert "That code is not right" in text(wrong)
    assert secret in text(wrong), "the same secret is shown again"

    response = browser.submit("/login/enrol", {"code": clock.code(secret)})
    assert location(response) == "/"
    assert signed_in(browser)
    assert stored_user(database, "eva@example.org").totp_secret == secret
    assert actions(database) == ["user.totp_enrolled", "user.logged_in"]


@pytest.mark.parametrize("role", ["secretariat", "cajp", "admin"])
def test_deciding_roles_give_a_fresh_code_at_every_sign_in(
    browser: Browser, make_user: MakeUser, clock: Clock, role: str
) -> None:
    secret = pyotp.random_base32()
    make_user(role, email="eva@example.org", totp_secret=secret)
    assert location(browser.sign_in("eva@example.org", PASSWORD)) == "/login/code"
    assert not signed_in(browser)
    assert browser.get("/login/enrol").headers["Location"] == "/login/code"

    code = clock.code(secret)
    assert location(browser.submit("/login/code", {"code": code[:3] + " " + code[3:]})) == "/"
    assert signed_in(browser)

    browser.sign_out()
    browser.sign_in("eva@example.org", PASSWORD)
    replayed = browser.submit("/login/code", {"code": code})
    assert replayed.status_code == 401
    assert "it was used already" in text(replayed)
    clock.advance(30)
    assert location(browser.submit("/login/code", {"code": clock.code(secret)})) == "/"


@pytest.mark.parametrize("role", ["auditor", "donor"])
def test_other_roles_sign_in_with_the_password_alone(
    browser: Browser, make_user: MakeUser, donor: Donor, role: str
) -> None:
    make_user(role, email="ana@example.org", donor=donor if role == "donor" else None)
    assert location(browser.sign_in("ana@example.org", PASSWORD)) == "/"
    assert signed_in(browser)


def test_the_code_pages_need_the_password_first(browser: Browser) -> None:
    for url in ("/login/code", "/login/enrol"):
        assert location(browser.get(url)) == "/login", url
        assert location(browser.client.post(url, data={"code": "123456"})) == "/login", url


def test_the_time_for_the_code_runs_out(
    browser: Browser, make_user: MakeUser, clock: Clock
) -> None:
    secret = pyotp.random_base32()
    make_user("cajp", email="eva@example.org", totp_secret=secret)
    browser.sign_in("eva@example.org", PASSWORD)
    clock.advance(5 * 60 + 1)
    assert location(browser.get("/login/code")) == "/login"


# --- throttling -----------------------------------------------------------------------


def test_failures_slow_down_the_attackers_address_but_never_the_owner(
    new_browser: NewBrowser, make_user: MakeUser, clock: Clock, database: Database
) -> None:
    make_user("auditor", email="ana@example.org")
    attacker = new_browser(ATTACKER_ADDRESS)
    for _ in range(5):
        assert attacker.sign_in("ana@example.org", "guess guess guess").status_code == 401

    refused = attacker.sign_in("ana@example.org", PASSWORD)
    assert refused.status_code == 429, "not even the right password is checked now"
    assert "try again in 1 second." in text(refused)
    assert refused.headers["Retry-After"] == "1"

    owner = new_browser(OWNER_ADDRESS)
    assert location(owner.sign_in("ana@example.org", PASSWORD)) == "/"

    # Each further failure doubles the wait.
    for wait in (2, 4, 8):
        clock.advance(wait // 2)
        assert attacker.sign_in("ana@example.org", "guess again").status_code == 401
        refused = attacker.sign_in("ana@example.org", "guess again")
        assert refused.status_code == 429
        assert f"try again in {wait} seconds." in text(refused)

    reasons = [e.after["reason"] for e in events(database) if e.action == "user.login_failed"]
    assert reasons.count("wrong_password") == 8
    assert reasons.count("throttled") == 4


def test_the_wait_stops_growing_and_the_account_is_never_locked(
    new_browser: NewBrowser, make_user: MakeUser, clock: Clock
) -> None:
    make_user("auditor", email="ana@example.org")
    attacker = new_browser(ATTACKER_ADDRESS)
    for _ in range(15):
        attacker.sign_in("ana@example.org", "guess guess guess")
        clock.advance(900)
    attacker.sign_in("ana@example.org", "guess guess guess")
    assert "try again in 900 seconds." in text(attacker.sign_in("ana@example.org", PASSWORD))

    clock.advance(900)
    person = attacker  # the owner, on the same network as the attacker, once the wait is over
    assert location(person.sign_in("ana@example.org", PASSWORD)) == "/"
    person.sign_out()
    # Success cleared the count for this account and address.
    assert person.sign_in("ana@example.org", "typo typo typo").status_code == 401
    assert person.sign_in("ana@example.org", "typo typo typo").status_code == 401


def test_failures_are_forgotten_after_a_quiet_day(
    new_browser: NewBrowser, make_user: MakeUser, clock: Clock
) -> None:
    make_user("auditor", email="ana@example.org")
    attacker = new_browser(ATTACKER_ADDRESS)
    for _ in range(6):
        attacker.sign_in("ana@example.org", "guess guess guess")
    clock.advance(24 * 3600 + 1)
    for _ in range(5):
        assert attacker.sign_in("ana@example.org", "guess guess guess").status_code == 401
    assert "try again in 1 second." in text(attacker.sign_in("ana@example.org", PASSWORD))


def test_an_address_trying_many_accounts_is_slowed_down(
    new_browser: NewBrowser, make_user: MakeUser
) -> None:
    make_user("auditor", email="ana@example.org")
    attacker = new_browser(ATTACKER_ADDRESS)
    for n in range(20):
        assert attacker.sign_in(f"user{n}@example.org", "guess guess guess").status_code == 401
    assert attacker.sign_in("ana@example.org", PASSWORD).status_code == 429
    assert location(new_browser(OWNER_ADDRESS).sign_in("ana@example.org", PASSWORD)) == "/"


def test_wrong_codes_are_throttled_like_wrong_passwords(
    new_browser: NewBrowser, make_user: MakeUser, clock: Clock
) -> None:
    secret = pyotp.random_base32()
    make_user("secretariat", email="eva@example.org", totp_secret=secret)
    attacker = new_browser(ATTACKER_ADDRESS)
    attacker.sign_in("eva@example.org", PASSWORD)
    for _ in range(5):
        assert attacker.submit("/login/code", {"code": "000000"}).status_code == 401
    refused = attacker.submit("/login/code", {"code": clock.code(secret)})
    assert refused.status_code == 429

    owner = new_browser(OWNER_ADDRESS)
    owner.sign_in("eva@example.org", PASSWORD)
    assert location(owner.submit("/login/code", {"code": clock.code(secret)})) == "/"


# --- sessions -------------------------------------------------------------------------


def test_signing_out_ends_the_session_on_the_server(
    browser: Browser, make_user: MakeUser, database: Database
) -> None:
    make_user("auditor", email="ana@example.org")
    browser.sign_in("ana@example.org", PASSWORD)
    copied = browser.copy()
    assert signed_in(copied)

    response = browser.sign_out()
    assert location(response) == "/login"
    assert "You have signed out." in text(browser.get("/login"))
    assert not signed_in(browser)

    refused = copied.get("/accounts")
    assert location(refused).startswith("/login")
    assert "Your session has ended; sign in again." in text(copied.get("/login"))
    assert actions(database) == ["user.logged_in", "user.logged_out"]


def test_signing_out_takes_a_post_with_the_token(browser: Browser, login_as: LoginAs) -> None:
    login_as("auditor")
    assert browser.get("/logout").status_code == 405
    refused = browser.client.post("/logout")
    assert refused.status_code == 400
    assert "The CSRF token is missing." in text(refused)
    assert signed_in(browser)


def test_a_session_ends_after_being_idle(browser: Browser, login_as: LoginAs, clock: Clock) -> None:
    login_as("auditor")
    clock.advance(IDLE_TIMEOUT - 1)
    assert browser.get("/").status_code == 200
    clock.advance(IDLE_TIMEOUT - 1)
    assert browser.get("/").status_code == 200, "each request restarts the idle time"
    clock.advance(IDLE_TIMEOUT)
    assert location(browser.get("/")) == "/login?next=/"
    assert "Your session has ended" in text(browser.get("/login"))
    clock.advance(-IDLE_TIMEOUT)
    assert not signed_in(browser), "an expired session stays ended"


def test_a_session_ends_at_its_absolute_limit_however_busy(
    browser: Browser, login_as: LoginAs, clock: Clock
) -> None:
    login_as("auditor")
    for _ in range(ABSOLUTE_TIMEOUT // (IDLE_TIMEOUT // 2) - 1):
        clock.advance(IDLE_TIMEOUT // 2)
        assert browser.get("/").status_code == 200
    clock.advance(IDLE_TIMEOUT // 2)
    assert location(browser.get("/")).startswith("/login")


def test_changing_the_password_signs_out_every_other_session(
    browser: Browser, new_browser: NewBrowser, make_user: MakeUser, database: Database
) -> None:
    make_user("auditor", email="ana@example.org")
    browser.sign_in("ana@example.org", PASSWORD)
    elsewhere = new_browser(OWNER_ADDRESS)
    elsewhere.sign_in("ana@example.org", PASSWORD)
    copied = browser.copy()

    response = browser.submit(
        "/account/password",
        {"current": PASSWORD, "password": NEW_PASSWORD, "confirm": NEW_PASSWORD},
    )
    assert location(response) == "/account"
    assert "Your password has been changed." in text(browser.get("/account"))
    assert signed_in(browser), "this browser goes on, in a new session"
    assert not signed_in(elsewhere)
    assert not signed_in(copied), "the old cookie of this very browser is dead too"

    fresh = new_browser()
    assert fresh.sign_in("ana@example.org", PASSWORD).status_code == 401
    assert location(fresh.sign_in("ana@example.org", NEW_PASSWORD)) == "/"
    assert "user.password_set" in actions(database)


@pytest.mark.parametrize(
    ("current", "new", "confirm", "status", "reason"),
    [
        (
            "not the password",
            NEW_PASSWORD,
            NEW_PASSWORD,
            422,
            "Your current password is not right.",
        ),
        (PASSWORD, "too short", "too short", 422, "A password needs at least 12 characters."),
        (PASSWORD, NEW_PASSWORD, NEW_PASSWORD + "!", 400, "The two passwords are not the same."),
        (PASSWORD, PASSWORD, PASSWORD, 422, "The new password must differ from the current one."),
        ("", NEW_PASSWORD, NEW_PASSWORD, 400, "Enter your current password."),
    ],
)
def test_a_refused_password_change_changes_nothing(
    browser: Browser,
    new_browser: NewBrowser,
    make_user: MakeUser,
    database: Database,
    current: str,
    new: str,
    confirm: str,
    status: int,
    reason: str,
) -> None:
    make_user("auditor", email="ana@example.org")
    browser.sign_in("ana@example.org", PASSWORD)
    before = actions(database)
    response = browser.submit(
        "/account/password", {"current": current, "password": new, "confirm": confirm}
    )
    assert response.status_code == status
    assert reason in text(response)
    assert actions(database) == before
    assert signed_in(browser)
    assert location(new_browser().sign_in("ana@example.org", PASSWORD)) == "/"


# --- the admin's user pages -----------------------------------------------------------


def _link_on(response: Any) -> str:
    found = re.search(r'<code class="hash" id="setup-link">([^<]+)</code>', text(response))
    assert found, "the setup link is shown"
    return found.group(1)


def test_an_admin_adds_a_user_who_sets_a_password_through_a_one_time_link(
    browser: Browser, login_as: LoginAs, new_browser: NewBrowser, database: Database
) -> None:
    login_as("admin")
    response = browser.submit(
        "/admin/users/new",
        {"email": "Bea@Example.org", "name": "Bea Auditora", "roles": ["auditor"], "donor": ""},
    )
    assert response.status_code == 200
    assert "User added" in text(response)
    link = _link_on(response)
    token = link.rsplit("/", 1)[1]
    assert link.startswith("http://localhost/setup/")

    stored = stored_user(database, "bea@example.org")
    assert stored.password_hash is None
    assert stored.setup_token_hash == hashlib.sha256(token.encode()).hexdigest()
    assert [(e.action, e.actor) for e in events(database)][-2:] == [
        ("user.created", "admin@example.org"),
        ("user.setup_link_issued", "admin@example.org"),
    ]

    bea = new_browser(OWNER_ADDRESS)
    path = urlsplit(link).path
    assert "For <strong>bea@example.org</strong>" in text(bea.get(path))
    weak = bea.submit(path, {"password": "short", "confirm": "short"})
    assert weak.status_code == 422
    assert "A password needs at least 12 characters." in text(weak)
    assert location(bea.submit(path, {"password": NEW_PASSWORD, "confirm": NEW_PASSWORD})) == (
        "/login?email=bea@example.org"
    )
    sign_in_page = text(bea.get("/login?email=bea@example.org"))
    assert "Your password is set." in sign_in_page
    assert re.search(r'<input[^>]*name="email"[^>]*value="bea@example.org"', sign_in_page), (
        "the sign-in form carries the email"
    )

    spent = bea.get(path)
    assert spent.status_code == 404
    assert "This setup link is not valid" in text(spent)
    assert location(bea.sign_in("bea@example.org", NEW_PASSWORD)) == "/"
    assert events(database)[-2].action == "user.password_set"
    assert events(database)[-2].actor == "bea@example.org"


def test_a_setup_link_expires(
    browser: Browser, login_as: LoginAs, new_browser: NewBrowser, clock: Clock
) -> None:
    login_as("admin")
    response = browser.submit(
        "/admin/users/new", {"email": "bea@example.org", "name": "Bea", "roles": ["auditor"]}
    )
    path = urlsplit(_link_on(response)).path
    clock.advance(72 * 3600 - 1)
    assert new_browser().get(path).status_code == 200
    clock.advance(1)
    assert new_browser().get(path).status_code == 404
    assert new_browser().get("/setup/not-a-token").status_code == 404


@pytest.mark.parametrize(
    ("fields", "reason"),
    [
        ({"roles": ["donor"]}, "A donor login must be tied to a donor."),
        ({"roles": ["auditor"], "donor": "MEX"}, "Only a donor login is tied to a donor."),
        (
            {"roles": ["donor", "admin"], "donor": "MEX"},
            "A donor login cannot hold any other role.",
        ),
        (
            {"roles": ["secretariat", "cajp"]},
            "One person cannot be both cajp and secretariat: those duties are kept apart.",
        ),
        ({"roles": []}, "A user needs at least one role."),
        ({"email": "not an email"}, "“not an email” is not an email address."),
        ({"email": "admin@example.org"}, "There is already a user with the email admin@example."),
    ],
)
def test_refused_user_details_write_nothing(
    browser: Browser,
    login_as: LoginAs,
    donor: Donor,
    database: Database,
    fields: dict[str, Any],
    reason: str,
) -> None:
    login_as("admin")
    before = (count(database, User), count(database, AuditEvent))
    data = {"email": "bea@example.org", "name": "Bea", "roles": ["auditor"], "donor": ""}
    response = browser.submit("/admin/users/new", {**data, **fields})
    assert response.status_code == 422
    assert reason in text(response)
    assert 'value="Bea"' in text(response), "what was typed is kept"
    assert (count(database, User), count(database, AuditEvent)) == before


def test_a_french_admin_reads_why_duties_are_kept_apart_in_french(
    browser: Browser, login_as: LoginAs, database: Database
) -> None:
    login_as("admin")
    browser.client.set_cookie(COOKIE, "fr")
    data = {"email": "bea@example.org", "name": "Bea", "roles": ["secretariat", "cajp", "auditor"],
            "donor": ""}  # fmt: skip
    response = browser.submit("/admin/users/new", data)
    assert response.status_code == 422
    assert (
        "Une même personne ne peut pas être à la fois auditor et cajp et secretariat : ces "
        "fonctions restent séparées."
    ) in html.unescape(text(response))


def test_an_admin_changes_roles_and_each_change_is_audited(
    browser: Browser,
    login_as: LoginAs,
    make_user: MakeUser,
    donor: Donor,
    database: Database,
) -> None:
    login_as("admin")
    bea = make_user("auditor", email="bea@example.org", name="Bea")
    page = text(browser.get(f"/admin/users/{bea.id}"))
    assert '<input checked id="roles-3" name="roles" type="checkbox" value="auditor">' in page
    response = browser.submit(
        f"/admin/users/{bea.id}",
        {"name": "Bea Donor Desk", "roles": ["donor"], "donor": "MEX", "active": "y"},
    )
    assert location(response) == "/admin/users"
    listing = text(browser.get("/admin/users"))
    assert "Saved bea@example.org." in listing
    assert "Bea Donor Desk" in listing

    changes = [e for e in events(database) if e.object_id == str(bea.id)]
    assert [(e.action, e.before, e.after) for e in changes] == [
        ("user.roles_changed", {"roles": ["auditor"]}, {"roles": ["donor"]}),
        (
            "user.updated",
            {"name": "Bea", "donor_id": None},
            {"name": "Bea Donor Desk", "donor_id": donor.id},
        ),
    ]


def test_deactivating_a_user_signs_them_out_everywhere(
    browser: Browser,
    login_as: LoginAs,
    new_browser: NewBrowser,
    make_user: MakeUser,
    database: Database,
) -> None:
    login_as("admin")
    make_user("auditor", email="bea@example.org", name="Bea")
    bea = new_browser(OWNER_ADDRESS)
    bea.sign_in("bea@example.org", PASSWORD)
    user_id = stored_user(database, "bea@example.org").id

    browser.submit(f"/admin/users/{user_id}", {"name": "Bea", "roles": ["auditor"]})
    assert not signed_in(bea)
    assert events(database)[-1].action == "user.deactivated"
    assert bea.sign_in("bea@example.org", PASSWORD).status_code == 403

    browser.submit(f"/admin/users/{user_id}", {"name": "Bea", "roles": ["auditor"], "active": "y"})
    assert events(database)[-1].action == "user.activated"
    assert location(bea.sign_in("bea@example.org", PASSWORD)) == "/"


def test_the_last_active_admin_stays(
    browser: Browser, login_as: LoginAs, make_user: MakeUser, database: Database
) -> None:
    admin = login_as("admin")
    refused = browser.submit(f"/admin/users/{admin.id}", {"name": "Admin", "roles": ["auditor"]})
    assert refused.status_code == 422
    assert "At least one active admin must remain" in text(refused)
    make_user("admin", email="second-admin@example.org")
    demoted = {"name": "Admin", "roles": ["auditor"], "active": "y"}
    assert browser.submit(f"/admin/users/{admin.id}", demoted).status_code == 302
    assert browser.get("/admin/users").status_code == 403, "no longer an admin"


def test_an_admin_reset_stops_the_old_password_and_every_session(
    browser: Browser,
    login_as: LoginAs,
    new_browser: NewBrowser,
    make_user: MakeUser,
    database: Database,
) -> None:
    login_as("admin")
    bea_user = make_user("auditor", email="bea@example.org")
    bea = new_browser(OWNER_ADDRESS)
    bea.sign_in("bea@example.org", PASSWORD)

    url = f"/admin/users/{bea_user.id}"
    response = browser.submit(f"{url}/reset-password", page=url)
    assert "Password reset" in text(response)
    path = urlsplit(_link_on(response)).path
    assert not signed_in(bea)
    assert bea.sign_in("bea@example.org", PASSWORD).status_code == 401
    assert actions(database)[-3:-1] == ["user.password_reset", "user.setup_link_issued"]

    bea.submit(path, {"password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert location(bea.sign_in("bea@example.org", NEW_PASSWORD)) == "/"


def test_an_admin_reset_of_the_second_factor_means_enrolling_again(
    browser: Browser,
    login_as: LoginAs,
    new_browser: NewBrowser,
    make_user: MakeUser,
    database: Database,
) -> None:
    login_as("admin")
    eva = make_user("cajp", email="eva@example.org", totp_secret=pyotp.random_base32())
    url = f"/admin/users/{eva.id}"
    assert location(browser.submit(f"{url}/reset-two-factor", page=url)) == url
    assert stored_user(database, "eva@example.org").totp_secret is None
    assert actions(database)[-1] == "user.totp_reset"
    assert location(new_browser().sign_in("eva@example.org", PASSWORD)) == "/login/enrol"


def test_an_unknown_user_is_404(browser: Browser, login_as: LoginAs) -> None:
    login_as("admin")
    for url in ("/admin/users/999", "/admin/users/99999999999999999999"):
        response = browser.get(url)
        assert response.status_code == 404, url


# --- what every response carries -------------------------------------------------------


def test_a_form_sent_without_its_csrf_token_is_refused(
    browser: Browser, make_user: MakeUser, database: Database
) -> None:
    make_user("auditor", email="ana@example.org")
    response = browser.client.post(
        "/login", data={"email": "ana@example.org", "password": PASSWORD}
    )
    assert response.status_code == 400
    assert "The CSRF token is missing." in text(response)
    browser.get("/login")
    forged = browser.client.post(
        "/login", data={"email": "ana@example.org", "password": PASSWORD, "csrf_token": "forged"}
    )
    assert forged.status_code == 400
    assert "The CSRF token is invalid." in text(forged)
    assert events(database) == []
    assert not signed_in(browser)


HEADERS = {
    "Content-Security-Policy": (
        "default-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'; "
        "object-src 'none'"
    ),
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
}


def test_every_response_carries_the_security_headers(browser: Browser, login_as: LoginAs) -> None:
    responses = {
        "sign-in page": browser.get("/login"),
        "redirect": browser.get("/journal"),
        "stylesheet": browser.get("/static/fundledger.css"),
        "missing page": browser.get("/no-such-page"),
        "refused form": browser.client.post("/login"),
    }
    login_as("auditor")
    responses["page"] = browser.get("/accounts")
    responses["csv"] = browser.get("/accounts.csv")
    for what, response in responses.items():
        for name, value in HEADERS.items():
            assert response.headers.get(name) == value, (what, name)
        response.close()
    assert responses["page"].headers["Cache-Control"] == "no-store"
    assert other_scripts(text(responses["sign-in page"])) == []


def test_the_session_cookie_is_http_only_and_same_site(
    browser: Browser, make_user: MakeUser
) -> None:
    make_user("auditor", email="ana@example.org")
    cookie = browser.sign_in("ana@example.org", PASSWORD).headers["Set-Cookie"]
    assert "HttpOnly" in cookie
    assert "SameSite=Lax" in cookie
    assert "Secure" not in cookie, "tests run over plain HTTP"


@pytest.mark.parametrize(("deployment", "secure"), [("production", True), ("development", False)])
def test_cookies_are_secure_unless_in_development(
    database: Database, deployment: str, secure: bool
) -> None:
    app = create_app(
        {"DATABASE_URL": database.url, "SECRET_KEY": "k", "DEPLOYMENT": deployment,
         "PUBLIC_URL": "https://fund.example.org"}
    )  # fmt: skip
    try:
        response = app.test_client().get("/login")
        assert response.status_code == 200
        assert ("Secure" in response.headers["Set-Cookie"]) is secure
        assert ("Strict-Transport-Security" in response.headers) is secure
    finally:
        get_database(app).dispose()


def test_an_error_never_shows_a_traceback(app: Flask, browser: Browser) -> None:
    def broken() -> str:
        raise RuntimeError("secret internals")

    app.add_url_rule("/broken", view_func=public(broken))
    response = browser.get("/broken")
    assert response.status_code == 500
    html = text(response)
    assert "Something went wrong on our side" in html
    assert "Traceback" not in html
    assert "secret internals" not in html
    assert response.headers["X-Frame-Options"] == "DENY"


def test_requests_over_the_size_limit_are_refused(app: Flask, browser: Browser) -> None:
    assert app.config["MAX_CONTENT_LENGTH"] == 16 * 1024 * 1024
    app.config["MAX_CONTENT_LENGTH"] = 1024
    response = browser.client.post("/login", data={"email": "x" * 2048, "password": "y"})
    assert response.status_code == 413


def test_no_audit_event_ever_holds_a_password_or_a_secret(
    browser: Browser, make_user: MakeUser, clock: Clock, database: Database
) -> None:
    make_user("secretariat", email="eva@example.org")
    browser.sign_in("eva@example.org", "a wrong password, typed")
    browser.sign_in("eva@example.org", PASSWORD)
    secret = _secret_on(text(browser.get("/login/enrol")))
    browser.submit("/login/enrol", {"code": clock.code(secret)})
    browser.submit(
        "/account/password",
        {"current": PASSWORD, "password": NEW_PASSWORD, "confirm": NEW_PASSWORD},
    )
    browser.sign_out()
    user = stored_user(database, "eva@example.org")
    with database.session() as session:
        logged = " ".join(
            f"{row.before} {row.after}" for row in session.scalars(select(AuditEvent)).all()
        )
    for leaked in (PASSWORD, NEW_PASSWORD, "a wrong password", secret, user.password_hash):
        assert leaked
        assert leaked not in logged
    assert actions(database) == [
        "user.login_failed",
        "user.totp_enrolled",
        "user.logged_in",
        "user.password_set",
        "user.logged_in",
        "user.logged_out",
    ]
