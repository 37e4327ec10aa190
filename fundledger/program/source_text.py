"""The resolution's text as the parsers read it: markup stripped, and the document cut
into the sections each parser reads (III implementers, IV objectives, V activities,
Appendix I the cross-reference)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

FOOTNOTE_MARKER = re.compile(r"\^\{(\d+)/\}")
_EMPHASIS = re.compile(r"\*+([^*]+?)\*+")
_WHITESPACE = re.compile(r"\s+")
_BULLET = re.compile(r"^\s*-\s+")
NUMBERED = re.compile(r"^(\d+)\.\s+(\S.*)$")
LETTERED = re.compile(r"^([A-Z])\.\s+(\S.*)$")
ACRONYM = re.compile(r"\(([A-Z]{2,})\)")
TABLE_ROW = re.compile(r"^(\d+)\.\t")


def clean_text(text: str) -> str:
    """Strip markdown emphasis and footnote markers from ``text`` and collapse its whitespace."""
    text = FOOTNOTE_MARKER.sub("", text)
    text = _EMPHASIS.sub(r"\1", text)
    return _WHITESPACE.sub(" ", text).strip()


def unbullet(line: str) -> str:
    """``line`` without surrounding whitespace and without a leading ``- `` bullet."""
    return _BULLET.sub("", line).strip()


def is_upper_heading(text: str) -> bool:
    letters = [c for c in text if c.isalpha()]
    return bool(letters) and all(c.isupper() for c in letters)


def _find_line(lines: Sequence[str], pattern: str, start: int, what: str) -> int:
    regex = re.compile(pattern)
    for index in range(start, len(lines)):
        if regex.match(lines[index].strip()):
            return index
    raise ValueError(f"document has no {what} (looked for a line matching {pattern!r})")


@dataclass(frozen=True, slots=True)
class Sections:
    implementers: Sequence[str]  # section III
    objectives: Sequence[str]  # section IV
    activities: Sequence[str]  # section V
    crossref: Sequence[str]  # Appendix I


def split_sections(lines: Sequence[str]) -> Sections:
    iii = _find_line(lines, r"^III\.\s+[A-Z][A-Z ,]*$", 0, "section III (implementers)")
    iv = _find_line(lines, r"^IV\.\s+[A-Z][A-Z ,]*$", iii + 1, "section IV (objectives)")
    v = _find_line(lines, r"^V\.\s+[A-Z][A-Z ,]*$", iv + 1, "section V (activities)")
    vi = _find_line(lines, r"^VI\.\s+[A-Z][A-Z ,-]*$", v + 1, "section VI (follow-up)")
    app1 = _find_line(lines, r"^APPENDIX I$", vi + 1, "Appendix I (cross-reference table)")
    try:
        app2 = _find_line(lines, r"^APPENDIX II$", app1 + 1, "Appendix II")
    except ValueError:
        app2 = len(lines)
    return Sections(
        implementers=lines[iii + 1 : iv],
        objectives=lines[iv + 1 : v],
        activities=lines[v + 1 : vi],
        crossref=lines[app1 + 1 : app2],
    )
