"""Every route is closed unless its declaration opens it: Flask's URL map is walked and
each route tried anonymously and with every role, so a new route cannot ship open."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pytest
from flask import Flask, url_for
from flask.testing import FlaskClient
from werkzeug.routing import IntegerConverter

from fundledger.auth import access
from fundledger.auth.access import allow, check_donor, donor_scope
from fundledger.auth.models import Role, User
from fundledger.db import Database
from fundledger.donors.models import Donor
from tests.factories import create_donor

LoginAs = Callable[..., User]


@dataclass(frozen=True)
class Route:
    endpoint: str
    url: str
    methods: tuple[str, ...]
    rule: access.Rule

    def __str__(self) -> str:
        return f"{'/'.join(self.methods)} {self.url} ({self.endpoint})"


def routes(app: Flask) -> list[Route]:
    """Each rule of the URL map, with made-up arguments (1 for numbers, x otherwise)."""
    found = []
    # Built first: requests made while this context is pushed would share its ``g``.
    with app.test_request_context():
        for rule in app.url_map.iter_rules():
            arguments = {
                name: 1 if isinstance(converter, IntegerConverter) else "x"
                for name, converter in (rule._converters or {}).items()
            }
            declared = access.rule_for(app, rule.endpoint)
            assert declared is not None, f"{rule.endpoint} declares no access"
            methods = tuple(sorted((rule.methods or set()) - {"HEAD", "OPTIONS"}))
            url = url_for(rule.endpoint, **arguments)
            found.append(Route(rule.endpoint, url, methods, declared))
    return found


def request(client: FlaskClient, method: str, url: str) -> tuple[int, str]:
    response = client.open(url, method=method)
    status, where = response.status_code, response.headers.get("Location", "")
    response.close()
    return status, where


@pytest.fixture
def signed_in(app: Flask, login_as: LoginAs, database: Database) -> dict[Role, FlaskClient]:
    """A browser signed in for each role."""
    with database.transaction() as session:
        donor = create_donor(session, "MEX")
    clients = {}
    for role in Role:
        clients[role] = app.test_client()
        login_as(role.value, client=clients[role], donor=donor if role is Role.DONOR else None)
    return clients


def test_every_route_declares_who_may_use_it(app: Flask) -> None:
    assert access.undeclared(app) == []
    assert len(routes(app)) >= 20


def test_no_route_opens_to_a_stranger(app: Flask, client: FlaskClient) -> None:
    checked = 0
    for route in routes(app):
        if route.rule.public:
            continue
        for method in route.methods:
            status, where = request(client, method, route.url)
            if route.url.startswith("/api/"):
                assert status == 401, route  # a program is told, not sent to a sign-in page
            elif method == "GET" or route.rule.pending:
                assert status == 302, route
                assert where.startswith("/login"), route
            else:
                assert status == 401, route
            checked += 1
    assert checked >= 20


def test_no_route_opens_to_a_role_it_does_not_name(
    app: Flask, signed_in: dict[Role, FlaskClient]
) -> None:
    checked = 0
    for route in routes(app):
        if route.rule.public or route.rule.pending:
            continue
        for role in set(Role) - route.rule.roles:
            for method in route.methods:
                status, _where = request(signed_in[role], method, route.url)
                assert status == 403, (str(route), role)
                checked += 1
    assert checked >= 30


def test_every_route_opens_to_the_roles_it_names(
    app: Flask, signed_in: dict[Role, FlaskClient]
) -> None:
    for route in routes(app):
        if route.rule.public or route.rule.pending or route.endpoint == "auth.logout":
            continue
        for role in route.rule.roles:
            for method in route.methods:
                status, _where = request(signed_in[role], method, route.url)
                if method == "GET":
                    # In: the page, or its own 404 for the made-up argument.
                    assert status in (200, 404), (str(route), role, status)
                else:
                    # In: past the role check, stopped only by the missing CSRF token.
                    assert status == 400, (str(route), role, status)


READ_ONLY_PAGES = [
    "/",
    "/accounts",
    "/accounts.csv",
    "/journal",
    "/trial-balance",
    "/trial-balance.csv",
    "/program/objectives",
    "/program/activities",
    "/program/activities/1",
    "/program/crossref",
]
READERS = {Role.SECRETARIAT, Role.CAJP, Role.AUDITOR, Role.ADMIN}


@pytest.mark.parametrize("url", READ_ONLY_PAGES)
def test_who_reads_the_existing_pages(signed_in: dict[Role, FlaskClient], url: str) -> None:
    """The fund's books for everyone but donors; the home page and the Program for all."""
    for role, client in signed_in.items():
        open_to_donors = url == "/" or url.startswith("/program/")
        expected = 200 if role in READERS or open_to_donors else 403
        assert request(client, "GET", url)[0] == expected, role


