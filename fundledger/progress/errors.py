"""Why a progress report, or a step of its lifecycle, is refused."""

from __future__ import annotations

from fundledger import errors
from fundledger.errors import FundledgerError


class ProgressError(FundledgerError):
    """A progress report that cannot be recorded, submitted or reviewed as given."""


class IllegalTransition(ProgressError):
    """The report's state does not allow this step."""

    status = 409


class NotAllowed(ProgressError, errors.NotAllowed):
    """This person may not take this step (the reviewer is not the submitter)."""
