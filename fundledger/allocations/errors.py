"""Why a budget or allocation step is refused."""

from __future__ import annotations

from fundledger import errors
from fundledger.errors import FundledgerError


class AllocationError(FundledgerError):
    """A budget or allocation request that cannot be carried out as given."""


class IllegalTransition(AllocationError):
    """The allocation's state does not allow this step."""

    status = 409


class NotAllowed(AllocationError, errors.NotAllowed):
    """This person may not take this step (maker–checker, role)."""


class InsufficientFunds(AllocationError):
    """Approving or drawing would take a pool below zero."""
