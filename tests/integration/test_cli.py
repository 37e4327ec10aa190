"""The ``fundledger`` command as an operator uses it, on both databases."""

from __future__ import annotations

import csv
import io
import json
import os
import shutil
import subprocess
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import select

from fundledger.audit.models import AuditEvent
from fundledger.corrections.models import ReversalRequest
from fundledger.corrections.operations import set_threshold
from tests.factories import TEST_ACTOR


def voucher(tmp_path: Path, name: str = "v.json", **fields: object) -> str:
    body = {
        "date": "2025-03-04",
        "memo": "Opening cash",
        "lines": [
            {"account": "1010", "debit": "1250.50"},
            {"account": "4100", "credit": "1250.50"},
        ],
    }
    body.update(fields)
    path = tmp_path / name
    path.write_text(json.dumps(body))
    return str(path)


def test_init_twice_changes_nothing(run) -> None:
    first = run("init")
    assert first.exit_code == 0
    assert first.output == "database ready: 0 accounts and 0 Program rows added\n"


def test_crossref_csv_lists_every_cross_sorted(run) -> None:
    result = run("program", "crossref", "--format", "csv")
    lines = result.output.splitlines()
    assert lines[0] == "activity,objective"
    pairs = [tuple(map(int, line.split(","))) for line in lines[1:]]
    assert pairs == sorted(pairs)
    assert len(pairs) == 207
    assert (1, 9) in pairs
    assert (1, 13) in pairs
    assert (54, 20) in pairs
    assert (1, 1) not in pairs


def test_objectives_and_activities_tables(run) -> None:
    objectives = run("program", "objectives").output
    assert "Promotion of measures aimed at fulfilling the objectives of reducing" in objectives
    rows = list(csv.DictReader(io.StringIO(run("program", "activities", "--format", "csv").output)))
    assert len(rows) == 100
    assert rows[4]["implementer"] == "CIM"
    assert rows[4]["fundable"] == "yes"
    assert rows[32]["implementer"] == "MEMBER-STATES"
    assert rows[32]["fundable"] == "no"


def test_post_reverse_and_trial_balance(run, tmp_path: Path) -> None:
    posted = run("entry", "post", voucher(tmp_path))
    assert (posted.exit_code, posted.output) == (0, "1\n")

    balance = run("trial-balance", "--format", "csv").output
    assert balance == (
        "account,name,debit,credit\n1010,Bank,1250.50,0.00\n"
        "4100,Contributions — unrestricted,0.00,1250.50\n"
    )
    table = run("trial-balance").output
    assert "Total" in table
    assert table.count("1,250.50") == 0
    assert "1250.50" in table

    reversed_ = run("entry", "reverse", "1", "--reason", "wrong donor")
    assert (reversed_.exit_code, reversed_.output) == (0, "2\n")
    assert run("trial-balance", "--format", "csv").output == "account,name,debit,credit\n"
    as_of = run("trial-balance", "--format", "csv", "--as-of", "2025-03-03").output
    assert as_of == "account,name,debit,credit\n"

    verified = run("verify")
    assert verified.exit_code == 0
    assert verified.output.startswith("ledger verified: 2 entries, 4 postings")


def test_entry_reverse_keeps_the_browsers_four_eyes_and_audit(
    run, database, tmp_path: Path
) -> None:
    """The command line is no way round the reversal threshold: above it the reversal
    waits for a second Secretariat user, below it it posts and is audited as the
    browser's is."""
    run("entry", "post", voucher(tmp_path))
    run("entry", "post", voucher(tmp_path, "small.json", memo="Small", lines=[
        {"account": "1010", "debit": "10.00"}, {"account": "4100", "credit": "10.00"}]))
    with database.transaction() as session:
        set_threshold(session, TEST_ACTOR, Decimal("100.00"))

    waiting = run("entry", "reverse", "1", "--reason", "wrong donor")
    assert waiting.exit_code == 0, waiting.stderr
    assert waiting.stdout.startswith("the reversal of entry #1 waits for a second")
    assert run("entry", "reverse", "2", "--reason", "typo").stdout == "3\n"
    with database.session() as session:
        assert session.scalars(select(ReversalRequest.entry_id)).all() == [1]
        actions = session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)).all()
    assert actions[-2:] == ["reversal.requested", "entry.reversed"]
    assert run("trial-balance", "--format", "csv").output.splitlines()[1] == (
        "1010,Bank,1250.50,0.00"
    )


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"lines": [{"account": "1010", "debit": "5"}]}, "at least two lines"),
        ({"lines": [{"account": "1010", "debit": "5"}, {"account": "4100", "credit": "4"}]},
         "entry does not balance: debits 5.00, credits 4.00"),
        ({"date": "2025-02-30"}, "is not a date"),
        ({"lines": [{"account": "1010", "debit": "1e3"}, {"account": "4100", "credit": "1000"}]},
         "is not a plain decimal number"),
        ({"lines": [{"account": "1010", "debit": "5", "credit": "5"},
                    {"account": "4100", "credit": "5"}]}, 'exactly one of "debit" or "credit"'),
        ({"colour": "red"}, "unknown field(s) colour"),
    ],
)  # fmt: skip
def test_a_bad_voucher_exits_1_with_one_line_and_posts_nothing(
    run, tmp_path: Path, fields: dict[str, object], message: str
) -> None:
    result = run("entry", "post", voucher(tmp_path, **fields))
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr.count("\n") == 1
    assert message in result.stderr
    assert run("verify").output.startswith("ledger verified: 0 entries")


