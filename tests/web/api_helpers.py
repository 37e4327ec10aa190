"""Making API tokens and calling the API with them, for the API's tests."""

from __future__ import annotations

import datetime as dt
import importlib
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any

import httpx
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from fundledger.actors import Actor
from fundledger.auth.models import TokenScope, User
from fundledger.auth.timing import utc_now
from fundledger.auth.tokens import issue_token
from fundledger.db import Database

READ = TokenScope.READ.value
WRITE = TokenScope.READ_WRITE.value


def token_for(
    database: Database, user: User, scope: str = READ, days: int | None = 30,
    now: dt.datetime | None = None,
) -> str:  # fmt: skip
    """A live API token of ``user`` (as its account page would make it), made ``now``."""
    with database.transaction() as session:
        _row, secret = issue_token(
            session, Actor(user.email), session.merge(user), name="test", scope=scope,
            days=days, now=now or utc_now(),
        )  # fmt: skip
    return secret


def call(
    client: FlaskClient,
    method: str,
    url: str,
    token: str | None,
    body: Any = None,
    key: str | None = None,
    **kwargs: Any,
) -> TestResponse:
    """``method url`` with the token (and the Idempotency-Key) in its headers."""
    headers = dict(kwargs.pop("headers", {}))
    if token is not None:
        headers["Authorization"] = f"Bearer {token}"
    if key is not None:
        headers["Idempotency-Key"] = key
    return client.open(url, method=method, json=body, headers=headers, **kwargs)


def generated_client(client: FlaskClient, directory: Path) -> GeneratedApi:
    """The Python client openapi-python-client generates from the served description,
    imported from ``directory``, talking to ``client``'s app in-process (httpx's WSGI
    transport): what an integrator would build, given only the description."""
    spec = directory / "openapi.json"
    spec.write_text(client.get("/api/v1/openapi.json").get_data(as_text=True))
    config = directory / "generator.yaml"
    config.write_text("post_hooks: []\n")  # formatting the generated code is not needed
    package = f"fundledger_api_client_{directory.name}".replace("-", "_")
    generator = Path(sys.executable).parent / "openapi-python-client"
    subprocess.run(
        [generator, "generate", "--path", spec, "--meta", "none", "--config", config,
         "--output-path", directory / package],
        check=True, capture_output=True,
    )  # fmt: skip
    sys.path.insert(0, str(directory))
    try:
        return GeneratedApi(client, importlib.import_module(package), package)
    finally:
        sys.path.remove(str(directory))


@dataclass(frozen=True)
class GeneratedApi:
    """A generated client package, bound to the app under test."""

    client: FlaskClient
    package: ModuleType
    name: str

    def signed_in(self, token: str) -> Any:
        """The generated client's session carrying ``token``."""
        return self.package.AuthenticatedClient(
            base_url="http://localhost", token=token,
            httpx_args={"transport": httpx.WSGITransport(app=self.client.application)},
        )  # fmt: skip

    def operation(self, group: str, name: str) -> ModuleType:
        """One operation's module: ``sync``, ``sync_detailed`` and their async twins."""
        return importlib.import_module(f"{self.name}.api.{group}.{name}")

    def model(self, name: str) -> Any:
        """One of the description's schemas as a generated class."""
        return getattr(importlib.import_module(f"{self.name}.models"), name)
