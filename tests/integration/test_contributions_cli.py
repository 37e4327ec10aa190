"""The contribution commands as the Secretariat types them."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import Result

from fundledger.db import Database
from fundledger.donors.queries import donor_by_code

Run = Callable[..., Result]


def ok(result: Result) -> str:
    assert result.exit_code == 0, result.stderr
    return result.stdout


def refused(result: Result, message: str) -> None:
    assert result.exit_code == 1, result.stdout
    assert message in result.stderr


@pytest.fixture
def spain(run: Run) -> Run:
    ok(run("donor", "add", "--code", "es-obs", "--name", "España", "--type",
           "permanent_observer", "--country", "es", "--lang", "es"))  # fmt: skip
    return run


def test_worked_example_1_from_the_command_line(spain: Run) -> None:
    run = spain
    pledge = ok(run("pledge", "--donor", "ES-OBS", "--date", "2025-02-10", "--amount", "50000.00",
                    "--currency", "EUR", "--rate", "1.0850", "--ref", "NV-2025-17"))  # fmt: skip
    assert pledge == "1\n"
    ok(run("receive", "--donor", "ES-OBS", "--date", "2025-04-15", "--amount", "29980.00",
           "--currency", "EUR", "--rate", "1.1000", "--charges", "20.00"))  # fmt: skip
    balance = ok(run("donor", "balance", "ES-OBS", "--format", "csv"))
    assert balance == (
        "donor,pledged,received,outstanding,unapplied\nES-OBS,54250.00,33000.00,21700.00,0.00\n"
    )
    ok(run("rate", "set", "--currency", "eur", "--date", "2025-09-30", "--rate", "1.0700"))
    ok(run("receive", "--donor", "ES-OBS", "--date", "2025-09-30", "--amount", "20000",
           "--currency", "EUR", "--pledge", "1"))  # fmt: skip
    trial = ok(run("trial-balance", "--format", "csv"))
    assert trial.splitlines()[1:] == [
        "1010,Bank,54378.00,0.00",
        "4100,Contributions — unrestricted,0.00,54250.00",
        "4400,Foreign exchange gains,0.00,450.00",
        "5300,Bank charges,22.00,0.00",
        "5400,Foreign exchange losses,300.00,0.00",
    ]
    listed = list(csv.DictReader(io.StringIO(ok(run("pledges", "--format", "csv")))))
    assert listed[0]["amount"] == "50000.00"
    assert listed[0]["outstanding"] == "0.00"
    assert ok(run("verify")).startswith("ledger verified: 3 entries")


def test_donor_list_csv_keeps_accents_and_inactive_donors(spain: Run) -> None:
    run = spain
    ok(run("donor", "add", "--code", "PER", "--name", "Perú", "--type", "member_state"))
    ok(run("donor", "deactivate", "PER"))
    assert ok(run("donor", "list", "--format", "csv")) == (
        "code,name,type,country,language,active\n"
        "ES-OBS,España,permanent_observer,ES,es,yes\n"
        "PER,Perú,member_state,,en,no\n"
    )
    refused(run("receive", "--donor", "PER", "--date", "2025-01-01", "--amount", "5",
                "--currency", "USD", "--unpledged"), "donor PER is inactive")  # fmt: skip


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--amount", "0"), "must be more than zero"),
        (("--amount", "-10"), "must be more than zero"),
        (("--currency", "JPY", "--amount", "10.5", "--rate", "0.007"),
         "has more decimals than JPY allows (0)"),
        (("--currency", "CAD"), "no CAD rate for 2025-03-01"),
        (("--earmark", "activity:50"), "the fund finances 1–32"),
        (("--donor", "XXX"), "unknown donor 'XXX'"),
    ],
)  # fmt: skip
def test_refused_pledges_exit_1_and_post_nothing(
    spain: Run, args: tuple[str, ...], message: str
) -> None:
    base = {"--donor": "ES-OBS", "--date": "2025-03-01", "--amount": "100", "--currency": "USD"}
    for flag, value in zip(args[::2], args[1::2], strict=True):
        base[flag] = value
    command = ["pledge"] + [part for pair in base.items() for part in pair]
    refused(spain(*command), message)
    assert ok(spain("verify")).startswith("ledger verified: 0 entries")


def test_a_refusal_prints_its_sentence_then_the_command_that_fixes_it(spain: Run) -> None:
    result = spain("pledge", "--donor", "ES-OBS", "--date", "2025-03-01", "--amount", "100",
                   "--currency", "CAD")  # fmt: skip
    assert result.exit_code == 1
    assert result.stderr == (
        "fundledger: no CAD rate for 2025-03-01: give the rate, or set it first "
        "(fundledger rate set --currency CAD --date 2025-03-01)\n"
    )


def test_usage_errors_exit_2(spain: Run) -> None:
    assert spain("pledge", "--donor", "ES-OBS", "--date", "2025-03-01", "--amount", "1e5",
                 "--currency", "USD").exit_code == 2  # fmt: skip
    assert spain("donor", "add", "--code", "X", "--name", "X", "--type", "planet").exit_code == 2
    assert spain("report", "ageing", "--as-of", "soon").exit_code == 2


def test_import_cli_reports_each_bad_line_and_is_idempotent(spain: Run, tmp_path: Path) -> None:
    run = spain
    good = tmp_path / "bank.csv"
    good.write_text(
        "type,donor,date,amount,currency,rate,reference\n"
        "pledge,ES-OBS,2025-02-10,1000.00,EUR,1.0850,NV-1\n"
        "receipt,ES-OBS,2025-03-10,1000.00,EUR,1.0900,wire 1\n"
    )
    dry = ok(run("import", "contributions", str(good), "--dry-run"))
    assert dry == "dry run, nothing posted: 2 rows: 2 posted, 0 already posted before\n"
    assert ok(run("import", "contributions", str(good))).endswith(
        "2 posted, 0 already posted before\n"
    )
    assert ok(run("import", "contributions", str(good))).endswith(
        "0 posted, 2 already posted before\n"
    )

    bad = tmp_path / "bad.csv"
    bad.write_text(
        "type,donor,date,amount,currency\n"
        "pledge,ES-OBS,2025-02-11,abc,USD\n"
        "pledge,ES-OBS,2025-02-31,5,USD\n"
    )
    result = run("import", "contributions", str(bad))
    assert result.exit_code == 1
    assert "line 2: amount 'abc' is not a plain decimal number" in result.stderr
    assert "line 3: date 2025-02-31 is not a date on the calendar" in result.stderr
    assert ok(run("verify")).startswith("ledger verified: 2 entries")


def test_ageing_csv(spain: Run) -> None:
    run = spain
    ok(run("pledge", "--donor", "ES-OBS", "--date", "2025-01-01", "--amount", "3000",
           "--currency", "USD", "--instalment", "2025-03-01:1000", "--instalment",
           "2025-09-01:2000"))  # fmt: skip
    assert ok(run("report", "ageing", "--as-of", "2025-06-30", "--format", "csv")) == (
        "donor,not_due,0-90,91-180,181-365,over-365,total\n"
        "ES-OBS,2000.00,0.00,1000.00,0.00,0.00,3000.00\n"
    )


def test_commands_refuse_an_unmigrated_database(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from fundledger.cli.main import cli

    result = CliRunner().invoke(
        cli, ["donor", "list"], env={"FUNDLEDGER_DATABASE_URL": f"sqlite:///{tmp_path}/x.db"}
    )
    assert result.exit_code == 1
    assert result.stderr == "fundledger: the database is empty; run `fundledger init` first\n"


def test_csv_output_marks_formulas_as_text(spain: Run, tmp_path: Path) -> None:
    """Names, references and imported bank references that a spreadsheet would run as a
    formula are printed with a leading ' (docs/EXPORTS.md); amounts stay numbers."""
    run = spain
    ok(run("donor", "add", "--code", "EVIL", "--name", '=HYPERLINK("http://x","y")',
           "--type", "member_state"))  # fmt: skip
    ok(run("pledge", "--donor", "EVIL", "--date", "2025-02-10", "--amount", "10",
           "--currency", "USD", "--ref", "@SUM(1+1)"))  # fmt: skip
    bank = tmp_path / "bank.csv"
    bank.write_text(
        "type,donor,date,amount,currency,reference\n"
        "pledge,ES-OBS,2025-02-10,20.00,USD,\"+cmd|' /C calc'!A0\"\n"
        "pledge,ES-OBS,2025-02-11,30.00,USD,-2+3+cmd\n"
    )
    ok(run("import", "contributions", str(bank)))
    donors = list(csv.DictReader(io.StringIO(ok(run("donor", "list", "--format", "csv")))))
    assert donors[1]["name"] == '\'=HYPERLINK("http://x","y")'
    listed = list(csv.DictReader(io.StringIO(ok(run("pledges", "--format", "csv")))))
    assert [(row["amount"], row["reference"]) for row in listed] == [
        ("10.00", "'@SUM(1+1)"), ("20.00", "'+cmd|' /C calc'!A0"), ("30.00", "'-2+3+cmd"),
    ]  # fmt: skip


