"""Readers of the Program's reference data."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TypeVar

from sqlalchemy import Select, case, func, select
from sqlalchemy.orm import Session, selectinload

from fundledger.listing import Columns, Sorts
from fundledger.program.models import (
    Activity,
    ActivityObjective,
    GeneralObjective,
    Implementer,
    Objective,
)
from fundledger.program.translated import TRANSLATED, alphabetical, title

K = TypeVar("K", int, str)


def general_objectives(session: Session) -> Sequence[GeneralObjective]:
    return session.scalars(select(GeneralObjective).order_by(GeneralObjective.number)).all()


def objectives(session: Session) -> Sequence[Objective]:
    return session.scalars(select(Objective).order_by(Objective.number)).all()


def activities(session: Session) -> Sequence[Activity]:
    """All 100 activities with implementer and objectives loaded (no query per row)."""
    return session.scalars(
        select(Activity).options(selectinload(Activity.objectives)).order_by(Activity.number)
    ).all()


#: How the activity list may be sorted; each key ends on the number.
ACTIVITY_SORTS: Sorts[Columns] = Sorts(
    {
        "number": (Activity.number,),
        "title": (func.lower(Activity.title), Activity.number),
        "implementer": (Implementer.name, Activity.number),
        "fundable": (Activity.fundable, Activity.number),
    },
    default="number",
)


def activity_sorts(session: Session, language: str) -> Sorts[Columns]:
    """:data:`ACTIVITY_SORTS`, with the title and implementer sorts in ``language``'s
    titles: the stored ones are English, so a translated page ranks them itself."""
    if language not in TRANSLATED:
        return ACTIVITY_SORTS
    titles = session.execute(select(Activity.number, Activity.title)).all()
    names = session.execute(select(Implementer.code, Implementer.name)).all()
    if not titles:
        return ACTIVITY_SORTS
    by_title = _ranks({n: title("activities", n, text, language) for n, text in titles})
    by_name = _ranks({c: title("implementers", c, name, language) for c, name in names})
    return Sorts(
        {
            **ACTIVITY_SORTS.keys,
            "title": (case(by_title, value=Activity.number), Activity.number),
            "implementer": (case(by_name, value=Implementer.code), Activity.number),
        },
        default=ACTIVITY_SORTS.default,
    )


def _ranks(texts: Mapping[K, str]) -> dict[K, int]:
    """Each key's place when ``texts`` are put in alphabetical order."""
    in_order = sorted(texts, key=lambda key: alphabetical(texts[key]))
    return {key: rank for rank, key in enumerate(in_order)}


def activities_query(
    *, objective: int | None = None, organ: str | None = None, fundable: bool | None = None
) -> Select[Activity]:
    """Activities serving an objective, carried out by an implementer, fundable or not
    (each or all), with implementer and objectives loaded; in no order yet (see
    :data:`ACTIVITY_SORTS`, which may order by the implementer's name)."""
    query = (
        select(Activity)
        .join(Implementer, Implementer.code == Activity.implementer_code)
        .options(selectinload(Activity.objectives))
    )
    if objective is not None:
        serves = select(ActivityObjective.activity_number).where(
            ActivityObjective.objective_number == objective
        )
        query = query.where(Activity.number.in_(serves))
    if organ:
        query = query.where(Activity.implementer_code == organ)
    if fundable is not None:
        query = query.where(Activity.fundable.is_(fundable))
    return query


def implementers(session: Session) -> Sequence[Implementer]:
    return session.scalars(select(Implementer).order_by(Implementer.name)).all()


def crossref(session: Session) -> list[tuple[int, int]]:
    """(activity, objective) pairs of Appendix I, sorted by activity then objective."""
    rows = session.execute(
        select(ActivityObjective.activity_number, ActivityObjective.objective_number).order_by(
            ActivityObjective.activity_number, ActivityObjective.objective_number
        )
    )
    return [(row.activity_number, row.objective_number) for row in rows]
