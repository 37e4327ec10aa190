"""What a value typed, uploaded or passed on the command line must be before it goes
near the database: the driver would otherwise fail with a traceback, not a reason.

Ids: the tables' integer keys stop at :data:`MAX_ID`; a larger number overflows in the
driver (SQLite) or the server (PostgreSQL) instead of simply finding nothing.

Dates: written ``YYYY-MM-DD`` and nothing else, between :data:`FIRST_DAY` and
:data:`LAST_DAY`. ``date.fromisoformat`` alone would also take ISO week dates
(``2026-W01-1`` is 2025-12-29, in another fiscal year) and compact forms (``20260101``),
and any year from 1 to 9999: a slip would become a permanent register entry.

Codes (donors, currencies, countries, organs) are ASCII: Unicode case mapping turns
``ıom`` into ``IOM`` and ``ß`` into ``SS``, someone else's code.

Text: PostgreSQL's text cannot store NUL, and a lone surrogate (what Python makes of bytes
that are not UTF-8) cannot be encoded for any database; both would fail deep inside the
driver. A single-line value (a name, a code, a reference) has no business holding other
control characters either, line breaks and tabs included: they garble tables, PDFs and
terminals. Only free text (a purpose or comment typed in a text area, a voucher's memo)
may hold tabs and line breaks. Each edge (the request guard, the form fields, the CLI's text
type, the import, the voucher) asks :func:`text_problem` and words the refusal for its
user; the database refuses to write what slipped past them, by the column's own rule
(:func:`fundledger.db.column_text_problem`).
"""

from __future__ import annotations

import datetime as dt
import re

from fundledger.errors import FundledgerError, Term
from fundledger.i18n import N_

#: PostgreSQL's ``integer``, the type of every id column.
MAX_ID = 2**31 - 1
#: The days a date typed, imported or passed may name: the fund was created in 2005, and
#: the forms' years run 2000–2199 (docs/INPUTS.md).
FIRST_DAY = dt.date(2000, 1, 1)
LAST_DAY = dt.date(2199, 12, 31)

_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_DIGITS = re.compile(r"[0-9]{1,10}")

_SURROGATE = re.compile("[\ud800-\udfff]")
#: C0 controls, DEL and C1 controls (U+009B is an 8-bit ESC [ to many terminals): what a
#: single-line value may not hold; a multi-line value keeps tab and line breaks.
CONTROL = re.compile("[\x00-\x1f\x7f-\x9f]")
_MULTI_LINE_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_ESCAPES = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def visible(value: object) -> str:
    """``value`` as a terminal shows it safely: each control character written as its
    escape (``\\x1b``, ``\\n``), so that a value stored before the text rule, or a file
    name typed on the command line, can neither drive the terminal nor break a line."""
    return CONTROL.sub(_escape, str(value))


def _escape(match: re.Match[str]) -> str:
    character = match.group()
    return _ESCAPES.get(character) or f"\\x{ord(character):02x}"


def text_problem(value: str, *, single_line: bool = True) -> str | None:
    """Why ``value`` cannot be stored ("contains a NUL character"…), or None if it can."""
    if "\x00" in value:
        return "contains a NUL character"
    if _SURROGATE.search(value):
        return "is not valid UTF-8 text"
    control = (CONTROL if single_line else _MULTI_LINE_CONTROL).search(value)
    if control is not None:
        return f"contains a control character (U+{ord(control.group()):04X})"
    return None


def one_line(
    value: str | None, what: Term, limit: int, refusal: type[FundledgerError]
) -> str | None:
    """``value`` on one line, spaces collapsed, at most ``limit`` characters; None if
    blank. A value that cannot be stored or is too long is a ``refusal`` naming ``what``."""
    cleaned = " ".join((value or "").split())
    problem = text_problem(cleaned)
    if problem is not None:
        raise refusal(N_("%(what)s %(problem)s"), what=what, problem=problem)
    if len(cleaned) > limit:
        raise refusal(N_("%(what)s is longer than %(limit)s characters"), what=what, limit=limit)
    return cleaned or None


class InvalidInput(FundledgerError):
    """A typed value that is not what it must be; ``kind`` says which rule it broke, for an
    edge that words the refusal in its user's language."""

    def __init__(self, message: str, kind: str) -> None:
        super().__init__(message)
        self.kind = kind


def parse_date(text: str, what: str = "date") -> dt.date:
    """The day ``text`` names, written YYYY-MM-DD between :data:`FIRST_DAY` and
    :data:`LAST_DAY`; :class:`InvalidInput` (kind ``form``, ``calendar`` or ``range``)."""
    text = text.strip()
    if not _ISO_DATE.fullmatch(text):
        raise InvalidInput(f"{what} {text[:20]!r} is not a date written YYYY-MM-DD", "form")
    try:
        day = dt.date.fromisoformat(text)
    except ValueError:
        raise InvalidInput(f"{what} {text} is not a date on the calendar", "calendar") from None
    if not FIRST_DAY <= day <= LAST_DAY:
        raise InvalidInput(f"{what} {text} is not between {FIRST_DAY} and {LAST_DAY}", "range")
    return day


def parse_id(text: str, what: str = "id") -> int:
    """A row's number written in ASCII digits, 1 to :data:`MAX_ID` (``int()`` would also
    take ``١``, spaces and underscores, and any size)."""
    text = text.strip()
    if not _DIGITS.fullmatch(text) or not 1 <= int(text) <= MAX_ID:
        raise InvalidInput(f"{what} {text[:20]!r} is not a number from 1 to {MAX_ID}", "id")
    return int(text)


def upper_code(text: str, what: str = "code") -> str:
    """A code as it is stored: stripped and upper-cased, refused unless it is ASCII."""
    text = text.strip()
    if not text.isascii():
        raise InvalidInput(f"{what} {text[:20]!r} is not written in ASCII letters", "code")
    return text.upper()