def test_entry_reverse_refuses_a_pledge_a_receipt_settled(spain: Run) -> None:
    """The command line asks what the browser asks of a receipt's or pledge's entry: a
    pledge with a payment applied is not reversed (its entry is #1, the payment's #2)."""
    run = spain
    ok(run("pledge", "--donor", "ES-OBS", "--date", "2025-02-10", "--amount", "100.00",
           "--currency", "USD"))  # fmt: skip
    ok(run("receive", "--donor", "ES-OBS", "--date", "2025-02-11", "--amount", "40.00",
           "--currency", "USD"))  # fmt: skip
    refused(run("entry", "reverse", "1", "--reason", "wrong donor"),
            "pledge #1 has receipts applied to it; reverse those receipts first")  # fmt: skip
    assert ok(run("entry", "reverse", "2", "--reason", "wrong donor")) == "3\n"
    assert ok(run("entry", "reverse", "1", "--reason", "wrong donor")) == "4\n"


def test_donor_edit_sets_names_by_language_and_anonymity_and_keeps_the_rest(
    spain: Run, database: Database
) -> None:
    ok(spain("donor", "edit", "ES-OBS", "--name-fr", "Espagne", "--anonymous"))
    ok(spain("donor", "edit", "ES-OBS", "--name-pt", "Espanha"))
    with database.session() as session:
        donor = donor_by_code(session, "ES-OBS")
        assert donor is not None
        assert (donor.name, donor.anonymous, donor.language) == ("España", True, "es")
        assert donor.names() == {"fr": "Espagne", "pt": "Espanha"}
        assert donor.name_in("pt") == "Espanha"
        assert donor.name_in("en") == "España", "no English name: the main one"

    ok(spain("donor", "edit", "ES-OBS", "--named", "--name-fr", ""))
    with database.session() as session:
        donor = donor_by_code(session, "ES-OBS")
        assert donor is not None
        assert (donor.anonymous, donor.names()) == (False, {"pt": "Espanha"})
    refused(spain("donor", "edit", "NOPE", "--anonymous"), "unknown donor")
