"""One parser per section of the resolution: the implementers (III), the objectives (IV),
the activities and who carries each out (V) and the Appendix I cross-reference, each
checked against what the document is known to hold.

Each raises :class:`ValueError` naming the problem when its section does not look as
expected, rather than returning partial data.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from itertools import pairwise

from fundledger.program.source_data import (
    ACTIVITY_COUNT,
    ALL_OAS_ORGANS,
    CROSSREF_ACTIVITY_COUNT,
    GENERAL_OBJECTIVE_COUNT,
    OBJECTIVE_COUNT,
    GeneralObjective,
    Implementer,
    ImplementerGroup,
    Objective,
)
from fundledger.program.source_text import (
    ACRONYM,
    LETTERED,
    NUMBERED,
    TABLE_ROW,
    clean_text,
    is_upper_heading,
    unbullet,
)

# --------------------------------------------------------------------------------------------
# Expectations about the document
# --------------------------------------------------------------------------------------------

#: Codes for the section III implementers whose wording carries no acronym in parentheses.
_CODES_WITHOUT_ACRONYM: dict[str, str] = {
    "Office of Education, Science, and Technology": "OEST",
    "Summits of the Americas Secretariat": "SUMMITS",
    "Department of Legal Affairs and Services": "DLAS",
    "South American Conference on Migration": "SACM",
    "Andean Community": "CAN",
    "Ibero-American Federation of Ombudsmen": "FIO",
    "Migrants": "MIGRANTS",
    "Civil society organizations": "CSO",
}

#: Collective implementers named only by the section V headings: (pattern, code, group).
_COLLECTIVE_HEADINGS: tuple[tuple[re.Pattern[str], str, ImplementerGroup], ...] = (
    (
        re.compile(r"^All the organs, agencies, and entities of the OAS\b"),
        ALL_OAS_ORGANS,
        ImplementerGroup.OAS_ORGAN,
    ),
    (
        re.compile(r"^All multilateral organizations\b"),
        "MULTI-ALL",
        ImplementerGroup.MULTILATERAL,
    ),
    (
        re.compile(r"^Migrants and civil society organizations$"),
        "MIGRANTS-CSO",
        ImplementerGroup.OTHER,
    ),
)

MEMBER_STATES_CODE = "MEMBER-STATES"
#: The member states' activities are introduced by "Suggest to OAS member states ...:".
_MEMBER_STATES_HEADING = re.compile(r"\bOAS member states\b", re.IGNORECASE)

#: Which implementer carries out which activities (inclusive ranges); the parser derives this
#: from the section V headings and checks the result against this table.
EXPECTED_ACTIVITY_IMPLEMENTERS: tuple[tuple[int, int, str], ...] = (
    (1, 4, "IACHR"),
    (5, 9, "CIM"),
    (10, 11, "IIN"),
    (12, 15, "IACD"),
    (16, 19, "OEST"),
    (20, 21, "SUMMITS"),
    (22, 28, "OPD"),
    (29, 29, "DLAS"),
    (30, 32, ALL_OAS_ORGANS),
    (33, 65, MEMBER_STATES_CODE),
    (66, 76, "IOM"),
    (77, 78, "OHCHR"),
    (79, 80, "UNHCR"),
    (81, 83, "ILO"),
    (84, 85, "MULTI-ALL"),
    (86, 93, "MIGRANTS-CSO"),
    (94, 100, "IIHR"),
)


# --------------------------------------------------------------------------------------------
# Section III: implementers
# --------------------------------------------------------------------------------------------


def _implementer_code(name: str) -> str:
    match = ACRONYM.search(name)
    if match:
        return match.group(1)
    try:
        return _CODES_WITHOUT_ACRONYM[name]
    except KeyError:
        raise ValueError(f"section III: no code known for implementer {name!r}") from None


def parse_implementers(lines: Iterable[str]) -> list[Implementer]:
    """The implementers listed in section III, plus ``MEMBER-STATES`` for heading B.1."""
    implementers: list[Implementer] = []
    letter: str | None = None
    group: ImplementerGroup | None = None
    for raw in lines:
        line = raw.strip()
        if not line:
            continue
        if raw.lstrip().startswith("-"):
            if group is None:
                raise ValueError(f"section III: implementer outside any subsection: {line!r}")
            name = clean_text(unbullet(raw)).rstrip(":")
            implementers.append(Implementer(_implementer_code(name), name, group))
            continue
        if lettered := LETTERED.match(line):
            letter = lettered.group(1)
            heading = lettered.group(2)
            if letter == "A":
                if "OAS" not in heading:
                    raise ValueError(f"section III: unexpected subsection A: {line!r}")
                group = ImplementerGroup.OAS_ORGAN
            elif letter == "B":
                group = None  # implementers come under B.1, B.2 and B.3
            else:
                raise ValueError(f"section III: unexpected subsection {line!r}")
            continue
        if (numbered := NUMBERED.match(line)) and letter == "B":
            number, heading = int(numbered.group(1)), clean_text(numbered.group(2))
            lowered = heading.lower()
            if number == 1 and "member states" in lowered:
                # The states themselves implement section V.B.1; the bullets are their forums.
                implementers.append(
                    Implementer(MEMBER_STATES_CODE, heading, ImplementerGroup.MEMBER_STATES)
                )
                group = ImplementerGroup.STATE_FORUM
            elif number == 2 and "multilateral" in lowered:
                group = ImplementerGroup.MULTILATERAL
            elif number == 3 and "other" in lowered:
                group = ImplementerGroup.OTHER
            else:
                raise ValueError(f"section III: unexpected subsection {line!r}")
            continue
        # Anything else is explanatory prose.
    return implementers


# --------------------------------------------------------------------------------------------
# Section IV: objectives
# --------------------------------------------------------------------------------------------


def parse_objectives(lines: Iterable[str]) -> tuple[list[GeneralObjective], list[Objective]]:
    general: list[GeneralObjective] = []
    specific: list[Objective] = []
    subsection: str | None = None
    for raw in lines:
        line = raw.strip()
        if not line:
            continue
        if lettered := LETTERED.match(line):
            subsection = lettered.group(1)
            if subsection not in ("A", "B"):
                raise ValueError(f"section IV: unexpected subsection {line!r}")
            continue
        if subsection == "A":
            if not raw.lstrip().startswith("-"):
                raise ValueError(f"section IV.A: expected a bulleted objective, got {line!r}")
            general.append(GeneralObjective(len(general) + 1, clean_text(unbullet(raw))))
        elif subsection == "B":
            text = unbullet(raw)
            numbered = NUMBERED.match(text)
            if numbered and int(numbered.group(1)) == len(specific) + 1:
                specific.append(Objective(len(specific) + 1, clean_text(numbered.group(2))))
            elif specific and text[:1].islower():
                last = specific[-1]
                specific[-1] = Objective(last.number, clean_text(f"{last.title} {text}"))
            else:
                expected = len(specific) + 1
                raise ValueError(
                    f"section IV.B: expected specific objective {expected}, got {line[:60]!r}"
                )
    if len(general) != GENERAL_OBJECTIVE_COUNT:
        raise ValueError(
            f"section IV.A: expected {GENERAL_OBJECTIVE_COUNT} general objectives, "
            f"found {len(general)}"
        )
    if len(specific) != OBJECTIVE_COUNT:
        raise ValueError(
            f"section IV.B: expected {OBJECTIVE_COUNT} specific objectives, found {len(specific)}"
        )
    return general, specific


# --------------------------------------------------------------------------------------------
# Section V: activities
# --------------------------------------------------------------------------------------------


def _heading_code(
    heading: str, implementers: dict[str, Implementer], collective: dict[str, Implementer]
) -> str:
    """The code of the implementer a section V heading (without its colon) introduces."""
    for match in ACRONYM.finditer(heading):
        if match.group(1) in implementers:
            return match.group(1)
    for implementer in implementers.values():
        if implementer.name == heading:
            return implementer.code
    for pattern, code, group in _COLLECTIVE_HEADINGS:
        if pattern.search(heading):
            collective.setdefault(code, Implementer(code, heading, group))
            return code
    if _MEMBER_STATES_HEADING.search(heading) and MEMBER_STATES_CODE in implementers:
        return MEMBER_STATES_CODE
    raise ValueError(f"section V: cannot tell which implementer heading {heading!r} names")


@dataclass(slots=True)
class _Draft:
    number: int
    text: str
    implementer_code: str


def parse_activities(
    lines: Iterable[str], footnotes: set[int], implementers: dict[str, Implementer]
) -> tuple[list[_Draft], list[Implementer]]:
    """The activities of section V and the collective implementers its headings introduce.

    Each activity is one line ``N. text``; the line may carry a ``- `` bullet. A paragraph that
    starts in lower case continues the previous activity (the text of activity 18 resumes after a
    page-break footnote, that of activity 41 in a stray bullet). A numbered line that is not the
    next activity is a footnote (if some ``^{N/}`` marker refers to it) or an upper-case
    subheading such as ``1. OAS MEMBER STATES``; anything else is an error.
    """
    drafts: list[_Draft] = []
    collective: dict[str, Implementer] = {}
    heading: str | None = None
    for raw in lines:
        line = raw.strip()
        if not line:
            continue
        text = unbullet(raw)
        expected = len(drafts) + 1
        numbered = NUMBERED.match(text)
        if numbered and int(numbered.group(1)) == expected:
            if heading is None:
                raise ValueError(f"section V: activity {expected} precedes any implementer")
            code = _heading_code(heading, implementers, collective)
            drafts.append(_Draft(expected, numbered.group(2), code))
        elif numbered and is_upper_heading(numbered.group(2)):
            heading = None  # e.g. "2. MULTILATERAL ORGANIZATIONS"
        elif numbered and int(numbered.group(1)) in footnotes and not text.endswith(":"):
            continue  # a footnote printed where the page broke
        elif numbered:
            raise ValueError(
                f"section V: expected activity {expected}, found {text[:60]!r}"
                " (activities must be numbered 1, 2, 3... without gaps)"
            )
        elif text.endswith(":"):
            heading = clean_text(text[:-1])
        elif LETTERED.match(text):
            heading = None  # "B. Implementers other than OAS organs, entities, and agencies"
        elif drafts and text[:1].islower():
            drafts[-1].text = f"{drafts[-1].text} {text}"
        else:
            raise ValueError(f"section V: unexpected paragraph {text[:60]!r}")
    if len(drafts) != ACTIVITY_COUNT:
        raise ValueError(f"section V: expected {ACTIVITY_COUNT} activities, found {len(drafts)}")
    return drafts, list(collective.values())


def check_assignment(drafts: Sequence[_Draft]) -> None:
    expected = {
        number: code
        for first, last, code in EXPECTED_ACTIVITY_IMPLEMENTERS
        for number in range(first, last + 1)
    }
    for draft in drafts:
        if expected.get(draft.number) != draft.implementer_code:
            raise ValueError(
                f"section V: activity {draft.number} is under implementer "
                f"{draft.implementer_code!r}, expected {expected.get(draft.number)!r}"
            )


# --------------------------------------------------------------------------------------------
# Appendix I: cross-reference table
# --------------------------------------------------------------------------------------------


def _header_columns(top: Sequence[str], bottom: Sequence[str] | None) -> list[int]:
    """Objective numbers of the table columns; ``bottom`` holds stacked second digits."""
    labels = list(top)
    if bottom is not None:
        if len(bottom) > len(top):
            raise ValueError("Appendix I: second header line is wider than the first")
        padded = list(bottom) + [""] * (len(top) - len(bottom))
        labels = [f"{a.strip()}{b.strip()}" for a, b in zip(top, padded, strict=True)]
    columns: list[int] = []
    for label in labels:
        label = label.strip()
        if not label.isdigit():
            raise ValueError(f"Appendix I: header column {label!r} is not an objective number")
        columns.append(int(label))
    if any(not 1 <= column <= OBJECTIVE_COUNT for column in columns):
        raise ValueError(f"Appendix I: header names an unknown objective: {columns}")
    if any(a >= b for a, b in pairwise(columns)):
        raise ValueError(f"Appendix I: header columns are not in increasing order: {columns}")
    return columns


def parse_crossref(lines: Sequence[str]) -> list[tuple[int, int]]:
    pairs: list[tuple[int, int]] = []
    columns: list[int] | None = None
    rows = 0
    index = 0
    while index < len(lines):
        line = lines[index].rstrip("\r\n")
        index += 1
        fields = line.split("\t")
        label = " ".join(fields[0].split())
        if label == "Objectives Activities":
            columns = _header_columns(fields[1:], None)
            continue
        if label == "Objectives":
            below = lines[index].split("\t") if index < len(lines) else []
            if not below or below[0].strip() != "Activities":
                raise ValueError("Appendix I: two-line header lacks its 'Activities' line")
            columns = _header_columns(fields[1:], below[1:])
            index += 1
            continue
        row = TABLE_ROW.match(line)
        if not row:
            continue  # prose or blank line
        number = int(row.group(1))
        if columns is None:
            raise ValueError(f"Appendix I: row {number} precedes any header")
        if number != rows + 1:
            raise ValueError(f"Appendix I: expected row {rows + 1}, found row {number}")
        rows += 1
        found = 0
        for position, cell in enumerate(fields[1:]):
            mark = cell.strip()
            if not mark:
                continue
            if mark.upper() != "X":
                raise ValueError(f"Appendix I: row {number} has unexpected cell {mark!r}")
            if position >= len(columns):
                raise ValueError(f"Appendix I: row {number} has a cross beyond the last column")
            pairs.append((number, columns[position]))
            found += 1
        if not found:
            raise ValueError(f"Appendix I: row {number} has no cross")
    if rows != CROSSREF_ACTIVITY_COUNT:
        raise ValueError(
            f"Appendix I: expected rows for activities 1-{CROSSREF_ACTIVITY_COUNT}, found {rows}"
        )
    return sorted(set(pairs))
