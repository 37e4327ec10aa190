from __future__ import annotations

import pytest

from fundledger.program.earmarks import Earmark, InvalidEarmark, parse_earmark


@pytest.mark.parametrize(
    ("text", "earmark"),
    [("activity:5", Earmark("activity", "5")), ("objective:20", Earmark("objective", "20")),
     ("organ:cim", Earmark("organ", "CIM")), (" activity:05 ", Earmark("activity", "5"))],
)  # fmt: skip
def test_valid_earmarks(text: str, earmark: Earmark) -> None:
    assert parse_earmark(text) == earmark
    assert str(parse_earmark(str(earmark))) == str(earmark)


@pytest.mark.parametrize(
    ("text", "message"),
    [("activity:33", "the fund finances 1–32"), ("activity:0", "the fund finances 1–32"),
     ("objective:21", "objectives are 1–20"), ("activity:five", "must be a number"),
     ("donor:MEX", "must be objective:N"), ("activity 5", "must be objective:N")],
)  # fmt: skip
def test_invalid_earmarks(text: str, message: str) -> None:
    with pytest.raises(InvalidEarmark, match=message):
        parse_earmark(text)
