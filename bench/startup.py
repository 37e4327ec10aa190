"""Start-up: how long the ``fundledger`` command takes before it does any work.

A command's time at any ledger size is start-up (the interpreter, the imports, the
schema check) plus its work; this measures the first part alone, beside hledger's
(``hledger --version``), the tool an accountant would compare it with, in the same run
and on the same machine: ``fundledger --help`` (no database), and ``fundledger
trial-balance`` on a freshly initialised SQLite database (the chart and the Program,
no entries: one read-only command, start to finish).
"""

from __future__ import annotations

import statistics
from collections.abc import Mapping
from pathlib import Path

from bench.measure import run_once

#: More runs than the ledger figures: each takes a fraction of a second, and the median
#: of a few is at the mercy of one busy moment on a shared machine.
DEFAULT_RUNS = 21


def startup_figures(
    fundledger: str, hledger: str, env: Mapping[str, str], work: Path, runs: int
) -> dict[str, dict[str, float]]:
    """The median wall and CPU time, fastest run and largest peak memory of each command."""
    database = work / "startup.sqlite3"
    for stale in work.glob("startup.sqlite3*"):
        stale.unlink()
    env = {**env, "FUNDLEDGER_DATABASE_URL": f"sqlite:///{database}"}
    run_once([fundledger, "init"], env)
    commands = {
        "fundledger --help": [fundledger, "--help"],
        "fundledger trial-balance (empty ledger)": [fundledger, "trial-balance"],
        "hledger --version": [hledger, "--version"],
    }
    figures: dict[str, dict[str, float]] = {}
    for name, argv in commands.items():
        run_once(argv, env)  # warm the page cache: every figure starts equal
        measured = [run_once(argv, env) for _ in range(runs)]
        figures[name] = {
            "seconds": statistics.median(run.seconds for run in measured),
            "min_seconds": min(run.seconds for run in measured),
            "cpu_seconds": statistics.median(run.cpu_seconds for run in measured),
            "max_rss_mb": max(run.max_rss_mb for run in measured),
            "runs": runs,
        }
    return figures


def startup_markdown(figures: Mapping[str, Mapping[str, float]]) -> list[str]:
    """The start-up table: median and fastest run, peak memory, and each command's time
    as a multiple of hledger's start-up."""
    hledger = figures["hledger --version"]["seconds"]
    runs = int(next(iter(figures.values()))["runs"])
    lines = [f"### start-up (median of {runs} runs)", "",
             "| command | median | fastest | CPU (median) | peak memory | / hledger --version |",
             "|---|---:|---:|---:|---:|---:|"]  # fmt: skip
    for name, measured in figures.items():
        lines.append(
            f"| {name} | {measured['seconds']:.3f} s | {measured['min_seconds']:.3f} s | "
            f"{measured['cpu_seconds']:.2f} s | {measured['max_rss_mb']:.0f} MB | "
            f"{measured['seconds'] / hledger:.1f}× |"
        )
    return [*lines, ""]
