"""The API's signed-in reads and the Secretariat's writes (issue 18): the trial balance,
donors, pledges and receipts within each role's rights (a donor's token sees only its own
donor), paged; a pledge, a receipt and a rate posted through the forms' services, once
per Idempotency-Key; each bad request refused with its status and nothing written."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

import pytest
from click.testing import CliRunner
from flask.testing import FlaskClient
from sqlalchemy import func, select

from fundledger.audit.models import AuditEvent
from fundledger.auth.models import User
from fundledger.cli.main import cli
from fundledger.db import Database
from fundledger.donors.models import Donor, ExchangeRate, Pledge, Receipt
from fundledger.donors.operations import create_donor
from fundledger.donors.pledges import record_pledge
from fundledger.donors.receipts import record_receipt
from fundledger.ledger.models import JournalEntry
from tests.factories import TEST_ACTOR, entry_lines
from tests.web.api_helpers import WRITE, call, generated_client, token_for

D = Decimal
PLEDGE = {"donor": "MEX", "pledge_date": "2026-02-10", "amount": "25000.00", "currency": "USD",
          "reference": "API-1"}  # fmt: skip


@pytest.fixture
def books(database: Database) -> None:
    """Spain pledged EUR 50,000 and paid part; Mexico pledged USD 50,000 and paid it."""
    with database.transaction() as session:
        spain = create_donor(session, TEST_ACTOR, code="ES-OBS", name="Spain",
                             type="permanent_observer")  # fmt: skip
        pledge = record_pledge(session, TEST_ACTOR, spain, pledge_date=D_("2025-02-10"),
                               amount=D("50000.00"), currency="EUR", rate=D("1.0850"))  # fmt: skip
        record_receipt(session, TEST_ACTOR, spain, value_date=D_("2025-04-15"),
                       amount=D("29980.00"), currency="EUR", rate=D("1.1000"),
                       charges=D("20.00"), pledges=[pledge])  # fmt: skip
        mexico = create_donor(session, TEST_ACTOR, code="MEX", name="México", type="member_state")
        earmarked = record_pledge(session, TEST_ACTOR, mexico, pledge_date=D_("2025-01-20"),
                                  amount=D("50000.00"), currency="USD")  # fmt: skip
        record_receipt(session, TEST_ACTOR, mexico, value_date=D_("2025-01-20"),
                       amount=D("50000.00"), currency="USD", pledges=[earmarked])  # fmt: skip


def D_(text: str) -> object:
    import datetime as dt

    return dt.date.fromisoformat(text)


@pytest.fixture
def token(database: Database, make_user: Callable[..., User]) -> Callable[..., str]:
    """``token("auditor")``: a live token of a new user with that role."""

    def make(role: str, scope: str = WRITE, **fields: object) -> str:
        return token_for(database, make_user(role, email=f"{role}@example.org", **fields), scope)

    return make


def cli_output(database: Database, *args: str) -> str:
    result = CliRunner().invoke(cli, list(args), env={"FUNDLEDGER_DATABASE_URL": database.url},
                                catch_exceptions=False)  # fmt: skip
    assert result.exit_code == 0, result.output
    return result.output


def counts(database: Database) -> tuple[int, ...]:
    with database.session() as session:
        return tuple(
            session.scalar(select(func.count()).select_from(table)) or 0
            for table in (JournalEntry, Pledge, Receipt, ExchangeRate, AuditEvent)
        )


# --- reads ------------------------------------------------------------------------------


def test_a_client_generated_from_the_description_reads_and_posts_as_the_cli_does(
    database: Database, client: FlaskClient, books: None, token: Callable[..., str],
    tmp_path: Path,
) -> None:  # fmt: skip
    """The OpenAPI description is enough to build a working client: one generated from
    it reads the trial balance the CLI prints and posts the pledge the CLI posts."""
    api = generated_client(client, tmp_path)
    secretariat = api.signed_in(token("secretariat"))
    post = api.operation("api_writes", "post_api_v1_pledges")
    body = api.model("PledgeBody").from_dict(PLEDGE)
    posted = post.sync_detailed(client=secretariat, body=body, idempotency_key="p-1")
    assert posted.status_code == 201, posted.content
    again = post.sync(client=secretariat, body=body, idempotency_key="p-1")
    assert again.id == posted.parsed.id, "a retry with its key answers the first pledge"

    auditor = api.signed_in(token("auditor", "read"))
    read = api.operation("api", "get_api_v1_trial_balance").sync(client=auditor)
    printed = list(csv.DictReader(io.StringIO(cli_output(database, "trial-balance",
                                                         "--format", "csv"))))  # fmt: skip
    assert [
        {"account": row.account, "name": row.name, "debit": row.debit, "credit": row.credit}
        for row in read.rows
    ] == printed  # fmt: skip
    # The same pledge through the CLI posts the same lines.
    cli_output(database, "pledge", "--donor", "MEX", "--date", "2026-02-10", "--amount",
               "25000.00", "--currency", "USD", "--ref", "API-1")  # fmt: skip
    with database.session() as session:
        api_pledge, cli_pledge = session.scalars(
            select(Pledge).where(Pledge.reference == "API-1").order_by(Pledge.id)
        ).all()
        assert api_pledge.id == posted.parsed.id
        api_entry = session.get_one(JournalEntry, api_pledge.entry_id)
        cli_entry = session.get_one(JournalEntry, cli_pledge.entry_id)
        assert entry_lines(api_entry) == entry_lines(cli_entry)
        assert api_entry.created_by == "secretariat@example.org"
        assert (api_entry.request_id or "").startswith("api-token-"), "which token posted it"


def test_lists_are_paged(client: FlaskClient, books: None, token: Callable[..., str]) -> None:
    auditor = token("auditor", "read")
    first = call(client, "GET", "/api/v1/donors?per_page=1&sort=code", auditor).get_json()
    assert (first["total"], first["pages"], [d["code"] for d in first["items"]]) == (
        2,
        2,
        ["ES-OBS"],
    )
    second = call(client, "GET", "/api/v1/donors?per_page=1&sort=code&page=2", auditor)
    assert [d["code"] for d in second.get_json()["items"]] == ["MEX"]
    pledges = call(client, "GET", "/api/v1/pledges?donor=ES-OBS", auditor).get_json()
    assert [(p["amount"], p["currency"], p["outstanding"]) for p in pledges["items"]] == [
        ("50000.00", "EUR", "20000.00")
    ]
    receipts = call(client, "GET", "/api/v1/receipts?sort=date&direction=asc", auditor)
    assert [r["donor"] for r in receipts.get_json()["items"]] == ["MEX", "ES-OBS"]
    bad = call(client, "GET", "/api/v1/receipts?sort=colour", auditor)
    assert bad.status_code == 422
    assert "sort must be one of" in bad.get_json()["message"]


def test_a_donors_token_sees_only_its_own_donor(
    database: Database, client: FlaskClient, books: None, token: Callable[..., str]
) -> None:
    with database.session() as session:
        mexico = session.scalars(select(Donor).filter_by(code="MEX")).one()
    mine = token("donor", "read", donor=mexico)

    donors = call(client, "GET", "/api/v1/donors", mine).get_json()
    assert [d["code"] for d in donors["items"]] == ["MEX"]
    for url in ("/api/v1/pledges", "/api/v1/receipts"):
        items = call(client, "GET", url, mine).get_json()["items"]
        assert {item["donor"] for item in items} == {"MEX"}, url
    for url in ("/api/v1/donors/ES-OBS", "/api/v1/pledges?donor=ES-OBS",
                "/api/v1/receipts?donor=ES-OBS", "/api/v1/donors/NOBODY"):  # fmt: skip
        answer = call(client, "GET", url, mine)
        assert (answer.status_code, answer.get_json()["message"]) == (
            404,
            "There is no such donor.",
        ), url
    assert call(client, "GET", "/api/v1/donors/MEX", mine).get_json()["name"] == "México"
    assert call(client, "GET", "/api/v1/trial-balance", mine).status_code == 403


# --- writes -----------------------------------------------------------------------------


def test_a_receipt_and_a_rate_post_through_the_forms_services(
    database: Database, client: FlaskClient, books: None, token: Callable[..., str]
) -> None:
    secretariat = token("secretariat")
    rate = call(client, "POST", "/api/v1/rates", secretariat,
                {"currency": "eur", "date": "2026-02-10", "rate": "1.0800"}, key="r-1")  # fmt: skip
    assert (rate.status_code, rate.get_json()) == (
        201,
        {"currency": "EUR", "date": "2026-02-10", "rate": "1.08"},
    )
    with database.session() as session:
        pledge_id = session.scalars(
            select(Pledge.id).join(Donor).where(Donor.code == "ES-OBS")
        ).one()
    receipt = call(client, "POST", "/api/v1/receipts", secretariat,
                   {"donor": "ES-OBS", "value_date": "2026-02-10", "amount": "20000.00",
                    "currency": "EUR", "pledges": [pledge_id]}, key="rc-1")  # fmt: skip
    assert receipt.status_code == 201, receipt.get_json()
    assert (receipt.get_json()["usd"], receipt.get_json()["rate"]) == ("21600.00", "1.08")
    pledges = call(client, "GET", "/api/v1/pledges?donor=ES-OBS", secretariat).get_json()
    assert pledges["items"][0]["outstanding"] == "0.00"
    with database.session() as session:
        actions = session.scalars(select(AuditEvent.action)).all()
    assert {"rate.set", "receipt.recorded"} <= set(actions)


def test_the_same_key_and_body_answer_the_same_and_post_once(
    database: Database, client: FlaskClient, books: None, token: Callable[..., str]
) -> None:
    secretariat = token("secretariat")
    first = call(client, "POST", "/api/v1/pledges", secretariat, PLEDGE, key="same")
    before = counts(database)
    again = call(client, "POST", "/api/v1/pledges", secretariat, dict(reversed(PLEDGE.items())),
                 key="same")  # fmt: skip
    assert (again.status_code, again.get_json()) == (201, first.get_json())
    assert counts(database) == before, "nothing posted twice"

    other = call(client, "POST", "/api/v1/pledges", secretariat, {**PLEDGE, "amount": "1.00"},
                 key="same")  # fmt: skip
    assert other.status_code == 409
    assert "Idempotency-Key was used for another request" in other.get_json()["message"]
    assert counts(database) == before
    missing = call(client, "POST", "/api/v1/pledges", secretariat, PLEDGE)
    assert missing.status_code == 400
    assert "Idempotency-Key" in missing.get_json()["message"]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({**PLEDGE, "amount": 25000.5}, "amount"),
        ({**PLEDGE, "amount": "lots"}, "amount"),
        ({**PLEDGE, "pledge_date": "10/02/2026"}, "pledge_date"),
        ({k: v for k, v in PLEDGE.items() if k != "currency"}, "currency"),
        ({**PLEDGE, "colour": "red"}, "colour"),
        ({**PLEDGE, "reference": "A\x00B"}, "reference"),
        ({**PLEDGE, "instalments": [{"due_date": "2026-03-01"}]}, "instalments.0.amount"),
    ],
)
def test_a_malformed_body_is_422_naming_the_field(
    database: Database, client: FlaskClient, books: None, token: Callable[..., str],
    body: dict[str, object], field: str,
) -> None:  # fmt: skip
    secretariat = token("secretariat")
    before = counts(database)
    answer = call(client, "POST", "/api/v1/pledges", secretariat, body, key="m")
    assert answer.status_code == 422
    assert answer.get_json()["message"].startswith(f"{field}:")
    assert counts(database) == before


def test_a_refusal_writes_nothing_and_the_key_stays_free(
    database: Database, client: FlaskClient, books: None, token: Callable[..., str]
) -> None:
    secretariat = token("secretariat")
    before = counts(database)
    refused = call(client, "POST", "/api/v1/pledges", secretariat,
                   {**PLEDGE, "currency": "EUR"}, key="k")  # fmt: skip
    assert refused.status_code == 422
    assert "no EUR rate for Feb 10, 2026" in refused.get_json()["message"]
    unknown = call(client, "POST", "/api/v1/pledges", secretariat, {**PLEDGE, "donor": "XX"},
                   key="k2")  # fmt: skip
    assert unknown.status_code == 404
    assert counts(database) == before
    corrected = call(client, "POST", "/api/v1/pledges", secretariat,
                     {**PLEDGE, "currency": "EUR", "rate": "1.08"}, key="k")  # fmt: skip
    assert corrected.status_code == 201


def test_a_body_over_the_limit_is_413(
    database: Database, client: FlaskClient, token: Callable[..., str]
) -> None:
    secretariat = token("secretariat")
    before = counts(database)
    huge = {**PLEDGE, "reference": "x" * 70_000}
    answer = call(client, "POST", "/api/v1/pledges", secretariat, huge, key="big")
    assert answer.status_code == 413
    assert answer.get_json()["code"] == 413
    assert counts(database) == before


def test_the_openapi_document_declares_the_bearer_scheme(client: FlaskClient) -> None:
    spec = client.get("/api/v1/openapi.json").get_json()
    assert spec["components"]["securitySchemes"]["bearerAuth"]["scheme"] == "bearer"
    assert spec["paths"]["/api/v1/pledges"]["post"]["security"] == [{"bearerAuth": []}]
    assert {"/api/v1/trial-balance", "/api/v1/donors", "/api/v1/receipts", "/api/v1/rates"} <= set(
        spec["paths"]
    )
    assert "security" not in spec["paths"]["/api/v1/public/figures"]["get"]
