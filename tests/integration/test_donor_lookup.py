"""One look-up of a donor by code and one map from donor ids to codes, for every caller:
the pages, the CLI, the statements and the users list answer alike."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import fundledger
from fundledger.db import Database
from fundledger.donors.errors import UnknownDonor
from fundledger.donors.operations import create_donor, known_donor
from fundledger.donors.queries import donor_by_code, donor_codes
from fundledger.inputs import InvalidInput
from tests.factories import TEST_ACTOR


@pytest.fixture
def two_donors(database: Database) -> dict[str, int]:
    with database.transaction() as session:
        ids = {
            code: create_donor(session, TEST_ACTOR, code=code, name=code, type="member_state").id
            for code in ("MEX", "CAN")
        }
    return ids


def test_a_code_is_found_in_any_case_and_with_spaces_around_it(
    database: Database, two_donors: dict[str, int]
) -> None:
    with database.session() as session:
        found = donor_by_code(session, " mex ")
        assert found is not None
        assert found.id == two_donors["MEX"]
        assert donor_by_code(session, "BRA") is None
        with pytest.raises(InvalidInput, match="ASCII"):
            donor_by_code(session, "MÉX")


def test_an_operation_refuses_an_unknown_donor_by_name(
    database: Database, two_donors: dict[str, int]
) -> None:
    with database.session() as session:
        assert known_donor(session, "can").id == two_donors["CAN"]
        with pytest.raises(UnknownDonor, match="unknown donor 'BRA'"):
            known_donor(session, "BRA")


def test_codes_by_id_of_some_donors_or_of_all(
    database: Database, two_donors: dict[str, int]
) -> None:
    mex, can = two_donors["MEX"], two_donors["CAN"]
    with database.session() as session:
        assert donor_codes(session) == {mex: "MEX", can: "CAN"}
        assert donor_codes(session, {can}) == {can: "CAN"}
        assert donor_codes(session, set()) == {}


def test_no_other_module_defines_them() -> None:
    package = Path(fundledger.__file__).parent
    defined = sorted(
        f"{path.relative_to(package)}:{node.name}"
        for path in package.rglob("*.py")
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
        if isinstance(node, ast.FunctionDef) and node.name in {"donor_by_code", "donor_codes"}
    )
    assert defined == ["donors/queries.py:donor_by_code", "donors/queries.py:donor_codes"]
