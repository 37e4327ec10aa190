"""Fixtures of the reliability tests: the figures each test records (added up at the end
of the run by tests/reliability/figures.py)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.reliability.figures import PREFIX, Figures


@pytest.fixture
def figures(request: pytest.FixtureRequest) -> Iterator[Figures]:
    recorded = Figures()
    yield recorded
    for name, count in sorted(recorded.counts.items()):
        request.node.user_properties.append((PREFIX + name, count))
