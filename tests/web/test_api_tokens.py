"""API tokens (issue 18): made and revoked on the account page (and by an admin on a
user's page), shown once, kept as a digest, audited; the API answers 401 to a token it
does not know or that was revoked or expired, 403 beyond its scope or its user's roles;
no CSRF token is asked of a token's request, and every cookie's form still needs one."""

from __future__ import annotations

import re
from collections.abc import Callable

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from fundledger.audit.models import AuditEvent
from fundledger.auth.models import ApiToken, User
from fundledger.auth.passwords import token_digest
from fundledger.db import Database
from fundledger.donors.models import Donor
from tests.web.api_helpers import READ, WRITE, call, token_for
from tests.web.conftest import Browser, Clock

SHOWN = re.compile(r'<code class="secret">(fl_[A-Za-z0-9_-]+)</code>')
RATE = {"currency": "EUR", "date": "2026-02-10", "rate": "1.08"}


def made_on_the_account_page(browser: Browser, name: str, scope: str = "read") -> str:
    response = browser.submit(
        "/account/tokens", {"name": name, "scope": scope, "days": "30"}, page="/account"
    )
    assert response.status_code == 200
    found = SHOWN.search(response.get_data(as_text=True))
    assert found, "the new token is shown"
    return found.group(1)


def test_a_user_makes_a_token_sees_it_once_and_it_opens_the_api(
    database: Database, browser: Browser, login_as: Callable[..., User]
) -> None:
    login_as("auditor")
    secret = made_on_the_account_page(browser, "Reporting robot")

    page = browser.get("/account").get_data(as_text=True)
    assert "Reporting robot" in page
    assert secret not in page, "the token is shown only when it is made"
    with database.session() as session:
        kept = session.scalars(select(ApiToken)).one()
        assert kept.token_hash == token_digest(secret)
        assert secret not in repr(session.scalars(select(AuditEvent.after)).all())
        actions = session.scalars(select(AuditEvent.action)).all()
    assert "api_token.issued" in actions
    fresh = browser.client.application.test_client()  # no cookie: the token alone
    assert call(fresh, "GET", "/api/v1/trial-balance", secret).status_code == 200


def test_a_revoked_token_is_refused_at_once(
    database: Database, browser: Browser, login_as: Callable[..., User], app: Flask
) -> None:
    login_as("auditor")
    secret = made_on_the_account_page(browser, "Old robot")
    with database.session() as session:
        token_id = session.scalars(select(ApiToken.id)).one()

    response = browser.submit(f"/account/tokens/{token_id}/revoke", page="/account")
    assert response.status_code == 302
    answer = call(app.test_client(), "GET", "/api/v1/trial-balance", secret)
    assert answer.status_code == 401
    assert answer.get_json()["message"] == "The API token is unknown, expired or revoked."
    assert "revoked on" in browser.get("/account").get_data(as_text=True)


def test_unknown_expired_and_missing_tokens_are_401(
    database: Database, client: FlaskClient, make_user: Callable[..., User], clock: Clock
) -> None:
    user = make_user("auditor")
    expiring = token_for(database, user, days=1, now=clock.now)
    for token in ("fl_not-a-token", "", "Basic abc"):
        assert call(client, "GET", "/api/v1/donors", token).status_code == 401, token
    assert client.get("/api/v1/donors").status_code == 401, "no redirect to a sign-in page"
    assert client.get("/api/v1/donors").get_json()["code"] == 401
    clock.advance(2 * 86400)
    assert call(client, "GET", "/api/v1/donors", expiring).status_code == 401


def test_a_deactivated_users_token_is_401(
    database: Database, client: FlaskClient, make_user: Callable[..., User]
) -> None:
    token = token_for(database, make_user("auditor", active=False))
    assert call(client, "GET", "/api/v1/donors", token).status_code == 401


def test_a_read_token_cannot_write_and_a_role_cannot_go_beyond_its_rights(
    database: Database, client: FlaskClient, make_user: Callable[..., User]
) -> None:
    secretariat = token_for(database, make_user("secretariat"), READ)
    answer = call(client, "POST", "/api/v1/rates", secretariat, RATE, key="k1")
    assert answer.status_code == 403
    assert "scope is read" in answer.get_json()["message"]
    auditor = token_for(database, make_user("auditor"), WRITE)
    assert call(client, "POST", "/api/v1/rates", auditor, RATE, key="k1").status_code == 403
    with database.session() as session:
        donor = session.scalars(select(Donor)).first()
    assert donor is None
    donor_user = make_user("donor", email="d@example.org", donor=None)
    assert call(client, "GET", "/api/v1/trial-balance",
                token_for(database, donor_user)).status_code == 403  # fmt: skip


