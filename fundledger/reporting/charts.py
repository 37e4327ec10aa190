"""Bar charts (ReportLab graphics) for the statements.

Charts only illustrate: every figure behind a bar is printed in a table next to it, so
the values are drawn as floats and never read back.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from reportlab.graphics.charts.barcharts import HorizontalBarChart, VerticalBarChart
from reportlab.graphics.charts.legends import Legend
from reportlab.graphics.shapes import Drawing, String
from reportlab.lib import colors
from reportlab.pdfbase.pdfmetrics import stringWidth

from fundledger.reporting.i18n import Language
from fundledger.reporting.pdf import ACCENT, BOLD, FONT, INK, MUTED, RULE, clean

PALETTE = (ACCENT, colors.HexColor("#4F8A8B"), colors.HexColor("#D9A441"),
           colors.HexColor("#9AA5B1"))  # fmt: skip


def _step(top: float) -> float:
    """A round tick step giving four to eight ticks up to ``top``."""
    if top <= 0:
        return 1.0
    step = 1.0
    while top / step > 8:
        for factor in (2, 2.5, 2):
            step *= factor
            if top / step <= 8:
                break
    return step


def bars(
    categories: Sequence[str],
    series: Sequence[tuple[str, Sequence[Decimal]]],
    language: Language,
    *,
    width: float,
    height: float,
    title: str,
    horizontal: bool = False,
) -> Drawing:
    """Grouped bars: one group per category, one bar per series, legend below."""
    drawing = Drawing(width, height)
    drawing.initialFontName = FONT  # the renderer's own default is Helvetica, not embedded
    drawing.add(String(0, height - 10, clean(title), fontName=BOLD, fontSize=8.5,
                       fillColor=INK))  # fmt: skip
    # The legend sits right of the title, or under it when the two would overlap.
    key_width = len(series) * (22 + max(stringWidth(clean(name), FONT, 7) for name, _ in series))
    below = 14 if stringWidth(clean(title), BOLD, 8.5) + key_width + 12 > width else 0
    values = [[float(v) for v in amounts] for _, amounts in series]
    top = max([0.0, *(v for row in values for v in row)])
    low = min([0.0, *(v for row in values for v in row)])
    step = _step(max(top, -low, 1.0))
    chart = HorizontalBarChart() if horizontal else VerticalBarChart()
    if horizontal:
        chart.x, chart.y = 120, 16
        chart.width, chart.height = width - 130, height - 40 - below
    else:
        chart.x, chart.y = 48, 20
        chart.width, chart.height = width - 56, height - 44 - below
    chart.data = values
    chart.groupSpacing = 6
    chart.barSpacing = 1
    chart.strokeColor = None
    for index in range(len(series)):
        chart.bars[index].fillColor = PALETTE[index % len(PALETTE)]
        chart.bars[index].strokeColor = None
    value_axis, category_axis = chart.valueAxis, chart.categoryAxis
    value_axis.valueMin = (low // step) * step if low < 0 else 0
    value_axis.valueMax = max(step, -(-top // step) * step)
    value_axis.valueStep = step
    value_axis.labels.fontName = FONT
    value_axis.labels.fontSize = 6.5
    value_axis.labels.fillColor = MUTED
    value_axis.labelTextFormat = lambda value: clean(language.integer(int(value)))
    value_axis.strokeColor = RULE
    value_axis.gridStrokeColor = RULE
    value_axis.gridStrokeWidth = 0.25
    value_axis.visibleGrid = True
    category_axis.categoryNames = [clean(name) for name in categories]
    category_axis.labels.fontName = FONT
    category_axis.labels.fontSize = 6.5
    category_axis.labels.fillColor = INK
    category_axis.strokeColor = RULE
    if horizontal:
        category_axis.labels.boxAnchor = "e"
        category_axis.labels.dx = -3
        category_axis.reverseDirection = True
    else:
        category_axis.labels.boxAnchor = "n"
        category_axis.labels.dy = -3
    drawing.add(chart)
    legend = Legend()
    legend.x, legend.y = width, height - 3 - below
    legend.boxAnchor = "ne"
    legend.alignment = "right"
    legend.columnMaximum = 1
    legend.dx, legend.dy = 7, 7
    legend.dxTextSpace = 4
    legend.fontName = FONT
    legend.fontSize = 7
    legend.strokeColor = None
    legend.colorNamePairs = [
        (PALETTE[index % len(PALETTE)], clean(name)) for index, (name, _) in enumerate(series)
    ]
    legend.deltax = 22 + max(stringWidth(clean(name), FONT, 7) for name, _ in series)
    drawing.add(legend)
    return drawing
