"""The API's browsable page: every operation and schema of its OpenAPI document, listed on
the server (no script, so the Content-Security-Policy stays as strict as the site's),
open to everyone, and linked from the account page's tokens."""

from __future__ import annotations

import json
import re
from collections.abc import Callable

from flask.testing import FlaskClient

from fundledger.auth.models import User
from fundledger.auth.protection import CONTENT_SECURITY_POLICY
from tests.web.conftest import other_scripts


def test_the_page_lists_every_operation_and_schema_of_the_description(
    client: FlaskClient,
) -> None:
    spec = json.loads(client.get("/api/v1/openapi.json").data)
    response = client.get("/api/v1/docs")
    assert response.status_code == 200
    page = response.get_data(as_text=True)

    operation = r'<span class="code">(GET|POST|PUT|PATCH|DELETE) (/api/v1/[^<]*)</span>'
    listed = set(re.findall(operation, page))
    assert listed == {(method.upper(), path) for path, item in spec["paths"].items()
                      for method in item if method != "parameters"}  # fmt: skip
    for name in spec["components"]["schemas"]:
        assert f'id="schema-{name}"' in page, name
    assert other_scripts(page) == []  # the site's own error-summary script only
    assert response.headers["Content-Security-Policy"] == CONTENT_SECURITY_POLICY
    pledges = page.split('id="POST--api-v1-pledges"')[1].split("<h3")[0]
    assert 'href="#schema-PledgeBody"' in pledges, "the body it reads"
    assert "token" in pledges
    assert "donor_name" in page.split('id="schema-Contribution"')[1].split("<h3")[0]


def test_the_api_root_leads_to_the_page_and_the_account_page_links_it(
    client: FlaskClient, login_as: Callable[..., User]
) -> None:
    root = client.get("/api/v1")
    assert root.status_code == 302
    assert root.headers["Location"].endswith("/api/v1/docs")
    login_as("donor")
    assert 'href="/api/v1/docs"' in client.get("/account").get_data(as_text=True)
