"""The allocation lifecycle as one table: which step is legal from which state."""

from __future__ import annotations

from fundledger.allocations.errors import IllegalTransition
from fundledger.allocations.models import State
from fundledger.errors import Term
from fundledger.i18n import N_

#: (state, action) → the state the action leads to. Anything else is refused.
TRANSITIONS: dict[tuple[State, str], State] = {
    (State.DRAFT, "revise"): State.DRAFT,
    (State.DRAFT, "submit"): State.SUBMITTED,
    (State.RETURNED, "revise"): State.DRAFT,
    (State.SUBMITTED, "approve"): State.APPROVED,
    (State.SUBMITTED, "reject"): State.REJECTED,
    (State.SUBMITTED, "return"): State.RETURNED,
    (State.APPROVED, "disburse"): State.DISBURSED,
    (State.DISBURSED, "disburse"): State.DISBURSED,
    (State.REPORTED, "disburse"): State.REPORTED,
    (State.DISBURSED, "report"): State.REPORTED,
    (State.REPORTED, "report"): State.REPORTED,
    (State.APPROVED, "close"): State.CLOSED,
    (State.DISBURSED, "close"): State.CLOSED,
    (State.REPORTED, "close"): State.CLOSED,
}

ACTIONS = sorted({action for _, action in TRANSITIONS})


def next_state(allocation_id: int, state: str, action: str) -> State:
    """The state after ``action``, or :class:`IllegalTransition` saying what is possible."""
    current = State(state)
    try:
        return TRANSITIONS[(current, action)]
    except KeyError:
        possible = sorted(a for (s, a) in TRANSITIONS if s == current)
        if not possible:
            raise IllegalTransition(
                N_("allocation %(allocation)s is %(state)s: it cannot %(action)s"),
                allocation=allocation_id, state=Term(current.value), action=action,
            ) from None  # fmt: skip
        raise IllegalTransition(
            N_("allocation %(allocation)s is %(state)s: it cannot %(action)s; from %(state)s "
               "it can be: %(possible)s"),
            allocation=allocation_id, state=Term(current.value), action=action,
            possible=", ".join(possible),
        ) from None  # fmt: skip
