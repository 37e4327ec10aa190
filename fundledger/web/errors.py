"""Error pages: a domain refusal becomes a 4xx with its reason; nothing shows a traceback."""

from __future__ import annotations

from typing import Any

from flask import Flask, render_template, request
from werkzeug.exceptions import HTTPException
from werkzeug.wrappers import Response

from fundledger.errors import FundledgerError
from fundledger.web.i18n import _, _l
from fundledger.web.pages import reason, refusal_body, refused

#: Page titles by status, in the reader's language (werkzeug's names are English only).
TITLES = {
    400: _l("Bad request"),
    401: _l("Sign-in required"),
    403: _l("Forbidden"),
    404: _l("Not found"),
    405: _l("Method not allowed"),
    413: _l("Too large"),
    422: _l("Refused"),
    429: _l("Too many requests"),
    500: _l("Internal server error"),
}
#: What to say when werkzeug gives only its own (English) explanation.
REASONS = {
    400: _l("The request could not be understood; go back and try again."),
    404: _l("There is no page at this address."),
    405: _l("This page does not accept that kind of request."),
    413: _l("What was sent is larger than this page accepts."),
}


def init_app(app: Flask) -> None:
    app.register_error_handler(HTTPException, _http_error)
    app.register_error_handler(FundledgerError, _refused)
    app.register_error_handler(Exception, _unexpected)


#: Under this path the answers are JSON, errors too (fundledger.api).
API_PATH = "/api/"


def _page(
    status: int, title: str, reason: str, errors: dict[str, Any] | None = None
) -> tuple[Any, int]:
    """The error as a page, or under :data:`API_PATH` as JSON: the code, its status name
    (werkzeug's, stable for programs), the reason in the reader's language and, for a
    body the API could not read, what is wrong with each field."""
    if request.path.startswith(API_PATH):
        body = {"code": status, "status": title, "message": reason}
        if errors:
            body["errors"] = errors
        return body, status
    title = str(TITLES.get(status, title))
    return render_template("error.html", status=status, title=title, reason=reason), status


def _http_error(error: HTTPException) -> tuple[Any, int]:
    code = error.code or 500
    reason = error.description or ""
    if reason == type(error).description and code in REASONS:
        reason = str(REASONS[code])
    errors = _field_errors(error)
    if errors:
        reason = "; ".join(f"{name}: {' '.join(map(str, problems))}"
                           for name, problems in _flat(errors))  # fmt: skip
    return _page(code, error.name, reason, errors)


def _field_errors(error: HTTPException) -> dict[str, Any] | None:
    """What flask-smorest (webargs) found wrong with an API request, by field: it puts
    the messages on the exception it raises (422), by location (``json``, ``query``)."""
    data = getattr(error, "data", None)
    messages = data.get("messages") if isinstance(data, dict) else None
    if not isinstance(messages, dict):
        return None
    merged: dict[str, Any] = {}
    for fields in messages.values():
        merged.update(fields if isinstance(fields, dict) else {"_": fields})
    return merged


def _flat(errors: dict[str, Any], prefix: str = "") -> list[tuple[str, list[Any]]]:
    """Nested field errors as (dotted name, messages), for the one-line reason."""
    flat: list[tuple[str, list[Any]]] = []
    for name, value in errors.items():
        if isinstance(value, dict):
            flat += _flat(value, f"{prefix}{name}.")
        else:
            flat.append((f"{prefix}{name}", value if isinstance(value, list) else [value]))
    return flat


def _refused(error: FundledgerError) -> Response:
    """A refusal no form showed: a page with its reason in the reader's language, at its
    status; under :data:`API_PATH` its JSON with the message id and parameters too."""
    body, _status = _page(error.status, "Refused", reason(error) or "")
    if isinstance(body, dict):
        body.update(refusal_body(error))
    return refused(body, error)


def _unexpected(error: Exception) -> tuple[Any, int]:
    if isinstance(error, HTTPException):  # pragma: no cover - handled above
        return _http_error(error)
    from flask import current_app

    current_app.logger.exception("unhandled error")
    return _page(
        500, "Internal Server Error", _("Something went wrong on our side; it was logged.")
    )
