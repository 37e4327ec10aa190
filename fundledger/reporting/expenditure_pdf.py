"""The fund statement's sections on where the money went: expenditure by the UN
harmonised categories (:mod:`by_category`) and transfers by implementing organ
(:mod:`organ_transfers`)."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from reportlab.platypus import Flowable

from fundledger.program.translated import title
from fundledger.reporting import labels
from fundledger.reporting.by_category import CategoryLine
from fundledger.reporting.figures import ZERO
from fundledger.reporting.i18n import Language
from fundledger.reporting.organ_transfers import OrganTransfers
from fundledger.reporting.pdf import WIDTH, Cell, figure_table, heading, note, para, styles


def by_category_section(lines: Sequence[CategoryLine], language: Language) -> list[Flowable]:
    _ = language.gettext
    money = language.money
    rows: list[Sequence[Cell]] = [
        (para(labels.category(language, line.category), styles().cell), money(line.amount))
        for line in lines
    ]
    rows.append((_("Total"), money(sum((line.amount for line in lines), ZERO))))
    return [
        heading(_("Expenditure by category")),
        figure_table(language, (_("Category"), _("Expenditure")), rows, (WIDTH - 120, 120),
                     numeric=(1,), totals=1),
        note(_("The UN harmonised expenditure categories: what the implementing organs "
               "reported spending, under the category of each report, and the indirect "
               "support costs the Fund paid on its transfers.")),
    ]


def organ_transfers_section(
    rows: Sequence[OrganTransfers], language: Language
) -> list[Flowable]:
    _ = language.gettext
    money = language.money
    corrections = any(row.corrections for row in rows)
    columns: list[tuple[str, str]] = [
        ("opening", _("Held at the start")), ("transferred", _("Transferred")),
        ("reported", _("Expenditure reported")), ("returned", _("Refunded by the organ")),
    ]  # fmt: skip
    if corrections:
        columns.append(("corrections", _("Corrections")))
    columns.append(("closing", _("Held at the end")))
    figure = (WIDTH - 140 - 60) / len(columns)
    widths = (140, *(figure for _column in columns), 60)

    def amount(row: OrganTransfers, name: str) -> Decimal:
        value: Decimal = getattr(row, name)
        return value

    table: list[Sequence[Cell]] = [
        (para(f"{row.organ} — {title('implementers', row.organ, row.name, language.code)}"
              if row.organ else _("Not attributed to an organ"),
              styles().cell),
         *(money(amount(row, name)) for name, _label in columns), str(row.reports_due))
        for row in rows
    ]  # fmt: skip
    table.append((_("Total"), *(money(sum((amount(row, name) for row in rows), ZERO))
                                for name, _label in columns),
                  str(sum(row.reports_due for row in rows))))  # fmt: skip
    header = (_("Organ"), *(label for _name, label in columns), _("Reports due"))
    story: list[Flowable] = [heading(_("Transfers by implementing organ"))]
    if not rows:
        story.append(para(_("No money was transferred to or held by an implementing organ.")))
        return story
    story += [
        figure_table(language, header, table, widths,
                     numeric=tuple(range(1, len(columns) + 2)), totals=1),
        note(_("Advances to the implementing organs: held at the start, plus transferred, "
               "less the expenditure they reported and what they refunded, is what they "
               "hold at the end. Reports due: allocations whose period ended before the "
               "last day while the organ still held some of their advances.")),
    ]
    return story
