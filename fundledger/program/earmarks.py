"""Earmarks: the restriction a donor may put on its money (DESIGN.md §3, flow 3).

Written ``objective:N`` (N in 1–20), ``activity:N`` (N in 1–32, the activities the
fund may finance) or ``organ:CODE`` (an OAS organ). No earmark means unrestricted.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from fundledger.errors import FundledgerError, Term
from fundledger.i18n import N_

EarmarkKind = Literal["objective", "activity", "organ"]
_FORM = re.compile(r"(objective|activity|organ):([A-Za-z0-9-]{1,20})")


class InvalidEarmark(FundledgerError):
    pass


@dataclass(frozen=True, slots=True)
class Earmark:
    kind: EarmarkKind
    target: str

    def __str__(self) -> str:
        return f"{self.kind}:{self.target}"


def parse_earmark(text: str) -> Earmark:
    """The earmark written in ``text``, checked for form and range (not for existence)."""
    match = _FORM.fullmatch(text.strip())
    if not match:
        raise InvalidEarmark(
            N_("earmark '%(earmark)s' must be objective:N, activity:N or organ:CODE"),
            earmark=text[:40],
        )
    kind, target = match.group(1), match.group(2)
    if kind == "organ":
        return Earmark("organ", target.upper())
    if not target.isdigit():
        raise InvalidEarmark(
            N_("earmark '%(earmark)s': %(kind)s must be a number"), earmark=text, kind=Term(kind)
        )
    number, limit = int(target), (20 if kind == "objective" else 32)
    if not 1 <= number <= limit:
        if kind == "objective":
            raise InvalidEarmark(
                N_("earmark '%(earmark)s': no such objective (objectives are 1–20)"), earmark=text
            )
        raise InvalidEarmark(
            N_("earmark '%(earmark)s': no such activity (the fund finances 1–32)"), earmark=text
        )
    return Earmark(kind, str(number))  # type: ignore[arg-type]
