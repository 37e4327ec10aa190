"""The root of every refusal the application can give.

Operations raise a subclass of :class:`FundledgerError` with a message meant for the
person who asked; the CLI prints it and exits 1, the web app shows it as a 4xx.
"""

from __future__ import annotations


class FundledgerError(Exception):
    """A refused operation; ``str(error)`` is the one line a user sees."""


class NotFound(FundledgerError):
    """The thing asked for does not exist."""
