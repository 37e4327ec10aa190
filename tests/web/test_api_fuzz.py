"""schemathesis against the running application: for each operation of the API's own
OpenAPI description, requests generated from its schema (valid and not) are sent over
HTTP to a server running the app, with a donor's read token and the Secretariat's
read-write token; no answer may be a 5xx, and every answer must match the schema the
description gives for its status. Heavy: it runs in ``make test-slow``."""

from __future__ import annotations

import threading
import uuid
from collections.abc import Callable, Iterator

import pytest
import schemathesis
from flask import Flask
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error, response_schema_conformance
from werkzeug.serving import make_server

from fundledger.auth.models import User
from fundledger.db import Database
from tests.web.api_helpers import READ, WRITE, token_for
from tests.web.test_dashboards import donor_named, known_fund

pytestmark = pytest.mark.heavy
#: Requests per operation and token.
EXAMPLES = 30


@pytest.fixture
def running(app: Flask) -> Iterator[str]:
    """The app served over HTTP on a free port, as a client meets it; its base URL."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join()


@pytest.mark.parametrize("role", ["donor", "secretariat"])
def test_every_answer_matches_the_description_and_none_is_a_server_error(
    role: str, database: Database, running: str, make_user: Callable[..., User]
) -> None:
    known_fund(database)
    if role == "donor":
        token = token_for(database, make_user("donor", donor=donor_named(database, "ES-OBS")),
                          READ)  # fmt: skip
    else:
        token = token_for(database, make_user("secretariat"), WRITE)
    schema = schemathesis.openapi.from_url(f"{running}/api/v1/openapi.json")
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 10

    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(max_examples=EXAMPLES, deadline=None, database=None,
                  suppress_health_check=list(HealthCheck))  # fmt: skip
        def answers(case: schemathesis.Case) -> None:
            headers = {"Authorization": f"Bearer {token}", "Idempotency-Key": uuid.uuid4().hex}
            case.call_and_validate(base_url=running, headers=headers,
                                   checks=[not_a_server_error, response_schema_conformance])

        answers()
