"""Building blocks the three renderers share: the front matter and common tables."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import Flowable, KeepTogether

from fundledger.reporting import labels
from fundledger.reporting.grid import Grid
from fundledger.reporting.i18n import Language
from fundledger.reporting.pdf import (
    FONT,
    WIDTH,
    Cell,
    Issue,
    Metadata,
    clean,
    gap,
    key_values,
    para,
    styles,
)

#: Horizontal padding of a table cell (both sides), as set by :func:`figure_table`.
PADDING = 6


def fit(text: str, width: float, font_size: float = 7.5) -> Cell:
    """Plain text when it fits the column on one line (fast), else a wrapping paragraph."""
    if stringWidth(clean(text), FONT, font_size) <= width - PADDING:
        return text
    return para(text, styles().cell)


def front_matter(
    issue: Issue, title: str, particulars: Sequence[tuple[str, str]]
) -> list[Flowable]:
    """The fund, its mandate, the document's title and its particulars."""
    language = issue.language
    status = []
    if issue.interim:
        status.append((language.gettext("Status"),
                       language.gettext("Interim: the period is not closed, so its figures may "
                                        "still change")))  # fmt: skip
    if issue.supersedes is not None:
        status.append((language.gettext("Supersedes"), issue.supersedes))
    rows = [*particulars, *status,
            (language.gettext("Statement number"), issue.number),
            (language.gettext("Issued"), language.timestamp(issue.moment)),
            (language.gettext("Currency"),
             language.gettext("US dollars (USD) unless another currency is named"))]  # fmt: skip
    return [
        para(labels.fund_name(language), styles().fund),
        para(labels.mandate(language), styles().subtitle),
        gap(5),
        para(title, styles().title),
        gap(1.5),
        key_values(rows, (44 * mm, WIDTH - 44 * mm)),
        gap(3),
    ]


def metadata(issue: Issue, title: str) -> Metadata:
    """PDF metadata: the statement number is the subject, and a keyword (``verify``)."""
    return Metadata(
        title=f"{title} {issue.number}",
        author=labels.fund_name(issue.language),
        subject=issue.number,
        keywords=f"fundledger-statement {issue.number}",
    )


@dataclass(frozen=True, slots=True)
class Line:
    """A labelled amount in a summary table; ``strong`` lines are balances and totals."""

    label: str
    amount: Decimal
    strong: bool = False


def summary_table(
    language: Language, heading: str, lines: Sequence[Line], *, width: float = WIDTH * 0.72
) -> Flowable:
    """Label and USD amount, e.g. a roll-forward from opening to closing balance."""
    rows = [(line.label, language.money(line.amount)) for line in lines]
    strong = [index for index, line in enumerate(lines) if line.strong]
    return Grid((heading, "USD"), rows, (width - 90, 90), numeric=(1,), emphasis=strong)


def block(*flowables: Flowable) -> KeepTogether:
    """Keep a heading with the start of what follows it."""
    return KeepTogether(list(flowables))
