"""What the Program's reference data is, as :func:`fundledger.program.source.read_program`
parses it out of the resolution: objectives, implementers, activities, the cross-reference,
and the counts the document must hold."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

GENERAL_OBJECTIVE_COUNT = 3
OBJECTIVE_COUNT = 20
ACTIVITY_COUNT = 100
#: Activities 1-32 are those of the OAS organs, agencies and entities (section V.A); only they
#: may be financed by the specific voluntary fund (resolution, operative paragraph 5).
LAST_FUNDABLE_ACTIVITY = 32
#: The implementer of activities 30-32, "all the organs, agencies, and entities of the OAS":
#: an allocation to an activity it carries names the one organ that receives the money.
ALL_OAS_ORGANS = "OAS-ALL"
#: Appendix I covers the OAS activities and the member states' optional activities.
CROSSREF_ACTIVITY_COUNT = 65


class ImplementerGroup(StrEnum):
    OAS_ORGAN = "oas_organ"
    MEMBER_STATES = "member_states"
    STATE_FORUM = "state_forum"
    MULTILATERAL = "multilateral"
    OTHER = "other"


@dataclass(frozen=True, slots=True)
class Objective:
    """A specific objective (section IV.B), numbered 1-20."""

    number: int
    title: str


@dataclass(frozen=True, slots=True)
class GeneralObjective:
    """A general objective (section IV.A), numbered 1-3 in document order."""

    number: int
    title: str


@dataclass(frozen=True, slots=True)
class Implementer:
    code: str
    name: str
    group: ImplementerGroup


@dataclass(frozen=True, slots=True)
class Activity:
    number: int
    title: str
    implementer_code: str
    fundable: bool


@dataclass(frozen=True, slots=True)
class Program:
    general_objectives: tuple[GeneralObjective, ...]
    objectives: tuple[Objective, ...]
    implementers: tuple[Implementer, ...]
    activities: tuple[Activity, ...]
    #: (activity, objective) pairs, sorted by activity then objective.
    crossref: tuple[tuple[int, int], ...]
