"""Why a meeting, or a decision's link to one, is refused."""

from __future__ import annotations

from fundledger.errors import FundledgerError


class MeetingError(FundledgerError):
    """A meeting that cannot be recorded, or a decision that cannot name it, as given."""
