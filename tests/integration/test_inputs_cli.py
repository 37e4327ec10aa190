"""What a typed value must be, on the command line, in an imported file and a voucher,
and at the service layer (issue 12, items 6, 8, 9 and 10): each refusal is exit status 1
or 2 with its reason on stderr, never a traceback, and writes nothing."""

from __future__ import annotations

import datetime as dt
import json
import os
import re
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import Result
from sqlalchemy import select, text

from fundledger.actors import Actor
from fundledger.db import Database
from fundledger.donors.models import Donor
from fundledger.donors.operations import create_donor
from fundledger.inputs import InvalidInput
from fundledger.ledger.bulk import EntrySpec, append_entries
from fundledger.ledger.models import JournalEntry
from fundledger.ledger.operations import credit, debit, post_entry
from tests.factories import ledger_state

Run = Callable[..., Result]
IMPORT_HEADER = "type,donor,date,amount,currency\n"


def exits(result: Result, status: int, message: str) -> None:
    assert result.exit_code == status, (result.stdout, result.stderr)
    assert message in result.stderr, result.stderr
    assert "Traceback" not in result.stderr


@pytest.fixture
def iom(run: Run, database: Database) -> Run:
    result = run("donor", "add", "--code", "IOM", "--name", "IOM", "--type", "international_org")
    assert result.exit_code == 0, result.stderr
    return run


def entries(database: Database) -> int:
    with database.session() as session:
        return ledger_state(session).entries


def voucher(tmp_path: Path, date: str = "2025-03-04", **line: object) -> str:
    path = tmp_path / "v.json"
    lines = [{"account": "1010", "debit": "5"}, {"account": "4100", "credit": "5", **line}]
    path.write_text(json.dumps({"date": date, "memo": "m", "lines": lines}))
    return str(path)


def imported(run: Run, tmp_path: Path, row: str) -> Result:
    path = tmp_path / "in.csv"
    path.write_text(IMPORT_HEADER + row + "\n", encoding="utf-8")
    return run("import", "contributions", str(path))


def test_numbers_past_the_id_range_are_refused(
    iom: Run, database: Database, tmp_path: Path
) -> None:
    for activity in ("99999999999999999999", str(2**31), "١", "5_0"):
        exits(iom("budget", "propose", "--year", "2026", "--line", f"{activity}:1:x",
                  "--as", "ana@example.org"), 2, "--line")  # fmt: skip
        approve = ("budget", "approve", "1", "--decision-ref", "R", "--date", "2026-01-05")
        exits(iom(*approve, "--line", f"{activity}:approve", "--as", "ana@example.org"), 2,
              "--line")  # fmt: skip
        exits(iom("entry", "post", voucher(tmp_path, activity=activity)), 1, "line 2: activity")
    for huge in (2**63, 1e308):
        exits(iom("entry", "post", voucher(tmp_path, objective=huge)), 1, "line 2: objective")
    (tmp_path / "e.json").write_text(Path(voucher(tmp_path)).read_text().replace(
        '"credit": "5"', '"credit": "5", "activity": 1E+999999'))  # fmt: skip
    exits(iom("entry", "post", str(tmp_path / "e.json")), 1, "line 2: activity")
    pledged = tmp_path / "pledged.csv"
    pledged.write_text(
        f"type,donor,date,amount,currency,pledge\nreceipt,IOM,2025-03-01,5,USD,{2**63}\n"
    )
    exits(iom("import", "contributions", str(pledged)), 1, "line 2: pledge")
    assert entries(database) == 0


@pytest.mark.skipif(not os.path.exists("/dev/full"), reason="no /dev/full here")
def test_a_file_that_cannot_be_written_is_one_line_on_stderr(run: Run) -> None:
    exits(run("export", "hledger", "--out", "/dev/full"), 1, "No space left on device")


def test_a_date_is_yyyy_mm_dd_between_2000_and_2199(
    iom: Run, database: Database, tmp_path: Path
) -> None:
    pledge = ("pledge", "--donor", "IOM", "--amount", "5", "--currency", "USD")
    for typed in ("2026-W01-1", "20260101", "2026-001", "2026-1-5"):
        exits(iom(*pledge, "--date", typed), 2, "is not a date written YYYY-MM-DD")
    for typed in ("0001-01-01", "9999-12-31", "1999-12-31", "2200-01-01"):
        exits(iom(*pledge, "--date", typed), 2, "is not between 2000-01-01 and 2199-12-31")
        exits(iom("rate", "set", "--currency", "EUR", "--date", typed, "--rate", "1"), 2, "--date")
        exits(iom(*pledge, "--date", "2025-01-01", "--instalment", f"{typed}:5"), 2,
              "--instalment")  # fmt: skip
        exits(iom("statement", "cajp-pack", "--date", typed), 2, "--date")
        exits(imported(iom, tmp_path, f"pledge,IOM,{typed},5,USD"), 1, "line 2: date")
        exits(iom("entry", "post", voucher(tmp_path, date=typed)), 1, "date")
    exits(imported(iom, tmp_path, "pledge,IOM,2026-W01-1,5,USD"), 1,
          "line 2: date '2026-W01-1' is not a date written YYYY-MM-DD")  # fmt: skip
    exits(iom("entry", "post", voucher(tmp_path, date="20260101")), 1,
          "date '20260101' is not a date written YYYY-MM-DD")  # fmt: skip
    assert entries(database) == 0


