"""The OpenAPI document drives the calls: every signed-in route it lists is called as
it describes (its path, its method, a body built from its request schema's example
values), and every answer, refusals included, matches the schema it declares for that
status: the fields, their types, nothing more (``additionalProperties: false``)."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
from flask.testing import FlaskClient

from fundledger.auth.models import User
from fundledger.db import Database
from tests.web.api_helpers import WRITE, call, token_for
from tests.web.test_api_books import PLEDGE, books  # noqa: F401 - a fixture

#: A value for each field a request schema may require, by name.
EXAMPLES: dict[str, Any] = {
    **PLEDGE, "value_date": "2026-02-10", "date": "2026-02-10", "currency": "EUR",
    "rate": "1.08", "unpledged": True, "amount": "100.00", "code": "MEX",
}  # fmt: skip
TYPES = {"string": str, "integer": int, "boolean": bool, "array": list, "object": dict}


def resolve(spec: dict[str, Any], schema: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in schema:
        *_, kind, name = schema["$ref"].split("/")
        schema = spec["components"][kind][name]
    return schema


def mismatches(spec: dict[str, Any], schema: dict[str, Any], value: Any, at: str = "") -> list[str]:
    """Where ``value`` does not match ``schema`` (a small JSON Schema reader: the types,
    nullable, required and additional properties, arrays' items)."""
    schema = resolve(spec, schema)
    if value is None:
        return [] if schema.get("nullable") else [f"{at}: null"]
    kind = schema.get("type", "object")
    if not isinstance(value, TYPES[kind]) or (kind == "integer" and isinstance(value, bool)):
        return [f"{at}: {value!r} is not {kind}"]
    found = []
    if kind == "array":
        for i, item in enumerate(value):
            found += mismatches(spec, schema.get("items", {}), item, f"{at}[{i}]")
    if kind == "object" and "properties" in schema:
        properties = schema["properties"]
        found += [f"{at}.{name}: missing" for name in schema.get("required", ())
                  if name not in value]  # fmt: skip
        if schema.get("additionalProperties") is False:
            found += [f"{at}.{name}: not described" for name in value if name not in properties]
        for name, item in value.items():
            if name in properties:
                found += mismatches(spec, properties[name], item, f"{at}.{name}")
    return found


def response_schema(spec: dict[str, Any], operation: dict[str, Any], status: int) -> Any:
    response = resolve(spec, operation["responses"].get(str(status))
                       or operation["responses"]["default"])  # fmt: skip
    return response["content"]["application/json"]["schema"]


@pytest.mark.usefixtures("books")
def test_every_signed_in_route_answers_as_its_description_says(
    database: Database, client: FlaskClient, make_user: Callable[..., User]
) -> None:
    spec = client.get("/api/v1/openapi.json").get_json()
    token = token_for(database, make_user("secretariat"), WRITE)
    called = 0
    for path, item in spec["paths"].items():
        for method, operation in item.items():
            if method == "parameters" or "security" not in operation:
                continue
            url = re.sub(r"\{(\w+)\}", lambda m: str(EXAMPLES[m.group(1)]), path)
            body = None
            if "requestBody" in operation:
                request = resolve(spec, operation["requestBody"]["content"]["application/json"]
                                  ["schema"])  # fmt: skip
                body = {name: EXAMPLES[name] for name in request["properties"] if name in EXAMPLES}
                assert set(request["required"]) <= set(body), path
            for key in ("first", "first", "bad") if body is not None else (None,):
                sent = body if key != "bad" else {**(body or {}), "amount": 1}
                answer = call(client, method.upper(), url, token, sent,
                              key=key and f"{path} {key}")  # fmt: skip
                expected = {None: 200, "first": 201, "bad": 422}[key]
                assert answer.status_code == expected, (path, method, answer.get_json())
                schema = response_schema(spec, operation, answer.status_code)
                assert mismatches(spec, schema, answer.get_json()) == [], (path, method, key)
                called += 1
    assert called >= 12
