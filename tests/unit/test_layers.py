"""The house plan, checked: the ledger core stays free of Flask (scripts and workers can
use it without a web app) and of the areas built on it, and the chart's codes are
spelled in the chart only."""

from __future__ import annotations

import ast
import csv
import re
import subprocess
import sys
from pathlib import Path

import fundledger
from fundledger.ledger import chart

PACKAGE = Path(fundledger.__file__).parent
CHART_CSV = PACKAGE / "ledger" / "chart.csv"


def python_modules(folder: Path) -> list[Path]:
    return sorted(path for path in folder.rglob("*.py") if "migrations" not in path.parts)


def test_ledger_core_imports_no_flask() -> None:
    code = (
        "import sys\n"
        "import fundledger.ledger.operations, fundledger.ledger.queries, fundledger.ledger.verify\n"
        "import fundledger.ledger.export, fundledger.bootstrap\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in {'flask', 'werkzeug'}))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "[]"


#: The areas built on the ledger, and the web shell: the ledger's core imports none.
ABOVE_THE_LEDGER = ("allocations", "audit", "auth", "dashboards", "donors", "program",
                    "reporting", "web")  # fmt: skip
#: The ledger's own pages and forms are its web shell, above the core like every area's.
LEDGER_SHELL = {"views.py", "forms.py"}


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


def test_the_ledger_imports_no_area() -> None:
    found = [
        f"{path.relative_to(PACKAGE)} imports {name}"
        for path in python_modules(PACKAGE / "ledger")
        if path.name not in LEDGER_SHELL
        for name in sorted(imported(path))
        if name.split(".")[:2] in (["fundledger", area] for area in ABOVE_THE_LEDGER)
    ]
    assert found == []


#: Readers still to move into ledger/balances (issue 13): the list may only shrink.
READERS_TO_MOVE = {
    "dashboards/queries.py",
    "reporting/donor_data.py",
    "reporting/figures.py",
    "reporting/fund_data.py",
    "reporting/pack_data.py",
}


def test_balances_are_read_in_the_ledger_only() -> None:
    """No module outside fundledger/ledger imports Posting or DailyTotal: they ask
    ledger.balances, the one place that knows how balances run over time."""
    tables = {"fundledger.ledger.models.Posting", "fundledger.ledger.models.DailyTotal"}
    readers = {
        str(path.relative_to(PACKAGE))
        for path in python_modules(PACKAGE)
        if "ledger" not in path.relative_to(PACKAGE).parts[:1] and imported(path) & tables
    }
    assert readers == READERS_TO_MOVE


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
