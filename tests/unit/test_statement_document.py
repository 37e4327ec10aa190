"""A statement as a document: fonts inside it, its language, metadata and bookmarks."""

from __future__ import annotations

import pytest

from fundledger.reporting import labels
from fundledger.reporting.donor_pdf import render_donor_statement
from fundledger.reporting.i18n import Language
from tests.pdf_structure import fonts, language, outline, reader
from tests.unit.test_reporting_pdf import issue, statement

TITLES = {"en": "Donor statement", "es": "Estado de cuenta del donante",
          "fr": "Relevé du donateur", "pt": "Extrato do doador"}  # fmt: skip
SECTIONS = {
    "en": ["Summary", "Pledges signed in the period", "Payments received in the period",
           "Outstanding pledges at December 31, 2025", "How your contributions were used",
           "Earmarked contributions", "Unrestricted contributions", "The Fund as a whole",
           "Issue and status"],
    "pt": ["Resumo", "Promessas de contribuição assinadas no período",
           "Pagamentos recebidos no período", "Promessas pendentes em 31 de dezembro de 2025",
           "Uso das contribuições", "Contribuições com destinação específica",
           "Contribuições sem restrição", "O Fundo como um todo", "Emissão e situação"],
}  # fmt: skip


@pytest.mark.parametrize("code", ["en", "es", "fr", "pt"])
def test_every_font_is_embedded_and_the_language_is_declared(code: str) -> None:
    pdf = render_donor_statement(statement(receipts=40), issue(code))
    used = fonts(pdf)
    assert {font.name.split("+")[-1] for font in used} >= {
        "BitstreamVeraSans-Roman", "BitstreamVeraSans-Bold", "BitstreamVeraSans-Oblique"
    }  # fmt: skip
    assert all(font.embedded for font in used), used
    assert language(pdf) == code
    metadata = reader(pdf).metadata
    assert metadata is not None
    assert metadata["/Title"] == f"{TITLES[code]} DS-2026-0042"
    assert metadata["/Subject"] == "DS-2026-0042"
    assert metadata["/Author"] == labels.fund_name(Language.of(code))


@pytest.mark.parametrize("code", ["en", "pt"])
def test_each_section_is_a_bookmark_that_opens_its_page(code: str) -> None:
    pdf = render_donor_statement(statement(receipts=80), issue(code))
    entries = outline(pdf)
    assert [title for _depth, title, _page in entries] == SECTIONS[code]
    depth = {title: d for d, title, _page in entries}
    assert depth[SECTIONS[code][5]] == depth[SECTIONS[code][6]] == 1  # under "how used"
    pages = [" ".join(page.extract_text().split()) for page in reader(pdf).pages]
    for _depth, title, page in entries:
        assert title in pages[page - 1], (title, page)
    assert reader(pdf).trailer["/Root"]["/PageMode"] == "/UseOutlines"
