"""Why the ledger refuses an entry; each message names the line and the figures."""

from __future__ import annotations

from fundledger.errors import FundledgerError


class InvalidEntry(FundledgerError):
    """An entry that cannot be posted as given; nothing was written."""


class TooFewLines(InvalidEntry):
    pass


class UnbalancedEntry(InvalidEntry):
    pass


class ZeroLine(InvalidEntry):
    pass


class TooManyDecimals(InvalidEntry):
    pass


class UnknownAccount(InvalidEntry):
    pass


class UnknownDimension(InvalidEntry):
    """A donor, activity, objective, organ or earmark that does not exist."""


class UnearmarkedRestriction(InvalidEntry):
    """A line of the restricted class (3200, 42xx) without its donor or earmark."""


class BeyondBound(InvalidEntry):
    """A line, an entry's total or a balance beyond what the ledger holds (docs/LEDGER.md)."""


class ConversionMismatch(InvalidEntry):
    """A line's USD amount is not its original amount at its rate."""


class ClosedPeriod(InvalidEntry):
    pass


class IdempotencyConflict(FundledgerError):
    """The idempotency key was already used for an entry with different content."""


class CannotReverse(FundledgerError):
    """The entry is itself a reversal, or has been reversed already."""


class FutureDate(InvalidEntry):
    """An entry dated after today in the fund's timezone (due dates may be later; entries
    record what happened)."""


class Overdraft(InvalidEntry):
    """An entry that would leave the bank or a pool below zero at the end of some day."""
