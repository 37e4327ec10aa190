"""ReportLab plumbing every statement shares: fonts, styles, tables, pages, determinism.

Rendering is deterministic: ReportLab's invariant mode, the document's date taken from
the statement's issue time (never the clock), and the PDF's ID derived from the
statement number, so the same data renders to the same bytes on any machine with the
same ReportLab. The font is Bitstream Vera, which ReportLab ships inside its package.
"""

from __future__ import annotations

import hashlib
import io
import threading
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache, partial
from pathlib import Path
from typing import Any, TypeAlias
from xml.sax.saxutils import escape

import reportlab
from reportlab.lib import colors
from reportlab.lib.enums import TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    BaseDocTemplate,
    Flowable,
    Frame,
    PageTemplate,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)
from reportlab.rl_config import _FUZZ

from fundledger.reporting import labels
from fundledger.reporting.attachments import Attachment, embed
from fundledger.reporting.hyphenation import header_lines
from fundledger.reporting.i18n import Language
from fundledger.reporting.issue import Issue
from fundledger.reporting.keeping import keep

FONT = "FundledgerSans"
BOLD = "FundledgerSans-Bold"
ITALIC = "FundledgerSans-Italic"
_FONT_FILES = {FONT: "Vera.ttf", BOLD: "VeraBd.ttf", ITALIC: "VeraIt.ttf",
               "FundledgerSans-BoldItalic": "VeraBI.ttf"}  # fmt: skip

INK = colors.HexColor("#1B1B1B")
WARNING = colors.HexColor("#B3261E")
ACCENT = colors.HexColor("#1F3A5F")
MUTED = colors.HexColor("#5A6470")
RULE = colors.HexColor("#B8C2CC")
HEADER_FILL = colors.HexColor("#E6ECF2")
TOTAL_FILL = colors.HexColor("#F3F5F7")

PAGE = A4
MARGIN = 18 * mm
WIDTH = PAGE[0] - 2 * MARGIN
#: Characters the font lacks, and what stands in for them (Babel's French grouping space).
_STAND_INS = {"\u202f": "\u00a0", "\u2009": "\u00a0", "\u2007": "\u00a0"}

#: A table cell: text, or a flowable (a wrapped paragraph).
Cell: TypeAlias = "str | Flowable"


_REGISTERING = threading.Lock()


def register_fonts() -> None:
    """Register the Vera family from ReportLab's own folder (idempotent). Under a lock,
    and only once all four faces are in: statements are rendered in server threads too,
    and a thread that saw the regular face alone would look for the bold one in vain."""
    with _REGISTERING:
        if set(_FONT_FILES) <= set(pdfmetrics.getRegisteredFontNames()):
            return
        folder = Path(reportlab.__file__).resolve().parent / "fonts"
        for name, filename in _FONT_FILES.items():
            pdfmetrics.registerFont(TTFont(name, str(folder / filename)))
        pdfmetrics.registerFontFamily(
            FONT, normal=FONT, bold=BOLD, italic=ITALIC, boldItalic="FundledgerSans-BoldItalic"
        )


@lru_cache(maxsize=1)
def _glyphs() -> frozenset[int]:
    register_fonts()
    face = pdfmetrics.getFont(FONT).face
    return frozenset(face.charToGlyph)


@lru_cache(maxsize=65536)
def clean(text: str) -> str:
    """``text`` with every character the font cannot draw replaced by its nearest
    drawable form (the letter without its accent), or ``?`` when it has none."""
    if text.isascii() and text.isprintable():
        return text
    glyphs = _glyphs()
    if all(ord(char) in glyphs for char in text):
        return text
    out = []
    for char in text:
        if ord(char) in glyphs or char in "\n\t":
            out.append(char)
        elif char in _STAND_INS:
            out.append(_STAND_INS[char])
        else:
            base = "".join(c for c in unicodedata.normalize("NFKD", char) if ord(c) in glyphs)
            out.append(base or "?")
    return "".join(out)


@dataclass(frozen=True, slots=True)
class Styles:
    #: The fund's name above a document's title (not a section: no bookmark).
    fund: ParagraphStyle
    title: ParagraphStyle
    subtitle: ParagraphStyle
    heading: ParagraphStyle
    subheading: ParagraphStyle
    body: ParagraphStyle
    note: ParagraphStyle
    cell: ParagraphStyle
    cell_bold: ParagraphStyle
    cell_right: ParagraphStyle
    header: ParagraphStyle
    header_right: ParagraphStyle
    label: ParagraphStyle


