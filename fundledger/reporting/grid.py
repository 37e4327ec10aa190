"""A fast table for long lists of transactions (a donor's pledges and payments).

ReportLab's ``Table`` re-measures every remaining row each time it splits across a page
and draws each cell as its own text object, which makes a thousand-row statement take
seconds. :class:`Grid` measures each row once, splits by index, and draws a page's
text in one text object. It looks like :func:`fundledger.reporting.pdf.figure_table`:
the header repeats on every page, figures are right-aligned, totals are set off, and
text too wide for its column wraps onto more lines (never past the column).
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from itertools import accumulate
from typing import Any

from reportlab.lib.utils import simpleSplit
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import Flowable

from fundledger.reporting.hyphenation import header_lines
from fundledger.reporting.i18n import Language
from fundledger.reporting.pdf import (
    ACCENT,
    BOLD,
    FONT,
    HEADER_FILL,
    INK,
    RULE,
    TOTAL_FILL,
    clean,
)

PAD_X = 3.0
PAD_Y = 2.2


def wrap_text(text: str, width: float, font: str, size: float) -> list[str]:
    """``text`` in lines no wider than ``width``: at spaces where it can, mid-word where a
    single word is wider than the column."""
    if _width(text, font, size) <= width:
        return [text]
    lines: list[str] = []
    for line in simpleSplit(text, font, size, width) or [""]:
        while stringWidth(line, font, size) > width and len(line) > 1:
            cut = len(line) - 1
            while cut > 1 and stringWidth(line[:cut], font, size) > width:
                cut -= 1
            lines.append(line[:cut])
            line = line[cut:]
        lines.append(line)
    return lines


@lru_cache(maxsize=65536)
def _width(text: str, font: str, size: float) -> float:
    """The width of a string (cached: dates, currencies and labels repeat down a column)."""
    return float(stringWidth(text, font, size))


@dataclass(frozen=True, slots=True)
class _Layout:
    """What every part of a split grid shares: the wrapped cells and the row heights."""

    widths: tuple[float, ...]
    numeric: frozenset[int]
    size: float
    leading: float
    header: tuple[tuple[str, ...], ...]
    header_height: float
    cells: tuple[tuple[tuple[str, ...], ...], ...]
    #: The width of each line of each cell, for right alignment.
    measures: tuple[tuple[tuple[float, ...], ...], ...]
    #: Running total of row heights: ``tops[i]`` is the height of rows ``0..i-1``.
    tops: tuple[float, ...]
    first_total: int
    bold: frozenset[int]


def _layout(
    language: Language,
    header: Sequence[str],
    rows: Sequence[Sequence[str]],
    widths: Sequence[float],
    numeric: Sequence[int],
    totals: int,
    emphasis: Sequence[int],
    size: float,
) -> _Layout:
    leading = size * 1.2
    room = [width - 2 * PAD_X for width in widths]
    first_total = len(rows) - totals
    bold = frozenset(emphasis) | frozenset(range(first_total, len(rows)))
    head = tuple(
        header_lines(clean(text), room[i], BOLD, size, language.code)
        for i, text in enumerate(header)
    )
    cells = []
    measures = []
    heights = []
    for index, row in enumerate(rows):
        font = BOLD if index in bold else FONT
        wrapped = tuple(
            tuple(wrap_text(clean(text), room[i], font, size)) for i, text in enumerate(row)
        )
        cells.append(wrapped)
        measures.append(
            tuple(tuple(_width(line, font, size) for line in lines) for lines in wrapped)
        )
        heights.append(max(len(lines) for lines in wrapped) * leading + 2 * PAD_Y)
    return _Layout(
        widths=tuple(widths), numeric=frozenset(numeric), size=size, leading=leading,
        header=head, header_height=max(len(lines) for lines in head) * leading + 2 * PAD_Y,
        cells=tuple(cells), measures=tuple(measures),
        tops=tuple(accumulate(heights, initial=0.0)),
        first_total=first_total, bold=bold,
    )  # fmt: skip


class Grid(Flowable):  # type: ignore[misc]  # ReportLab is untyped
    """Rows ``start`` to ``end`` of a laid-out table, under its header."""

    def __init__(
        self,
        language: Language,
        header: Sequence[str],
        rows: Sequence[Sequence[str]],
        widths: Sequence[float],
        *,
        numeric: Sequence[int] = (),
        totals: int = 0,
        emphasis: Sequence[int] = (),
        font_size: float = 7.5,
    ) -> None:
        super().__init__()
        self._layout = _layout(language, header, rows, widths, numeric, totals, emphasis,
                               font_size)  # fmt: skip
        self._start, self._end = 0, len(rows)
        self.width = sum(widths)
        self.hAlign = "LEFT"

    def _part(self, start: int, end: int) -> Grid:
        part: Grid = Grid.__new__(Grid)
        Flowable.__init__(part)
        part._layout, part._start, part._end = self._layout, start, end
        part.width, part.hAlign = self.width, "LEFT"
        return part

    def _rows_height(self, start: int, end: int) -> float:
        tops = self._layout.tops
        return tops[end] - tops[start]

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        self.height = self._layout.header_height + self._rows_height(self._start, self._end)
        return self.width, self.height

    def split(self, available_width: float, available_height: float) -> list[Any]:
        layout = self._layout
        room = available_height - layout.header_height
        # The last row whose bottom is within reach: bisect the running heights.
        limit = layout.tops[self._start] + room
        fits = bisect_right(layout.tops, limit, lo=self._start, hi=self._end + 1) - 1 - self._start
        rows = self._end - self._start
        if fits >= rows:
            return [self]
        if fits <= 0 or (fits == 1 and rows > 2):  # no page begins or ends on one row
            return []
        cut = self._start + fits
        if cut >= layout.first_total and fits > 1:  # never leave the totals alone on a page
            cut = max(self._start + 1, layout.first_total - 1)
        elif self._end - cut == 1 and fits > 2:
            cut -= 1
        return [self._part(self._start, cut), self._part(cut, self._end)]

    def draw(self) -> None:
        layout, canvas = self._layout, self.canv
        right = [sum(layout.widths[: i + 1]) for i in range(len(layout.widths))]
        left = [edge - width for edge, width in zip(right, layout.widths, strict=True)]
        top = self.height
        canvas.saveState()
        canvas.setFillColor(HEADER_FILL)
        canvas.rect(0, top - layout.header_height, self.width, layout.header_height, 0, 1)
        bottom_of = {}
        y = top - layout.header_height
        for index in range(self._start, self._end):
            height = self._rows_height(index, index + 1)
            bottom_of[index] = y - height
            if index >= layout.first_total:
                canvas.setFillColor(TOTAL_FILL)
                canvas.rect(0, y - height, self.width, height, 0, 1)
            y -= height
        canvas.setStrokeColor(RULE)
        canvas.setLineWidth(0.25)
        for index, bottom in bottom_of.items():
            if index < layout.first_total:
                canvas.line(0, bottom, self.width, bottom)
        canvas.setStrokeColor(ACCENT)
        canvas.setLineWidth(0.6)
        canvas.line(0, top - layout.header_height, self.width, top - layout.header_height)
        if layout.first_total in bottom_of:
            above = bottom_of[layout.first_total] + self._rows_height(
                layout.first_total, layout.first_total + 1
            )
            canvas.setStrokeColor(INK)
            canvas.setLineWidth(0.8)
            canvas.line(0, above, self.width, above)
        text = canvas.beginText()
        text.setFillColor(ACCENT)
        self._cells(text, layout.header, None, top, BOLD, left, right,
                    bottom_align=layout.header_height)  # fmt: skip
        text.setFillColor(INK)
        y = top - layout.header_height
        for index in range(self._start, self._end):
            font = BOLD if index in layout.bold else FONT
            self._cells(text, layout.cells[index], layout.measures[index], y, font, left, right)
            y = bottom_of[index]
        canvas.drawText(text)
        canvas.restoreState()

    def _cells(
        self,
        text: Any,
        cells: Sequence[Sequence[str]],
        measures: Sequence[Sequence[float]] | None,
        top: float,
        font: str,
        left: Sequence[float],
        right: Sequence[float],
        *,
        bottom_align: float | None = None,
    ) -> None:
        """Write one row's lines; header cells sit on the header's bottom edge."""
        layout = self._layout
        size, leading = layout.size, layout.leading
        text.setFont(font, size, leading)
        for column, lines in enumerate(cells):
            first = top - PAD_Y - size
            if bottom_align is not None:
                first -= bottom_align - 2 * PAD_Y - len(lines) * leading
            for number, line in enumerate(lines):
                if not line:
                    continue
                y = first - number * leading
                if column in layout.numeric:
                    width = (_width(line, font, size) if measures is None
                             else measures[column][number])  # fmt: skip
                    x = right[column] - PAD_X - width
                else:
                    x = left[column] + PAD_X
                text.setTextOrigin(x, y)
                # textOut() less its cursor advance, which measures the string again:
                # every cell starts from its own origin, and the widths are known.
                text._code.append(text._formatText(line))
