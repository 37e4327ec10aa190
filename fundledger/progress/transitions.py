"""A progress report's lifecycle as one table: which step is legal from which state."""

from __future__ import annotations

from fundledger.i18n import N_
from fundledger.progress.errors import IllegalTransition
from fundledger.progress.models import ReportState

#: (state, action) → the state the action leads to. Anything else is refused.
TRANSITIONS: dict[tuple[ReportState, str], ReportState] = {
    (ReportState.DRAFT, "submit"): ReportState.SUBMITTED,
    (ReportState.SUBMITTED, "review"): ReportState.REVIEWED,
}


def next_state(report_id: int, state: str, action: str) -> ReportState:
    """The state after ``action``, or :class:`IllegalTransition` saying what is possible."""
    current = ReportState(state)
    try:
        return TRANSITIONS[(current, action)]
    except KeyError:
        possible = ", ".join(sorted(a for (s, a) in TRANSITIONS if s == current)) or "-"
        raise IllegalTransition(
            N_("progress report #%(id)s is %(state)s: it cannot %(action)s (possible: "
               "%(possible)s)"),
            id=report_id, state=str(current), action=action, possible=possible,
        ) from None  # fmt: skip
