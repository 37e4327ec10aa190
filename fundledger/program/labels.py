"""How an earmark, a pool or a donor is named to a person: "Activity 5 — Conduct research
on female migration…", "Canada (CAN) — Objective 8 — Promotion of orderly…", never
``activity:5`` or ``CAN/objective:8`` (issue 15, finding 2). One rule for every page, list,
CSV and chooser that shows one; the words are marked here and translated by the gettext
the caller passes (the pages' catalog). Program titles are data, stored in English and
read in the reader's language where a working translation has them
(:mod:`fundledger.program.translated`)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from fundledger.i18n import N_
from fundledger.program.earmarks import InvalidEarmark, parse_earmark
from fundledger.program.models import Activity, Implementer, Objective
from fundledger.program.translated import title

#: A translating function: ``gettext(message, **values)``.
Gettext = Callable[..., str]

ACTIVITY = N_("Activity %(number)s — %(title)s")
OBJECTIVE = N_("Objective %(number)s — %(title)s")
ORGAN = N_("Organ %(code)s — %(title)s")
UNRESTRICTED = N_("Unrestricted")
POOL = N_("%(donor)s — %(earmark)s")
#: The key of the pool of unrestricted money (the ledger's and the reports').
UNRESTRICTED_POOL = "unrestricted"
#: A title is cut to this many characters: the Program's run to 450.
TITLE_LENGTH = 60


def short(text: str, length: int = TITLE_LENGTH) -> str:
    """``text`` cut at a word before ``length`` characters, with an ellipsis."""
    if len(text) <= length:
        return text
    cut = text[: length - 1].rsplit(" ", 1)[0].rstrip(" ,;:")
    return cut + "…"


def donor_label(name: str, code: str) -> str:
    """A donor as people read it: ``Canada (CAN)``; the code alone when the name is it."""
    return code if name.strip().upper() == code.upper() else f"{name} ({code})"


@dataclass(frozen=True, slots=True)
class ProgramNames:
    """The Program's titles by number or code, read once for a page."""

    activities: Mapping[int, str]
    objectives: Mapping[int, str]
    organs: Mapping[str, str]

    def earmark(self, text: str | None, gettext: Gettext) -> str:
        """``activity:5`` → ``Activity 5 — <title>``; none → ``Unrestricted``; a text that
        is not an earmark stays as it is."""
        if text is None or text == "":
            return gettext(UNRESTRICTED)
        try:
            mark = parse_earmark(text)
        except InvalidEarmark:
            return text
        if mark.kind == "activity":
            title = self.activities.get(int(mark.target), "")
            return gettext(ACTIVITY, number=mark.target, title=short(title))
        if mark.kind == "objective":
            title = self.objectives.get(int(mark.target), "")
            return gettext(OBJECTIVE, number=mark.target, title=short(title))
        return gettext(ORGAN, code=mark.target, title=short(self.organs.get(mark.target, "")))

    def pool(self, key: str, donors: Mapping[str, str], gettext: Gettext) -> str:
        """A funding pool (``CAN/objective:8``, ``unrestricted``), with the donor's name
        from ``donors`` (name by code)."""
        if key == UNRESTRICTED_POOL:
            return gettext(UNRESTRICTED)
        code, _, mark = key.partition("/")
        donor = donor_label(donors[code], code) if code in donors else code
        return gettext(POOL, donor=donor, earmark=self.earmark(mark, gettext))


def program_names(session: Session, language: str) -> ProgramNames:
    """The titles in ``language``, English where one has no translation."""
    activities = session.execute(select(Activity.number, Activity.title))
    objectives = session.execute(select(Objective.number, Objective.title))
    organs = session.execute(select(Implementer.code, Implementer.name))
    return ProgramNames(
        activities={n: title("activities", n, text, language) for n, text in activities},
        objectives={n: title("objectives", n, text, language) for n, text in objectives},
        organs={code: title("implementers", code, name, language) for code, name in organs},
    )
