"""Sign-in steps sent many times at once, on real connections: a one-time code opens one
session, a setup link sets one password, and no more passwords are checked than the
throttle allows (issue 12, item 3).

Each test holds its requests at a rendezvous inside the step (after it has read what it
needs, before it decides; see tests/races.py).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from typing import Any

import pyotp
import pytest
from sqlalchemy import func, select

from fundledger.actors import Actor
from fundledger.audit.models import AuditEvent
from fundledger.auth import operations
from fundledger.auth.models import User, UserSession
from fundledger.auth.passwords import Passwords
from fundledger.db import Database
from tests.factories import PASSWORD
from tests.races import all_at_once, rendezvous
from tests.web.conftest import Browser, Clock

ATTACKER_ADDRESS = "203.0.113.66"
_CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


def csrf_token(browser: Browser, page: str) -> str:
    found = _CSRF.search(browser.get(page).get_data(as_text=True))
    assert found, f"no CSRF token on {page}"
    return found.group(1)


def sessions_of(database: Database, email: str) -> int:
    with database.session() as session:
        query = select(func.count()).select_from(UserSession).join(User)
        return session.scalar(query.where(User.email == email)) or 0


def test_one_code_sent_six_times_at_once_opens_one_session(
    new_browser: Callable[..., Browser],
    make_user: Callable[..., User],
    clock: Clock,
    database: Database,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Six browsers past the password (a stolen password and a code read over a
    shoulder, say) send the same code together: it opens one session, not six."""
    secret = pyotp.random_base32()
    make_user("cajp", email="eva@example.org", totp_secret=secret)
    browsers = [new_browser(f"198.51.100.{n + 1}") for n in range(6)]
    tokens = []
    for browser in browsers:
        assert browser.sign_in("eva@example.org", PASSWORD).headers["Location"] == "/login/code"
        tokens.append(csrf_token(browser, "/login/code"))
    meet, matching_step = rendezvous(6), operations.totp_step

    def step_after_everyone_read(*args: Any) -> int | None:
        meet()
        return matching_step(*args)

    monkeypatch.setattr(operations, "totp_step", step_after_everyone_read)
    code = clock.code(secret)

    answers = all_at_once(
        6,
        lambda i: browsers[i].client.post(
            "/login/code", data={"code": code, "csrf_token": tokens[i]}
        ).status_code,
    )

    assert sorted(answers) == [302, 401, 401, 401, 401, 401]
    assert sessions_of(database, "eva@example.org") == 1


def test_twelve_wrong_passwords_at_once_have_at_most_five_checked(
    new_browser: Callable[..., Browser],
    make_user: Callable[..., User],
    database: Database,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Five failures are free for an account from one address; a sixth waits. Sent
    together, the sixth to the twelfth must wait too, not be checked alongside."""
    make_user("auditor", email="ana@example.org")
    browsers = [new_browser(ATTACKER_ADDRESS) for _ in range(12)]
    tokens = [csrf_token(browser, "/login") for browser in browsers]
    checked: list[str] = []
    meet, real_verify = rendezvous(12), Passwords.verify

    def counted_verify(self: Passwords, password_hash: str | None, password: str) -> bool:
        checked.append(password)
        meet()
        return real_verify(self, password_hash, password)

    monkeypatch.setattr(Passwords, "verify", counted_verify)

    answers = all_at_once(
        12,
        lambda i: browsers[i].client.post(
            "/login",
            data={"email": "ana@example.org", "password": f"guess {i:02} guess",
                  "csrf_token": tokens[i]},
        ).status_code,
    )  # fmt: skip

    assert len(checked) == 5
    assert sorted(answers) == [401] * 5 + [429] * 7
    assert sessions_of(database, "ana@example.org") == 0


def test_one_setup_link_sent_four_times_at_once_sets_one_password(
    new_browser: Callable[..., Browser],
    make_user: Callable[..., User],
    clock: Clock,
    database: Database,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A setup link works once: sent from four browsers together, one password is set
    and the other three are told the link is spent."""
    user = make_user("auditor", email="bea@example.org", password=None)
    with database.transaction() as session:
        token = operations.issue_setup_link(
            session, session.merge(user), Actor("admin@example.org"), now=clock.now,
            lifetime=dt.timedelta(hours=1),
        )  # fmt: skip
    browsers = [new_browser(f"198.51.100.{n + 1}") for n in range(4)]
    tokens = [csrf_token(browser, f"/setup/{token}") for browser in browsers]
    meet, real_hash = rendezvous(4), Passwords.hash

    def hash_after_everyone_read(self: Passwords, password: str) -> str:
        meet()
        return real_hash(self, password)

    monkeypatch.setattr(Passwords, "hash", hash_after_everyone_read)

    answers = all_at_once(
        4,
        lambda i: browsers[i].client.post(
            f"/setup/{token}",
            data={"password": f"passphrase number {i}", "confirm": f"passphrase number {i}",
                  "csrf_token": tokens[i]},
        ).status_code,
    )  # fmt: skip

    assert sorted(answers) == [302, 404, 404, 404]
    with database.session() as session:
        set_events = session.scalar(
            select(func.count()).where(AuditEvent.action == "user.password_set")
        )
    assert set_events == 1
