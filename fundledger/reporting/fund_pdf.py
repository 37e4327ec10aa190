"""Renders the fund statement for a fiscal year or another period (:class:`FundStatementData`)
to PDF bytes. A year's statement says "the year" where a period's says "the period", in
words of their own (the year's are as they always were, so it renders as issued)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from decimal import Decimal

from reportlab.platypus import Flowable

from fundledger.allocations.execution import TITLES, BudgetFigures
from fundledger.program.translated import title
from fundledger.reporting import labels
from fundledger.reporting.charts import bars
from fundledger.reporting.embedded import figure_files
from fundledger.reporting.expenditure_pdf import by_category_section, organ_transfers_section
from fundledger.reporting.figures import ZERO
from fundledger.reporting.fund_data import (
    ChangeLine,
    FundStatementData,
)
from fundledger.reporting.i18n import N_, Language
from fundledger.reporting.issue import Issue
from fundledger.reporting.layout import fit, front_matter, issue_block, metadata
from fundledger.reporting.pdf import (
    WIDTH,
    Cell,
    build_pdf,
    figure_table,
    gap,
    heading,
    note,
    para,
    running_decorator,
    styles,
    subheading,
)
from fundledger.reporting.sources_uses_pdf import sources_and_uses_section

CHANGE_LINES = {
    "contributions": N_("Contributions"),
    "releases": N_("Net assets released from restriction"),
    "other": N_("Other movements in net assets (opening balances, adjustments)"),
}


def render_fund_statement(data: FundStatementData, issue: Issue) -> bytes:
    language = issue.language
    _ = language.gettext
    title = _("Fund statement")
    start, end = data.period
    if data.year is not None:
        covers = (_("Fiscal year"), f"{data.year} ({labels.period(language, start, end)})")
        running = f"{title} {data.year}"
    else:
        covers = (_("Period"), labels.period(language, start, end))
        running = f"{title} {_span(data, language)}"
    story: list[Flowable] = front_matter(issue, title, [covers])
    story.append(note(labels.titles_note(language)))
    story += _position(data, language)
    story += _changes(data, language)
    if data.sources_uses is not None:
        story += sources_and_uses_section(data.sources_uses, data.period, language)
    if data.by_category is not None:
        story += by_category_section(data.by_category, language)
    if data.organ_transfers is not None:
        story += organ_transfers_section(data.organ_transfers, language)
    story += _contributions(data, language)
    story += _budget(data, language)
    story += _decisions(data, language)
    decorate = running_decorator(
        issue, left_header=labels.fund_short(language),
        right_header=f"{running} · {issue.number}",
    )  # fmt: skip
    story.append(issue_block(issue))
    return build_pdf(story, issue=issue, metadata=metadata(issue, title), decorate=decorate,
                     attachments=figure_files(data, issue))


def _sum(amounts: Iterable[Decimal]) -> Decimal:
    return sum(amounts, ZERO)


def _span(data: FundStatementData, language: Language) -> str:
    """The period in a heading: the year, or its first and last day."""
    if data.year is not None:
        return str(data.year)
    start, end = data.period
    return f"{language.day(start)} – {language.day(end)}"


def _words(data: FundStatementData, language: Language, year: str, period: str) -> str:
    """The year's wording or the period's, translated, with the period's ``span``."""
    text = year if data.year is not None else period
    return language.gettext(text) % {"year": data.year, "period": _span(data, language)}


