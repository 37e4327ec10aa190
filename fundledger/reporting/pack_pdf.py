"""Renders the CAJP meeting pack (:class:`PackData`) to PDF bytes."""

from __future__ import annotations

from collections.abc import Sequence

from reportlab.lib.units import mm
from reportlab.platypus import Flowable

from fundledger.program import translated
from fundledger.reporting import labels
from fundledger.reporting.embedded import figure_files
from fundledger.reporting.figures import ZERO
from fundledger.reporting.i18n import Language
from fundledger.reporting.issue import Issue
from fundledger.reporting.layout import block, fit, front_matter, issue_block, metadata
from fundledger.reporting.pack_data import PackData, Proposal
from fundledger.reporting.pdf import (
    WIDTH,
    Cell,
    build_pdf,
    figure_table,
    gap,
    heading,
    key_values,
    note,
    para,
    running_decorator,
    styles,
    subheading,
)


def render_meeting_pack(data: PackData, issue: Issue) -> bytes:
    language = issue.language
    _ = language.gettext
    title = _("CAJP meeting pack")
    basis = (_("money received and money pledged") if data.counts_receivables
             else _("money received only"))  # fmt: skip
    story: list[Flowable] = front_matter(issue, title, [
        (_("Meeting of"), language.date(data.meeting, "long")),
        (_("Queue as at"), language.timestamp(data.as_of)),
        (_("Available money counts"), basis),
        (_("Indirect cost recovery"), language.percent(data.indirect_rate)),
    ])  # fmt: skip
    story.append(note(labels.titles_note(language)))
    story += _overview(data, language)
    for proposal in data.proposals:
        story += _proposal(proposal, language)
    story += _pools(data, language)
    decorate = running_decorator(issue, left_header=labels.fund_short(language),
                                 right_header=f"{title} · {issue.number}")  # fmt: skip
    story.append(issue_block(issue))
    return build_pdf(story, issue=issue, metadata=metadata(issue, title), decorate=decorate,
                     attachments=figure_files(data, issue))


def _overview(data: PackData, language: Language) -> list[Flowable]:
    _ = language.gettext
    story: list[Flowable] = [heading(_("Proposals awaiting a decision"))]
    if not data.proposals:
        story.append(para(_("No proposal is awaiting a decision.")))
        return story
    widths = (52, WIDTH - 292, 60, 90, 90)
    rows: list[Sequence[Cell]] = [
        (str(p.allocation),
         para(_("Activity %(number)s", number=p.activity) + ": "
              + translated.title("activities", p.activity, p.activity_title, language.code),
              styles().cell),
         fit(p.organ, widths[2]), language.money(p.requested),
         _("Yes") if p.fits else _("No"))
        for p in data.proposals
    ]  # fmt: skip
    rows.append((_("Total"), "", "", language.money(data.requested), ""))
    header = (_("Allocation"), _("Activity"), _("Organ"), _("Requested"),
              _("Covered by its pools"))  # fmt: skip
    story += [
        figure_table(language, header, rows, widths, numeric=(3,), totals=1),
        note(_("Each proposal is measured on its own against the money available now; approving "
               "one leaves less for the others that draw on the same pools.")),
    ]  # fmt: skip
    return story


def _proposal(proposal: Proposal, language: Language) -> list[Flowable]:
    _ = language.gettext
    money = language.money
    title = (_("Allocation %(id)s", id=proposal.allocation) + " — "
             + _("Activity %(number)s", number=proposal.activity)
             + ": " + translated.title("activities", proposal.activity,
                                       proposal.activity_title, language.code))  # fmt: skip
    organ = translated.title("implementers", proposal.organ, proposal.organ_name, language.code)
    particulars = key_values([
        (_("Organ"), organ if f"({proposal.organ})" in organ else f"{organ} ({proposal.organ})"),
        (_("Purpose"), proposal.purpose),
        (_("Period"), labels.period(language, proposal.period_start, proposal.period_end)),
        (_("Gender-equality marker (OECD DAC)"),
         labels.gender_marker(language, proposal.gender_marker)),
        (_("Submitted on"), language.date(proposal.submitted_on, "long")),
        (_("Requested"), "USD " + money(proposal.requested)),
        (_("Reserved on approval, with indirect costs"), "USD " + money(proposal.needed)),
    ], (62 * mm, WIDTH - 62 * mm))  # fmt: skip
    widths = (WIDTH - 300, 100, 100, 100)
    rows: list[Sequence[Cell]] = [
        (fit(labels.pool(language, impact.pool), widths[0]), money(impact.before),
         money(impact.before - impact.after), money(impact.after))
        for impact in proposal.pools
    ]  # fmt: skip
    drawn = sum((impact.before - impact.after for impact in proposal.pools), ZERO)
    rows.append((_("Total"), "", money(drawn), ""))
    header = (_("Funding pool"), _("Available before"), _("Drawn on approval"),
              _("Available after"))  # fmt: skip
    short = proposal.needed - drawn
    verdict = (_("Its pools cover approval in full.") if proposal.fits
               else _("Its pools lack %(amount)s for approval in full.",
                      amount="USD " + money(short)))  # fmt: skip
    return [
        block(
            subheading(title),
            particulars,
            gap(2),
            figure_table(language, header, rows, widths, numeric=(1, 2, 3), totals=1),
        ),
        para(verdict, styles().note),
    ]


def _pools(data: PackData, language: Language) -> list[Flowable]:
    _ = language.gettext
    money = language.money
    widths = (WIDTH - 300, 100, 100, 100)
    rows: list[Sequence[Cell]] = [
        (fit(labels.pool(language, line.pool), widths[0]), money(line.money),
         money(line.committed), money(line.available))
        for line in data.pools
    ]  # fmt: skip
    pools = data.pools
    rows.append((_("Total"), money(sum((p.money for p in pools), ZERO)),
                 money(sum((p.committed for p in pools), ZERO)),
                 money(sum((p.available for p in pools), ZERO))))  # fmt: skip
    header = (_("Funding pool"), _("Money"), _("Committed"), _("Available"))
    return [
        heading(_("Funding pools")),
        figure_table(language, header, rows, widths, numeric=(1, 2, 3), totals=1),
        note(_("Money: cash held for the pool (and pledges, when the Fund counts them). "
               "Committed: approved allocations not yet disbursed. Earmarked pools are named by "
               "donor and earmark.")),
    ]  # fmt: skip
