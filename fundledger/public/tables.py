"""The public page's tables as downloads (CSV and XLSX): one file per table, the page's
figures as typed values, with machine names for headers (docs/EXPORTS.md) and the
Program's titles in the visitor's language, as the page shows them."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from fundledger.allocations.execution import BudgetFigures, in_language
from fundledger.program.translated import title
from fundledger.public.queries import PublicFigures


@dataclass(frozen=True, slots=True)
class Download:
    header: tuple[str, ...]
    #: The table's rows from the figures, in a language.
    rows: Callable[[PublicFigures, str], Sequence[Sequence[object]]]


def _years(figures: PublicFigures, _language: str) -> list[tuple[object, ...]]:
    return [
        (y.year, y.pledged, y.received, y.outstanding, y.allocated, y.disbursed, y.spent,
         y.available)
        for y in figures.fund.years
    ]  # fmt: skip


def _contributions(figures: PublicFigures, _language: str) -> list[tuple[object, ...]]:
    return [
        (group.year, row.code, row.name, row.type, row.recognised, row.received,
         row.outstanding)
        for group in figures.contributions
        for row in group.donors
    ]  # fmt: skip


def _allocations(figures: PublicFigures, language: str) -> list[tuple[object, ...]]:
    return [
        (a.decided_on, a.reference, a.allocation, a.activity,
         title("activities", a.activity, a.activity_title, language),
         a.organ, " ".join(str(number) for number in a.objectives), a.approved, a.disbursed,
         a.spent)
        for a in figures.allocations
    ]  # fmt: skip


def _lines(pick: Callable[[PublicFigures], Sequence[BudgetFigures]], by: str
           ) -> Callable[[PublicFigures, str], list[tuple[object, ...]]]:  # fmt: skip
    def rows(figures: PublicFigures, language: str) -> list[tuple[object, ...]]:
        return [
            (line.key, line.label, line.budget, line.allocated, line.disbursed, line.spent)
            for line in in_language(pick(figures), by, language)
        ]

    return rows


LINE_HEADER = ("budget", "allocated", "disbursed", "spent")

#: Each download by its file name (without ``.csv`` or ``.xlsx``).
DOWNLOADS = {
    "fund-years": Download(
        ("year", "pledged", "received", "outstanding_at_year_end", "allocated", "disbursed",
         "spent", "available_at_year_end"),
        _years,
    ),
    "contributions": Download(
        ("year", "donor", "donor_name", "donor_type", "contributions", "received",
         "outstanding_at_year_end"),
        _contributions,
    ),
    "allocations": Download(
        ("decision_date", "decision_reference", "allocation", "activity", "activity_title",
         "organ", "objectives", "approved", "disbursed", "spent"),
        _allocations,
    ),
    "by-activity": Download(("activity", "title", *LINE_HEADER),
                            _lines(lambda f: f.by_activity, "activity")),
    "by-organ": Download(("organ", "name", *LINE_HEADER), _lines(lambda f: f.by_organ, "organ")),
    "by-objective": Download(("objective", "title", *LINE_HEADER),
                             _lines(lambda f: f.by_objective, "objective")),
}  # fmt: skip