def _position(data: FundStatementData, language: Language) -> list[Flowable]:
    _ = language.gettext
    now, before = data.position, data.prior
    names = data.accounts
    rows: list[Sequence[Cell]] = []
    strong: list[int] = []

    def line(
        label: str, current: Decimal | None, prior: Decimal | None, bold: bool = False
    ) -> None:
        if bold:
            strong.append(len(rows))
        money = language.money
        rows.append((para(label, styles().cell_bold if bold else styles().cell),
                     "" if current is None else money(current),
                     "" if prior is None else money(prior)))  # fmt: skip

    line(_("Assets"), None, None, True)
    for code in now.assets:
        line(labels.account(language, names[code]), now.assets[code], before.assets[code])
    line(_("Total assets"), now.total_assets, before.total_assets, True)
    line(_("Liabilities"), None, None, True)
    for code in now.liabilities:
        line(labels.account(language, names[code]), now.liabilities[code],
             before.liabilities[code])  # fmt: skip
    line(_("Total liabilities"), now.total_liabilities, before.total_liabilities, True)
    line(_("Net assets"), None, None, True)
    line(_("Unrestricted"), now.unrestricted, before.unrestricted)
    line(_("Restricted (earmarked)"), now.restricted, before.restricted)
    line(_("Total net assets"), now.net_assets, before.net_assets, True)
    line(_("Total liabilities and net assets"), now.total_liabilities + now.net_assets,
         before.total_liabilities + before.net_assets, True)  # fmt: skip
    header = ("", language.day(now.as_of), language.day(before.as_of))
    return [
        heading(_("Statement of financial position at %(date)s",
                  date=language.date(now.as_of, "long"))),
        figure_table(language, header, rows, (WIDTH - 200, 100, 100), numeric=(1, 2), totals=1,
                     emphasis=strong),
    ]  # fmt: skip


def _change_label(line: ChangeLine, data: FundStatementData, language: Language) -> str:
    if line.key in CHANGE_LINES:
        return language.gettext(CHANGE_LINES[line.key])
    return labels.account(language, data.accounts[line.key])


def _changes(data: FundStatementData, language: Language) -> list[Flowable]:
    _ = language.gettext
    changes = data.changes
    money = language.money
    opening, closing = changes.opening, changes.closing
    rows: list[Sequence[Cell]] = [
        (para(_("Net assets at %(date)s", date=language.date(data.period[0], "long")),
              styles().cell_bold),
         money(opening.unrestricted), money(opening.restricted), money(opening.net_assets)),
    ]  # fmt: skip
    rows += [
        (para(_change_label(line, data, language), styles().cell), money(line.unrestricted),
         money(line.restricted), money(line.total))
        for line in changes.lines
    ]  # fmt: skip
    rows.append((para(_("Change in net assets"), styles().cell_bold),
                 money(changes.change_unrestricted), money(changes.change_restricted),
                 money(changes.change_unrestricted + changes.change_restricted)))  # fmt: skip
    rows.append((para(_("Net assets at %(date)s", date=language.date(closing.as_of, "long")),
                      styles().cell_bold),
                 money(closing.unrestricted), money(closing.restricted),
                 money(closing.net_assets)))  # fmt: skip
    header = ("", _("Unrestricted"), _("Restricted"), _("Total"))
    return [
        heading(_words(data, language, N_("Statement of changes in net assets, %(year)s"),
                       N_("Statement of changes in net assets, %(period)s"))),
        figure_table(language, header, rows, (WIDTH - 270, 90, 90, 90), numeric=(1, 2, 3), totals=1,
                     emphasis=(0, len(rows) - 2)),
        note(_words(data, language, N_(
            "Revenue and expenses of the year, before the year-end closing entry. Restricted "
            "money is released to the unrestricted class as it is spent on the purpose it was "
            "given for."), N_(
            "Revenue and expenses of the period, before the year-end closing entries. "
            "Restricted money is released to the unrestricted class as it is spent on the "
            "purpose it was given for."))),
    ]  # fmt: skip


