"""Fixtures of the reliability tests: the figures each test records (added up at the end
of the run by tests/reliability/figures.py), and the fund the hostile-input tests share."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from fundledger.db import Database
from tests.conftest import BACKENDS
from tests.reliability.figures import Figures
from tests.reliability.fund import seed_fund
from tests.reliability.helpers import module_database


@pytest.fixture
def figures(request: pytest.FixtureRequest) -> Iterator[Figures]:
    recorded = Figures()
    yield recorded
    request.node.user_properties.extend(recorded.properties())


@pytest.fixture(scope="session", params=BACKENDS)
def fuzzed(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Database]:
    """One seeded fund per backend for the command-line and the web fuzz; the tests
    compare before and after each try, so what earlier tries left behind does no harm."""
    database = module_database(request, tmp_path_factory, "fuzzed")
    seed_fund(database)
    yield database
    database.dispose()
