"""The API's public reads: the figures of the public page, as JSON, from the same kept
figures (:mod:`fundledger.public.views`), so both always agree."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Flask, abort, request
from flask_smorest import Api, Blueprint
from flask_smorest.error_handler import ErrorSchema
from marshmallow import fields

from fundledger.api.bodies import DecimalText
from fundledger.api.routing import BEARER, View, route
from fundledger.api.schemas import (
    AllocationSchema,
    Amount,
    ContributionSchema,
    FundFiguresSchema,
    Usd,
)
from fundledger.auth.access import public
from fundledger.public.views import published_figures
from fundledger.web.errors import API_PATH
from fundledger.web.i18n import _

#: Where the API lives and what its description says.
API_CONFIG = {
    "API_TITLE": "fundledger",
    "API_VERSION": "v1",
    "OPENAPI_VERSION": "3.0.3",
    "OPENAPI_URL_PREFIX": "/api/v1",
    "OPENAPI_JSON_PATH": "openapi.json",
}

blueprint = Blueprint(
    "api_public", __name__, url_prefix="/api/v1/public",
    description="What the Fund publishes: open to everyone, read-only.",
)  # fmt: skip


def read(rule: str, schema: Any) -> Callable[[View], View]:
    """A public GET route of the blueprint answering 200 with ``schema``."""
    return route(blueprint, rule, schema, secured=False)


class RefusalSchema(ErrorSchema):  # type: ignore[misc]  # flask-smorest is untyped
    """An error answer as described: flask-smorest's, and for a refused operation the
    message's id and parameters (``fundledger.web.pages.refusal_body``)."""

    message_id = fields.String(metadata={"description": "The message's id (its English template)"})
    params = fields.Dict(metadata={"description": "The message's parameters as JSON values"})


class FundApi(Api):  # type: ignore[misc]  # flask-smorest is untyped
    """flask-smorest's Api without its error handler: ``fundledger.web.errors`` answers
    every error, as JSON under ``/api/`` and as a page elsewhere (one mapping)."""

    ERROR_SCHEMA = RefusalSchema

    def _register_error_handlers(self) -> None:
        return None


def init_app(app: Flask) -> None:
    for key, value in API_CONFIG.items():
        app.config.setdefault(key, value)
    from fundledger.api import reads, reference_views, writes

    api = FundApi(app)
    api.register_field(Usd, "string", "decimal")
    api.register_field(Amount, "string", "decimal")
    api.register_field(DecimalText, "string", "decimal")
    api.spec.components.security_scheme(
        BEARER, {"type": "http", "scheme": "bearer",
                 "description": "A token made on the account page (docs/API.md)"},
    )  # fmt: skip
    api.register_blueprint(blueprint)
    api.register_blueprint(reads.blueprint)
    api.register_blueprint(writes.blueprint)
    app.extensions[reference_views.EXTENSION] = api
    app.register_blueprint(reference_views.blueprint)
    # First of all: what reads the body (even request.form) must see the cap.
    app.before_request_funcs.setdefault(None, []).insert(0, _cap_api_bodies)


#: The largest body an API request may send (a pledge with its instalments is < 4 KiB).
MAX_BODY = 64 * 1024


def _cap_api_bodies() -> None:
    """A body over :data:`MAX_BODY` is refused (413) before anything reads it."""
    if request.path.startswith(API_PATH):
        request.max_content_length = MAX_BODY
        if (request.content_length or 0) > MAX_BODY:
            abort(413, description=_("The body is larger than the API accepts (64 KiB)."))


@read("/figures", FundFiguresSchema)
@public
def figures() -> dict[str, Any]:
    """The Fund's totals and its figures by fiscal year."""
    fund = published_figures().fund
    return {
        "pledged": fund.pledged, "received": fund.received, "allocated": fund.allocated,
        "disbursed": fund.disbursed, "spent": fund.spent, "years": fund.years,
    }  # fmt: skip


@read("/contributions", ContributionSchema(many=True))
@public
def contributions() -> list[dict[str, Any]]:
    """Contributions by donor and year, newest year first."""
    return [
        {"year": group.year, "donor": row.code, "donor_name": row.name, "donor_type": row.type,
         "anonymous": row.anonymous, "contributions": row.recognised, "received": row.received,
         "outstanding": row.outstanding}
        for group in published_figures().contributions
        for row in group.donors
    ]  # fmt: skip


@read("/allocations", AllocationSchema(many=True))
@public
def allocations() -> list[dict[str, Any]]:
    """The allocations the CAJP approved, with their decisions, in the order approved."""
    return [
        {"decision_date": a.decided_on, "decision_reference": a.reference,
         "allocation": a.allocation, "activity": a.activity, "activity_title": a.activity_title,
         "organ": a.organ, "objectives": list(a.objectives), "approved": a.approved,
         "disbursed": a.disbursed, "spent": a.spent}
        for a in published_figures().allocations
    ]  # fmt: skip