def test_csrf_applies_to_cookies_not_to_tokens(
    app: Flask, database: Database, login_as: Callable[..., User]
) -> None:
    app.config["WTF_CSRF_ENABLED"] = True
    client = app.test_client()
    user = login_as("secretariat", client=client)
    # The signed-in browser's cookie, without a CSRF token: refused, API and forms alike.
    refused = call(client, "POST", "/api/v1/rates", None, RATE, key="c1")
    assert (refused.status_code, refused.get_json()["message"]) == (
        400, "The CSRF token is missing."
    )
    assert client.post("/account/tokens", data={"name": "x", "scope": "read"}).status_code == 400
    assert client.post("/rates/new", data=RATE).status_code == 400
    # The token's request: no CSRF token asked.
    token = token_for(database, user, WRITE)
    answer = call(app.test_client(), "POST", "/api/v1/rates", token, RATE, key="c1")
    assert answer.status_code == 201


def test_an_admin_makes_and_revokes_a_users_token(
    database: Database, browser: Browser, login_as: Callable[..., User],
    make_user: Callable[..., User], app: Flask,
) -> None:  # fmt: skip
    login_as("admin")
    user = make_user("auditor", email="robot-owner@example.org")
    page = f"/admin/users/{user.id}"
    response = browser.submit(f"{page}/tokens", {"name": "Nightly", "scope": "read"}, page=page)
    secret = SHOWN.search(response.get_data(as_text=True))
    assert secret
    fresh = app.test_client()
    assert call(fresh, "GET", "/api/v1/donors", secret.group(1)).status_code == 200
    with database.session() as session:
        token = session.scalars(select(ApiToken)).one()
        assert (token.user_id, token.created_by) == (user.id, "admin@example.org")
    browser.submit(f"{page}/tokens/{token.id}/revoke", page=page)
    assert call(fresh, "GET", "/api/v1/donors", secret.group(1)).status_code == 401


def test_an_admin_cannot_make_a_token_that_writes_as_the_user(
    database: Database, browser: Browser, login_as: Callable[..., User],
    make_user: Callable[..., User],
) -> None:  # fmt: skip
    """Money posted with it would be recorded under the Secretariat user's name."""
    login_as("admin")
    user = make_user("secretariat", email="officer@example.org")
    page = f"/admin/users/{user.id}"
    browser.submit(f"{page}/tokens", {"name": "Bank feed", "scope": WRITE}, page=page)
    shown = browser.client.get(page).get_data(as_text=True)
    assert "Only its user may give a token write access" in shown
    with database.session() as session:
        assert session.scalars(select(ApiToken)).all() == []


def test_a_user_cannot_revoke_anothers_token(
    database: Database, browser: Browser, login_as: Callable[..., User],
    make_user: Callable[..., User],
) -> None:  # fmt: skip
    other = make_user("auditor", email="other@example.org")
    token_for(database, other)
    with database.session() as session:
        token_id = session.scalars(select(ApiToken.id)).one()
    login_as("cajp")
    response = browser.submit(f"/account/tokens/{token_id}/revoke", page="/account")
    assert response.status_code == 404
    with database.session() as session:
        assert session.get_one(ApiToken, token_id).revoked_at is None


def test_a_token_without_a_name_is_not_made(
    database: Database, browser: Browser, login_as: Callable[..., User]
) -> None:
    login_as("auditor")
    response = browser.submit("/account/tokens", {"name": " ", "scope": "read"}, page="/account")
    assert response.status_code == 302
    assert "Name the token" in browser.get("/account").get_data(as_text=True)
    with database.session() as session:
        assert session.scalars(select(ApiToken)).all() == []


def test_wrong_tokens_are_throttled_like_wrong_passwords(
    database: Database, client: FlaskClient, make_user: Callable[..., User]
) -> None:
    good = token_for(database, make_user("auditor"))
    for _attempt in range(5):
        assert call(client, "GET", "/api/v1/donors", "fl_guess").status_code == 401
    throttled = call(client, "GET", "/api/v1/donors", "fl_guess")
    assert throttled.status_code == 429
    assert int(throttled.headers["Retry-After"]) >= 1
    assert call(client, "GET", "/api/v1/donors", good).status_code == 200, "never the owner"
