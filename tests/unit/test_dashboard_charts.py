"""The dashboards' SVG bar charts: well-formed, escaped, scaled to the figures."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from decimal import Decimal

import pytest

from fundledger.dashboards.charts import Series, bar_chart, nice_step

SVG = "{http://www.w3.org/2000/svg}"


def parse(markup: str) -> ET.Element:
    return ET.fromstring(markup)  # noqa: S314 - our own markup


def bars(svg: ET.Element) -> dict[str, tuple[Decimal, Decimal]]:
    """Each bar's tooltip → (top y, height)."""
    return {
        title.text or "": (Decimal(rect.get("y", "")), Decimal(rect.get("height", "")))
        for rect in svg.iter(f"{SVG}rect")
        if (title := rect.find(f"{SVG}title")) is not None
    }


@pytest.mark.parametrize(
    ("top", "step"),
    [("54378", "20000"), ("100000", "20000"), ("7", "2"), ("0.5", "0.1"), ("1", "0.2"),
     ("0", "1"), ("999", "200")],
)  # fmt: skip
def test_steps_are_round_and_give_at_most_five_gridlines(top: str, step: str) -> None:
    assert nice_step(Decimal(top)) == Decimal(step)
    assert Decimal(top) / Decimal(step) <= 5


def test_bars_are_scaled_to_their_amounts() -> None:
    svg = parse(bar_chart("Money", ["2025", "2026"], [
        Series("In", [Decimal("100000.00"), Decimal("50000.00")]),
        Series("Out", [Decimal("25000.00"), Decimal("0.00")]),
    ]))  # fmt: skip
    found = bars(svg)
    assert set(found) == {"2025, In: 100,000.00", "2026, In: 50,000.00",
                          "2025, Out: 25,000.00", "2026, Out: 0.00"}  # fmt: skip
    full = found["2025, In: 100,000.00"][1]
    assert found["2026, In: 50,000.00"][1] * 2 == full
    assert found["2025, Out: 25,000.00"][1] * 4 == full
    assert found["2026, Out: 0.00"][1] == 0
    labels = [text.text for text in svg.iter(f"{SVG}text")]
    assert labels[:6] == ["0", "20k", "40k", "60k", "80k", "100k"]
    assert labels[-4:] == ["2025", "2026", "In", "Out"]


def test_a_negative_amount_hangs_below_the_zero_line() -> None:
    svg = parse(bar_chart("Net", ["2025"], [Series("Pledged", [Decimal("-3500.00")]),
                                            Series("Paid", [Decimal("7000.00")])]))  # fmt: skip
    found = bars(svg)
    below_top, below = found["2025, Pledged: -3,500.00"]
    above_top, above = found["2025, Paid: 7,000.00"]
    assert abs(above - below * 2) <= Decimal("0.2"), "to the tenth of a pixel"
    assert abs(below_top - (above_top + above)) <= Decimal("0.1"), "both start from zero"


def test_text_is_escaped_and_the_title_labels_the_chart() -> None:
    markup = bar_chart('<Fund> & "donors"', ["<2025>"], [Series("A & B", [Decimal(1)])],
                       chart_id="c1")  # fmt: skip
    svg = parse(markup)
    assert svg.get("aria-labelledby") == "c1-title"
    title = svg.find(f"{SVG}title")
    assert title is not None
    assert title.text == '<Fund> & "donors"'
    assert "<2025>, A & B: 1.00" in bars(svg)


def test_nothing_but_zeros_still_draws_an_axis() -> None:
    svg = parse(bar_chart("Empty", ["2025"], [Series("In", [Decimal(0)])]))
    [(_top, height)] = bars(svg).values()
    assert height == 0
    assert [t.text for t in svg.iter(f"{SVG}text")] == ["0", "1", "2025", "In"]


def test_every_series_needs_a_value_per_category() -> None:
    with pytest.raises(ValueError, match="one value per category"):
        bar_chart("Bad", ["2025", "2026"], [Series("In", [Decimal(1)])])
