"""The audit log as the auditor reads it: filtered, paged, exported; and the ledger check."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable

from flask.testing import FlaskClient
from sqlalchemy import select, text

from fundledger import create_app
from fundledger.actors import Actor
from fundledger.audit.models import AuditEvent
from fundledger.audit.views import link
from fundledger.db import Database
from fundledger.donors.operations import create_donor, set_donor_active
from tests.web.downloads import csv_text

SECRETARIAT = Actor("sec@oas.org", request_id="r1", address="10.0.0.7")


def record_some_changes(database: Database) -> None:
    with database.transaction() as session:
        peru = create_donor(
            session, SECRETARIAT, code="PER", name="<b>Perú</b>", type="member_state"
        )
        create_donor(session, SECRETARIAT, code="CHL", name="Chile", type="member_state")
        set_donor_active(session, SECRETARIAT, peru, False)


def test_auditor_filters_and_exports_the_log(
    database: Database, client: FlaskClient, login_as: Callable[..., object]
) -> None:
    record_some_changes(database)
    login_as("auditor")

    page = client.get("/audit/?action=donor.&object_id=PER")
    assert page.status_code == 200
    body = page.get_data(as_text=True)
    assert "donor.created" in body
    assert "donor.deactivated" in body
    assert "CHL" not in body
    assert "&lt;b&gt;Perú&lt;/b&gt;" in body
    assert "<b>Perú</b>" not in body
    assert "10.0.0.7" in body

    export = client.get("/audit/log.csv?object_id=PER&direction=asc")
    assert export.headers["Content-Disposition"] == 'attachment; filename="audit-log.csv"'
    rows = list(csv.DictReader(io.StringIO(csv_text(export))))
    assert [row["action"] for row in rows] == ["donor.created", "donor.deactivated"]
    assert rows[1]["before"].startswith('{"active": true')
    assert rows[1]["after"].startswith('{"active": false')


def test_bad_filter_dates_are_a_400_with_the_reason(
    client: FlaskClient, login_as: Callable[..., object]
) -> None:
    login_as("auditor")
    response = client.get("/audit/?from=2025-02-30")
    assert response.status_code == 400
    assert "From: 2025-02-30 is not a date on the calendar." in response.get_data(as_text=True)


def test_only_auditors_and_admins_read_the_log(
    client: FlaskClient, login_as: Callable[..., object]
) -> None:
    login_as("secretariat")
    assert client.get("/audit/").status_code == 403
    assert client.get("/audit/log.csv").status_code == 403


def test_verification_page_reports_tampering(
    database: Database, client: FlaskClient, login_as: Callable[..., object]
) -> None:
    login_as("auditor")
    assert "Verified." in client.get("/audit/verify").get_data(as_text=True)
    with database.engine.begin() as connection:
        connection.execute(text("UPDATE account_balances SET balance = balance + 1"))
    page = client.get("/audit/verify").get_data(as_text=True)
    assert "violation(s)" in page
    assert "cached balance" in page


def test_each_verification_from_the_page_is_recorded_for_the_dashboard(
    database: Database, client: FlaskClient, login_as: Callable[..., object]
) -> None:
    login_as("auditor", email="checker@example.org")
    client.get("/audit/verify")
    with database.engine.begin() as connection:
        connection.execute(text("UPDATE account_balances SET balance = balance + 1"))
    client.get("/audit/verify")
    with database.session() as session:
        recorded = [
            (event.actor, json.loads(event.after or ""))
            for event in session.scalars(
                select(AuditEvent).filter_by(action="ledger.verified").order_by(AuditEvent.id)
            )
        ]
    assert [actor for actor, _ in recorded] == ["checker@example.org"] * 2
    assert [(after["ok"], after["entries"]) for _, after in recorded] == [(True, 0), (False, 0)]
    assert recorded[1][1]["problems"] > 0


def test_the_log_shows_what_changed_and_links_to_what_it_names(
    database: Database, client: FlaskClient, login_as: Callable[..., object]
) -> None:
    record_some_changes(database)
    login_as("auditor")
    rows = _rows(client.get("/audit/?object_id=PER&direction=asc").get_data(as_text=True))
    created, deactivated = rows
    assert '<a href="/donors/PER">donor PER</a>' in created
    assert '<span class="field-name">name</span>: <ins>&lt;b&gt;Perú&lt;/b&gt;</ins>' in created
    assert '<span class="field-name">active</span>: <del>true</del> → <ins>false</ins>' in (
        deactivated
    )
    assert ">name<" not in deactivated, "only what changed"
    assert "{" not in created + deactivated, "no raw JSON"


def test_a_value_naming_an_object_links_to_it_where_the_reader_may_go() -> None:
    app = create_app({"DATABASE_URL": "sqlite://", "SECRET_KEY": "x", "TESTING": True})
    with app.test_request_context():
        assert link("rate", "EUR:2025-01-10") is None
        assert link("entry", "12") is None, "no page the visitor may open"


def _rows(page: str) -> list[str]:
    table = page[page.index('<table'):page.index('</table>')]
    return table.split("<tr>")[2:]
