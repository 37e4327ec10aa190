"""Hostile values for the fuzzing tests: what people paste, scripts send and attackers
try. Each kind of field gets the values that have broken such fields elsewhere, mixed
with text Hypothesis makes up.

The worst offenders are listed by hand: numbers written with exponents, NaN, Infinity
and negative zero, dates at the ends of the calendar, right-to-left overrides,
combining marks and emoji, control characters and NUL, SQL and HTML fragments, and a
10 MB value.

The classes of issue 12 are also kept apart (``CLASSES``): whitespace alone, zero in
every spelling and negative amounts, the integer types' edges, huge amounts and other
number notations, Unicode that case-maps or normalises to ASCII, terminal control
characters, and dates in ISO forms other than YYYY-MM-DD. :func:`sweep` hands each field
one of each, so that every field meets every class even when Hypothesis's draws miss it.
"""

from __future__ import annotations

import os
import re
import string
from collections.abc import Callable, Iterable
from typing import TypeVar

from hypothesis import strategies as st

from fundledger.inputs import FIRST_DAY, LAST_DAY

#: FUNDLEDGER_FUZZ=slow (``make test-slow``): every value of its kind's classes in every field
#: and command parameter, and more Hypothesis examples, not derandomized.
SLOW = os.environ.get("FUNDLEDGER_FUZZ") == "slow"


class Huge(str):
    """A very long value that reports itself briefly (Hypothesis prints the values of a
    failing example)."""

    __slots__ = ()

    def __repr__(self) -> str:
        return f"Huge({len(self)} chars of {self[:1]!r})"


TEN_MB = Huge("9" * (10 * 1024 * 1024))
TEN_MB_TEXT = Huge("A" * (10 * 1024 * 1024))
#: Marks an injected script: it must never come back unescaped.
SCRIPT = "<script>alert('fuzz')</script>"

WHITESPACE = [" ", "\t", "\u00a0", " \r\n ", "\u3000"]
ZEROS = ["0", "0.00", "-0.00", "-0", "+0.0", "0e5"]
NEGATIVES = ["-1", "-0.01", "-100.00"]
BOUNDARY_INTEGERS = [str(2**31 - 1), str(2**31), str(2**63 - 1), str(2**63), "-1",
                     str(-(2**31) - 1), str(2**64)]  # fmt: skip
#: With separators: an English page (the fuzz's) reads "100,000.00" as a hundred thousand
#: and refuses "1000,50" and "1 000.00" (issue 15).
HUGE_AMOUNTS = ["99999999999999.99", "999999999999999999.99", "1e2", "1E+15", "100,000.00",
                "1000,50", "1 000.00"]  # fmt: skip
#: Text that Unicode case mapping or compatibility normalisation turns into ASCII: a code
#: typed with one of these must be refused, not read as the code it resembles.
LOOKALIKES = ["ıom", "ß", "ﬀ", "ＭＥＸ", "МЕХ", "ＵＳＤ", "\u212aRW", "ﬀ-ıom"]
CONTROLS = ["ACME\x1b[31m", "bell\x07", "back\x08space", "line\r\nbreak", "tab\there",
            "\x1b]0;title\x07", "del\x7f", "nel\x85"]  # fmt: skip
#: Line breaks where one line is expected: a redirect's ``next``, a header, a CSV cell.
LINE_BREAKS = ["line\r\nbreak", "/\r\nSet-Cookie: fuzz=1", "\n"]
DATE_FORMS = ["2026-W01-1", "20260101", "0001-01-01", "9999-12-31", "2026-1-1",
              " 2026-01-01 ", "2026-001", "2026-01-01T00:00", "2026/01/01", "01/02/2026",
              "２０２６-０１-０１"]  # fmt: skip
_ISO_DAY = re.compile(r"\s*((\d{4})-\d{2}-\d{2})\s*")


def odd_date(value: str) -> bool:
    """A date an accepted try should not have taken: not YYYY-MM-DD, or outside the
    application's dates, FIRST_DAY to LAST_DAY (issue 12, item 8)."""
    match = _ISO_DAY.fullmatch(value)
    return match is None or not FIRST_DAY.year <= int(match.group(2)) <= LAST_DAY.year


#: Each class of issue 12, by name: what a field of each kind is swept with.
CLASSES = {"whitespace": WHITESPACE, "zero": ZEROS, "negative": NEGATIVES,
           "integer": BOUNDARY_INTEGERS,
           "huge": HUGE_AMOUNTS, "lookalike": LOOKALIKES, "control": CONTROLS,
           "line break": LINE_BREAKS,
           "date": DATE_FORMS}  # fmt: skip

