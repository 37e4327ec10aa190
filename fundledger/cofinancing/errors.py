"""Why a co-financing item, or its withdrawal, is refused."""

from __future__ import annotations

from fundledger.errors import FundledgerError


class CofinancingError(FundledgerError):
    """A memorandum item that cannot be recorded, or withdrawn, as given."""
