"""How a page answers a form: one cycle for every form, one status for every refusal.

A domain refusal carries its HTTP status (``FundledgerError.status``) and its message
(an id and parameters, fundledger/errors.py); :func:`refused` is the one place that turns
it into a response, whether a form's view caught it (the form again, with the reason) or
it escaped a view (web/errors.py, an error page, or the API's JSON), and :func:`reason`
the one place that words it, in the reader's language. Its command-line ``hint`` is
never shown on a page. :func:`form_page` is the cycle every form repeats.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from flask import current_app, flash, redirect, render_template
from flask_wtf import FlaskForm
from werkzeug.wrappers import Response

from fundledger.errors import Amount, FundledgerError, Param
from fundledger.i18n import refusal_text
from fundledger.web.database import db_session
from fundledger.web.i18n import request_language

Page = str | tuple[str, int] | Response

#: Renders a form's page again; the refusal, if an operation refused what was sent.
Redisplay = Callable[[FundledgerError | None], str]
#: Carries the form's operation out; the message to flash and the address to go to.
CarryOut = Callable[[], tuple[str, str]]


def form_page(form: FlaskForm, carry_out: CarryOut, redisplay: Redisplay) -> Page:
    """Show the form until it is validly sent (400 if it was sent and is not valid), then
    carry its operation out: commit once, flash its message and redirect. A refusal rolls
    back whatever the operation did and shows the form again, as typed, with the reason
    and the refusal's status."""
    if not form.validate_on_submit():
        return redisplay(None), 400 if form.is_submitted() else 200
    db = db_session()
    try:
        message, target = carry_out()
    except FundledgerError as refusal:
        db.rollback()
        return refused(redisplay(refusal), refusal)
    db.commit()
    flash(message)
    return redirect(target)


def template_page(template: str, form: FlaskForm, **context: Any) -> Redisplay:
    """A one-form page: ``template`` with the form, the refusal's reason and ``context``."""

    def render(refusal: FundledgerError | None) -> str:
        return render_template(template, form=form, refusal=reason(refusal), **context)

    return render


def form_again(template: str, form: FlaskForm, **context: Any) -> tuple[str, int]:
    """The form again, with what was typed; 400 if it was sent (and so is not valid)."""
    status = 400 if form.is_submitted() else 200
    return template_page(template, form, **context)(None), status


def refused(body: str | dict[str, object], refusal: FundledgerError) -> Response:
    """``body`` (a page saying why, or its JSON) with the refusal's status and headers."""
    response = current_app.make_response((body, refusal.status))
    response.headers.update(refusal.headers())
    return response


def reason(refusal: FundledgerError | None) -> str | None:
    """What a page says of a refusal: its message in the reader's language, amounts and
    dates in the reader's format; never its command-line hint."""
    return None if refusal is None else refusal_text(refusal, request_language().code)


def refusal_body(refusal: FundledgerError) -> dict[str, object]:
    """What the API says of a refusal besides its status: the reason in the reader's
    language, and for programs the message id and its parameters as JSON values
    (amounts and decimals as decimal strings, dates in ISO)."""
    return {
        "message": reason(refusal),
        "message_id": refusal.message_id,
        "params": {name: _json(value) for name, value in refusal.params.items()},
    }


def _json(value: Param) -> object:
    if isinstance(value, Amount):
        return {"amount": f"{value.value:f}", "currency": value.currency}
    if isinstance(value, int):
        return value
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)
