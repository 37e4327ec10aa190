"""Fixtures for driving the ``fundledger`` command against the test database."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from fundledger.cli.main import cli
from fundledger.db import Database


@pytest.fixture
def run(database: Database, tmp_path: Path) -> Callable[..., Result]:
    """Run ``fundledger ARGS`` against the test database, as an operator would."""
    runner = CliRunner()
    env = {"FUNDLEDGER_DATABASE_URL": database.url,
           "FUNDLEDGER_DOCUMENTS_DIR": str(tmp_path / "documents")}  # fmt: skip

    def invoke(*args: str, stdin: str | bytes | None = None) -> Result:
        return runner.invoke(cli, list(args), input=stdin, env=env,
                             catch_exceptions=False)  # fmt: skip

    return invoke