NUMBERS = [
    "0", "-0", "+0", "0.00", "-0.00", "-1", "-1000.00", "1e3", "1E+400", "1e-400",
    "-1e999999999", "NaN", "-nan", "sNaN", "Infinity", "-Infinity", "inf", "1_000",
    "1,000.00", "1.000,00", "0x1F", "١٢٣", "１２３", "½", " 12 ", "12.", ".5", "1.005",
    "0.001", "99999999999999.99", "100000000000000", "9" * 40, "0." + "0" * 60 + "1",
    "1" + "0" * 5000, str(2**63), str(-(2**63) - 1), TEN_MB,
    *ZEROS, *NEGATIVES, *HUGE_AMOUNTS, *BOUNDARY_INTEGERS,
]  # fmt: skip
DATES = [
    "0001-01-01", "9999-12-31", "0000-00-00", "2025-02-29", "2024-02-29", "2025-13-01",
    "2025-00-10", "2025-04-31", "20250101", "2025-1-1", "1999-12-31", "2000-01-01",
    "2199-12-31", "2200-01-01", "2025-06-15T10:00", "+2025-01-01", "-2025-01-01",
    "2025-W01-1", "today", "", *DATE_FORMS,
]  # fmt: skip
TEXT = [
    "", " ", "\t", SCRIPT, '"><script>alert(1)</script>', "<img src=x onerror=alert(1)>",
    "'; DROP TABLE journal_entries; --", "' OR '1'='1", "1; SELECT pg_sleep(5)--",
    "%s %d %n %x", "{0} {} {{", "${jndi:ldap://x}", "../../../../etc/passwd",
    "\u202eevil\u202c", "مرحبا بالعالم", "שלום", "e\u0301\u0302\u0303\u0304\u0305",
    "Z̤͔ͧ̑̓ä͖̭̈̇lͮ̒ͫǧ̗͚̚o̙̔ͮ̇͐̇", "👩‍👩‍👧‍👦🏳️‍🌈", "\ufeffBOM", "\u200b", "\u2028\u2029",
    "\x01\x02\x07\x1b[31mred\x1b[0m", "line\r\nbreak", "\x7f", "\x85", "A" * 10_000,
    TEN_MB_TEXT, *WHITESPACE, *LOOKALIKES, *CONTROLS, *LINE_BREAKS,
]  # fmt: skip
#: Integers for ids and years, beyond the databases' integer ranges too. No 2025:
#: closing the seeded year would leave every later try nothing to get past but that.
INTEGERS = [
    "0", "-1", "1", "2", "3", "2147483647", "2147483648", str(2**63), str(2**64),
    "9" * 30, "1e3", "0x10", "١", "1.0", " 2 ", "+3", "99", "2024", "9999",
    *BOUNDARY_INTEGERS, "-0", "00", "２",
]  # fmt: skip
EMAILS = [
    "a@b", "@", "a@@b.org", "x" * 300 + "@example.org", f"{SCRIPT}@example.org",
    "ADMIN@OAS.ORG", " admin@oas.org ", "admin@oas.org\n", "üñí@exämple.org",
    "a+b@example.org", "admin@oas.org' --",
]  # fmt: skip

#: What no text field accepts from a real command line: execve ends an argument at NUL.
NUL = "\x00"
WITH_NUL = [NUL, f"before{NUL}after", f"{NUL}' OR 1=1 --"]
#: What Python makes of command-line bytes that are not UTF-8 (typed in a Latin-1
#: terminal): lone surrogates.
UNDECODABLE = ["M\udce9xico", "\udcff\udcfe", "caf\udce9 \udc80"]


def made_up_text(*, argv: bool = False) -> st.SearchStrategy[str]:
    """Short text from the whole of Unicode (control characters included); on a command
    line no NUL but lone surrogates, which only undecodable bytes make."""
    return st.text(
        alphabet=st.characters(
            exclude_categories=[] if argv else ["Cs"],  # type: ignore[arg-type]
            exclude_characters=NUL if argv else "",
        ),
        max_size=40,
    )


def hostile(kind: str, *, argv: bool = False) -> st.SearchStrategy[str]:
    """Hostile values of one kind: number, date, integer, email or text; ``argv``: what
    a command line can carry."""
    listed = {"number": NUMBERS, "date": DATES, "integer": INTEGERS, "email": EMAILS}
    fixed = listed.get(kind, []) + TEXT + (UNDECODABLE if argv else WITH_NUL)
    return st.one_of(st.sampled_from(fixed), made_up_text(argv=argv))


#: The classes a field of each kind is swept with, its own kind's first; the slow tier
#: sweeps each field with every value of its kind's classes and of whitespace.
_SWEPT = {
    "number": ["zero", "negative", "huge", "control", "lookalike"],
    "integer": ["integer", "zero", "control", "lookalike"],
    "date": ["date", "control", "lookalike"],
    "text": ["control", "line break", "lookalike", "zero"],
}


def sweep(kind: str, position: int, *, full: bool) -> list[str]:
    """The values a field of ``kind`` (number, integer, date, or anything else: text) is
    tried with: a single space (the commonest whitespace-only value), then one value of
    each class its kind is swept with, or, when ``full``, every value of those classes
    and every whitespace-only one. ``position`` (the field's place in its form) rotates
    through each class's values, so that the fields of a form between them try all of
    them."""
    classes = _SWEPT.get(kind, _SWEPT["text"])
    if full:
        every = (value for name in ("whitespace", *classes) for value in CLASSES[name])
        return list(dict.fromkeys(every))
    return [" ", *(CLASSES[name][position % len(CLASSES[name])] for name in classes)]


Try = TypeVar("Try")


def assert_each_passes(attempt: Callable[[Try], None], tries: Iterable[Try]) -> None:
    """Make every try of a sweep, then fail once with the first line of each failure
    (the first twelve shown): one bad field must not hide the others' verdicts."""
    failures = []
    for one in tries:
        try:
            attempt(one)
        except AssertionError as failure:
            failures.append(str(failure).splitlines()[0][:300])
    assert not failures, f"{len(failures)} of the sweep's tries failed:\n" + "\n".join(
        failures[:12]
    )


def safe_name() -> st.SearchStrategy[str]:
    """File names to write in the current directory (no separators: nothing escapes it)."""
    return st.one_of(
        st.sampled_from(["out.txt", "ünï cødé.txt", "x" * 300, ".hidden", "-dash", "a b"]),
        st.text(alphabet=string.ascii_letters + "._-", min_size=1, max_size=20),
    )
