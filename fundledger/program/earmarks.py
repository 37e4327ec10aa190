"""Earmarks: the restriction a donor may put on its money (DESIGN.md §3, flow 3).

Written ``objective:N`` (N in 1–20), ``activity:N`` (N in 1–32, the activities the
fund may finance) or ``organ:CODE`` (an OAS organ). No earmark means unrestricted.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from fundledger.errors import FundledgerError

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
        raise InvalidEarmark(f"earmark {text[:40]!r} must be objective:N, activity:N or organ:CODE")
    kind, target = match.group(1), match.group(2)
    if kind == "organ":
        return Earmark("organ", target.upper())
    if not target.isdigit():
        raise InvalidEarmark(f"earmark {text!r}: {kind} must be a number")
    number, limit = int(target), (20 if kind == "objective" else 32)
    if not 1 <= number <= limit:
        scope = "objectives are 1–20" if kind == "objective" else "the fund finances 1–32"
        raise InvalidEarmark(f"earmark {text!r}: no such {kind} ({scope})")
    return Earmark(kind, str(number))  # type: ignore[arg-type]