def test_a_code_is_ascii_not_a_unicode_lookalike(
    iom: Run, database: Database, tmp_path: Path
) -> None:
    for code in ("ıom", "ＩＯＭ"):
        exits(iom("pledge", "--donor", code, "--date", "2025-03-01", "--amount", "5",
                  "--currency", "USD"), 1, "is not written in ASCII letters")  # fmt: skip
        exits(imported(iom, tmp_path, f"pledge,{code},2025-03-01,5,USD"), 1, "line 2: donor")
        exits(iom("donor", "add", "--code", code, "--name", "x", "--type", "other"), 1,
              "is not written in ASCII letters")  # fmt: skip
        exits(iom("entry", "post", voucher(tmp_path, organ=code)), 1, "organ")
    for currency in ("uſd", "ｕｓｄ"):
        exits(iom("pledge", "--donor", "IOM", "--date", "2025-03-01", "--amount", "5",
                  "--currency", currency), 1, "is not written in ASCII letters")  # fmt: skip
    assert entries(database) == 0
    with database.session() as session:
        assert [donor.code for donor in session.query(Donor)] == ["IOM"]


@pytest.mark.parametrize("character", ["\x1b", "\x07", "\x08", "\x9b"])
def test_no_path_can_store_a_control_character(database: Database, character: str) -> None:
    """The service layer's own refusal, whatever the form or command in front of it."""
    actor = Actor("setup@oas.org")
    with pytest.raises(InvalidInput, match="donor name"), database.transaction() as session:
        create_donor(session, actor, code="ESC", name=f"a{character}b", type="other")
    with database.transaction() as session:
        donor = create_donor(session, actor, code="MEX", name="Mexico", type="member_state")
    with pytest.raises(InvalidInput, match="donor contact"), database.transaction() as session:
        session.merge(donor).contact = f"ring{character}"
    with database.session() as session:
        assert [(d.name, d.contact) for d in session.query(Donor)] == [("Mexico", None)]


LINES = (debit("1010", "5.00"), credit("4100", "5.00"))


@pytest.mark.parametrize("character", ["\n", "\r", "\t"])
def test_a_line_break_is_stored_only_in_a_multi_line_column(
    database: Database, character: str
) -> None:
    """A one-line column (a name, a contact, a reference) refuses what a memo keeps,
    whichever path writes it: a flush, or a load that bypasses the session."""
    actor = Actor("setup@oas.org")
    with database.transaction() as session:
        donor = create_donor(session, actor, code="MEX", name="Mexico", type="member_state")
    with pytest.raises(InvalidInput, match="donor contact"), database.transaction() as session:
        session.merge(donor).contact = f"ring{character}twice"
    on = dt.date(2025, 3, 1)
    with pytest.raises(InvalidInput, match="source_ref"), database.transaction() as session:
        post_entry(session, entry_date=on, lines=LINES, created_by="a", source_ref=f"B{character}1")
    with pytest.raises(InvalidInput, match="source_ref"), database.transaction() as session:
        append_entries(session, [EntrySpec(on, LINES, source_ref=f"B{character}1")], created_by="a")
    memo = f"first{character}second"
    with database.transaction() as session:
        post_entry(session, entry_date=on, lines=LINES, created_by="a", memo=memo)
        append_entries(session, [EntrySpec(on, LINES, memo=memo)], created_by="a")
    with database.session() as session:
        assert [(d.name, d.contact) for d in session.query(Donor)] == [("Mexico", None)]
        assert session.scalars(select(JournalEntry.memo)).all() == [memo, memo]


@pytest.mark.parametrize("character", ["\x1b", "\x9b"])
def test_a_load_cannot_store_a_control_character_either(database: Database, character: str) -> None:
    spec = EntrySpec(dt.date(2025, 3, 1), LINES, memo=f"a{character}[31mb")
    with pytest.raises(InvalidInput, match="memo"), database.transaction() as session:
        append_entries(session, [spec], created_by="a")
    assert entries(database) == 0


def test_a_table_shows_a_stored_control_character_as_its_escape(
    iom: Run, database: Database
) -> None:
    """A row stored before the rule (or by hand) must not drive the terminal; the CSV
    keeps the value as stored."""
    assert iom("pledge", "--donor", "IOM", "--date", "2025-03-01", "--amount", "10",
               "--currency", "USD").exit_code == 0  # fmt: skip
    with database.transaction() as session:
        session.execute(text("UPDATE donors SET name = :name"), {"name": "IOM\x1b[2J\x07\nX"})
        session.execute(text("UPDATE pledges SET reference = :ref"), {"ref": "NV\x1b]0;x\x07"})
    donors = iom("donor", "list")
    assert donors.exit_code == 0, donors.stderr
    assert "IOM\\x1b[2J\\x07\\nX" in donors.stdout
    pledges = iom("pledges")
    assert pledges.exit_code == 0, pledges.stderr
    assert "NV\\x1b]0;x\\x07" in pledges.stdout
    for shown in (donors.stdout, pledges.stdout):
        assert not re.search("[\x00-\x08\x0b-\x1f\x7f-\x9f]", shown), shown
    # (click drops ANSI sequences such as ESC [2J when its output is not a terminal)
    assert '"IOM\x07\nX"' in iom("donor", "list", "--format", "csv").stdout


def test_a_file_name_or_a_refusal_is_printed_with_its_controls_escaped(
    run: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A control character in a file name (which the file system takes) is echoed back in
    the summary and in a refusal as its escape, never raw to the terminal."""
    monkeypatch.chdir(tmp_path)
    written = run("backup", "bell\x07")
    assert written.exit_code == 0, written.stderr
    assert "backup written to bell\\x07 (" in written.stdout
    again = run("backup", "bell\x07")
    assert again.exit_code == 1
    assert "bell\\x07" in again.stderr
    for shown in (written.stdout, again.stderr):
        assert not re.search("[\x00-\x08\x0b-\x1f\x7f-\x9f]", shown), shown