@lru_cache(maxsize=1)
def styles() -> Styles:
    register_fonts()
    base = ParagraphStyle("base", fontName=FONT, fontSize=9, leading=12, textColor=INK)
    subheading = ParagraphStyle("subheading", base, fontName=BOLD, fontSize=9, leading=12,
                                spaceBefore=6, spaceAfter=3)
    return Styles(
        fund=ParagraphStyle("fund", subheading),
        title=ParagraphStyle("title", base, fontName=BOLD, fontSize=15, leading=19,
                             textColor=ACCENT, spaceAfter=2),
        subtitle=ParagraphStyle("subtitle", base, fontSize=8.5, leading=11, textColor=MUTED),
        heading=ParagraphStyle("heading", base, fontName=BOLD, fontSize=11, leading=14,
                               textColor=ACCENT, spaceBefore=10, spaceAfter=4),
        subheading=subheading,
        body=base,
        note=ParagraphStyle("note", base, fontName=ITALIC, fontSize=7.5, leading=9.5,
                            textColor=MUTED, spaceBefore=3),
        cell=ParagraphStyle("cell", base, fontSize=7.5, leading=9),
        cell_bold=ParagraphStyle("cell_bold", base, fontName=BOLD, fontSize=7.5, leading=9),
        cell_right=ParagraphStyle("cell_right", base, fontSize=7.5, leading=9,
                                  alignment=TA_RIGHT),
        header=ParagraphStyle("header", base, fontName=BOLD, fontSize=7.5, leading=9,
                              textColor=ACCENT),
        header_right=ParagraphStyle("header_right", base, fontName=BOLD, fontSize=7.5,
                                    leading=9, textColor=ACCENT, alignment=TA_RIGHT),
        label=ParagraphStyle("label", base, fontSize=8, leading=10, textColor=MUTED),
    )  # fmt: skip


class _Paragraph(Paragraph):  # type: ignore[misc]  # ReportLab is untyped
    """A paragraph that keeps its lines for the width it was last wrapped to. A table
    wraps its cells each time it is measured (to keep it whole, to split it, to draw
    it), and a paragraph's lines at one width are always the same: breaking them again
    was 5-10 % of a donor statement's CPU time. A split makes new paragraphs, which
    break anew."""

    _wrapped: tuple[float, float, float, Any, Any] | None = None

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        last = self._wrapped
        if last is not None and last[0] == available_width:
            _width, self.width, self.height, self.blPara, self._wrapWidths = last
            return self.width, self.height
        size: tuple[float, float] = super().wrap(available_width, available_height)
        if available_width >= _FUZZ:  # else ReportLab only said it cannot fit
            self._wrapped = (available_width, self.width, self.height, self.blPara,
                             self._wrapWidths)  # fmt: skip
        return size


def para(text: str, style: ParagraphStyle | None = None) -> Paragraph:
    """A paragraph of plain text (escaped: names with ``&`` or ``<`` print as written)."""
    return _Paragraph(escape(clean(text)), style or styles().body)


def rich(markup: str, style: ParagraphStyle | None = None) -> Paragraph:
    """A paragraph of trusted markup (``<b>``, ``<super>``); data inside must be escaped."""
    return _Paragraph(clean(markup), style or styles().body)


def heading(text: str) -> Paragraph:
    return para(text, styles().heading)


def subheading(text: str) -> Paragraph:
    return para(text, styles().subheading)


def note(text: str) -> Paragraph:
    return para(text, styles().note)


def gap(height: float = 4) -> Spacer:
    return Spacer(1, height * mm)


