"""Grouped bar charts as inline SVG, drawn on the server.

The pages run no JavaScript to draw (their one script moves the focus to a form's errors) and
the Content-Security-Policy allows no inline style, so
a chart is plain SVG markup with presentation attributes. Charts only illustrate: every
amount behind a bar is also printed in a table beside it, and each bar carries its exact
amount in a ``<title>`` (a tooltip, and what a screen reader says). Geometry is computed
in ``Decimal`` like every other figure here; every piece of markup is a ``Markup``
template whose ``format`` escapes what goes into it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from markupsafe import Markup

#: Colours with at least 3:1 contrast against white, distinct for common colour blindness.
PALETTE = ("#12355b", "#4f8a8b", "#d9a441", "#8c4f9f", "#a4161a", "#5c6b73", "#2e7d32")
ZERO = Decimal(0)
_PIXEL = Decimal("0.1")
#: Room for the value axis labels (left), the category labels (below) and the legend.
_LEFT, _RIGHT, _TOP, _BOTTOM, _LEGEND_ROW = 56, 8, 12, 28, 24


@dataclass(frozen=True, slots=True)
class Series:
    """One bar in every group: a label for the legend and one amount per category."""

    label: str
    values: Sequence[Decimal]


def nice_step(top: Decimal) -> Decimal:
    """A round step (1, 2, 2.5 or 5 times a power of ten) giving at most five gridlines
    up to ``top``."""
    if top <= 0:
        return Decimal(1)
    magnitude = Decimal(1).scaleb(top.adjusted())
    for factor in ("0.2", "0.25", "0.5", "1", "2", "2.5", "5", "10"):
        step = magnitude * Decimal(factor)
        if top / step <= 5:
            return step
    raise AssertionError("a step of ten times the magnitude always fits")  # pragma: no cover


def bar_chart(
    title: str,
    categories: Sequence[str],
    series: Sequence[Series],
    *,
    width: int = 640,
    height: int = 300,
    chart_id: str = "chart",
    amount_text: Callable[[Decimal], str] = lambda amount: f"{amount:,.2f}",
) -> Markup:
    """An accessible SVG of grouped bars: one group per category, one bar per series;
    ``amount_text`` writes each bar's exact amount (in the reader's language)."""
    if any(len(s.values) != len(categories) for s in series):
        raise ValueError("every series needs one value per category")
    values = [v for s in series for v in s.values]
    top = max([ZERO, *values])
    low = min([ZERO, *values])
    step = nice_step(max(top, -low))
    axis_top = _ceil(top / step) * step if top > 0 else ZERO
    axis_low = -_ceil(-low / step) * step if low < 0 else ZERO
    if axis_top == axis_low:
        axis_top = step
    legend_rows = -(-len(series) // 3)
    plot_left, plot_top = Decimal(_LEFT), Decimal(_TOP)
    plot_width = Decimal(width - _LEFT - _RIGHT)
    plot_height = Decimal(height - _TOP - _BOTTOM - _LEGEND_ROW * legend_rows)
    scale = plot_height / (axis_top - axis_low)

    def y(amount: Decimal) -> Decimal:
        return plot_top + (axis_top - amount) * scale

    parts = [
        Markup(
            '<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" '
            'viewBox="0 0 {} {}" width="100%" aria-labelledby="{}-title" '
            'font-family="system-ui, sans-serif" font-size="15"><title id="{}-title">{}</title>'
        ).format(width, height, chart_id, chart_id, title)
    ]
    tick = axis_low
    while tick <= axis_top:
        ty = _px(y(tick))
        parts.append(
            Markup(
                '<line x1="{}" y1="{}" x2="{}" y2="{}" stroke="{}" stroke-width="1"/>'
                '<text x="{}" y="{}" text-anchor="end" dominant-baseline="middle" '
                'fill="#4a5560">{}</text>'
            ).format(
                _px(plot_left),
                ty,
                _px(plot_left + plot_width),
                ty,
                "#1b1f24" if tick == 0 else "#c9d1da",
                _px(plot_left - 6),
                ty,
                _label(tick),
            )
        )
        tick += step
    group = plot_width / max(1, len(categories))
    bar = group * Decimal("0.8") / max(1, len(series))
    for index, category in enumerate(categories):
        left = plot_left + group * index + group * Decimal("0.1")
        for number, one in enumerate(series):
            amount = one.values[index]
            top_y, bottom_y = sorted((y(amount), y(ZERO)))
            parts.append(
                Markup(
                    '<rect x="{}" y="{}" width="{}" height="{}" fill="{}">'
                    "<title>{}, {}: {}</title></rect>"
                ).format(
                    _px(left + bar * number),
                    _px(top_y),
                    _px(bar),
                    _px(bottom_y - top_y),
                    _colour(number),
                    category,
                    one.label,
                    amount_text(amount),
                )
            )
        parts.append(
            Markup('<text x="{}" y="{}" text-anchor="middle" fill="#1b1f24">{}</text>').format(
                _px(left + group * Decimal("0.4")), _px(y(axis_low) + 20), category
            )
        )
    legend_top = height - _LEGEND_ROW * legend_rows
    column = Decimal(width - _LEFT) / 3
    for number, one in enumerate(series):
        row, place = divmod(number, 3)
        lx, ly = plot_left + column * place, legend_top + _LEGEND_ROW * row + 6
        parts.append(
            Markup(
                '<rect x="{}" y="{}" width="14" height="14" fill="{}"/>'
                '<text x="{}" y="{}" fill="#1b1f24">{}</text>'
            ).format(_px(lx), ly, _colour(number), _px(lx + 20), ly + 12, one.label)
        )
    parts.append(Markup("</svg>"))
    return Markup("").join(parts)


def _colour(number: int) -> str:
    return PALETTE[number % len(PALETTE)]


def _ceil(value: Decimal) -> Decimal:
    return value.to_integral_value(rounding="ROUND_CEILING")


def _px(value: Decimal) -> str:
    return f"{value.quantize(_PIXEL):f}"


def _label(amount: Decimal) -> str:
    """An axis label: whole units, thousands or millions, e.g. ``250k``, ``1.5M``."""
    for divisor, suffix in ((Decimal(1_000_000), "M"), (Decimal(1000), "k")):
        if abs(amount) >= divisor:
            return f"{(amount / divisor).normalize():f}{suffix}"
    return f"{amount.normalize():f}"
