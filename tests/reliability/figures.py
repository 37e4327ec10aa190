"""The reliability suite's figures, added up over the whole run.

A test records what it tried (``figures.add("crashes_survived")``) as user properties
named ``reliability:<figure>``. User properties travel inside the test reports, also
from pytest-xdist workers to the controller, so the collector below adds them up from
the reports wherever the tests ran, and prints one line per figure at the end.

Loaded for every run by ``-p tests.reliability.figures`` (pyproject.toml): the
controller of ``pytest -n 2`` collects nothing itself and would not load a conftest.py
below ``tests/``.
"""

from __future__ import annotations

from collections import Counter

import pytest

PREFIX = "reliability:"
#: A field's tries: ``reliability-field:<form>\t<field>``.
FIELD_PREFIX = "reliability-field:"

#: Each figure with the words that explain it, in the order printed.
FIGURES = {
    "operations_under_load": "operations under load",
    "crashes_survived": "crashes survived",
    "bad_inputs": "bad inputs tried",
    "entries_lost": "entries lost",
    "entries_doubled": "entries doubled",
    "backups_restored": "backups restored",
}
#: What each figure counts, printed after it.
DETAILS = {
    "operations_under_load": "postings, imports and approvals by 8 concurrent workers "
    "on PostgreSQL",
    "crashes_survived": "kill -9 in the middle of an import or a batch of approvals; "
    "verify passed after each",
    "bad_inputs": "hostile arguments and form fields: no traceback, no 500, refusals wrote nothing",
    "entries_lost": "of the entries the crash and load tests expected",
    "entries_doubled": "idempotency keys posted twice",
    "backups_restored": "trial balance identical and ledger verified after each",
}


class Figures:
    """What one test tried; the ``figures`` fixture puts it on the test's report."""

    def __init__(self) -> None:
        self.counts: Counter[str] = Counter()
        self.fields: Counter[tuple[str, str]] = Counter()

    def field(self, form: str, name: str, count: int) -> None:
        """``count`` hostile values tried in the field ``name`` of ``form`` (a web form or
        a command): recorded even when zero, so that a field never tried shows."""
        self.fields[form, name] += count

    def properties(self) -> list[tuple[str, int]]:
        """The user properties that carry these figures on the test's report."""
        return [(PREFIX + name, count) for name, count in sorted(self.counts.items())] + [
            (f"{FIELD_PREFIX}{form}\t{name}", count)
            for (form, name), count in sorted(self.fields.items())
        ]

    def add(self, figure: str, count: int = 1, *, part: str | None = None) -> None:
        if figure not in FIGURES:
            raise ValueError(f"unknown figure {figure!r}; add it to FIGURES")
        self.counts[figure if part is None else f"{figure}/{part}"] += count


class Collector:
    """Adds up the figures of every finished test, from its teardown report (which
    carries every property the test and its fixtures recorded)."""

    def __init__(self) -> None:
        self.totals: Counter[str] = Counter()
        self.parts: Counter[str] = Counter()
        self.fields: Counter[tuple[str, str]] = Counter()
        self.failed: list[str] = []

    @pytest.hookimpl
    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        if report.failed and report.nodeid.startswith("tests/reliability/"):
            self.failed.append(report.nodeid)
        if report.when != "teardown":
            return
        for name, value in report.user_properties:
            if isinstance(name, str) and name.startswith(FIELD_PREFIX) and isinstance(value, int):
                form, _, field = name.removeprefix(FIELD_PREFIX).partition("\t")
                self.fields[form, field] += value
                continue
            if not (isinstance(name, str) and name.startswith(PREFIX) and isinstance(value, int)):
                continue
            figure = name.removeprefix(PREFIX)
            figure, _, part = figure.partition("/")
            self.totals[figure] += value
            if part:
                self.parts[f"{figure}/{part}"] += value

    @pytest.hookimpl
    def pytest_terminal_summary(self, terminalreporter: pytest.TerminalReporter) -> None:
        if not self.totals:
            return
        terminalreporter.section("reliability figures")
        for figure, words in FIGURES.items():
            if figure not in self.totals and figure not in ("entries_lost", "entries_doubled"):
                continue
            parts = sorted(
                (key.partition("/")[2], count)
                for key, count in self.parts.items()
                if key.startswith(figure + "/")
            )
            split = f" ({', '.join(f'{part} {count}' for part, count in parts)})" if parts else ""
            terminalreporter.write_line(
                f"reliability: {words}: {self.totals[figure]}{split} — {DETAILS[figure]}"
            )
        if self.fields:
            self._fields(terminalreporter)
        if self.failed:
            terminalreporter.write_line(
                f"reliability: {len(self.failed)} test phase(s) failed; the figures above "
                "count what was tried, not what passed"
            )

    def _fields(self, terminalreporter: pytest.TerminalReporter) -> None:
        """One line per form or command: each field and the hostile values it got."""
        forms: dict[str, list[str]] = {}
        for (form, name), count in sorted(self.fields.items()):
            forms.setdefault(form, []).append(f"{name}={count}")
        never = sorted(f"{form}: {name}" for (form, name), count in self.fields.items()
                       if count == 0)  # fmt: skip
        terminalreporter.write_line(
            f"reliability: inputs tried per field: {len(self.fields)} fields of {len(forms)} "
            f"forms and commands, {len(never)} never tried"
            + (f" ({', '.join(never)})" if never else "")
        )
        for form, counts in forms.items():
            terminalreporter.write_line(f"  {form}: {' '.join(counts)}")


def pytest_configure(config: pytest.Config) -> None:
    if not hasattr(config, "workerinput"):  # xdist workers only send their reports
        config.pluginmanager.register(Collector(), "reliability-figures")