def _contributions(data: FundStatementData, language: Language) -> list[Flowable]:
    _ = language.gettext
    money = language.money
    widths = (170, 95, 76, 76, WIDTH - 417)
    rows: list[Sequence[Cell]] = [
        (para(f"{row.name_in(language.code)} ({row.code})" if row.code
              else _("Not attributed to a donor"), styles().cell),
         fit(labels.donor_type(language, row.type) if row.code else "", widths[1]),
         money(row.recognised), money(row.received), money(row.outstanding))
        for row in data.contributions
    ]  # fmt: skip
    contributions = data.contributions
    totals = (_sum(r.recognised for r in contributions), _sum(r.received for r in contributions),
              _sum(r.outstanding for r in contributions))  # fmt: skip
    rows.append((_("Total"), "", *(money(t) for t in totals)))
    header = (
        _("Donor"),
        _("Type"),
        _("Recognised"),
        _("Received"),
        _("Outstanding at %(date)s", date=language.day(data.period[1])),
    )
    by_type = data.by_type
    type_rows: list[Sequence[Cell]] = [
        (fit(labels.donor_type(language, row.type), WIDTH - 300), money(row.recognised),
         money(row.received), money(row.outstanding))
        for row in by_type
    ]  # fmt: skip
    type_rows.append((_("Total"), *(money(t) for t in totals)))
    chart = bars(
        [labels.donor_type(language, row.type) for row in by_type],
        [(_("Recognised"), [r.recognised for r in by_type]),
         (_("Received"), [r.received for r in by_type])],
        language, width=WIDTH, height=max(110, 40 + 26 * len(by_type)),
        title=_("Contributions by donor type (USD)"), horizontal=True,
    )  # fmt: skip
    return [
        heading(_words(data, language, N_("Contributions in %(year)s"),
                       N_("Contributions, %(period)s"))),
        figure_table(language, header, rows, widths, numeric=(2, 3, 4), totals=1),
        note(_words(data, language, N_(
            "Recognised: pledges signed and gifts received in the year, less reductions and "
            "refunds. Received: payments at the rates of the day, including bank charges "
            "borne by the Fund. Outstanding: pledges unpaid at the year's end, at the pledges' "
            "rates."), N_(
            "Recognised: pledges signed and gifts received in the period, less reductions and "
            "refunds. Received: payments at the rates of the day, including bank charges "
            "borne by the Fund. Outstanding: pledges unpaid at the period's end, at the "
            "pledges' rates."))),
        subheading(_("By donor type")),
        figure_table(language, header[1:], type_rows, (WIDTH - 300, 100, 100, 100),
                     numeric=(1, 2, 3), totals=1),
        gap(3),
        chart,
    ]  # fmt: skip


def _budget_rows(
    lines: Sequence[BudgetFigures], language: Language, label_width: float, *, kind: str
) -> list[Sequence[Cell]]:
    _ = language.gettext
    money = language.money
    rows: list[Sequence[Cell]] = []
    for line in lines:
        named = title(TITLES[kind], line.key, line.label, language.code)
        if not line.key:
            label = _("Not attributed to an activity")
        elif kind == "activity":
            label = _("Activity %(number)s", number=line.key) + f": {named}"
        elif kind == "objective":
            label = _("Objective %(number)s", number=line.key) + f": {named}"
        else:
            label = f"{line.key} — {named}"
        rows.append((para(label, styles().cell), money(line.budget), money(line.allocated),
                     money(line.disbursed), money(line.spent)))  # fmt: skip
    return rows


