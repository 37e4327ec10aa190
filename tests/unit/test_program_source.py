"""The Program reference data parsed from AG/RES. 2141 (XXXV-O/05)."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from importlib import resources

import pytest

from fundledger.program.source import (
    Activity,
    ImplementerGroup,
    Program,
    read_program,
)


@pytest.fixture(scope="module")
def text() -> str:
    return (
        resources.files("fundledger.program")
        .joinpath("AG-RES-2141-XXXV-O-05.txt")
        .read_text(encoding="utf-8")
    )


@pytest.fixture(scope="module")
def program() -> Program:
    return read_program()


@pytest.fixture(scope="module")
def activities(program: Program) -> dict[int, Activity]:
    return {activity.number: activity for activity in program.activities}


def objectives_of(program: Program, activity: int) -> set[int]:
    return {objective for number, objective in program.crossref if number == activity}


# ---------------------------------------------------------------------------- counts


def test_counts(program: Program) -> None:
    assert [g.number for g in program.general_objectives] == [1, 2, 3]
    assert [o.number for o in program.objectives] == list(range(1, 21))
    assert [a.number for a in program.activities] == list(range(1, 101))


def test_only_activities_1_to_32_are_fundable(program: Program) -> None:
    fundable = [a.number for a in program.activities if a.fundable]
    assert fundable == list(range(1, 33))


def test_explicit_text_parses_like_the_bundled_copy(text: str, program: Program) -> None:
    assert read_program(text) == program


def test_program_is_immutable(program: Program) -> None:
    with pytest.raises(dataclasses.FrozenInstanceError):
        program.objectives[0].title = "changed"  # type: ignore[misc]


# ---------------------------------------------------------------------------- titles


def test_objective_19_is_about_remittances(program: Program) -> None:
    assert program.objectives[18].title == (
        "Promotion of measures aimed at fulfilling the objectives of reducing the transfer "
        "costs of remittances."
    )


def test_first_general_objective_loses_its_emphasis(program: Program) -> None:
    assert program.general_objectives[0].title.startswith(
        "Promotion and protection of the human rights of migrants"
    )
    assert "through, inter alia, the identification" in program.general_objectives[0].title


def test_activity_5_title(activities: dict[int, Activity]) -> None:
    assert activities[5].title == (
        "Conduct research on female migration and its impact on family structure, the labor "
        "market, and migration control, inter alia."
    )


def test_activity_18_continues_past_the_footnote(activities: dict[int, Activity]) -> None:
    title = activities[18].title
    assert "electronic observatory" in title
    assert (
        "organizing discussion forums on the topic, and gathering information on public "
        "education programs for migrants" in title
    )
    assert title.endswith("in sending, transit, and receiving countries.")
    assert "national regulations" not in title


def test_footnote_is_not_an_activity(program: Program) -> None:
    assert not [a.number for a in program.activities if "national regulations" in a.title]


def test_activity_41_continues_in_the_stray_bullet(activities: dict[int, Activity]) -> None:
    assert (
        "identification and protection of refugees and potential asylum seekers, the modus "
        "operandi" in activities[41].title
    )
    assert activities[41].title.endswith("and victim identification and assistance.")


@pytest.mark.parametrize(
    ("number", "start"),
    [
        (42, "Make efforts to harmonize migration requirements"),
        (43, "Conduct programs to promote authorized migration"),
        (54, "With respect to the sending of remittances"),
        (55, "Support voluntary community or individual initiatives"),
    ],
)
def test_bulleted_activities_lose_their_bullet(
    activities: dict[int, Activity], number: int, start: str
) -> None:
    assert activities[number].title.startswith(start)


def test_activity_12_drops_the_footnote_marker(activities: dict[int, Activity]) -> None:
    assert "(a) facilitating appropriate access to the job market" in activities[12].title


def test_titles_are_clean(program: Program) -> None:
    titles = [a.title for a in program.activities]
    titles += [o.title for o in program.objectives]
    titles += [g.title for g in program.general_objectives]
    for title in titles:
        assert title
        assert "*" not in title
        assert "^{" not in title
        assert "  " not in title
        assert title == title.strip()
        assert not title.startswith("-")


# ---------------------------------------------------------------------------- implementers

ASSIGNMENT = [
    (1, 4, "IACHR"),
    (5, 9, "CIM"),
    (10, 11, "IIN"),
    (12, 15, "IACD"),
    (16, 19, "OEST"),
    (20, 21, "SUMMITS"),
    (22, 28, "OPD"),
    (29, 29, "DLAS"),
    (30, 32, "OAS-ALL"),
    (33, 65, "MEMBER-STATES"),
    (66, 76, "IOM"),
    (77, 78, "OHCHR"),
    (79, 80, "UNHCR"),
    (81, 83, "ILO"),
    (84, 85, "MULTI-ALL"),
    (86, 93, "MIGRANTS-CSO"),
    (94, 100, "IIHR"),
]


@pytest.mark.parametrize(("first", "last", "code"), ASSIGNMENT)
def test_activity_implementers(
    activities: dict[int, Activity], first: int, last: int, code: str
) -> None:
    assert {activities[n].implementer_code for n in range(first, last + 1)} == {code}


def test_every_activity_has_a_known_implementer(program: Program) -> None:
    codes = {implementer.code for implementer in program.implementers}
    assert {activity.implementer_code for activity in program.activities} <= codes


def test_implementer_codes_are_unique(program: Program) -> None:
    codes = [implementer.code for implementer in program.implementers]
    assert len(codes) == len(set(codes))


@pytest.mark.parametrize(
    ("group", "codes"),
    [
        (
            ImplementerGroup.OAS_ORGAN,
            {"IACHR", "CIM", "IIN", "IACD", "OEST", "SUMMITS", "OPD", "DLAS", "PAHO", "OAS-ALL"},
        ),
        (ImplementerGroup.MEMBER_STATES, {"MEMBER-STATES"}),
        (
            ImplementerGroup.STATE_FORUM,
            {"RCM", "SACM", "OCAM", "MERCOSUR", "CAN", "CARICOM", "FIO"},
        ),
        (ImplementerGroup.MULTILATERAL, {"IOM", "OHCHR", "UNHCR", "ILO", "MULTI-ALL"}),
        (ImplementerGroup.OTHER, {"MIGRANTS", "CSO", "MIGRANTS-CSO", "IIHR"}),
    ],
)
def test_implementer_groups(program: Program, group: ImplementerGroup, codes: set[str]) -> None:
    assert {i.code for i in program.implementers if i.group is group} == codes


@pytest.mark.parametrize(
    ("code", "name"),
    [
        (
            "IACHR",
            "Inter-American Commission on Human Rights (IACHR) and the Special Rapporteurship "
            "on Migrant Workers and Their Families",
        ),
        ("OEST", "Office of Education, Science, and Technology"),
        ("SUMMITS", "Summits of the Americas Secretariat"),
        ("DLAS", "Department of Legal Affairs and Services"),
        ("PAHO", "Pan American Health Organization (PAHO)"),
        ("OAS-ALL", "All the organs, agencies, and entities of the OAS mentioned in this Program"),
        ("MEMBER-STATES", "OAS member states"),
        ("SACM", "South American Conference on Migration"),
        ("CAN", "Andean Community"),
        ("FIO", "Ibero-American Federation of Ombudsmen"),
        ("MULTI-ALL", "All multilateral organizations mentioned in this Program"),
        ("MIGRANTS", "Migrants"),
        ("CSO", "Civil society organizations"),
        ("MIGRANTS-CSO", "Migrants and civil society organizations"),
        ("IIHR", "Inter-American Institute of Human Rights (IIHR)"),
    ],
)
def test_implementer_names(program: Program, code: str, name: str) -> None:
    assert {i.code: i.name for i in program.implementers}[code] == name


def test_fundable_activities_belong_to_oas_organs(program: Program) -> None:
    groups = {i.code: i.group for i in program.implementers}
    for activity in program.activities:
        assert activity.fundable == (
            groups[activity.implementer_code] is ImplementerGroup.OAS_ORGAN
        )


# ---------------------------------------------------------------------------- cross-reference


@pytest.mark.parametrize(
    ("activity", "objectives"),
    [
        (1, {9, 13}),
        (2, {1, 8, 12, 13, 14}),
        (14, {13}),
        (22, {13, 18}),
        (40, {17, 18}),
        (41, {6, 7, 9, 15}),  # first row under the stacked two-line header
        (51, {6}),
        (53, {20}),  # the stacked header's last column is objective 20, not 18
        (54, {17, 20}),
        (57, {1, 8, 9, 10, 14, 16, 20}),
        (65, {7, 14}),
    ],
)
def test_crossref_facts(program: Program, activity: int, objectives: set[int]) -> None:
    assert objectives_of(program, activity) == objectives


def test_crossref_is_sorted_and_unique(program: Program) -> None:
    assert list(program.crossref) == sorted(set(program.crossref))


def test_crossref_ranges(program: Program) -> None:
    assert {activity for activity, _ in program.crossref} == set(range(1, 66))
    assert all(1 <= objective <= 20 for _, objective in program.crossref)


def test_crossref_has_one_row_per_cross_in_the_table(text: str, program: Program) -> None:
    appendix = text.split("\nAPPENDIX I\n", 1)[1].split("\nAPPENDIX II\n", 1)[0]
    crosses = sum(line.count("\tX") for line in appendix.splitlines())
    assert len(program.crossref) == crosses == 207


def test_objectives_18_and_19_have_no_column_in_the_third_block(program: Program) -> None:
    assert not any(
        41 <= activity <= 65 and objective in (18, 19) for activity, objective in program.crossref
    )


# ---------------------------------------------------------------------------- malformed input


def _drop_line(text: str, prefix: str) -> str:
    lines = text.splitlines(keepends=True)
    kept = [line for line in lines if not line.startswith(prefix)]
    assert len(kept) == len(lines) - 1, prefix
    return "".join(kept)


def _replace_once(text: str, old: str, new: str) -> str:
    assert text.count(old) == 1, old
    return text.replace(old, new)


@pytest.mark.parametrize(
    ("mutate", "message"),
    [
        pytest.param(
            lambda t: _drop_line(t, "7. Promote the implementation of resolutions of the CIM"),
            "expected activity 7",
            id="activity-7-removed",
        ),
        pytest.param(
            lambda t: _drop_line(t, "100. Include in training activities"),
            "expected 100 activities",
            id="activity-100-removed",
        ),
        pytest.param(
            lambda t: _drop_line(t, "19. Promotion of measures aimed at fulfilling"),
            "objective",
            id="objective-19-removed",
        ),
        pytest.param(
            lambda t: _replace_once(
                t,
                "Department of Legal Affairs and Services:",
                "Department of Something Else:",
            ),
            "Department of Something Else",
            id="unknown-implementer-heading",
        ),
        pytest.param(
            lambda t: _replace_once(
                t,
                "\n\nOffice for the Promotion of Democracy (OPD), when requested by member states:",
                "",
            ),
            "activity 22",
            id="implementer-heading-removed",
        ),
        pytest.param(
            lambda t: _replace_once(
                t, "\t0\t1\t2\t3\t4\t5\t6\t7\t0", "\t0\t1\t2\t3\t4\t5\t6\t7\t9"
            ),
            "header",
            id="stacked-header-names-objective-29",
        ),
        pytest.param(
            lambda t: _drop_line(t, "47.\t"),
            "expected row 47",
            id="crossref-row-removed",
        ),
        pytest.param(
            lambda t: t.split("\nAPPENDIX I\n", 1)[0],
            "Appendix I",
            id="no-appendix",
        ),
    ],
)
def test_malformed_text_raises(text: str, mutate: Callable[[str], str], message: str) -> None:
    broken = mutate(text)
    with pytest.raises(ValueError, match=message):
        read_program(broken)


def test_empty_text_raises() -> None:
    with pytest.raises(ValueError, match="section III"):
        read_program("")
