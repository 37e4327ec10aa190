"""The JSON API's public reads (/api/v1/public/...): the public page's figures as JSON,
described by the OpenAPI document flask-smorest builds, amounts as decimal strings;
errors under /api/ answer JSON, pages still answer pages."""

from __future__ import annotations

from typing import Any

from flask.testing import FlaskClient

from fundledger.db import Database
from tests.web.test_dashboards import known_fund

PATHS = ("/api/v1/public/figures", "/api/v1/public/contributions", "/api/v1/public/allocations")


def answer(client: FlaskClient, url: str, status: int = 200) -> Any:
    response = client.get(url)
    assert response.status_code == status, url
    assert response.mimetype == "application/json"
    return response.get_json()


def test_the_openapi_description_is_public_and_describes_the_reads(client: FlaskClient) -> None:
    spec = answer(client, "/api/v1/openapi.json")

    assert spec["openapi"].startswith("3.")
    assert set(PATHS) <= set(spec["paths"])
    pledged = spec["components"]["schemas"]["FundFigures"]["properties"]["pledged"]
    assert pledged["type"] == "string", "amounts are decimal strings, never JSON numbers"


def test_the_figures_are_the_public_pages(database: Database, client: FlaskClient) -> None:
    known_fund(database)
    figures = answer(client, "/api/v1/public/figures")

    assert {k: v for k, v in figures.items() if k != "years"} == {
        "pledged": "104250.00", "received": "204400.00", "allocated": "95000.00",
        "disbursed": "35000.00", "spent": "31500.00",
    }  # fmt: skip
    assert [year["year"] for year in figures["years"]] == [2025, 2026]
    assert figures["years"][0]["received"] == "204400.00"
    assert answer(client, "/api/v1/public/contributions")[0] == {
        "year": 2025, "donor": "CAN", "donor_name": "Canada", "donor_type": "member_state",
        "anonymous": False, "contributions": "100000.00", "received": "100000.00",
        "outstanding": "0.00",
    }  # fmt: skip
    first = answer(client, "/api/v1/public/allocations")[0]
    assert (first["decision_reference"], first["decision_date"], first["approved"]) == (
        "CP/CAJP-0000/25", "2025-03-18", "35000.00",
    )  # fmt: skip


def test_every_answer_has_the_fields_its_schema_promises(
    database: Database, client: FlaskClient
) -> None:
    known_fund(database)
    spec = answer(client, "/api/v1/openapi.json")
    schemas = spec["components"]["schemas"]
    for path in PATHS:
        described = spec["paths"][path]["get"]["responses"]["200"]["content"]["application/json"]
        schema = described["schema"]
        body = answer(client, path)
        if schema.get("type") == "array":
            schema, rows = schema["items"], body
        else:
            rows = [body]
        properties = schemas[schema["$ref"].rsplit("/", 1)[-1]]["properties"]
        assert rows
        assert all(set(row) == set(properties) for row in rows), path


def test_errors_under_the_api_are_json_and_pages_stay_pages(client: FlaskClient) -> None:
    assert answer(client, "/api/v1/no-such-thing", 404) == {
        "code": 404, "status": "Not Found", "message": "There is no page at this address.",
    }  # fmt: skip
    refused = client.post("/api/v1/public/figures")
    assert refused.status_code == 405
    assert refused.get_json()["code"] == 405
    page = client.get("/no-such-page")
    assert page.status_code == 404
    assert page.mimetype == "text/html"