def figure_table(
    language: Language,
    header: Sequence[Cell],
    rows: Sequence[Sequence[Cell]],
    widths: Sequence[float],
    *,
    numeric: Sequence[int] = (),
    totals: int = 0,
    font_size: float = 7.5,
    emphasis: Sequence[int] = (),
) -> Table:
    """A statement table: a header repeated on every page, figures right-aligned, the last
    ``totals`` rows set off as totals, ``emphasis`` rows (indexes into ``rows``) in bold.
    Header words too wide for their column are hyphenated in ``language``."""
    look = styles()
    data: list[list[Any]] = [
        [_header(language, c, widths[i], look.header_right if i in numeric else look.header)
         if isinstance(c, str) else c
         for i, c in enumerate(header)]
    ]  # fmt: skip
    data += [[_cell(c) for c in row] for row in rows]
    table = Table(data, colWidths=list(widths), repeatRows=1, hAlign="LEFT")
    commands: list[tuple[Any, ...]] = [
        ("FONT", (0, 0), (-1, -1), FONT, font_size),
        ("FONT", (0, 0), (-1, 0), BOLD, font_size),
        ("TEXTCOLOR", (0, 0), (-1, 0), ACCENT),
        ("BACKGROUND", (0, 0), (-1, 0), HEADER_FILL),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("VALIGN", (0, 0), (-1, 0), "BOTTOM"),
        ("LINEBELOW", (0, 0), (-1, 0), 0.6, ACCENT),
        ("LINEBELOW", (0, 1), (-1, -1), 0.25, RULE),
        ("TOPPADDING", (0, 0), (-1, -1), 2.2),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 2.2),
        ("LEFTPADDING", (0, 0), (-1, -1), 3),
        ("RIGHTPADDING", (0, 0), (-1, -1), 3),
    ]
    for column in numeric:
        commands.append(("ALIGN", (column, 0), (column, -1), "RIGHT"))
    if totals:
        first = len(data) - totals
        commands += [
            ("FONT", (0, first), (-1, -1), BOLD, font_size),
            ("BACKGROUND", (0, first), (-1, -1), TOTAL_FILL),
            ("LINEABOVE", (0, first), (-1, first), 0.8, INK),
        ]
    for index in emphasis:
        commands.append(("FONT", (0, index + 1), (-1, index + 1), BOLD, font_size))
    table.setStyle(TableStyle(commands))
    return table


def _header(language: Language, text: str, width: float, style: ParagraphStyle) -> Paragraph:
    room = width - 6  # the cell's padding, both sides
    lines = header_lines(clean(text), room, style.fontName, style.fontSize, language.code)
    return _Paragraph("<br/>".join(escape(line) for line in lines), style)


def _cell(value: Cell) -> Any:
    return clean(value) if isinstance(value, str) else value


def key_values(rows: Sequence[tuple[str, str]], widths: tuple[float, float]) -> Table:
    """A two-column block of labels and values (the statement's particulars)."""
    data = [[para(label, styles().label), para(value)] for label, value in rows]
    table = Table(data, colWidths=list(widths))
    table.setStyle(TableStyle([
        ("FONT", (0, 0), (-1, -1), FONT, 9),  # else the cells name Helvetica, not embedded
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LEFTPADDING", (0, 0), (-1, -1), 0),
        ("TOPPADDING", (0, 0), (-1, -1), 1),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 1),
    ]))  # fmt: skip
    return table


#: Draws a page's running header and footer, given the page number and the page count.
Decorator = Callable[[Canvas, int, int], None]


@dataclass(frozen=True, slots=True)
class _Mark:
    """An outline entry (bookmark): its title, depth, and where on its page it points."""

    page: int
    title: str
    level: int
    top: float


class _NumberedCanvas(Canvas):  # type: ignore[misc]  # ReportLab is untyped
    """Holds every page until the end, so each can say "page X of Y".

    Bookmarks are held with their page too: ReportLab points a bookmark at the page it
    is writing out, and no page is written out before :meth:`save`."""

    def __init__(
        self, *args: Any, decorate: Decorator, issue: Issue,
        attachments: Sequence[Attachment], **kwargs: Any,
    ) -> None:  # fmt: skip
        super().__init__(*args, **kwargs)
        self._decorate = decorate
        self._attachments = attachments
        self._held: list[dict[str, Any]] = []
        self._marks: list[_Mark] = []
        _pin(self, issue)

    def mark(self, title: str, level: int, top: float) -> None:
        """Bookmark the current page at height ``top`` under ``title``."""
        deepest = self._marks[-1].level + 1 if self._marks else 0
        self._marks.append(_Mark(len(self._held), title, min(level, deepest), top))

    def showPage(self) -> None:  # ReportLab's name
        self._held.append(dict(self.__dict__))
        self._startPage()

    def save(self) -> None:
        total = len(self._held)
        marks = self._marks
        for number, state in enumerate(self._held, start=1):
            self.__dict__.update(state)
            self._decorate(self, number, total)
            for index, mark in enumerate(marks):
                if mark.page == number - 1:
                    key = f"section-{index + 1}"
                    self.bookmarkPage(key, fit="XYZ", top=round(mark.top, 2))
                    self.addOutlineEntry(mark.title, key, level=mark.level)
            super().showPage()
        if marks:
            self.showOutline()
        embed(self._doc, self._attachments)
        super().save()


