"""Parse the Program's reference data out of resolution AG/RES. 2141 (XXXV-O/05).

The text of the resolution ships with this package (``AG-RES-2141-XXXV-O-05.txt``). This module
reads it and extracts, with the standard library only:

* the three general objectives and the twenty specific objectives (section IV),
* the implementers (section III, plus the collective implementers section V names),
* the one hundred activities and who carries each of them out (section V),
* the Appendix I cross-reference table between activities 1-65 and the specific objectives.

The parser is strict: whenever the document does not look the way this module expects (a missing
or out-of-order number, an unknown implementer heading, a malformed table header...) it raises
:class:`ValueError` with a message naming the problem, rather than returning partial data.
"""

from __future__ import annotations

from importlib import resources

from fundledger.program.source_data import (
    LAST_FUNDABLE_ACTIVITY,
    Activity,
    GeneralObjective,
    Implementer,
    ImplementerGroup,
    Objective,
    Program,
)
from fundledger.program.source_sections import (
    check_assignment,
    parse_activities,
    parse_crossref,
    parse_implementers,
    parse_objectives,
)
from fundledger.program.source_text import FOOTNOTE_MARKER, clean_text, split_sections

__all__ = [
    "Activity",
    "GeneralObjective",
    "Implementer",
    "ImplementerGroup",
    "Objective",
    "Program",
    "read_program",
]

_PACKAGE = "fundledger.program"
_RESOURCE = "AG-RES-2141-XXXV-O-05.txt"
#: Implementers are listed by group, in the enum's order.
GROUP_ORDER: tuple[ImplementerGroup, ...] = tuple(ImplementerGroup)


def _bundled_text() -> str:
    return resources.files(_PACKAGE).joinpath(_RESOURCE).read_text(encoding="utf-8")


def read_program(text: str | None = None) -> Program:
    """Parse the given text, or the bundled copy (read with importlib.resources) when None."""
    if text is None:
        text = _bundled_text()
    lines = text.splitlines()
    sections = split_sections(lines)

    general, objectives = parse_objectives(sections.objectives)

    listed = parse_implementers(sections.implementers)
    by_code: dict[str, Implementer] = {}
    for implementer in listed:
        if implementer.code in by_code:
            raise ValueError(f"section III: implementer code {implementer.code!r} used twice")
        by_code[implementer.code] = implementer

    footnotes = {int(number) for number in FOOTNOTE_MARKER.findall(text)}
    drafts, collective = parse_activities(sections.activities, footnotes, by_code)
    check_assignment(drafts)
    for implementer in collective:
        if implementer.code in by_code:
            raise ValueError(f"section V: implementer code {implementer.code!r} used twice")
        by_code[implementer.code] = implementer

    group_rank = {group: rank for rank, group in enumerate(GROUP_ORDER)}
    implementers = sorted(by_code.values(), key=lambda i: group_rank[i.group])  # stable sort

    activities = tuple(
        Activity(
            number=draft.number,
            title=clean_text(draft.text),
            implementer_code=draft.implementer_code,
            fundable=by_code[draft.implementer_code].group is ImplementerGroup.OAS_ORGAN,
        )
        for draft in drafts
    )
    fundable = [a.number for a in activities if a.fundable]
    if fundable != list(range(1, LAST_FUNDABLE_ACTIVITY + 1)):
        raise ValueError(
            f"section V: the OAS organs' activities should be 1-{LAST_FUNDABLE_ACTIVITY}, "
            f"found {fundable}"
        )

    crossref = parse_crossref(sections.crossref)
    return Program(
        general_objectives=tuple(general),
        objectives=tuple(objectives),
        implementers=tuple(implementers),
        activities=activities,
        crossref=tuple(crossref),
    )
