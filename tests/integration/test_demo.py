"""``fundledger demo``: realistic, every donor type and allocation state, verified, once."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable

from click.testing import Result

from fundledger.allocations.models import State
from fundledger.donors.models import DonorType


def test_demo_loads_once_and_verifies(run: Callable[..., Result]) -> None:
    first = run("demo")
    assert first.exit_code == 0, first.stderr
    assert first.stdout.startswith("demo loaded: 15 donors")
    assert "cajp@demo.fundledger.org" in first.stdout
    assert run("verify").stdout.startswith("ledger verified")

    donors = list(csv.DictReader(io.StringIO(run("donor", "list", "--format", "csv").stdout)))
    assert {d["type"] for d in donors} == {t.value for t in DonorType}
    assert {d["language"] for d in donors} == {"en", "es", "fr", "pt"}
    allocations = list(
        csv.DictReader(io.StringIO(run("allocation", "list", "--format", "csv").stdout))
    )
    assert {a["state"] for a in allocations} == {s.value for s in State}
    pledges = list(csv.DictReader(io.StringIO(run("pledges", "--format", "csv").stdout)))
    assert {p["currency"] for p in pledges} >= {"USD", "EUR", "CAD", "JPY", "KWD"}
    assert "OAS-ALL" not in {a["organ"] for a in allocations}  # 30-32 name the organ paid
    revisions = run("program", "revise", "list", "--format", "csv").stdout
    assert "link activity 20 – objective 20" in revisions

    entries = run("verify").stdout
    again = run("demo")
    assert again.stdout.startswith("demo data is already loaded")
    assert run("verify").stdout == entries  # nothing was posted twice


def test_a_small_seed_still_gives_valid_demo_logins(run: Callable[..., Result]) -> None:
    loaded = run("demo", "--seed", "7")
    assert loaded.exit_code == 0, loaded.stderr
    assert "cajp-demo-0007" in loaded.stdout
