"""The API's browsable page, ``/api/v1/docs``: its OpenAPI document listed on the server
(:mod:`fundledger.api.reference`), open to everyone as the document itself is."""

from __future__ import annotations

from flask import Blueprint, current_app, redirect, render_template, url_for
from werkzeug.wrappers import Response

from fundledger.api.reference import reference
from fundledger.auth.access import public

blueprint = Blueprint("api_reference", __name__)

#: Where :func:`fundledger.api.views.init_app` keeps the flask-smorest ``Api``.
EXTENSION = "fundledger_api"


@blueprint.get("/api/v1/docs")
@public
def page() -> str:
    spec = current_app.extensions[EXTENSION].spec.to_dict()
    found = reference(spec)
    return render_template("api/reference.html", api=found,
                           schema_names={name for name, _fields in found.schemas})


@blueprint.get("/api/v1")
@public
def home() -> Response:
    return redirect(url_for("api_reference.page"))
