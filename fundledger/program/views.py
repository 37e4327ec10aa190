"""Read-only pages of the Program: objectives, activities, the Appendix I cross-reference."""

from __future__ import annotations

from flask import Blueprint, render_template, request

from fundledger.errors import NotFound
from fundledger.program import queries
from fundledger.program.models import Activity
from fundledger.web.database import db_session

blueprint = Blueprint("program", __name__, url_prefix="/program")

#: Activities are numbered 1-100; anything past a 32-bit integer names none of them.
_MAX_NUMBER = 2**31 - 1


@blueprint.get("/objectives")
def objectives() -> str:
    session = db_session()
    return render_template(
        "program/objectives.html",
        general_objectives=queries.general_objectives(session),
        objectives=queries.objectives(session),
    )


@blueprint.get("/activities")
def activities() -> str:
    fundable_only = request.args.get("fundable") == "1"
    listed = queries.activities(db_session())
    if fundable_only:
        listed = [activity for activity in listed if activity.fundable]
    return render_template(
        "program/activities.html", activities=listed, fundable_only=fundable_only
    )


@blueprint.get("/activities/<int:number>")
def activity(number: int) -> str:
    found = db_session().get(Activity, number) if number <= _MAX_NUMBER else None
    if found is None:
        raise NotFound(f"There is no activity {number}; the Program has activities 1 to 100.")
    return render_template("program/activity.html", activity=found)


@blueprint.get("/crossref")
def crossref() -> str:
    session = db_session()
    crosses = set(queries.crossref(session))
    in_table = {activity_number for activity_number, _ in crosses}
    return render_template(
        "program/crossref.html",
        activities=[a for a in queries.activities(session) if a.number in in_table],
        objectives=queries.objectives(session),
        crosses=crosses,
    )
