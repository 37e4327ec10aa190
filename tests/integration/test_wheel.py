"""The built wheel works on its own: installed (not editable) into a fresh virtualenv,
``fundledger init`` run from another folder finds its migrations and templates."""

from __future__ import annotations

import os
import subprocess
import sys
import sysconfig
import venv
from pathlib import Path

import pytest

REPOSITORY = Path(__file__).resolve().parents[2]


@pytest.mark.slow
def test_wheel_installs_and_initialises_from_elsewhere(tmp_path: Path) -> None:
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "-w", str(tmp_path), "."],
        cwd=REPOSITORY, check=True,
    )  # fmt: skip
    (wheel,) = tmp_path.glob("fundledger-*.whl")

    target = tmp_path / "venv"
    venv.create(target, with_pip=True)
    python = target / "bin" / "python"
    site = subprocess.run(
        [python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        capture_output=True, text=True, check=True,
    ).stdout.strip()  # fmt: skip
    # The dependencies come from this test environment, appended after the new venv's own
    # site-packages so that the wheel's copy of fundledger is the one imported.
    Path(site, "test-dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    subprocess.run([python, "-m", "pip", "install", "--quiet", "--no-deps", str(wheel)], check=True)

    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    env = {**os.environ, "FUNDLEDGER_DATABASE_URL": f"sqlite:///{elsewhere / 'fund.db'}"}

    def fundledger(*args: str) -> str:
        return subprocess.run(
            [target / "bin" / "fundledger", *args],
            cwd=elsewhere, env=env, capture_output=True, text=True, check=True,
        ).stdout  # fmt: skip

    assert fundledger("init") == "database ready: 20 accounts and 357 Program rows added\n"
    assert fundledger("verify").startswith("ledger verified: 0 entries")
    assert len(fundledger("program", "crossref", "--format", "csv").splitlines()) == 208
    where = subprocess.run(
        [python, "-c", "from fundledger.config import resource_dir as r;"
         "print(r('migrations')); print(r('templates'))"],
        cwd=elsewhere, capture_output=True, text=True, check=True,
    ).stdout.split()  # fmt: skip
    assert all(path.startswith(site) for path in where), where
    # The Program's working translations are package data too.
    summits = subprocess.run(
        [python, "-c", "from fundledger.program.translated import title;"
         "print(title('implementers', 'SUMMITS', 'Summits of the Americas Secretariat', 'fr'))"],
        cwd=elsewhere, capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    assert summits == "Secrétariat des Sommets des Amériques\n"
    # `python -m fundledger.cli` is the same command; an installed copy finds its
    # instance folder (the default database) where Flask would, without Flask.
    assert subprocess.run(
        [python, "-m", "fundledger.cli", "verify"],
        cwd=elsewhere, env=env, capture_output=True, text=True, check=True,
    ).stdout.startswith("ledger verified: 0 entries")  # fmt: skip
    same = subprocess.run(
        [python, "-c", "from flask import Flask; from fundledger.config import instance_path;"
         "print(instance_path() == Flask('fundledger').instance_path, instance_path())"],
        cwd=elsewhere, capture_output=True, text=True, check=True,
    ).stdout.split()  # fmt: skip
    assert same == ["True", str(target / "var" / "fundledger-instance")]
