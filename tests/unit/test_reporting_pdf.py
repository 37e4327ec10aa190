"""The renderers on their own: data in, bytes out, no database."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import pypdf
import pytest
from reportlab.pdfbase.pdfmetrics import stringWidth

from fundledger.reporting.charts import bars
from fundledger.reporting.donor_data import (
    DonorDetails,
    DonorStatementData,
    FundSummary,
    Movement,
    OutstandingLine,
    PledgeLine,
    ReceiptLine,
    RollForward,
)
from fundledger.reporting.donor_pdf import render_donor_statement
from fundledger.reporting.figures import AccountInfo, Position
from fundledger.reporting.grid import Grid, wrap_text
from fundledger.reporting.i18n import Language
from fundledger.reporting.issue import Issue
from fundledger.reporting.pack_data import PackData, PoolImpact, PoolLine, Proposal
from fundledger.reporting.pack_pdf import render_meeting_pack
from fundledger.reporting.pdf import FONT, clean, register_fonts
from fundledger.reporting.queries import claimed_number
from fundledger.reporting.uses import (
    AllocationInfo,
    AllocationUse,
    PoolUse,
    SharedUse,
    UnrestrictedShare,
    YearFigures,
)
from tests.pdf_structure import fonts

D = Decimal
ISSUED = dt.datetime(2026, 1, 15, 9, 45, 30, tzinfo=dt.UTC)
LONG_NAME = (
    "Fundação de Cooperação Internacional para os Direitos Humanos dos Trabalhadores Migrantes "
    "de São Tomé e Príncipe, Côte d'Ivoire, Perú e Québec — Secretaria Executiva Regional "
    "para as Américas e o Caribe & Associados <Consórcio>"
)


def allocation(number: int = 7) -> AllocationInfo:
    return AllocationInfo(number, 5, "Conduct research on female migration and its impact on "
                          "family structure", "CIM", "Inter-American Commission of Women (CIM)",
                          "Research", dt.date(2025, 3, 18), "CP/CAJP-0000/25")  # fmt: skip


def statement(name: str = "Perú", receipts: int = 2) -> DonorStatementData:
    paid = [
        ReceiptLine(dt.date(2025, 4, 15), f"SWIFT-{n}", "EUR", D("30000.00"), D("20.00"),
                    D("1.1000"), D("33000.00"), D("22.00"), D("32550.00"), D("0.00"), None,
                    D("0.00"))
        for n in range(receipts)
    ]  # fmt: skip
    pool = PoolUse(
        "activity:5", D("0.00"), (("received", D("50000.00")), ("disbursed", D("-35000.00")),
                                  ("returned", D("3500.00"))),
        D("18500.00"), D("0.00"), False, D("0.00"),
        (AllocationUse(allocation(), D("35000.00"), D("35000.00"), D("31500.00"),
                       D("3500.00"), D("0.00")),),
    )  # fmt: skip
    shared = UnrestrictedShare(
        D("100000.00"), D("400000.00"),
        (SharedUse(allocation(8), {2025: (D("60000.00"), D("15000.00"))}),),
    )  # fmt: skip
    accounts = {"1010": AccountInfo("1010", "Bank", "asset"),
                "2100": AccountInfo("2100", "Unapplied donor credits", "liability")}  # fmt: skip
    return DonorStatementData(
        donor=DonorDetails("PER", name, "member_state", "PE", "es"),
        start=dt.date(2025, 1, 1),
        end=dt.date(2025, 12, 31),
        receivable=RollForward(D("0.00"), (Movement("pledged", D("54250.00")),
                                           Movement("settled_by_payments", D("-32550.00"))),
                               D("21700.00")),
        unapplied=RollForward(D("0.00"), (), D("0.00")),
        pledges=(PledgeLine(dt.date(2025, 2, 10), "NV-1", None, "EUR", D("50000.00"),
                            D("1.0850"), D("54250.00"), None),),
        reductions=(),
        receipts=tuple(paid),
        outstanding=(OutstandingLine(dt.date(2025, 2, 10), "NV-1", None, None, "EUR",
                                     D("20000.00"), D("21700.00")),),
        earmarked=(pool,),
        unrestricted=shared,
        years=(YearFigures(2025, D("66000.00"), D("31500.00"), D("15000.00")),),
        fund=FundSummary(D("504250.00"), D("131500.00"), accounts,
                         Position(dt.date(2025, 12, 31), {"1010": D("272878.00")},
                                  {"2100": D("0.00")}, D("254378.00"), D("18500.00")),
                         D("0.00"), D("254378.00")),
        credit_exchange=D("0.00"),
        revaluation=D("0.00"),
    )  # fmt: skip


def issue(language: str = "en", number: str = "DS-2026-0042") -> Issue:
    return Issue(number, ISSUED, Language.of(language))


def reader(pdf: bytes) -> pypdf.PdfReader:
    return pypdf.PdfReader(io.BytesIO(pdf))


def text_of(pdf: bytes) -> str:
    return " ".join(" ".join(page.extract_text().split()) for page in reader(pdf).pages)


def test_a_donor_statement_prints_its_figures_and_particulars() -> None:
    pdf = render_donor_statement(statement(), issue("es"))
    text = text_of(pdf)
    for expected in ("Estado de cuenta del donante", "Perú (PER)", "54.250,00", "33.000,00",
                     "1,0850", "21.700,00", "18.500,00", "CP/CAJP-0000/25", "15.000,00",
                     "25,00 %", "15 de enero de 2026, 09:45 UTC", "DS-2026-0042",
                     "AG/RES. 2141 (XXXV-O/05)"):  # fmt: skip
        assert expected in text, expected
    pages = reader(pdf).pages
    assert f"Página 1 de {len(pages)}" in text
    assert f"Página {len(pages)} de {len(pages)}" in text


def test_metadata_names_the_statement_and_its_date() -> None:
    pdf = render_donor_statement(statement(), issue())
    metadata = reader(pdf).metadata
    assert metadata is not None
    assert metadata["/Subject"] == "DS-2026-0042"
    assert metadata["/Keywords"] == "fundledger-statement DS-2026-0042"
    assert metadata["/CreationDate"] == "D:20260115094530+00'00'"
    assert metadata["/Title"] == "Donor statement DS-2026-0042"
    assert claimed_number(pdf) == "DS-2026-0042"


def test_rendering_is_deterministic(monkeypatch: pytest.MonkeyPatch) -> None:
    first = render_donor_statement(statement(), issue("fr"))
    assert render_donor_statement(statement(), issue("fr")) == first
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1600000000")
    assert render_donor_statement(statement(), issue("fr")) == first
    assert render_donor_statement(statement(), issue("fr", "DS-2026-0043")) != first


def test_long_and_accented_names_wrap_inside_the_page() -> None:
    pdf = render_donor_statement(statement(LONG_NAME, receipts=80), issue("pt"))
    text = text_of(pdf)
    for accented in ("São Tomé", "Côte d'Ivoire", "Perú", "Québec", "& Associados <Consórcio>"):
        assert accented in text, accented
    pages = reader(pdf).pages
    assert len(pages) > 2
    width = float(pages[0].mediabox.width)
    for page in pages:
        starts: list[float] = []

        def note_start(text: str, _cm: object, tm: list[float], *_: object,
                       into: list[float] = starts) -> None:  # fmt: skip
            if text.strip():
                into.append(tm[4])

        page.extract_text(visitor_text=note_start)
        assert starts
        assert max(starts) < width - 40


def test_the_receipts_header_repeats_on_each_page_of_the_table() -> None:
    pdf = render_donor_statement(statement(receipts=120), issue())
    pages = [" ".join(page.extract_text().split()) for page in reader(pdf).pages]
    spanned = [page for page in pages if "SWIFT-" in page]
    assert len(spanned) >= 3
    assert all("Value date" in page and "Amount paid" in page for page in spanned)


def test_a_meeting_pack() -> None:
    pack = PackData(
        meeting=dt.date(2026, 3, 10), as_of=ISSUED, counts_receivables=False,
        indirect_rate=D("0.07"),
        pools=(PoolLine("unrestricted", D("300000.00"), D("0.00")),
               PoolLine("MEX/activity:5", D("18500.00"), D("5000.00"))),
        proposals=(Proposal(12, 5, "Conduct research", "CIM", "Inter-American Commission of "
                            "Women (CIM)", "Study", dt.date(2026, 1, 1), dt.date(2026, 12, 31),
                            D("20000.00"), D("21400.00"), dt.date(2026, 2, 1),
                            (PoolImpact("MEX/activity:5", D("13500.00"), D("0.00")),
                             PoolImpact("unrestricted", D("300000.00"), D("292100.00"))),
                            True, gender_marker=2),),
    )  # fmt: skip
    pdf = render_meeting_pack(pack, issue("en", "CP-2026-0001"))
    assert all(font.embedded for font in fonts(pdf))
    text = text_of(pdf)
    for expected in ("CAJP meeting pack", "March 10, 2026", "7.00%", "21,400.00",
                     "MEX — Activity 5", "13,500.00", "7,900.00", "292,100.00",
                     "Its pools cover approval in full.", "318,500.00",
                     "Gender-equality marker (OECD DAC)", "2 — principal objective"):  # fmt: skip
        assert expected in text, expected


def test_text_the_font_cannot_draw_falls_back_to_plain_letters() -> None:
    assert clean("Côte d'Ivoire, São Tomé, Perú, Québec, Haïti") == (
        "Côte d'Ivoire, São Tomé, Perú, Québec, Haïti"
    )
    assert clean("54\u202f250,00") == "54\u00a0250,00"
    assert clean("Győr") == "Gyor"
    assert clean("東京") == "??"


def test_a_chart_with_nothing_to_show() -> None:
    register_fonts()
    drawing = bars(["2025"], [("Received", [D(0)]), ("Used", [D(0)])], Language.of("en"),
                   width=400, height=150, title="Received and used")  # fmt: skip
    assert drawing.width == 400


def test_grid_cells_never_run_past_their_column() -> None:
    register_fonts()
    for text in ("x" * 120, "Fondation du Québec pour les droits des migrants " * 3, "—"):
        lines = wrap_text(text, 50, FONT, 7.5)
        assert "".join(lines).replace(" ", "") == text.replace(" ", "")
        assert all(stringWidth(line, FONT, 7.5) <= 50 for line in lines)


def test_grid_splits_by_rows_and_keeps_the_total_with_a_row() -> None:
    rows = [("Pledge", "1.00")] * 40 + [("Total", "40.00")]
    grid = Grid(Language.of("en"), ("What", "USD"), rows, (120, 60), numeric=(1,), totals=1)
    _width, height = grid.wrap(500, 10_000)
    first, rest = grid.split(500, height / 2)
    assert first.wrap(500, 10_000)[1] <= height / 2
    assert first.wrap(500, 10_000)[1] + rest.wrap(500, 10_000)[1] > height  # two headers
    row = height / 42  # the header, 40 rows and the total, each one line high
    _head, tail = grid.split(500, height - row / 2)  # everything but the total fits
    assert tail.wrap(500, 10_000)[1] == pytest.approx(3 * row)  # a row goes with the total
    assert grid.split(500, 5) == []
    assert grid.split(500, height) == [grid]
