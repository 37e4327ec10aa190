"""Why a contribution is refused."""

from __future__ import annotations

from fundledger.errors import FundledgerError


class ContributionError(FundledgerError):
    """A donor, rate, pledge or receipt that cannot be recorded as given."""


class UnknownDonor(ContributionError):
    pass


class MissingRate(ContributionError):
    pass


class Overapplication(ContributionError):
    """More money applied to pledges than they have outstanding."""


class RevaluationError(FundledgerError):
    """A revaluation of foreign-currency money that cannot be posted as asked."""