@pytest.mark.parametrize("url", ["/reports/net-assets", "/reports/net-assets.csv"])
def test_net_assets_by_pool_is_for_the_secretariat_the_cajp_and_auditors(
    signed_in: dict[Role, FlaskClient], url: str
) -> None:
    """Issue 14: those who keep, decide on and audit the books; not donors, not admins."""
    audience = {Role.SECRETARIAT, Role.CAJP, Role.AUDITOR}
    for role, client in signed_in.items():
        assert request(client, "GET", url)[0] == (200 if role in audience else 403), role


def test_a_donor_is_shown_only_the_links_it_may_follow(
    signed_in: dict[Role, FlaskClient],
) -> None:
    header = signed_in[Role.DONOR].get("/").get_data(as_text=True).split("<main")[0]
    for allowed in ("/", "/program/objectives", "/program/activities", "/program/crossref"):
        assert f'href="{allowed}"' in header, allowed
    for refused in ("/accounts", "/journal", "/trial-balance", "/admin/users"):
        assert f'href="{refused}"' not in header, refused
    admin = signed_in[Role.ADMIN].get("/").get_data(as_text=True).split("<main")[0]
    assert 'href="/admin/users"' in admin


def test_a_route_nobody_declared_is_refused_to_everyone(
    app: Flask, client: FlaskClient, signed_in: dict[Role, FlaskClient]
) -> None:
    app.add_url_rule("/forgotten", "forgotten", lambda: "open?")
    assert access.undeclared(app) == ["forgotten: no access declared"]
    assert request(client, "GET", "/forgotten")[0] == 403
    for role, browser in signed_in.items():
        assert request(browser, "GET", "/forgotten")[0] == 403, role


def test_a_donor_login_sees_only_its_own_donor(
    app: Flask, database: Database, signed_in: dict[Role, FlaskClient]
) -> None:
    @allow("donor", "auditor")
    def donor_page(donor_id: int) -> str:
        check_donor(donor_id)
        return f"donor {donor_id}, scope {donor_scope()}"

    app.add_url_rule("/donor-page/<int:donor_id>", view_func=donor_page)
    with database.transaction() as session:
        other: Donor = create_donor(session, "CAN")
    with database.session() as session:
        own = session.query(Donor).filter_by(code="MEX").one()

    donor = signed_in[Role.DONOR]
    assert donor.get(f"/donor-page/{own.id}").get_data(as_text=True) == (
        f"donor {own.id}, scope {own.id}"
    )
    refused = donor.get(f"/donor-page/{other.id}")
    assert refused.status_code == 404, "another donor's page looks like no page at all"
    assert "There is no such donor." in refused.get_data(as_text=True)

    auditor = signed_in[Role.AUDITOR]
    for donor_id in (own.id, other.id):
        assert auditor.get(f"/donor-page/{donor_id}").get_data(as_text=True) == (
            f"donor {donor_id}, scope None"
        )
    assert signed_in[Role.ADMIN].get(f"/donor-page/{own.id}").status_code == 403


def test_declarations_are_checked_when_made() -> None:
    with pytest.raises(ValueError, match="'treasurer' is not a valid Role"):
        allow("treasurer")
    with pytest.raises(ValueError, match="at least one role"):
        allow()

    def view() -> str:
        return ""

    allow("auditor")(view)
    with pytest.raises(ValueError, match="declares its access twice"):
        access.public(view)
