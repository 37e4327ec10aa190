"""The working translations of the Program's titles (issue 15, finding 2): one for every
objective, activity and implementer the resolution's text gives, under the same number or
code, and none for anything it does not; English where a title has none."""

from __future__ import annotations

import re

import pytest

from fundledger.program.models import Activity, GeneralObjective, Implementer, Objective
from fundledger.program.source import Program, read_program
from fundledger.program.translated import KINDS, TRANSLATED, Kind, title, title_of, translations

NUMBER = re.compile(r"\d+")


@pytest.fixture(scope="module")
def program() -> Program:
    return read_program()


def source_titles(program: Program, kind: Kind) -> dict[str, str]:
    """The English titles of ``kind`` by the key a translation file uses."""
    if kind == "implementers":
        return {i.code: i.name for i in program.implementers}
    rows = {"general_objectives": program.general_objectives, "objectives": program.objectives,
            "activities": program.activities}[kind]  # fmt: skip
    return {str(row.number): row.title for row in rows}


@pytest.mark.parametrize("language", TRANSLATED)
@pytest.mark.parametrize("kind", KINDS)
def test_every_title_of_the_resolution_is_translated_under_its_own_key(
    program: Program, language: str, kind: Kind
) -> None:
    english = source_titles(program, kind)
    translated = translations(language)[kind]
    assert sorted(english.keys() - translated.keys()) == [], "untranslated"
    assert sorted(translated.keys() - english.keys()) == [], "not in the resolution"
    for key, text in translated.items():
        assert text, (kind, key)
        assert text.strip() == text, (kind, key)
        assert text != english[key] or kind == "implementers", (kind, key, "left in English")
        # The years (1963, 2008) carry over; a number that does not is a title put
        # under the wrong key.
        assert NUMBER.findall(text) == NUMBER.findall(english[key]), (kind, key)


@pytest.mark.parametrize("language", TRANSLATED)
def test_the_implementers_are_named_in_the_language(language: str) -> None:
    names = translations(language)["implementers"]
    assert names["CIM"] != "Inter-American Commission of Women (CIM)"
    assert "OEA" in names["MEMBER-STATES"]


def test_a_title_with_no_translation_stays_in_english() -> None:
    later = Activity(number=101, title="An activity a revision adds.")
    assert title_of(later, "es") == "An activity a revision adds."
    assert title("objectives", 21, "A later objective.", "fr") == "A later objective."
    assert title("activities", 5, "Conduct research…", "en") == "Conduct research…"
    assert title("activities", 5, "Conduct research…", "de") == "Conduct research…"


def test_each_row_of_the_program_reads_its_own_kind() -> None:
    assert title_of(Activity(number=5, title="-"), "es").startswith(
        "Realizar investigaciones sobre la migración femenina"
    )
    assert title_of(Objective(number=8, title="-"), "es").startswith(
        "Promoción de la migración ordenada"
    )
    assert title_of(GeneralObjective(number=1, title="-"), "es").startswith("Promoción y")
    assert title_of(Implementer(code="SUMMITS", name="-"), "es") == (
        "Secretaría de Cumbres de las Américas"
    )
