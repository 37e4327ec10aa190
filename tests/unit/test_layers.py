"""The ledger core stays free of Flask: scripts and workers can use it without a web app."""

from __future__ import annotations

import subprocess
import sys


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
