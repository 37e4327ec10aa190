"""Making API tokens and calling the API with them, for the API's tests."""

from __future__ import annotations

import datetime as dt
from typing import Any

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
