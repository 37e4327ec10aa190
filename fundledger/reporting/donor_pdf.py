"""Renders a donor statement (:class:`DonorStatementData`) to PDF bytes."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from decimal import Decimal

from reportlab.platypus import Flowable

from fundledger.program.translated import title
from fundledger.reporting import labels
from fundledger.reporting.charts import bars
from fundledger.reporting.donor_data import DonorStatementData, ReceiptLine, RollForward
from fundledger.reporting.embedded import figure_files
from fundledger.reporting.figures import ZERO
from fundledger.reporting.grid import Grid
from fundledger.reporting.i18n import N_, Language
from fundledger.reporting.issue import Issue
from fundledger.reporting.layout import (
    Line,
    block,
    front_matter,
    issue_block,
    metadata,
    summary_table,
)
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
from fundledger.reporting.uses import AllocationInfo, PoolUse, UnrestrictedShare

RECEIVABLE_LINES = {
    "pledged": N_("Pledges signed in the period"),
    "reduced": N_("Pledges reduced or cancelled"),
    "settled_by_payments": N_("Settled by payments (at the pledges' rates)"),
    "settled_from_credit": N_("Settled from unapplied credit"),
    "revalued": N_("Revalued at year-end rates (net of reversals)"),
}
CREDIT_LINES = {
    "overpaid": N_("Payments in excess of pledges"),
    "applied": N_("Applied to pledges"),
    "revalued": N_("Revalued at year-end rates (net of reversals)"),
}
POOL_LINES = {
    "received": N_("Received from you"),
    "from_credit": N_("Unapplied credit applied to pledges for this earmark"),
    "disbursed": N_("Disbursed to organs (advances and indirect costs)"),
    "returned": N_("Unspent advances returned by organs"),
    "refunded": N_("Refunded to you"),
    "other": N_("Other adjustments"),
}
#: Movements shown even when zero: a statement always says what was pledged and settled.
ALWAYS = ("pledged", "settled_by_payments")


def render_donor_statement(data: DonorStatementData, issue: Issue) -> bytes:
    language = issue.language
    title = language.gettext("Donor statement")
    donor = data.donor
    story: list[Flowable] = front_matter(
        issue,
        title,
        [
            (language.gettext("Donor"), f"{donor.name_in(language.code)} ({donor.code})"),
            (language.gettext("Donor type"), labels.donor_type(language, donor.type)),
            (language.gettext("Period"), labels.period(language, data.start, data.end)),
        ],
    )
    story += [
        note(language.gettext(
            "Exchange rates are in US dollars per unit of the other currency. All amounts come "
            "from the Fund's general ledger by the date of each transaction."
        )),
        note(labels.titles_note(language)),
    ]  # fmt: skip
    story += _summary(data, language)
    story += _pledges(data, language)
    story += _receipts(data, language)
    story += _outstanding(data, language)
    story += _uses(data, language)
    story += _fund(data, language)
    decorate = running_decorator(
        issue,
        left_header=labels.fund_short(language),
        right_header=f"{title} · {donor.code} · {issue.number}",
    )
    story.append(issue_block(issue))
    return build_pdf(story, issue=issue, metadata=metadata(issue, title), decorate=decorate,
                     attachments=figure_files(data, issue))


def _day_before(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=1)


def _roll_forward(
    roll: RollForward,
    language: Language,
    names: dict[str, str],
    *,
    opening: str,
    closing: str,
    start: dt.date,
    end: dt.date,
    sign: Decimal = Decimal(1),
) -> list[Line]:
    lines = [Line(language.gettext(opening, date=language.day(_day_before(start))),
                  roll.opening, strong=True)]  # fmt: skip
    for movement in roll.movements:
        if movement.amount or movement.key in ALWAYS:
            lines.append(Line(language.gettext(names[movement.key]), movement.amount * sign))
    if roll.other:
        lines.append(Line(language.gettext("Other adjustments"), roll.other))
    lines.append(Line(language.gettext(closing, date=language.day(end)), roll.closing, True))
    return lines


def _summary(data: DonorStatementData, language: Language) -> list[Flowable]:
    _ = language.gettext
    story: list[Flowable] = [heading(_("Summary"))]
    story.append(summary_table(language, _("Outstanding pledges"), _roll_forward(
        data.receivable, language, RECEIVABLE_LINES, opening=N_("Outstanding pledges at %(date)s"),
        closing=N_("Outstanding pledges at %(date)s"), start=data.start, end=data.end,
    )))  # fmt: skip
    receipts = data.receipts
    paid = [
        Line(_("Applied to pledges (at the pledges' rates)"), _total(r.applied for r in receipts)),
        Line(_("Exchange differences against the pledges' rates"),
             _total(r.exchange_difference for r in receipts)),
        Line(_("Contributions without a pledge"), _total(r.unpledged for r in receipts)),
        Line(_("Kept as unapplied credit"), _total(r.unapplied for r in receipts)),
    ]  # fmt: skip
    paid = [line for line in paid if line.amount]
    paid.append(Line(_("Received in the period (at the rates of the day)"), data.received, True))
    story += [gap(3), summary_table(language, _("Payments received"), paid)]
    credit = data.unapplied
    if credit.opening or credit.closing or any(m.amount for m in credit.movements):
        story += [gap(3), summary_table(language, _("Unapplied credit"), _roll_forward(
            credit, language, CREDIT_LINES, opening=N_("Unapplied credit at %(date)s"),
            closing=N_("Unapplied credit at %(date)s"), start=data.start, end=data.end,
        ))]  # fmt: skip
    exchange = [
        Line(_("Exchange differences against the pledges' rates"),
             _total(r.exchange_difference for r in receipts)),
        Line(_("On unapplied credit applied to pledges"), data.credit_exchange),
        Line(_("Revalued at year-end rates (net of reversals)"), data.revaluation),
    ]  # fmt: skip
    if data.credit_exchange or data.revaluation:
        story += [gap(3), summary_table(language, _("Exchange differences"), [
            *(line for line in exchange if line.amount),
            Line(_("Exchange differences in the period"), data.exchange_differences, True),
        ])]  # fmt: skip
    return story


def _total(amounts: Iterable[Decimal]) -> Decimal:
    return sum(amounts, ZERO)


def _pledges(data: DonorStatementData, language: Language) -> list[Flowable]:
    _ = language.gettext
    title = heading(_("Pledges signed in the period"))
    if not data.pledges:
        return [block(title, para(_("No pledges were signed in the period.")))]
    widths = (60, 96, 80, 46, 76, 58, WIDTH - 416)
    rows: list[Sequence[str]] = [
        (language.day(p.date), p.reference or "—",
         labels.earmark(language, p.earmark), p.currency,
         language.original(p.amount, p.currency), rate, language.money(p.usd))
        for p, rate in zip(data.pledges, language.rates([p.rate for p in data.pledges]),
                           strict=True)
    ]  # fmt: skip
    rows.append(
        (_("Total"), "", "", "", "", "", language.money(_total(p.usd for p in data.pledges)))
    )
    header = (_("Date"), _("Reference"), _("Earmark"), _("Currency"), _("Amount"), _("Rate"),
              "USD")  # fmt: skip
    pledges = Grid(language, header, rows, widths, numeric=(4, 5, 6), totals=1)
    story: list[Flowable] = [title, pledges]
    if data.reductions:
        widths_r = (60, 60, 86, 46, 76, 70, WIDTH - 398)
        reduced: list[Sequence[str]] = [
            (language.day(r.date), language.day(r.pledge_date),
             r.pledge_reference or "—", r.currency,
             language.original(r.amount, r.currency), language.money(r.usd),
             (_("Cancelled") + ": " if r.cancellation else "") + r.reason)
            for r in data.reductions
        ]  # fmt: skip
        reduced.append(
            (_("Total"), "", "", "", "", language.money(_total(r.usd for r in data.reductions)), "")
        )
        header_r = (_("Date"), _("Pledge of"), _("Reference"), _("Currency"), _("Amount"),
                    "USD", _("Reason"))  # fmt: skip
        story += [subheading(_("Pledges reduced or cancelled in the period")),
                  Grid(language, header_r, reduced, widths_r, numeric=(4, 5),
                       totals=1)]  # fmt: skip
    return story


def _applied_to(receipt: ReceiptLine, language: Language) -> str:
    where = _where_applied(receipt, language)
    if receipt.reversed_on is None:
        return where
    return f"{where} — " + language.gettext(
        "reversed on %(date)s", date=language.day(receipt.reversed_on)
    )


def _where_applied(receipt: ReceiptLine, language: Language) -> str:
    _ = language.gettext
    if receipt.unpledged:
        return _("No pledge") + (
            f" — {labels.earmark(language, receipt.earmark)}" if receipt.earmark else ""
        )
    if receipt.applied and receipt.unapplied:
        return _("Pledges and credit")
    return _("Pledges") if receipt.applied else _("Unapplied credit")


def _receipts(data: DonorStatementData, language: Language) -> list[Flowable]:
    _ = language.gettext
    title = heading(_("Payments received in the period"))
    if not data.receipts:
        return [block(title, para(_("No payments were received in the period.")))]
    widths = (60, 80, 46, 70, 52, 56, 70, WIDTH - 434)
    rows: list[Sequence[str]] = [
        (language.day(r.date), r.reference or "—", r.currency,
         language.original(r.gross, r.currency),
         language.original(r.charges, r.currency) if r.charges else "—",
         rate, language.money(r.usd), _applied_to(r, language))
        for r, rate in zip(data.receipts, language.rates([r.rate for r in data.receipts]),
                           strict=True)
    ]  # fmt: skip
    rows.append((_("Total"), "", "", "", "", "", language.money(data.received), ""))
    header = (_("Value date"), _("Reference"), _("Currency"), _("Amount paid") + "¹",
              _("Bank charges"), _("Rate"), "USD", _("Applied to"))  # fmt: skip
    return [
        title,
        Grid(language, header, rows, widths, numeric=(3, 4, 5, 6), totals=1),
        note("¹ " + _("What you paid: the amount the bank credited to the Fund plus the charges "
                      "it deducted. The charges are borne by the Fund.")),
    ]  # fmt: skip


def _outstanding(data: DonorStatementData, language: Language) -> list[Flowable]:
    _ = language.gettext
    title = heading(_("Outstanding pledges at %(date)s", date=language.date(data.end, "long")))
    if not data.outstanding:
        return [block(title, para(_("Nothing was outstanding at the end of the period.")))]
    widths = (60, 84, 64, 80, 46, 80, WIDTH - 414)
    rows: list[Sequence[str]] = [
        (language.day(o.pledge_date), o.reference or "—",
         language.day(o.due) if o.due else "—", labels.earmark(language, o.earmark),
         o.currency, language.original(o.outstanding, o.currency), language.money(o.usd))
        for o in data.outstanding
    ]  # fmt: skip
    total = data.receivable.closing
    if data.outstanding_total != total:  # vouchers on the receivable outside the pledges
        rows.append(("", _("Other adjustments"), "", "", "", "",
                     language.money(total - data.outstanding_total)))  # fmt: skip
    rows.append((_("Total"), "", "", "", "", "", language.money(total)))
    header = (_("Pledge of"), _("Reference"), _("Due"), _("Earmark"), _("Currency"),
              _("Outstanding"), "USD²")  # fmt: skip
    story: list[Flowable] = [title, Grid(language, header, rows, widths, numeric=(5, 6), totals=1)]
    story.append(note("² " + _("Carried at the rate of the day each pledge was signed; a payment "
                               "at another rate gives an exchange difference.")))  # fmt: skip
    return story


def _allocation_cell(info: AllocationInfo, language: Language) -> Cell:
    text = (language.gettext("Allocation %(id)s", id=info.id) + " — "
            + language.gettext("Activity %(number)s", number=info.activity)
            + f": {title('activities', info.activity, info.activity_title, language.code)}"
            + f" ({info.organ})")  # fmt: skip
    return para(text, styles().cell)


def _decision_cell(info: AllocationInfo, language: Language) -> Cell:
    parts = [info.reference or "—"]
    if info.decided_on is not None:
        parts.append(language.day(info.decided_on))
    return para(", ".join(parts), styles().cell)


def _uses(data: DonorStatementData, language: Language) -> list[Flowable]:
    _ = language.gettext
    story: list[Flowable] = [
        heading(_("How your contributions were used")),
        subheading(_("Earmarked contributions")),
    ]
    if not data.earmarked:
        story.append(para(_("You had no earmarked contributions up to the end of the period.")))
    for pool in data.earmarked:
        story += _pool(pool, data, language)
    story += _unrestricted(data.unrestricted, language)
    story += _years(data, language)
    return story


def _pool(pool: PoolUse, data: DonorStatementData, language: Language) -> list[Flowable]:
    _ = language.gettext
    end = language.day(data.end)
    lines = [Line(_("Held in the earmark at %(date)s", date=language.day(_day_before(data.start))),
                  pool.opening, True)]  # fmt: skip
    lines += [Line(_(POOL_LINES[key]), amount) for key, amount in pool.movements]
    lines.append(Line(_("Held in the earmark at %(date)s", date=end), pool.closing, True))
    if pool.counts_receivable and pool.receivable:
        lines.append(Line(_("Pledged to the earmark, not yet received"), pool.receivable))
    lines.append(Line(_("Committed to approved allocations, not yet disbursed"),
                      -pool.commitments))  # fmt: skip
    lines.append(Line(_("Available for new allocations at %(date)s", date=end), pool.available,
                      True))  # fmt: skip
    name = _("Earmarked to %(earmark)s", earmark=labels.earmark(language, pool.earmark))
    story: list[Flowable] = [gap(2), summary_table(language, name, lines)]
    if pool.receivable and not pool.counts_receivable:
        story.append(note(_("A further %(amount)s pledged to this earmark has not been received; "
                            "the Fund counts only money received as available.",
                            amount="USD " + language.money(pool.receivable))))  # fmt: skip
    if pool.allocations:
        widths = (150, 76, 54, 54, 54, 50, WIDTH - 438)
        rows: list[Sequence[Cell]] = [
            (_allocation_cell(a.allocation, language), _decision_cell(a.allocation, language),
             language.money(a.committed), language.money(a.disbursed), language.money(a.spent),
             language.money(a.returned), language.money(a.held))
            for a in pool.allocations
        ]  # fmt: skip
        allocations = pool.allocations
        rows.append((_("Total"), "", *(language.money(_total(getattr(a, f) for a in allocations))
                                       for f in ("committed", "disbursed", "spent", "returned",
                                                 "held"))))  # fmt: skip
        header = (_("Allocation"), _("CAJP decision"), _("Approved from this earmark"),
                  _("Disbursed"), _("Spent") + "³", _("Returned"),
                  _("Held by the organ at %(date)s", date=end))  # fmt: skip
        story += [
            gap(2),
            figure_table(language, header, rows, widths, numeric=(2, 3, 4, 5, 6), totals=1),
            note("³ " + _("Disbursed, spent and returned are the period's amounts; spent is the "
                          "expenditure the organ reported plus any indirect cost recovery.")),
        ]  # fmt: skip
    return story


def _unrestricted(share: UnrestrictedShare, language: Language) -> list[Flowable]:
    _ = language.gettext
    story: list[Flowable] = [subheading(_("Unrestricted contributions"))]
    ratio = language.percent(share.ratio)
    story.append(para(_(
        "In the period you contributed %(donor)s of unrestricted money, of %(fund)s received by "
        "the Fund (%(share)s).",
        donor="USD " + language.money(share.donor_received),
        fund="USD " + language.money(share.fund_received), share=ratio,
    )))  # fmt: skip
    method = _(
        "Method: unrestricted money is pooled and cannot be traced to one donor, so each use "
        "is shared out on the day it happens: every unrestricted expenditure (expenditure "
        "reported and indirect costs) is attributed to the donors in proportion to each "
        "donor's unrestricted money still unattributed in the pool on that day, and uses that "
        "money up. Your share of a use therefore does not depend on the period a statement "
        "covers, and spending before your money arrived is never yours. Cents are split by "
        "the largest remainder, so the donors' shares add up exactly to each expenditure. "
        "Unrestricted money is what the bank received for unrestricted pledges and gifts "
        "without an earmark."
    )  # fmt: skip
    if not share.uses:
        return [*story, para(_("The Fund used no unrestricted money in the period.")),
                note(method)]  # fmt: skip
    if not any(u.share for u in share.uses):  # a table of zeros says nothing
        return [*story, para(_("None of the unrestricted money the Fund used in the period "
                               "was attributed to you.")), note(method)]  # fmt: skip
    widths = (220, 93, 90, WIDTH - 403)
    rows: list[Sequence[Cell]] = [
        (_allocation_cell(u.allocation, language), _decision_cell(u.allocation, language),
         language.money(u.used), language.money(u.share))
        for u in share.uses
    ]  # fmt: skip
    rows.append((_("Total"), "", language.money(share.used), language.money(share.share)))
    header = (_("Allocation"), _("CAJP decision"), _("Used by the Fund"), _("Your share") + "†")
    story += [gap(2), figure_table(language, header, rows, widths, numeric=(2, 3), totals=1),
              note("† " + method)]  # fmt: skip
    return story


def _years(data: DonorStatementData, language: Language) -> list[Flowable]:
    _ = language.gettext
    years = data.years
    chart = bars(
        [str(y.year) for y in years],
        [(_("Received"), [y.received for y in years]), (_("Used"), [y.used for y in years])],
        language, width=WIDTH, height=150, title=_("Received and used, by year (USD)"),
    )  # fmt: skip
    widths = (60, 100, 110, 120, WIDTH - 390)
    rows: list[Sequence[Cell]] = [
        (str(y.year), language.money(y.received), language.money(y.used_earmarked),
         language.money(y.used_unrestricted), language.money(y.used))
        for y in years
    ]  # fmt: skip
    rows.append((_("Total"), *(language.money(_total(getattr(y, f) for y in years))
                               for f in ("received", "used_earmarked", "used_unrestricted",
                                         "used"))))  # fmt: skip
    header = (_("Year"), _("Received"), _("Used: earmarked"), _("Used: your unrestricted share"),
              _("Total used"))  # fmt: skip
    table = figure_table(language, header, rows, widths, numeric=(1, 2, 3, 4), totals=1)
    if not any(y.received or y.used for y in years):  # a chart of empty bars says nothing
        return [gap(3), table]
    return [gap(3), chart, gap(2), table]


def _fund(data: DonorStatementData, language: Language) -> list[Flowable]:
    _ = language.gettext
    fund = data.fund
    at = fund.position
    names = fund.accounts
    flows = [
        Line(_("Contributions received by the Fund in the period (all donors)"), fund.received),
        Line(_("Used in the period (expenditure reported and indirect costs)"), fund.used),
    ]
    lines = [Line(labels.account(language, names[code]), amount) for code, amount in
             at.assets.items()]  # fmt: skip
    lines.append(Line(_("Total assets"), at.total_assets, True))
    lines += [Line(labels.account(language, names[code]), amount) for code, amount in
              at.liabilities.items()]  # fmt: skip
    lines += [Line(_("Net assets — unrestricted"), at.unrestricted),
              Line(_("Net assets — restricted"), at.restricted),
              Line(_("Total liabilities and net assets"),
                   at.total_liabilities + at.net_assets, True)]  # fmt: skip
    budget = [
        Line(_("Committed to approved allocations, not yet disbursed"), fund.commitments),
        Line(_("Unrestricted money available for new allocations"), fund.available_unrestricted),
    ]
    date = language.date(data.end, "long")
    return [
        heading(_("The Fund as a whole")),
        summary_table(language, _("In the period"), flows),
        gap(3),
        summary_table(language, _("Financial position at %(date)s", date=date), lines),
        gap(3),
        summary_table(language, _("Allocations at %(date)s", date=date), budget),
    ]