def _pin(canvas: Canvas, issue: Issue) -> None:
    """Make the bytes depend on the statement, not on when or where it is rendered.

    Invariant mode already fixes ReportLab's timestamp, but it still reads
    ``SOURCE_DATE_EPOCH`` into the document ID; the ID is reseeded from the number and
    the issue time, and the metadata dates are the issue time.
    """
    moment = issue.moment
    stamp = moment.strftime("D:%Y%m%d%H%M%S+00'00'")
    canvas.setDateFormatter(lambda *_fields: stamp)
    seed = f"fundledger statement {issue.number} {moment.isoformat()}".encode()
    canvas._doc.signature = hashlib.md5(seed, usedforsecurity=False)


@dataclass(frozen=True, slots=True)
class Metadata:
    title: str
    author: str
    #: The statement number: how ``statement verify`` tells a copy that claims to be ours.
    subject: str
    keywords: str


def build_pdf(
    story: Sequence[Flowable],
    *,
    issue: Issue,
    metadata: Metadata,
    decorate: Decorator,
    attachments: Sequence[Attachment] = (),
) -> bytes:
    """Lay ``story`` out on A4 pages, attach ``attachments``, return the PDF's bytes."""
    register_fonts()
    buffer = io.BytesIO()
    document = _Document(
        buffer,
        pagesize=PAGE,
        leftMargin=MARGIN,
        rightMargin=MARGIN,
        topMargin=MARGIN + 6 * mm,
        bottomMargin=MARGIN + 4 * mm,
        title=clean(metadata.title),
        author=clean(metadata.author),
        subject=metadata.subject,
        keywords=metadata.keywords,
        creator="fundledger",
        producer="fundledger (ReportLab)",
        invariant=1,
        pageCompression=1,
        lang=issue.language.code,
        # Else ReportLab's canvas names Helvetica on every page, a font not embedded.
        initialFontName=FONT,
    )
    frame = Frame(
        document.leftMargin, document.bottomMargin, document.width, document.height,
        leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=0, id="body",
    )  # fmt: skip
    document.addPageTemplates([PageTemplate(id="page", frames=[frame])])
    document.build(
        keep(story, document.height),
        canvasmaker=partial(_NumberedCanvas, decorate=decorate, issue=issue,
                            attachments=attachments),
    )
    return buffer.getvalue()


#: The outline's depth of each heading style: a bookmark per section and subsection.
_OUTLINE = {"heading": 0, "subheading": 1}


class _Document(BaseDocTemplate):  # type: ignore[misc]  # ReportLab is untyped
    """A document whose headings are its outline (the reader's bookmarks)."""

    def afterFlowable(self, flowable: Flowable) -> None:  # ReportLab's name
        if isinstance(flowable, Paragraph) and flowable.style.name in _OUTLINE:
            top = self.frame._y + flowable.height + flowable.getSpaceAfter()
            self.canv.mark(flowable.getPlainText(), _OUTLINE[flowable.style.name], top)


def running_decorator(issue: Issue, *, left_header: str, right_header: str) -> Decorator:
    """The standard header (fund and document) and footer (number, date, page X of Y),
    and above the header its status (interim, unaudited or final): on every page, so
    no page can pass for more final than it is."""
    language = issue.language
    header_left, header_right = clean(left_header), clean(right_header)
    footer_left = clean(
        f"{issue.number} · "
        + language.gettext("Issued on %(date)s", date=language.date(issue.moment.date(), "long"))
    )
    banner = clean(labels.status_banner(language, issue.status))

    def decorate(canvas: Canvas, page: int, total: int) -> None:
        canvas.saveState()
        top = PAGE[1] - MARGIN + 1 * mm
        canvas.setFont(FONT, 7)
        canvas.setFillColor(MUTED)
        canvas.drawString(MARGIN, top, header_left)
        canvas.drawRightString(PAGE[0] - MARGIN, top, header_right)
        canvas.setStrokeColor(RULE)
        canvas.setLineWidth(0.5)
        canvas.line(MARGIN, top - 2 * mm, PAGE[0] - MARGIN, top - 2 * mm)
        bottom = MARGIN - 2 * mm
        canvas.line(MARGIN, bottom + 4 * mm, PAGE[0] - MARGIN, bottom + 4 * mm)
        canvas.drawString(MARGIN, bottom, footer_left)
        pages = clean(language.gettext("Page %(page)s of %(pages)s", page=page, pages=total))
        canvas.drawRightString(PAGE[0] - MARGIN, bottom, pages)
        canvas.setFont(BOLD, 8)
        canvas.setFillColor(WARNING if issue.interim else ACCENT)
        canvas.drawCentredString(PAGE[0] / 2, top + 4 * mm, banner)
        canvas.restoreState()

    return decorate
