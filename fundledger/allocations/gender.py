"""The OECD DAC gender-equality policy marker an allocation carries.

The Program makes the gender perspective cross-cutting, and donors report their aid to
the DAC with this marker: 0 the activity does not target gender equality, 1 gender
equality is a significant objective, 2 it is the principal objective. Allocations
proposed before the Fund asked for it hold None: they were never screened, which is not
the same as 0.
"""

from __future__ import annotations

from typing import Final

from fundledger.allocations.errors import AllocationError
from fundledger.i18n import N_

#: The marker's values, in the DAC's order.
MARKERS: Final = (0, 1, 2)


def gender_marker(value: int) -> int:
    """``value`` if it is a marker, else why it is not one."""
    if isinstance(value, bool) or value not in MARKERS:
        raise AllocationError(
            N_("the gender marker is 0 (not targeted), 1 (significant) or 2 (principal), "
               "not %(value)s"), value=str(value)[:20],
        )
    return value
