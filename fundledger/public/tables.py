"""The public page's tables as downloads (CSV and XLSX): one file per table, the page's
figures as typed values, with machine names for headers (docs/EXPORTS.md)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from fundledger.allocations.execution import BudgetFigures
from fundledger.public.queries import PublicFigures


@dataclass(frozen=True, slots=True)
class Download:
    header: tuple[str, ...]
    rows: Callable[[PublicFigures], Sequence[Sequence[object]]]


def _years(figures: PublicFigures) -> list[tuple[object, ...]]:
    return [
        (y.year, y.pledged, y.received, y.outstanding, y.allocated, y.disbursed, y.spent,
         y.available)
        for y in figures.fund.years
    ]  # fmt: skip


def _contributions(figures: PublicFigures) -> list[tuple[object, ...]]:
    return [
        (group.year, row.code, row.name, row.type, row.recognised, row.received,
         row.outstanding)
        for group in figures.contributions
        for row in group.donors
    ]  # fmt: skip


def _allocations(figures: PublicFigures) -> list[tuple[object, ...]]:
    return [
        (a.decided_on, a.reference, a.allocation, a.activity, a.activity_title,
         a.organ, " ".join(str(number) for number in a.objectives), a.approved, a.disbursed,
         a.spent)
        for a in figures.allocations
    ]  # fmt: skip


def _lines(pick: Callable[[PublicFigures], Sequence[BudgetFigures]]
           ) -> Callable[[PublicFigures], list[tuple[object, ...]]]:  # fmt: skip
    def rows(figures: PublicFigures) -> list[tuple[object, ...]]:
        return [
            (line.key, line.label, line.budget, line.allocated, line.disbursed, line.spent)
            for line in pick(figures)
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
                            _lines(lambda f: f.by_activity)),
    "by-organ": Download(("organ", "name", *LINE_HEADER), _lines(lambda f: f.by_organ)),
    "by-objective": Download(("objective", "title", *LINE_HEADER),
                             _lines(lambda f: f.by_objective)),
}  # fmt: skip