@pytest.mark.parametrize(
    ("number", "message"),
    [
        ("1e2", 'line 1: debit is the JSON number 1E+2; write it as a string: "100.00"'),
        ("100", 'line 1: debit is the JSON number 100; write it as a string: "100.00"'),
        ("100.0", 'line 1: debit is the JSON number 100.0; write it as a string: "100.00"'),
    ],
)
def test_a_voucher_amount_written_as_a_json_number_is_refused(
    run, tmp_path: Path, number: str, message: str
) -> None:
    """A JSON number is a float to most programs; ``1e2`` must not post as 100.00."""
    path = tmp_path / "number.json"
    lines = f'[{{"account": "1010", "debit": {number}}}, {{"account": "4100", "credit": "100.00"}}]'
    path.write_text(f'{{"date": "2025-03-04", "lines": {lines}}}')
    result = run("entry", "post", str(path))
    assert (result.exit_code, result.stdout) == (1, "")
    assert message in result.stderr
    assert run("verify").output.startswith("ledger verified: 0 entries")


@pytest.mark.parametrize(
    ("text", "field"),
    [
        ('{"date": "2025-03-04", "date": "2025-03-05", "lines": []}', "date"),
        ('{"date": "2025-03-04", "lines": [{"account": "1010", "debit": "1.00", "debit": "9.00"},'
         ' {"account": "4100", "credit": "9.00"}]}', "debit"),
    ],
)  # fmt: skip
def test_a_voucher_giving_a_field_twice_is_refused(
    run, tmp_path: Path, text: str, field: str
) -> None:
    """JSON parsers differ on which of two equal keys wins: the voucher must say one."""
    path = tmp_path / "twice.json"
    path.write_text(text)
    result = run("entry", "post", str(path))
    assert (result.exit_code, result.stdout) == (1, "")
    assert f"the voucher gives the field '{field}' twice in one object" in result.stderr
    assert run("verify").output.startswith("ledger verified: 0 entries")


def test_invalid_json_and_usage_errors(run, tmp_path: Path) -> None:
    broken = tmp_path / "broken.json"
    broken.write_text("{not json")
    result = run("entry", "post", str(broken))
    assert result.exit_code == 1
    assert "not valid JSON" in result.stderr
    assert (
        run("entry", "reverse", "7", "--reason", "x").stderr == "fundledger: there is no entry #7\n"
    )
    assert run("trial-balance", "--as-of", "yesterday").exit_code == 2
    assert run("entry", "reverse", "1").exit_code == 2  # --reason is required
    assert run("program", "crossref", "--format", "xml").exit_code == 2


def test_idempotent_voucher(run, tmp_path: Path) -> None:
    path = voucher(tmp_path, idempotency_key="ob-2025")
    assert run("entry", "post", path).output == "1\n"
    assert run("entry", "post", path).output == "1\n"
    conflicting = voucher(tmp_path, "w.json", idempotency_key="ob-2025", memo="other")
    result = run("entry", "post", conflicting)
    assert result.exit_code == 1
    assert "already used for entry #1" in result.stderr


def hledger_binary() -> str:
    found = shutil.which("hledger")
    if found is None:
        if os.environ.get("FUNDLEDGER_REQUIRE_HLEDGER"):
            pytest.fail("hledger is required here but not installed")
        pytest.skip("hledger is not installed")
    return found


def test_hledger_export_balances_equal_the_trial_balance(run, tmp_path: Path) -> None:
    hledger = hledger_binary()
    assert run("donor", "add", "--code", "ES-OBS", "--name", "Spain",
               "--type", "permanent_observer").exit_code == 0  # fmt: skip
    assert run("entry", "post", voucher(tmp_path)).exit_code == 0
    eur = {"currency": "EUR", "rate": "1.0850"}
    spain = {"donor": "ES-OBS", "earmark": "activity:5"}
    assert run("entry", "post", voucher(tmp_path, "b.json", memo="Pledge; EUR: 50,000", lines=[
        {"account": "1100", "debit": "54250.00", "original_amount": "50000", **eur, **spain},
        {"account": "4200", "credit": "54250.00", "original_amount": "50000", **eur, **spain},
    ])).exit_code == 0  # fmt: skip
    assert run("entry", "post", voucher(tmp_path, "c.json", lines=[
        {"account": "1200", "debit": "0.05", "activity": 5, "organ": "CIM"},
        {"account": "1010", "credit": "0.05"},
    ])).exit_code == 0  # fmt: skip
    journal = tmp_path / "fund.journal"
    assert run("export", "hledger", "--out", str(journal)).exit_code == 0

    output = subprocess.run(
        [hledger, "-f", str(journal), "balance", "--flat", "--no-total", "-O", "csv"],
        capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    theirs = {}
    for row in list(csv.reader(io.StringIO(output)))[1:]:
        code = row[0].split(":")[-1].split(" ")[0]
        theirs[code] = Decimal(row[1].replace("USD", "").strip())
    ours = {
        row["account"]: Decimal(row["debit"]) - Decimal(row["credit"])
        for row in csv.DictReader(io.StringIO(run("trial-balance", "--format", "csv").output))
    }
    assert theirs == ours
    assert ours["1010"] == Decimal("1250.45")
