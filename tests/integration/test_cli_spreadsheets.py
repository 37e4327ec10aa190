"""``--format xlsx --out FILE`` wherever a command has ``--format csv``: the same rows as a
workbook; a workbook never goes to the terminal; the command line's CSV has no byte-order
mark (it is for machines)."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

import click
import pytest
from click.testing import Result
from openpyxl import load_workbook

from fundledger.cli.main import cli
from fundledger.db import Database
from fundledger.donors.operations import create_donor
from fundledger.donors.pledges import record_pledge
from fundledger.tabular import TEXT_MARK
from fundledger.workbook import AMOUNT_FORMAT, DATE_FORMAT
from tests.integration.test_statements import SECRETARIAT

Run = Callable[..., Result]
NAME = '=HYPERLINK("http://evil.example/","Haïti")'


@pytest.fixture
def pledged(database: Database) -> None:
    with database.transaction() as session:
        haiti = create_donor(session, SECRETARIAT, code="HT", name=NAME, type="member_state")
        record_pledge(session, SECRETARIAT, haiti, pledge_date=dt.date(2025, 3, 1),
                      amount=Decimal("1234567.80"), currency="USD")  # fmt: skip


def commands_with_a_format() -> list[str]:
    """Every command (loaded lazily or not) that takes ``--format table|csv|xlsx``."""
    found = []

    def walk(command: click.Command, path: str) -> None:
        if isinstance(command, click.Group):
            for name in command.list_commands(click.Context(command)):
                sub = command.get_command(click.Context(command), name)
                assert sub is not None
                walk(sub, f"{path} {name}".strip())
        elif any(param.name == "output_format" and isinstance(param.type, click.Choice)
                 and "csv" in param.type.choices for param in command.params):  # fmt: skip
            found.append(path)

    walk(cli, "")
    return found


def test_every_command_with_csv_offers_a_workbook() -> None:
    listed = commands_with_a_format()
    assert len(listed) >= 15, listed
    assert {"donor list", "pledges", "trial-balance", "report net-assets"} <= set(listed)
    for path in listed:
        command = cli
        for name in path.split():
            assert isinstance(command, click.Group)
            found = command.get_command(click.Context(command), name)
            assert found is not None
            command = found
        options = {param.name: param for param in command.params}
        choice = options["output_format"].type
        assert isinstance(choice, click.Choice)
        assert "xlsx" in choice.choices, path
        assert "out" in options, path


@pytest.mark.usefixtures("pledged")
def test_a_workbook_is_refused_to_the_terminal_with_exit_2(run: Run) -> None:
    result = run("donor", "list", "--format", "xlsx")
    assert result.exit_code == 2
    assert "a workbook is not written to the terminal or a pipe: add --out FILE.xlsx" in (
        result.output
    )


@pytest.mark.usefixtures("pledged")
def test_the_workbook_holds_the_csv_s_rows_typed(run: Run, tmp_path: Path) -> None:
    printed = run("pledges", "--format", "csv")
    assert printed.exit_code == 0
    assert not printed.output.startswith("\ufeff"), "no byte-order mark for machines"
    header, row = printed.output.splitlines()
    assert row.startswith("1,HT,2025-03-01,USD,1234567.80,1234567.80,1234567.80,")

    out = tmp_path / "pledges.xlsx"
    assert run("pledges", "--format", "xlsx", "--out", str(out)).exit_code == 0
    sheet = load_workbook(out).worksheets[0]
    assert sheet.title == "pledges"
    assert sheet.freeze_panes == "A2"
    assert [cell.value for cell in sheet[1]] == header.split(",")
    ident, donor, day, currency, amount, *_ = sheet[2]
    assert (ident.value, donor.value, currency.value) == (1, "HT", "USD")
    assert (day.value, day.number_format) == (dt.datetime(2025, 3, 1), DATE_FORMAT)
    assert (amount.value, amount.number_format) == (1234567.8, AMOUNT_FORMAT)


@pytest.mark.usefixtures("pledged")
def test_a_formula_looking_name_stays_text_on_the_command_line_too(
    run: Run, tmp_path: Path
) -> None:
    printed = run("donor", "list", "--format", "csv").output
    assert f'"{TEXT_MARK}{NAME.replace(chr(34), chr(34) * 2)}"' in printed
    out = tmp_path / "donors.xlsx"
    assert run("donor", "list", "--format", "xlsx", "--out", str(out)).exit_code == 0
    name = load_workbook(out).worksheets[0]["B2"]
    assert (name.value, name.data_type, name.quotePrefix) == (NAME, "s", True)


@pytest.mark.usefixtures("pledged")
def test_csv_to_a_file_is_what_standard_output_gets(run: Run, tmp_path: Path) -> None:
    out = tmp_path / "balance.csv"
    assert run("trial-balance", "--format", "csv", "--out", str(out)).exit_code == 0
    assert out.read_bytes() == run("trial-balance", "--format", "csv").output.encode()
    assert io.StringIO(out.read_text()).readline() == "account,name,debit,credit\n"
