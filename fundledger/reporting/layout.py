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
from fundledger.reporting.issue import Issue
from fundledger.reporting.pdf import (
    FONT,
    WIDTH,
    Cell,
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
    status = [(language.gettext("Status"), labels.status_text(language, issue.status))]
    if issue.supersedes is not None:
        status.append((language.gettext("Supersedes"), issue.supersedes))
    rows = [*particulars, *status,
            (language.gettext("Statement number"), issue.number),
            (language.gettext("Issued"), language.timestamp(issue.moment)),
            *_issued_by(issue),
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


def _issued_by(issue: Issue) -> list[tuple[str, str]]:
    """The issuing officer, name and role (none for statements registered before 0014)."""
    if issue.officer is None:
        return []
    language = issue.language
    return [(language.gettext("Issued by"), issue.officer.name),
            (language.gettext("Role"), labels.officer_role(language, issue.officer.role))]


def issue_block(issue: Issue) -> Flowable:
    """The document's last lines, kept together: who issued it, when, as what status."""
    language = issue.language
    rows = [(language.gettext("Statement number"), issue.number),
            (language.gettext("Status"), labels.status_text(language, issue.status)),
            (language.gettext("Issued"), language.timestamp(issue.moment)),
            *_issued_by(issue)]  # fmt: skip
    return KeepTogether([
        gap(6),
        para(language.gettext("Issue and status"), styles().heading),
        key_values(rows, (44 * mm, WIDTH - 44 * mm)),
    ])  # fmt: skip


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
    return Grid(language, (heading, "USD"), rows, (width - 90, 90), numeric=(1,), emphasis=strong)


def block(*flowables: Flowable) -> KeepTogether:
    """Keep a heading with the start of what follows it."""
    return KeepTogether(list(flowables))
