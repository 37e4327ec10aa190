"""The API's browsable description: its OpenAPI document (what ``/api/v1/openapi.json``
serves, built by flask-smorest) read into operations and schemas a page lists, on the
server. No JavaScript viewer (ReDoc, Swagger UI) is served: those load scripts and styles
the site's Content-Security-Policy refuses, and a plain page reads in every browser."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

METHODS = ("get", "post", "put", "patch", "delete")
_REF = "#/components/schemas/"


@dataclass(frozen=True, slots=True)
class Field:
    name: str
    #: The field's OpenAPI type, with its format or the schema it refers to.
    type: str
    required: bool
    description: str


@dataclass(frozen=True, slots=True)
class Operation:
    method: str
    path: str
    #: The view's docstring: its first line, then the rest.
    summary: str
    description: str
    group: str
    token: bool
    parameters: tuple[Field, ...]
    #: The schema of the body it reads, if any.
    body: str | None
    #: Status and the schema (or description) of each answer, in the document's order.
    responses: tuple[tuple[str, str], ...]

    @property
    def anchor(self) -> str:
        return f"{self.method}-{self.path}".replace("/", "-").replace("{", "").replace("}", "")


@dataclass(frozen=True, slots=True)
class Reference:
    title: str
    version: str
    #: Each tag (blueprint) with its description, in the document's order.
    groups: tuple[tuple[str, str], ...]
    operations: tuple[Operation, ...]
    schemas: tuple[tuple[str, tuple[Field, ...]], ...]


def reference(spec: Mapping[str, Any]) -> Reference:
    """The OpenAPI 3 document ``spec`` as the page lists it."""
    operations = []
    for path, item in spec.get("paths", {}).items():
        shared = item.get("parameters", [])
        for method in METHODS:
            if (operation := item.get(method)) is None:
                continue
            summary, _, rest = (operation.get("summary") or "").partition("\n")
            body = operation.get("requestBody", {}).get("content", {}).get("application/json")
            operations.append(Operation(
                method.upper(), path, summary, " ".join(
                    (rest + " " + operation.get("description", "")).split()),
                (operation.get("tags") or [""])[0], bool(operation.get("security")),
                tuple(_parameter(p) for p in (*shared, *operation.get("parameters", []))),
                _type(body["schema"]) if body else None,
                tuple((status, _answer(answer))
                      for status, answer in operation.get("responses", {}).items()
                      if status != "default"),
            ))  # fmt: skip
    schemas = tuple(
        (name, _fields(schema))
        for name, schema in spec.get("components", {}).get("schemas", {}).items()
    )
    info = spec.get("info", {})
    groups = tuple((tag["name"], tag.get("description", "")) for tag in spec.get("tags", []))
    return Reference(info.get("title", ""), info.get("version", ""), groups, tuple(operations),
                     schemas)  # fmt: skip


def _parameter(parameter: Mapping[str, Any]) -> Field:
    return Field(f"{parameter['name']} ({parameter['in']})", _type(parameter.get("schema", {})),
                 bool(parameter.get("required")), parameter.get("description", ""))  # fmt: skip


def _answer(answer: Mapping[str, Any]) -> str:
    content = answer.get("content", {}).get("application/json")
    return _type(content["schema"]) if content else answer.get("description", "")


def _fields(schema: Mapping[str, Any]) -> tuple[Field, ...]:
    required = set(schema.get("required", ()))
    return tuple(
        Field(name, _type(field), name in required, field.get("description", ""))
        for name, field in schema.get("properties", {}).items()
    )


def _type(schema: Mapping[str, Any]) -> str:
    """``Donor``, ``array of Contribution``, ``string (date)``, ``one of asc, desc``."""
    if "$ref" in schema:
        return str(schema["$ref"]).removeprefix(_REF)
    if schema.get("type") == "array":
        return f"array of {_type(schema.get('items', {}))}"
    if "enum" in schema:
        return "one of " + ", ".join(str(value) for value in schema["enum"] if value is not None)
    kind = str(schema.get("type", "any"))
    return f"{kind} ({schema['format']})" if "format" in schema else kind
