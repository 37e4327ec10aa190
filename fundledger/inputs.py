"""What a value typed, uploaded or passed on the command line must be before it goes
near the database: the driver would otherwise fail with a traceback, not a reason.

Ids: the tables' integer keys stop at :data:`MAX_ID`; a larger number overflows in the
driver (SQLite) or the server (PostgreSQL) instead of simply finding nothing.

Text: PostgreSQL's text cannot store NUL, and a lone surrogate (what Python makes of bytes
that are not UTF-8) cannot be encoded for any database; both would fail deep inside the
driver. A single-line value (a name, a code, a reference) has no business holding other
control characters either: they garble tables, PDFs and terminals. Each edge (the
request guard, the CLI's text type, the import, the voucher) asks :func:`text_problem`
and words the refusal for its user.
"""

from __future__ import annotations

import re

#: PostgreSQL's ``integer``, the type of every id column.
MAX_ID = 2**31 - 1

_SURROGATE = re.compile("[\ud800-\udfff]")
#: C0 controls; a multi-line value keeps tab and line breaks.
_SINGLE_LINE_CONTROL = re.compile("[\x00-\x1f]")
_MULTI_LINE_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f]")


def text_problem(value: str, *, single_line: bool = True) -> str | None:
    """Why ``value`` cannot be stored ("contains a NUL character"…), or None if it can."""
    if "\x00" in value:
        return "contains a NUL character"
    if _SURROGATE.search(value):
        return "is not valid UTF-8 text"
    control = (_SINGLE_LINE_CONTROL if single_line else _MULTI_LINE_CONTROL).search(value)
    if control is not None:
        return f"contains a control character (U+{ord(control.group()):04X})"
    return None
