"""The house plan, checked where import-linter cannot: no module outside the ledger reads
balances from its tables, and the chart's codes are spelled in the chart only.

Which module may import which (the ledger imports no area and no Flask, the layers, no
circles) is checked by import-linter's contracts in pyproject.toml, run by `make lint`."""

from __future__ import annotations

import ast
import csv
import re
from pathlib import Path

import fundledger
from fundledger.ledger import chart

PACKAGE = Path(fundledger.__file__).parent
CHART_CSV = PACKAGE / "ledger" / "chart.csv"


def python_modules(folder: Path) -> list[Path]:
    return sorted(path for path in folder.rglob("*.py") if "migrations" not in path.parts)


def imported(path: Path) -> set[str]:
    """Every module ``path`` imports, at the top or inside a function."""
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module is not None and not node.level:
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
    return names


def test_balances_are_read_in_the_ledger_only() -> None:
    """No module outside fundledger/ledger imports Posting or DailyTotal: they ask
    ledger.balances, the one place that knows how balances run over time."""
    tables = {"fundledger.ledger.models.Posting", "fundledger.ledger.models.DailyTotal"}
    readers = {
        str(path.relative_to(PACKAGE))
        for path in python_modules(PACKAGE)
        if "ledger" not in path.relative_to(PACKAGE).parts[:1] and imported(path) & tables
    }
    assert readers == set()


def chart_codes() -> set[str]:
    with CHART_CSV.open(encoding="utf-8") as rows:
        return {row["code"] for row in csv.DictReader(rows)}


def test_no_module_but_the_chart_spells_an_account_code() -> None:
    """A string that is exactly a chart code, anywhere but ledger/chart.py; a longer text
    (a help text's example voucher) may show one."""
    codes = chart_codes()
    found = []
    for path in python_modules(PACKAGE):
        if path == PACKAGE / "ledger" / "chart.py":
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Constant) and node.value in codes:
                found.append(f"{path.relative_to(PACKAGE)}:{node.lineno}: {node.value!r}")
    quoted = re.compile(r"""["'](\d{4})["']""")
    for path in sorted(PACKAGE.rglob("*")):
        if path.suffix not in {".html", ".js", ".txt", ".j2"} or not path.is_file():
            continue
        for number, text in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            found += [f"{path.relative_to(PACKAGE)}:{number}: {code}"
                      for code in quoted.findall(text) if code in codes]  # fmt: skip
    assert found == []


def test_the_chart_constants_name_accounts_of_the_shipped_chart() -> None:
    named = {value for name, value in vars(chart).items()
             if name.isupper() and isinstance(value, str) and len(value) == 4}  # fmt: skip
    assert named == chart_codes()
