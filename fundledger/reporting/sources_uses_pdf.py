"""The fund statement's section "Sources and uses of funds" (:class:`SourcesAndUses`):
the period and the Fund's whole life side by side, down to the bank's balance."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from reportlab.platypus import Flowable

from fundledger.reporting.i18n import N_, Language
from fundledger.reporting.pdf import WIDTH, Cell, figure_table, heading, note, para, styles
from fundledger.reporting.sources_uses import SOURCES, USES, Flow, SourcesAndUses

#: The donors under "Contributions received" (no-break spaces: a paragraph keeps them).
INDENT = "\u00a0" * 4
LINES = {
    "returns": N_("Returned by implementing organs"),
    "interest": N_("Interest"),
    "transfers": N_("Transferred to implementing organs"),
    "indirect": N_("Indirect support costs"),
    "refunds": N_("Refunds to donors"),
    "charges": N_("Bank charges"),
}


def sources_and_uses_section(
    figures: SourcesAndUses, period: tuple[dt.date, dt.date], language: Language
) -> list[Flowable]:
    _ = language.gettext
    money = language.money
    rows: list[Sequence[Cell]] = []
    strong: list[int] = []

    def line(label: str, flow: Flow | None, *, bold: bool = False) -> None:
        if bold:
            strong.append(len(rows))
        style = styles().cell_bold if bold else styles().cell
        rows.append((para(label, style), "" if flow is None else money(flow.period),
                     "" if flow is None else money(flow.inception)))  # fmt: skip

    line(_("Sources of funds"), None, bold=True)
    line(_("Contributions received"), None)
    for row in figures.contributions:
        named = row.name_in(language.code)
        label = f"{named} ({row.code})" if row.code else _("Not attributed to a donor")
        line(INDENT + label, row.flow)
    for key in SOURCES:
        line(_(LINES[key]), figures.lines[key])
    line(_("Total sources"), figures.sources, bold=True)
    line(_("Uses of funds"), None, bold=True)
    for key in USES:
        line(_(LINES[key]), figures.lines[key])
    line(_("Total uses"), figures.uses, bold=True)
    sources, uses = figures.sources, figures.uses
    line(_("Sources less uses"), Flow(sources.period - uses.period,
                                      sources.inception - uses.inception), bold=True)  # fmt: skip
    if figures.other.period or figures.other.inception:
        line(_("Other adjustments"), figures.other)
    line(_("Cash at the beginning"), figures.opening)
    line(_("Cash at the end (bank)"), Flow(figures.closing, figures.closing), bold=True)
    start, end = period
    header = ("", _("For the period"), _("Since inception"))
    since = "—" if figures.since is None else language.date(figures.since, "long")
    return [
        heading(_("Sources and uses of funds")),
        figure_table(language, header, rows, (WIDTH - 220, 110, 110), numeric=(1, 2),
                     totals=1, emphasis=strong),
        note(_("Cash basis: what the bank received and paid from %(start)s to %(end)s, and "
               "since the Fund's first entry on %(since)s, by the event that moved it. "
               "Contributions are gross of the bank charges deducted from them, which are "
               "among the uses.", start=language.date(start, "long"),
               end=language.date(end, "long"), since=since)),
    ]  # fmt: skip
