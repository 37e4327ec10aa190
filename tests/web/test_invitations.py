"""Setup links by email (issue 15, finding 7): with an SMTP server configured, the
admin's "add a user" and "reset password" send the link to the user in the user's
language, through a real SMTP server on 127.0.0.1; a failed send shows the link instead;
a malformed server address stops the start."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import pytest
from flask import Flask

from fundledger import create_app
from fundledger.config import ConfigurationError
from fundledger.db import Database
from fundledger.donors.models import Donor
from tests.mail import SmtpServer, body_of, closed_port_url, smtp_server
from tests.web.conftest import Browser
from tests.web.test_auth import (
    NEW_PASSWORD,
    OWNER_ADDRESS,
    LoginAs,
    MakeUser,
    NewBrowser,
    _link_on,
    events,
    location,
    stored_user,
    text,
)

__all__ = ["smtp_server"]  # the fixture, imported for pytest

SENDER = "Fund Secretariat <fund@example.org>"


@pytest.fixture
def mailing(app: Flask, smtp_server: SmtpServer) -> SmtpServer:
    app.config.update(SMTP_URL=smtp_server.url, MAIL_FROM=SENDER)
    return smtp_server


def _link_in(body: str) -> str:
    found = re.search(r"^(http\S+/setup/[A-Za-z0-9_-]+)\r?$", body, re.MULTILINE)
    assert found, body
    return found.group(1)


def test_a_new_donor_login_gets_its_link_by_email_in_its_language(
    browser: Browser, login_as: LoginAs, new_browser: NewBrowser, database: Database,
    donor: Donor, mailing: SmtpServer,
) -> None:  # fmt: skip
    login_as("admin")
    response = browser.submit(
        "/admin/users/new",
        {"email": "Mision@Mexico.example", "name": "Misión de México", "roles": ["donor"],
         "donor": "MEX", "language": "es"},
    )  # fmt: skip
    assert response.status_code == 200
    page = text(response)
    assert "The setup link was sent to them by email, in Spanish" in page
    assert 'id="setup-link"' not in page, "a mailed link is not shown"

    sent = mailing.only_message()
    assert mailing.inbox.recipients == [["mision@mexico.example"]]
    assert sent["To"] == "mision@mexico.example"
    assert sent["From"] == SENDER
    assert sent["Message-ID"].endswith("@example.org>")
    assert sent["Date"]
    assert sent["Subject"] == "Su cuenta de fundledger: elija su contraseña"
    body = body_of(sent)
    assert body.startswith("Hola, Misión de México:")
    assert "Elija su contraseña con este enlace." in body
    link = _link_in(body)
    assert link.startswith("http://localhost/setup/")

    owner = new_browser(OWNER_ADDRESS)
    path = urlsplit(link).path
    assert "For <strong>mision@mexico.example</strong>" in text(owner.get(path))
    done = owner.submit(path, {"password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert location(done) == "/login?email=mision@mexico.example"
    assert stored_user(database, "mision@mexico.example").password_hash is not None
    mailed = [e for e in events(database) if e.action == "user.setup_link_mailed"]
    assert [(e.actor, e.after) for e in mailed] == [
        ("admin@example.org", {"to": "mision@mexico.example", "language": "es"})
    ]
    assert link not in str([e.after for e in events(database)]), "the link is never recorded"


def test_a_reset_link_is_mailed_in_the_users_language(
    browser: Browser, login_as: LoginAs, make_user: MakeUser, new_browser: NewBrowser,
    mailing: SmtpServer,
) -> None:  # fmt: skip
    login_as("admin")
    claire = make_user("auditor", email="claire@example.org", name="Claire")
    edited = browser.submit(
        f"/admin/users/{claire.id}",
        {"name": "Claire", "roles": ["auditor"], "language": "fr", "active": "y"},
    )
    assert location(edited) == "/admin/users"
    response = browser.submit(f"/admin/users/{claire.id}/reset-password",
                              page=f"/admin/users/{claire.id}")  # fmt: skip
    assert "The setup link was sent to them by email, in French" in text(response)
    sent = mailing.only_message()
    assert sent["Subject"] == (
        "Votre mot de passe fundledger a été réinitialisé : choisissez-en un nouveau"
    )
    body = body_of(sent)
    assert body.startswith("Bonjour Claire,")
    path = urlsplit(_link_in(body)).path
    assert new_browser(OWNER_ADDRESS).get(path).status_code == 200


def test_a_failed_send_shows_the_link_and_loses_nobody(
    app: Flask, browser: Browser, login_as: LoginAs, new_browser: NewBrowser,
    database: Database,
) -> None:  # fmt: skip
    app.config.update(SMTP_URL=closed_port_url(), MAIL_FROM=SENDER)
    login_as("admin")
    response = browser.submit(
        "/admin/users/new", {"email": "bea@example.org", "name": "Bea", "roles": ["auditor"]}
    )
    assert response.status_code == 200
    page = text(response)
    assert "The email to bea@example.org could not be sent, so the link is shown here" in page
    path = urlsplit(_link_on(response)).path
    assert new_browser(OWNER_ADDRESS).get(path).status_code == 200
    assert stored_user(database, "bea@example.org").active
    (failed,) = [e for e in events(database) if e.action == "user.setup_link_not_mailed"]
    assert failed.after["to"] == "bea@example.org"
    assert "ConnectionRefusedError" in failed.after["reason"]


def test_the_new_user_form_offers_the_mail_language(
    browser: Browser, login_as: LoginAs
) -> None:
    login_as("admin")
    page = text(browser.get("/admin/users/new"))
    assert '<label for="language">Language of the user&#39;s mail</label>' in page
    assert '<option selected value="en">English</option>' in page


@pytest.mark.parametrize(
    ("settings", "problem"),
    [
        ({"SMTP_URL": "smtp:/relay", "MAIL_FROM": SENDER}, "names no host"),
        ({"SMTP_URL": "http://relay:25", "MAIL_FROM": SENDER}, "has the scheme 'http'"),
        ({"SMTP_URL": "smtp://relay:port", "MAIL_FROM": SENDER}, "a port that is not a number"),
        ({"SMTP_URL": "smtp://u:secret@relay:25", "MAIL_FROM": SENDER}, "unencrypted"),
        ({"SMTP_URL": "smtps://relay:465"}, "FUNDLEDGER_MAIL_FROM must be the address"),
    ],
)
def test_a_malformed_mail_server_stops_the_start(
    database: Database, settings: dict[str, str], problem: str
) -> None:
    with pytest.raises(ConfigurationError) as refusal:
        create_app({"DATABASE_URL": database.url, "TESTING": True, "SECRET_KEY": "k",
                    **settings})  # fmt: skip
    assert problem in str(refusal.value)
    assert "secret" not in str(refusal.value), "a password in the address is not repeated"
