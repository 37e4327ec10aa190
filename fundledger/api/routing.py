"""Declaring an API route: flask-smorest's decorators, typed (flask-smorest is untyped),
in the order its documentation gives, and the OpenAPI security of the route."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from flask_smorest import Blueprint

from fundledger.api.idempotency import HEADER, MAX_KEY

View = TypeVar("View", bound=Callable[..., Any])

#: The OpenAPI security scheme of the signed-in routes (``fundledger.api.views``).
BEARER = "bearerAuth"
#: The header every write needs, as OpenAPI describes a parameter.
IDEMPOTENCY_KEY = {
    "in": "header", "name": HEADER, "required": True,
    "description": "The same key for a retry of a request, a new one for each new request.",
    "schema": {"type": "string", "minLength": 1, "maxLength": MAX_KEY},
}  # fmt: skip


def route(
    blueprint: Blueprint,
    rule: str,
    schema: Any,
    *,
    method: str = "GET",
    status: int = 200,
    arguments: Any = None,
    location: str = "json",
    secured: bool = True,
    idempotent: bool = False,
) -> Callable[[View], View]:
    """Register ``view`` on ``blueprint``: its ``arguments`` (a schema read from the body
    or the query, given to the view; a 422 naming the field when they do not fit), its
    answer ``schema`` at ``status``, unless public the bearer token it needs, and for a
    write the ``Idempotency-Key`` header it reads itself (:func:`fundledger.api.idempotency.once`),
    described so that a client made from the description sends it. Put it above the
    access declaration, which the wrappers copy."""

    def register(view: View) -> View:
        wrapped = blueprint.response(status, schema)(view)
        if arguments is not None:
            wrapped = blueprint.arguments(arguments, location=location)(wrapped)
        if secured:
            wrapped = blueprint.doc(security=[{BEARER: []}])(wrapped)
        if idempotent:
            wrapped = blueprint.doc(parameters=[IDEMPOTENCY_KEY])(wrapped)
        blueprint.route(rule, methods=[method])(wrapped)
        return view

    return register
