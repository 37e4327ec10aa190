"""Production refuses to start without what it cannot run safely without (issue 12,
item 12): a secret key, or the site's public address for setup links."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from click.testing import CliRunner
from flask import Flask

from fundledger import create_app
from fundledger.cli.main import cli
from fundledger.cli.tools import Runtime
from fundledger.config import ConfigurationError, check_production
from fundledger.db import Database
from fundledger.web.app import build_app
from fundledger.web.database import get_database
from tests.web.conftest import Browser
from tests.web.test_auth import LoginAs

PUBLIC_URL = "https://fund.example.org"


@contextmanager
def started(config: dict[str, Any]) -> Iterator[Flask]:
    app = create_app(config)
    try:
        yield app
    finally:
        get_database(app).dispose()


def test_production_without_a_secret_key_does_not_start(database: Database) -> None:
    """gunicorn used to start, then answer 500 to every page."""
    with pytest.raises(ConfigurationError) as refusal:
        create_app({"DATABASE_URL": database.url, "PUBLIC_URL": PUBLIC_URL})
    assert str(refusal.value).startswith("fundledger will not start in production: ")
    assert "FUNDLEDGER_SECRET_KEY is not set" in str(refusal.value)
    assert "FUNDLEDGER_PUBLIC_URL" not in str(refusal.value)


def test_production_without_a_public_url_does_not_start(database: Database) -> None:
    """Setup links were built from the request's Host header, which a client chooses."""
    with pytest.raises(ConfigurationError) as refusal:
        create_app({"DATABASE_URL": database.url, "SECRET_KEY": "k", "DEPLOYMENT": "prod"})
    assert "FUNDLEDGER_PUBLIC_URL is not set" in str(refusal.value)
    assert "Host header" in str(refusal.value)
    assert "FUNDLEDGER_SECRET_KEY" not in str(refusal.value)


def test_production_with_both_starts_and_serves(database: Database) -> None:
    config = {"DATABASE_URL": database.url, "SECRET_KEY": "k", "PUBLIC_URL": PUBLIC_URL}
    with started(config) as app:
        assert app.test_client().get("/login", base_url=PUBLIC_URL).status_code == 200


def test_development_needs_no_public_url(database: Database) -> None:
    config = {"DATABASE_URL": database.url, "SECRET_KEY": "k", "DEPLOYMENT": "development"}
    with started(config) as app:
        assert app.test_client().get("/login").status_code == 200


def test_a_setup_link_ignores_the_host_a_request_names(
    app: Flask, browser: Browser, login_as: LoginAs
) -> None:
    app.config["PUBLIC_URL"] = PUBLIC_URL
    login_as("admin")
    browser.client.environ_base["HTTP_HOST"] = "evil.example"
    response = browser.submit(
        "/admin/users/new", {"email": "bea@example.org", "name": "Bea", "roles": ["auditor"]}
    )
    assert response.status_code == 200
    assert f'id="setup-link">{PUBLIC_URL}/setup/' in response.get_data(as_text=True)
    assert "evil.example" not in response.get_data(as_text=True)


def test_the_development_server_supplies_both_for_itself(
    database: Database, tmp_path: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`fundledger serve` makes a key in the instance folder and points setup links at
    the address it listens on, in production mode too."""
    app = build_app({"DATABASE_URL": database.url})
    app.instance_path = str(tmp_path)
    served: list[Flask] = []
    monkeypatch.setattr(
        "werkzeug.serving.run_simple", lambda host, port, served_app, **_: served.append(served_app)
    )
    try:
        result = CliRunner().invoke(
            cli, ["serve", "--port", "5001"], obj=Runtime(supplied_app=app)
        )
    finally:
        get_database(app).dispose()
    assert result.exit_code == 0, result.output
    assert served == [app]
    assert app.config["SECRET_KEY"] == (tmp_path / "secret_key").read_text().strip()
    assert app.config["PUBLIC_URL"] == "http://127.0.0.1:5001"
    check_production(app.config)
