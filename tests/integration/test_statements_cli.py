"""``fundledger statement`` from the command line: issue, list, verify, rebuild-check."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import re
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from fundledger.cli.main import cli
from fundledger.db import Database
from fundledger.donors.operations import create_donor, set_donor_active
from fundledger.donors.receipts import record_receipt
from tests.integration.test_statements import (
    SECRETARIAT,
    day,
    mexico_funds_activity_5,
    spain_pays_in_two_instalments,
    text_of,
)

Run = Callable[..., Result]
ISSUED = re.compile(r"^((?:DS|FS|CP)-\d{4}-\d{4}) (\S+)$")


@pytest.fixture
def archive(tmp_path: Path) -> Path:
    return tmp_path / "statements"


@pytest.fixture
def run(database: Database, archive: Path) -> Run:
    """``fundledger ARGS`` against the test database, with the archive in a temporary folder."""
    runner = CliRunner()
    env = {"FUNDLEDGER_DATABASE_URL": database.url, "FUNDLEDGER_STATEMENTS_DIR": str(archive)}

    def invoke(*args: str) -> Result:
        return runner.invoke(cli, list(args), env=env, catch_exceptions=False)

    return invoke


def ok(result: Result) -> str:
    assert result.exit_code == 0, result.stderr
    return result.stdout


def issued(result: Result) -> tuple[str, Path]:
    match = ISSUED.match(ok(result).strip())
    assert match, result.stdout
    return match.group(1), Path(match.group(2))


@pytest.fixture
def fund(database: Database) -> Database:
    with database.transaction() as session:
        spain_pays_in_two_instalments(session)
        mexico_funds_activity_5(session)
    return database


def test_issue_list_verify_and_rebuild(fund: Database, run: Run, tmp_path: Path) -> None:
    number, path = issued(run("statement", "donor", "es-obs", "--from", "2025-01-01",
                              "--to", "2025-12-31"))  # fmt: skip
    assert re.fullmatch(r"DS-\d{4}-0001", number)
    assert path.is_file()
    assert "Estado de cuenta del donante" in text_of(path.read_bytes())  # the donor's language
    copy = tmp_path / "copy.pdf"
    fund_number, fund_path = issued(run("statement", "fund", "--year", "2025", "--lang", "fr",
                                        "--out", str(copy)))  # fmt: skip
    assert copy.read_bytes() == fund_path.read_bytes()
    assert "État de la situation financière" in text_of(copy.read_bytes())
    pack_number, _ = issued(run("statement", "cajp-pack", "--date", "2026-03-10"))
    assert pack_number.startswith("CP-")

    rows = list(csv.DictReader(io.StringIO(ok(run("statement", "list", "--format", "csv")))))
    assert [row["number"] for row in rows] == [number, fund_number, pack_number]
    assert rows[0]["statement"] == "donor statement for ES-OBS, 2025-01-01 to 2025-12-31"
    assert rows[0]["language"] == "es"
    assert rows[0]["sha256"] == hashlib.sha256(path.read_bytes()).hexdigest()
    assert rows[1]["statement"] == "fund statement for 2025"
    assert "DS-" in ok(run("statement", "list"))

    genuine = run("statement", "verify", str(path))
    assert genuine.exit_code == 0
    assert genuine.stdout.startswith(f"genuine: {number}, unaudited donor statement for ES-OBS")
    assert "; signature valid (Fund under test); figures unchanged" in genuine.stdout

    altered = tmp_path / "altered.pdf"
    content = bytearray(path.read_bytes())
    content[len(content) // 2] ^= 0x20
    altered.write_bytes(bytes(content))
    refused = run("statement", "verify", str(altered))
    assert refused.exit_code == 1
    assert f"claims to be statement {number}" in refused.stdout
    assert "altered" in refused.stdout
    assert "signature invalid" in refused.stdout
    stranger = tmp_path / "stranger.pdf"
    stranger.write_bytes(b"%PDF-1.4\n% not ours\n%%EOF\n")
    unknown = run("statement", "verify", str(stranger))
    assert unknown.exit_code == 1
    assert "not a statement issued by this fund" in unknown.stdout
    assert "; unsigned: not a readable PDF" in unknown.stdout

    check = run("statement", "rebuild-check")
    assert check.exit_code == 0, check.stdout
    assert check.stdout.splitlines()[-1] == "3 statements checked, 0 with problems"
    path.write_bytes(bytes(content))
    check = run("statement", "rebuild-check")
    assert check.exit_code == 1
    assert f"{number} archive file missing or changed" in check.stdout


def test_every_active_donor_in_its_language(database: Database, run: Run) -> None:
    titles = {"en": "Donor statement", "es": "Estado de cuenta del donante",
              "fr": "Relevé du donateur", "pt": "Extrato do doador"}  # fmt: skip
    with database.transaction() as session:
        for code, name, language in (("BRA", "Brasil", "pt"), ("CIV", "Côte d'Ivoire", "fr"),
                                     ("PER", "Perú", "es"), ("STP", "São Tomé", "pt"),
                                     ("QC-FDN", "Fondation du Québec", "fr"),
                                     ("USA", "United States of America", "en")):  # fmt: skip
            donor = create_donor(session, SECRETARIAT, code=code, name=name, type="other",
                                 language=language)  # fmt: skip
            record_receipt(session, SECRETARIAT, donor, value_date=day("2025-05-05"),
                           amount=Decimal("1000"), currency="USD",
                           unpledged=True)  # fmt: skip
        quiet = create_donor(session, SECRETARIAT, code="OLD", name="Former donor", type="other")
        set_donor_active(session, SECRETARIAT, quiet, False)
    result = run("statement", "donors", "--year", "2025")
    lines = ok(result).splitlines()
    assert "Donor statements 2025" in result.stderr  # the progress bar
    assert [line.split()[1:3] for line in lines] == [
        ["BRA", "pt"], ["CIV", "fr"], ["PER", "es"], ["QC-FDN", "fr"], ["STP", "pt"],
        ["USA", "en"],
    ]  # fmt: skip
    for line in lines:
        number, code, language, path = line.split(" ", 3)
        text = text_of(Path(path).read_bytes())
        assert titles[language] in text
        assert number in text
    names = " ".join(text_of(Path(line.split(" ", 3)[3]).read_bytes()) for line in lines)
    for accented in ("Côte d'Ivoire", "Perú", "São Tomé", "Québec"):
        assert accented in names


def test_refusals(fund: Database, run: Run) -> None:
    unknown = run("statement", "donor", "XYZ", "--from", "2025-01-01", "--to", "2025-12-31")
    assert unknown.exit_code == 1
    assert "there is no donor 'XYZ'" in unknown.stderr
    backwards = run("statement", "donor", "MEX", "--from", "2025-12-31", "--to", "2025-01-01")
    assert backwards.exit_code == 1
    assert "ends" in backwards.stderr
    language = run("statement", "fund", "--year", "2025", "--lang", "de")
    assert language.exit_code == 2
    assert ok(run("statement", "list", "--format", "csv")).splitlines() == [
        "number,kind,statement,language,issued_at,issued_by,sha256,path,status,supersedes,"
        "superseded_by"
    ]


def test_the_json_format_prints_the_figures_without_issuing(fund: Database, run: Run) -> None:
    preview = json.loads(ok(run("statement", "donor", "es-obs", "--from", "2025-01-01",
                                "--to", "2025-12-31", "--format", "json")))  # fmt: skip
    assert preview["statement"] is None
    assert ok(run("statement", "list", "--format", "csv")).strip() == (
        "number,kind,statement,language,issued_at,issued_by,sha256,path,status,supersedes,"
        "superseded_by"
    )  # nothing was issued
    _number, path = issued(run("statement", "donor", "ES-OBS", "--from", "2025-01-01",
                               "--to", "2025-12-31"))  # fmt: skip
    extracted = json.loads(ok(run("statement", "data", str(path))))
    assert extracted["figures"] == preview["figures"]
    assert extracted["kind"] == preview["kind"] == "donor"


def test_a_pdf_without_figures_is_refused(run: Run, tmp_path: Path) -> None:
    stranger = tmp_path / "stranger.pdf"
    stranger.write_bytes(b"%PDF-1.4\n% not ours\n%%EOF\n")
    refused = run("statement", "data", str(stranger))
    assert refused.exit_code == 1
    assert refused.stdout == ""
    assert refused.stderr.startswith("error: stranger.pdf: ")
    unknown = run("statement", "donor", "NOPE", "--from", "2025-01-01", "--to", "2025-12-31",
                  "--format", "json")  # fmt: skip
    assert unknown.exit_code != 0
    assert "NOPE" in unknown.stderr
