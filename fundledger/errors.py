"""The root of every refusal the application can give.

Operations raise a subclass of :class:`FundledgerError` with a message meant for the
person who asked; the CLI prints it and exits 1, the web app answers with the class's
``status`` (web/pages.py is the one place that reads it). The status is a plain number
here, so that the domain imports nothing of the web.
"""

from __future__ import annotations


class FundledgerError(Exception):
    """A refused operation; ``str(error)`` is the one line a user sees."""

    #: The HTTP status a request refused this way answers with: what was asked cannot be
    #: done as given (a subclass says when it is rather not there, not allowed, or too late).
    status = 422

    def headers(self) -> dict[str, str]:
        """HTTP headers the answer carries besides the status (a wait before retrying)."""
        return {}


class NotFound(FundledgerError):
    """The thing asked for does not exist."""

    status = 404


class NotAllowed(FundledgerError):
    """This person may not do this (a role, maker–checker, another's data)."""

    status = 403
