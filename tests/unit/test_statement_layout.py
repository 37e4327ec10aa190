"""Layout rules checked on real PDFs: a heading stays with what it introduces, a table
that fits on a page is not split, a footnote stays with its table, column headers break
at syllables with a hyphen, dates never break inside a cell."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from decimal import Decimal

import pytest
from reportlab.graphics.charts.legends import Legend
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import Flowable, Spacer

from fundledger.reporting.charts import bars
from fundledger.reporting.donor_data import DonorStatementData
from fundledger.reporting.donor_pdf import render_donor_statement
from fundledger.reporting.grid import Grid
from fundledger.reporting.hyphenation import header_lines
from fundledger.reporting.i18n import LANGUAGES, Language
from fundledger.reporting.issue import Issue
from fundledger.reporting.pdf import (
    BOLD,
    FONT,
    Metadata,
    build_pdf,
    clean,
    figure_table,
    heading,
    note,
    para,
    register_fonts,
    running_decorator,
    subheading,
)
from tests.unit.test_reporting_pdf import ISSUED, issue, reader, statement

EN = Language.of("en")
#: Heights of filler above the block under test: the block meets the foot of the page at
#: every point, from well above it to just under it.
FILLERS = range(560, 700, 12)


def pages_of(story: list[Flowable]) -> list[str]:
    document = Issue("DS-2026-0001", ISSUED, EN)
    decorate = running_decorator(document, left_header="Fund", right_header="Test")
    pdf = build_pdf(story, issue=document, metadata=Metadata("t", "a", "s", "k"),
                    decorate=decorate)  # fmt: skip
    return [" ".join(page.extract_text().split()) for page in reader(pdf).pages]


def page_with(pages: list[str], text: str) -> int:
    found = [number for number, page in enumerate(pages) if text in page]
    assert found, text
    return found[0]


@pytest.mark.parametrize("filler", FILLERS)
def test_a_heading_and_its_lead_in_stay_with_the_table(filler: int) -> None:
    rows = [(f"Activity {n}", "1,000.00") for n in range(8)]
    pages = pages_of([
        Spacer(1, filler),
        heading("Budget and its execution, 2025"),
        para("Budget: the work plan the CAJP approved for the year."),
        subheading("By activity"),
        figure_table(EN, ("Activity", "Budget"), rows, (200, 80), numeric=(1,)),
    ])  # fmt: skip
    assert page_with(pages, "Budget and its execution") == page_with(pages, "Activity 7")


@pytest.mark.parametrize("filler", FILLERS)
def test_a_short_table_is_never_split(filler: int) -> None:
    rows = [("Bank", "272,878.00"), *((f"Asset {n}", "0.00") for n in range(6)),
            ("Total assets", "272,878.00")]  # fmt: skip
    pages = pages_of([Spacer(1, filler),
                      figure_table(EN, ("", "USD"), rows, (200, 80), numeric=(1,), totals=1)])
    assert page_with(pages, "Bank") == page_with(pages, "Total assets")


@pytest.mark.parametrize("filler", [*FILLERS, 0])
def test_a_footnote_stays_with_the_end_of_its_table(filler: int) -> None:
    rows = [(f"SWIFT-{n:03d}", "1.00") for n in range(70)] + [("Total", "70.00")]
    pages = pages_of([Spacer(1, filler),
                      Grid(EN, ("Reference", "USD¹"), rows, (200, 80), numeric=(1,), totals=1),
                      note("¹ What you paid, with the bank's charges.")])  # fmt: skip
    assert page_with(pages, "What you paid") == page_with(pages, "SWIFT-069")
    for page in pages:  # and no page carries a single row of the table
        assert page.count("SWIFT-") != 1


WORDS = {"en": ("Disbursed", "Contributions", "Outstanding"),
         "es": ("Desembolsado", "Reintegrado", "Contribuciones"),
         "fr": ("Remboursé", "Décaissement", "Contributions"),
         "pt": ("Desembolsado", "Reintegrado", "Contribuições")}  # fmt: skip


@pytest.mark.parametrize("code", LANGUAGES)
def test_headers_break_at_syllables_with_a_hyphen(code: str) -> None:
    register_fonts()
    for word in WORDS[code]:
        lines = header_lines(word, 40, BOLD, 7.5, code)
        assert all(stringWidth(line, BOLD, 7.5) <= 40 for line in lines)
        assert "".join(line.removesuffix("-") for line in lines) == word
        assert all(line.endswith("-") for line in lines[:-1]), lines
    assert header_lines("Aprobado con cargo", 50, BOLD, 7.5, code) == ("Aprobado", "con cargo")


@pytest.mark.parametrize("code", ["es", "pt"])
def test_a_spanish_or_portuguese_header_reads_whole(code: str) -> None:
    text = " ".join(page.extract_text() for page in reader(
        render_donor_statement(statement(), issue(code))).pages)  # fmt: skip
    assert "Desembol-\nsado" in text or "Desembol- sado" in " ".join(text.split())
    assert "Desembols\n" not in text


@pytest.mark.parametrize("code", LANGUAGES)
def test_every_date_fits_a_date_column_on_one_line(code: str) -> None:
    register_fonts()
    language = Language.of(code)
    for month in range(1, 13):
        day = language.day(dt.date(2026, month, 28))
        assert " " not in day  # no-break spaces only
        assert stringWidth(clean(day), FONT, 7.5) <= 60 - 6, day


def test_a_portuguese_payment_line_keeps_its_date_whole() -> None:
    pdf = render_donor_statement(statement(receipts=3), issue("pt"))
    lines = [" ".join(line.split()) for page in reader(pdf).pages
             for line in page.extract_text().splitlines()]  # fmt: skip
    assert any(line.startswith("15 abr. 2025 SWIFT-0 EUR 30.000,00") for line in lines), lines


def test_a_table_of_zero_shares_is_not_printed() -> None:
    data = statement()
    uses = data.unrestricted.uses
    nothing = replace(data.unrestricted, uses=tuple(
        replace(u, years={2025: (u.used, Decimal("0.00"))}) for u in uses
    ))  # fmt: skip
    pdf = render_donor_statement(replace(data, unrestricted=nothing), issue())
    text = " ".join(" ".join(page.extract_text().split()) for page in reader(pdf).pages)
    assert "None of the unrestricted money the Fund used in the period was attributed" in text
    assert "Your share†" not in text
    assert "† Method" not in text
    assert "Method: unrestricted money is pooled" in text


def test_a_chart_legend_moves_under_a_long_title() -> None:
    register_fonts()
    series = [(name, [Decimal(1)]) for name in ("Orçamento", "Alocado", "Desembolsado", "Gasto")]
    title = "Orçamento e sua execução por órgão (USD)"
    drawing = bars(["CIM"], series, Language.of("pt"), width=400, height=170, title=title)
    legend = next(item for item in drawing.contents if isinstance(item, Legend))
    assert legend.y < 170 - 3 - 10  # a line lower than beside the title
    short = bars(["CIM"], series[:1], Language.of("pt"), width=400, height=170, title="USD")
    assert next(item for item in short.contents if isinstance(item, Legend)).y == 170 - 3


def test_a_chart_of_empty_years_is_not_drawn() -> None:
    def text(data: DonorStatementData) -> str:
        pages = reader(render_donor_statement(data, issue())).pages
        return " ".join(" ".join(page.extract_text().split()) for page in pages)

    title = "Received and used, by year (USD)"
    data = statement()
    assert title in text(data)
    zero = Decimal("0.00")
    nothing = replace(data, years=tuple(
        replace(y, received=zero, used_earmarked=zero, used_unrestricted=zero)
        for y in data.years))  # fmt: skip
    assert title not in text(nothing)
    assert "Used: your unrestricted share" in text(nothing)  # the years' table stays
