"""``fundledger program revise`` and ``allocation propose --organ``."""

from __future__ import annotations

import pytest

from tests.integration.test_allocations_cli import Run, ok


@pytest.fixture
def cajp(run: Run) -> Run:
    for email, role in (("cajp@oas.org", "cajp"), ("sec@oas.org", "secretariat")):
        ok(run("user", "add", "--email", email, "--role", role, "--password-stdin",
               stdin="correct horse battery staple\n"))  # fmt: skip
    return run


def test_the_cajp_revises_the_program_from_the_command_line(cajp: Run) -> None:
    run = cajp
    decided = ("--effective", "2025-06-01", "--reference", "CP/CAJP/DEC. 3/25",
               "--as", "cajp@oas.org")  # fmt: skip
    assert ok(run("program", "revise", "link", "20", "20", *decided)).endswith(
        "link activity 20 – objective 20\n"
    )
    ok(run("program", "revise", "add-implementer", "ola", "--name", "Legal Affairs",
           "--group", "oas_organ", *decided))  # fmt: skip
    ok(run("program", "revise", "add-activity", "101", "--implementer", "OLA",
           "--title", "Legal assistance", *decided))  # fmt: skip
    moved = ok(run("program", "revise", "move-activity", "29", "--to", "MEMBER-STATES", *decided))
    assert moved.endswith("move activity 29 from DLAS to MEMBER-STATES\n")
    listed = ok(run("program", "revise", "list", "--format", "csv"))
    assert "add activity 101 (OLA)" in listed
    activities = ok(run("program", "activities", "--format", "csv"))
    assert "29,MEMBER-STATES,no," in activities
    assert "101,OLA,yes," in activities


def test_a_refused_revision_is_one_line_on_stderr(cajp: Run) -> None:
    result = cajp("program", "revise", "add-activity", "5", "--implementer", "CIM",
                  "--title", "Again", "--effective", "2025-06-01", "--reference", "X",
                  "--as", "cajp@oas.org")  # fmt: skip
    assert result.exit_code == 1
    assert "activity 5 exists already" in result.stderr
    secretariat = cajp("program", "revise", "link", "20", "20", "--effective", "2025-06-01",
                       "--reference", "X", "--as", "sec@oas.org")  # fmt: skip
    assert secretariat.exit_code != 0


def test_an_allocation_to_30_names_its_organ_from_the_command_line(cajp: Run) -> None:
    propose = ("allocation", "propose", "--activity", "30", "--amount", "1000", "--purpose",
               "Training", "--gender-marker", "1", "--as", "sec@oas.org")  # fmt: skip
    refused = cajp(*propose)
    assert refused.exit_code == 1
    assert "name the organ that receives the money" in refused.stderr
    ok(cajp(*propose, "--organ", "IIN"))
    assert ",IIN," in ok(cajp("allocation", "list", "--format", "csv"))