def _budget(data: FundStatementData, language: Language) -> list[Flowable]:
    _ = language.gettext
    money = language.money
    widths = (WIDTH - 300, 75, 75, 75, 75)
    header = ("", _("Budget"), _("Allocated"), _("Disbursed"), _("Spent"))
    lines = data.by_activity
    totals = (_("Total"), *(money(_sum(getattr(line, f) for line in lines))
                            for f in ("budget", "allocated", "disbursed", "spent")))  # fmt: skip
    story: list[Flowable] = [
        heading(_words(data, language, N_("Budget and its execution, %(year)s"),
                       N_("Budget and its execution, %(period)s"))),
        para(_words(data, language, N_(
            "Budget: the work plan the CAJP approved for the year. Allocated: allocations the "
            "CAJP approved in the year. Disbursed: advances paid to the organs in the year. "
            "Spent: expenditure the organs reported in the year."), N_(
            "Budget: the work plans the CAJP approved for the fiscal years the period "
            "touches. Allocated: allocations the CAJP approved in the period. Disbursed: "
            "advances paid to the organs in the period. Spent: expenditure the organs "
            "reported in the period.")), styles().note),
        subheading(_("By activity")),
    ]  # fmt: skip
    if not lines:
        story.append(para(_words(data, language,
                                 N_("There was no budget or allocation for the year."),
                                 N_("There was no budget or allocation in the period."))))
        return story
    story.append(figure_table(language, (_("Activity"), *header[1:]),
                              [*_budget_rows(lines, language, widths[0], kind="activity"), totals],
                              widths, numeric=(1, 2, 3, 4), totals=1))  # fmt: skip
    organs = data.by_organ
    story += [
        subheading(_("By organ")),
        figure_table(language, (_("Organ"), *header[1:]),
                     [*_budget_rows(organs, language, widths[0], kind="organ"), totals],
                     widths, numeric=(1, 2, 3, 4), totals=1),
        gap(3),
        bars([line.key or "—" for line in organs],
             [(_("Budget"), [line.budget for line in organs]),
              (_("Allocated"), [line.allocated for line in organs]),
              (_("Disbursed"), [line.disbursed for line in organs]),
              (_("Spent"), [line.spent for line in organs])],
             language, width=WIDTH, height=170, title=_("Budget and its execution by organ (USD)")),
        subheading(_("By objective")),
        figure_table(language, (_("Objective"), *header[1:]),
                     _budget_rows(data.by_objective, language, widths[0], kind="objective"),
                     widths, numeric=(1, 2, 3, 4)),
        note(_("An activity that serves several objectives counts under each of them, so this "
               "view is not additive: its lines add up to more than the totals above.")),
    ]  # fmt: skip
    return story


def _decisions(data: FundStatementData, language: Language) -> list[Flowable]:
    _ = language.gettext
    money = language.money
    story: list[Flowable] = [heading(_words(data, language, N_("CAJP decisions in %(year)s"),
                                            N_("CAJP decisions, %(period)s")))]
    if data.decisions:
        widths = (54, 78, 56, 50, 44, 54, 44, 62, WIDTH - 442)
        rows: list[Sequence[Cell]] = [
            (language.day(d.on), fit(d.reference, widths[1]),
             fit(labels.decision(language, d.decision), widths[2]), str(d.allocation),
             str(d.activity), fit(d.organ, widths[5]), labels.gender_code(d.gender_marker),
             money(d.requested), money(d.approved) if d.approved is not None else "—")
            for d in data.decisions
        ]  # fmt: skip
        rows.append((_("Total"), "", "", "", "", "", "",
                     money(_sum(d.requested for d in data.decisions)),
                     money(_sum(d.approved for d in data.decisions
                                if d.approved is not None))))  # fmt: skip
        header = (_("Date"), _("Reference"), _("Decision"), _("Allocation"), _("Activity"),
                  _("Organ"), _("Gender"), _("Requested"), _("Approved"))  # fmt: skip
        story += [subheading(_("Allocations")),
                  figure_table(language, header, rows, widths, numeric=(3, 4, 6, 7, 8),
                               totals=1),
                  note(labels.gender_note(language))]  # fmt: skip
    else:
        story.append(para(_words(data, language,
                                 N_("The CAJP decided on no allocation in the year."),
                                 N_("The CAJP decided on no allocation in the period."))))
    if data.work_plans:
        plan_widths = (54, 100, 130, 110, WIDTH - 394)
        plans: list[Sequence[Cell]] = [
            (language.day(w.on), fit(w.reference, plan_widths[1]),
             fit(_("Work plan %(year)s, version %(version)s", year=w.year, version=w.version),
                 plan_widths[2]),
             fit(labels.work_plan_status(language, w.status), plan_widths[3]), money(w.approved))
            for w in data.work_plans
        ]  # fmt: skip
        plan_header = (_("Date"), _("Reference"), _("Work plan"), _("Decision"),
                       _("Lines approved"))  # fmt: skip
        story += [subheading(_("Work plans")),
                  figure_table(language, plan_header, plans, plan_widths,
                               numeric=(4,))]  # fmt: skip
    return story
