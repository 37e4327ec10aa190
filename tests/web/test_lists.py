"""Every list page pages, sorts, filters and exports the same way (fundledger.listing).

One small set of books is enough: ``per_page=2`` makes several pages of a handful of rows.
Each list is described once in :data:`LISTS`; the tests run over all of them.
"""

from __future__ import annotations

import csv
import datetime as dt
import html
import io
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from fundledger.actors import Actor
from fundledger.allocations import operations as allocation_ops
from fundledger.allocations.budgets import decide_budget, propose_budget
from fundledger.auth.models import User
from fundledger.db import Database
from fundledger.donors.operations import create_donor, set_rate
from fundledger.donors.pledges import record_pledge
from fundledger.donors.receipts import record_receipt
from fundledger.ledger.periods import close_year, reopen_year
from fundledger.web.database import get_database
from fundledger.web.i18n import COOKIE
from tests.conftest import BACKENDS, Seeds
from tests.factories import create_user, statements_sent
from tests.web.downloads import csv_text
from tests.web.test_pages import Table, _TableReader

SETUP = Actor("setup@oas.org")
CAJP = Actor("cajp@oas.org")
D = Decimal
#: The once-per-request reads of every activity's, objective's, organ's and donor's name.
NAME_LOOKUP = re.compile(
    r"SELECT (activities\.number, activities\.title|objectives\.number, objectives\.title|"
    r"implementers\.code, implementers\.name|donors\.code, donors\.name) \s*FROM \w+$"
)
#: An amount in a CSV file: a plain decimal, no thousands separator, no currency sign.
PLAIN = re.compile(r"-?[0-9]+\.[0-9]{2}")


def day(text: str) -> dt.date:
    return dt.date.fromisoformat(text)


def books(database: Database) -> None:
    """Five donors, rates, six pledges (one in euros), five receipts, four allocations
    (three submitted, one draft), three work plan versions, three fiscal years closed
    (one reopened), four users; every one leaves journal entries or audit events."""
    with database.transaction() as session:
        donors = {
            code: create_donor(session, SETUP, code=code, name=name, type=kind)
            for code, name, kind in [
                ("MEX", "México", "member_state"),
                ("CAN", "Canada", "member_state"),
                ("IOM", "International Organization for Migration", "international_org"),
                ("ESP", "Spain", "permanent_observer"),
                ("ARG", "Argentina", "member_state"),
            ]
        }
        for on, rate in [("2025-01-10", "1.0300"), ("2025-02-10", "1.0850"), ("2025-04-15", "1.1")]:
            set_rate(session, SETUP, currency="EUR", on=day(on), rate=D(rate))
        set_rate(session, SETUP, currency="JPY", on=day("2025-02-10"), rate=D("0.0067"))
        pledges = [
            record_pledge(session, SETUP, donors[code], pledge_date=day(on), amount=D(amount),
                          currency=currency, due_date=day(on) + dt.timedelta(days=90))
            for code, on, amount, currency in [
                ("MEX", "2025-01-20", "50000", "USD"),
                ("CAN", "2025-02-01", "100000", "USD"),
                ("ESP", "2025-02-10", "20000", "EUR"),
                ("IOM", "2025-03-05", "7500.50", "USD"),
                ("ARG", "2025-05-01", "1200", "USD"),
                ("MEX", "2026-01-15", "60000", "USD"),
            ]
        ]  # fmt: skip
        for pledge, on in zip(
            pledges[:4], ["2025-01-25", "2025-02-20", "2025-04-15", "2025-03-06"], strict=True
        ):
            record_receipt(session, SETUP, pledge.donor, value_date=day(on), amount=pledge.amount,
                           currency=pledge.currency, pledges=[pledge])  # fmt: skip
        record_receipt(session, SETUP, donors["ARG"], value_date=day("2025-05-02"), amount=D(500),
                       currency="USD", unpledged=True, earmark="activity:5")  # fmt: skip
        for activity, amount, submit in [
            (1, "300.00", True),
            (29, "100.00", True),
            (2, "50.00", False),
            (12, "75.00", True),
        ]:
            allocation = allocation_ops.propose_allocation(
                session, SETUP, activity=activity, amount=D(amount), purpose=f"Work on {activity}",
                period_start=day("2025-06-01"), period_end=day("2025-12-31"),
            )  # fmt: skip
            if submit:
                allocation_ops.submit_allocation(session, SETUP, allocation)
        for year, activities in [(2025, (1, 5)), (2025, (2,)), (2026, (1,))]:
            lines = [(activity, D(1000) * activity, "Plan") for activity in activities]
            plan = propose_budget(session, SETUP, year=year, lines=lines)
            if plan.id == 1:
                decide_budget(
                    session, CAJP, plan, on=day("2025-01-05"), reference="CP/1", approve=True
                )
        for year in (2022, 2023, 2024):
            close_year(session, SETUP, year)
        reopen_year(session, CAJP, 2024, reason="A late invoice")
        for role, email in [("secretariat", "sec@oas.org"), ("cajp", "cajp@oas.org"),
                            ("auditor", "aud@oas.org")]:  # fmt: skip
            create_user(session, role, email=email)
        create_user(session, "donor", email="mex@example.org", donor=donors["MEX"], active=False)


@pytest.fixture(params=BACKENDS)
def database(request: pytest.FixtureRequest, tmp_path: Path, seeds: Seeds) -> Iterator[Database]:
    """A copy of :func:`books` for each test: built once per backend and test process."""
    yield from seeds.copy(request, request.param, tmp_path, books)


@pytest.fixture
def admin(client: FlaskClient, login_as: Callable[..., User]) -> FlaskClient:
    """An admin reads every list (the user list is the admin's alone)."""
    login_as("admin", email="admin@oas.org")
    return client


# --- what each list is --------------------------------------------------------------


@dataclass(frozen=True)
class ListPage:
    url: str
    csv: str
    #: The start of the caption of the list's table.
    caption: str
    #: A sort key other than the default, and a filter with the rows it keeps.
    sort: str
    filter: str
    kept: list[str]
    #: CSV columns that hold amounts.
    amounts: tuple[str, ...] = ()
    #: The cells that name a row (enough to tell rows apart).
    columns: tuple[int, ...] = (0, 1)
    #: For a list that is not one table row per item: what names each item on the page,
    #: and the CSV column that does (an item may take several CSV rows).
    pattern: str | None = None
    csv_key: str = ""

    def rows(self, html: str) -> list[str]:
        """The listed rows, in the order shown."""
        if self.pattern is not None:
            return re.findall(self.pattern, html)
        reader = _TableReader()
        reader.feed(html)
        found = [t for t in reader.tables if t.caption.startswith(self.caption)]
        assert len(found) <= 1, self.caption
        return [" ".join(cells[i] for i in self.columns) for cells in _texts(found)]


def _texts(found: list[Table]) -> list[list[str]]:
    return found[0].texts()[1:] if found else []


LISTS = [
    ListPage("/donors", "/donors.csv", "Donors", "name", "type=member_state",
             ["ARG Argentina", "CAN Canada", "MEX México"]),
    ListPage("/rates", "/rates.csv", "Rates", "rate", "currency=jpy", ["2025-02-10 JPY"],
             amounts=("usd_per_unit",)),
    ListPage("/pledges", "/pledges.csv", "Pledges", "amount", "donor=MEX",
             ["#6 2026-01-15", "#1 2025-01-20"], amounts=("usd", "outstanding_usd")),
    ListPage("/receipts", "/receipts.csv", "Receipts", "amount", "currency=EUR",
             ["#3 2025-04-15"], amounts=("usd", "usd_charges", "unapplied_usd")),
    ListPage("/allocations", "/allocations.csv", "Allocations", "requested", "state=submitted",
             ["#4 12", "#2 29", "#1 1"], amounts=("requested", "disbursed", "spent")),
    ListPage("/cajp/queue", "/cajp/queue.csv", "", "requested", "organ=DLAS", ["2"],
             amounts=("requested",), pattern=r'id="allocation-([0-9]+)"', csv_key="id"),
    ListPage("/budgets", "/budgets.csv", "", "status", "status=proposed", ["3", "2"],
             amounts=("amount",), pattern=r'id="budget-([0-9]+)"', csv_key="budget"),
    ListPage("/periods", "/periods.csv", "Fiscal years closed", "status", "status=reopened",
             ["2024"], columns=(0,)),
    ListPage("/journal", "/journal.csv", "Journal", "date", "donor=MEX", ["7", "6", "1"],
             amounts=("debit", "credit"), pattern=r'href="/journal/([0-9]+)"', csv_key="entry"),
    ListPage("/accounts", "/accounts.csv", "Accounts", "name", "type=liability",
             ["2100 Unapplied donor credits", "2200 Refunds payable to donors"],
             amounts=("debit", "credit")),
    ListPage("/audit/", "/audit/log.csv", "Audit events", "action",
             "action=rate.set&object_type=rate",
             ["rate.set rate JPY:2025-02-10", "rate.set rate EUR:2025-04-15",
              "rate.set rate EUR:2025-02-10", "rate.set rate EUR:2025-01-10"], columns=(2, 3)),
    ListPage("/admin/users", "/admin/users.csv", "Users", "name", "status=inactive",
             ["mex@example.org Mex"]),
    ListPage("/program/activities", "/program/activities.csv", "Activities", "title",
             "organ=IACHR", ["1", "2", "3", "4"], columns=(0,)),
]  # fmt: skip


def get(client: FlaskClient, url: str, status: int = 200) -> str:
    response = client.get(url)
    assert response.status_code == status, (url, response.status_code)
    return response.get_data(as_text=True)


def csv_rows(response: TestResponse) -> list[dict[str, str]]:
    assert response.headers["Content-Disposition"].startswith("attachment;")
    return list(csv.DictReader(io.StringIO(csv_text(response))))


def next_link(html: str) -> str:
    found = re.findall(r'href="([^"]+)" rel="next"', html)
    assert found, "no link to the next page"
    return found[0].replace("&amp;", "&")


each_list = pytest.mark.parametrize("listing", LISTS, ids=[page.url for page in LISTS])


# --- paging ---------------------------------------------------------------------------


@each_list
def test_page_two_shows_the_next_rows_and_past_the_end_the_last(
    admin: FlaskClient, listing: ListPage
) -> None:
    everything = listing.rows(get(admin, f"{listing.url}?per_page=500"))
    assert len(everything) >= 3
    first = listing.rows(get(admin, f"{listing.url}?per_page=2"))
    second = listing.rows(get(admin, f"{listing.url}?per_page=2&page=2"))
    assert first + second == everything[:4]
    pages = -(-len(everything) // 2)
    for beyond in ("999999", str(10**30)):
        last = get(admin, f"{listing.url}?per_page=2&page={beyond}")
        assert f"Page {pages} of {pages}" in last
        assert listing.rows(last) == everything[(pages - 1) * 2 :]
    assert listing.rows(get(admin, f"{listing.url}?per_page=2&page=-1")) == first


@each_list
def test_the_summary_counts_every_row_whole_and_filtered(
    admin: FlaskClient, listing: ListPage
) -> None:
    for query in ("", listing.filter):
        everything = listing.rows(get(admin, f"{listing.url}?per_page=500&{query}"))
        summary = re.search(r'class="list-summary">([0-9]+) ', get(admin, f"{listing.url}?{query}"))
        assert summary is not None
        assert int(summary.group(1)) == len(everything), query


@each_list
def test_page_links_keep_the_order_and_the_filters(admin: FlaskClient, listing: ListPage) -> None:
    html = get(admin, f"{listing.url}?sort={listing.sort}&direction=desc&per_page=1")
    link = next_link(html)
    assert "page=2" in link
    assert f"sort={listing.sort}" in link
    assert "direction=desc" in link
    filtered = get(admin, f"{listing.url}?{listing.filter}&per_page=1")
    download = re.findall(r'href="([^"]+)" download', filtered)[0].replace("&amp;", "&")
    assert download.startswith(listing.csv)
    assert "page=" not in download
    for piece in listing.filter.split("&"):
        assert piece in download
        if len(listing.kept) > 1:
            assert piece in next_link(filtered)


@each_list
def test_a_long_page_takes_no_more_queries_than_a_short_one(
    app: Flask, admin: FlaskClient, listing: ListPage
) -> None:
    """No query per row (no N+1): the page of every row costs what a page of two does.
    The names of the Program and of the donors a page shows are read once per request,
    when the first label needs them (web/names.py): those whole-table reads are left out,
    as a page of two rows may need none of them."""

    def statements(url: str) -> int:
        get(admin, url)  # the first request of a client may sign its session in
        with statements_sent(get_database(app).engine) as sent:
            get(admin, url)
        return len([sql for sql in sent if not NAME_LOOKUP.match(sql)])

    short = f"{listing.url}?per_page=2&page=2"
    assert statements(f"{listing.url}?per_page=500") == statements(short)
    # The filter keeps fewer rows but may look one thing up (a donor by its code).
    assert statements(listing.csv) <= statements(f"{listing.csv}?{listing.filter}")


# --- sorting --------------------------------------------------------------------------


@each_list
def test_sorting_each_way(admin: FlaskClient, listing: ListPage) -> None:
    default = listing.rows(get(admin, f"{listing.url}?per_page=500"))
    up = listing.rows(get(admin, f"{listing.url}?sort={listing.sort}&direction=asc&per_page=500"))
    down = listing.rows(
        get(admin, f"{listing.url}?sort={listing.sort}&direction=desc&per_page=500")
    )
    assert sorted(up) == sorted(default)
    assert up != default or down != default, "the sort changes the order"
    assert down == list(reversed(up)), "every column of the order reverses"


@each_list
def test_the_sorted_column_says_so(admin: FlaskClient, listing: ListPage) -> None:
    html = get(admin, f"{listing.url}?sort={listing.sort}&direction=desc")
    if listing.pattern is None:
        assert html.count('aria-sort="descending"') == 1
    else:
        assert 'aria-current="true" title="descending"' in html


# --- filtering and export -------------------------------------------------------------


@each_list
def test_filters_keep_only_matching_rows(admin: FlaskClient, listing: ListPage) -> None:
    assert listing.rows(get(admin, f"{listing.url}?{listing.filter}&per_page=500")) == listing.kept


MORE_FILTERS = [
    ("/admin/users", "role=cajp", ["cajp@oas.org Cajp"]),
    ("/admin/users", "text=SEC", ["sec@oas.org Sec"]),
    ("/journal", "kind=receipt&from=2025-02-01&to=2025-03-31", ["10", "8"]),
    ("/journal", "account=4100&to=2025-01-31", ["1"]),
    ("/pledges", "status=outstanding", ["#6 2026-01-15", "#5 2025-05-01"]),
    ("/pledges", "from=2025-02-01&to=2025-02-28", ["#3 2025-02-10", "#2 2025-02-01"]),
    ("/receipts", "donor=ARG", ["#5 2025-05-02"]),
    ("/allocations", "activity=1", ["#1 1"]),
    ("/donors", "active=no", []),
    ("/accounts", "type=expense&status=closed", []),
    (
        "/program/activities",
        "fundable=0&objective=20&organ=MEMBER-STATES",
        ["53", "54", "55", "57"],
    ),
    ("/budgets", "year=2026", ["3"]),
    ("/cajp/queue", "activity=12", ["4"]),
]


@pytest.mark.parametrize(("url", "query", "kept"), MORE_FILTERS)
def test_each_filter_keeps_only_its_rows(
    admin: FlaskClient, url: str, query: str, kept: list[str]
) -> None:
    listing = next(page for page in LISTS if page.url == url)
    assert listing.rows(get(admin, f"{url}?{query}")) == kept


@each_list
def test_csv_holds_every_filtered_row_with_plain_amounts(
    admin: FlaskClient, listing: ListPage
) -> None:
    everything = listing.rows(get(admin, f"{listing.url}?per_page=500"))
    whole = csv_rows(admin.get(f"{listing.csv}?per_page=1&page=2"))
    filtered = csv_rows(admin.get(f"{listing.csv}?{listing.filter}"))
    if listing.csv_key:
        assert list(dict.fromkeys(row[listing.csv_key] for row in whole)) == everything
        assert list(dict.fromkeys(row[listing.csv_key] for row in filtered)) == listing.kept
    else:
        assert len(whole) == len(everything), "the whole list, not the page"
        assert len(filtered) == len(listing.kept)
    for row in whole:
        for column in listing.amounts:
            assert (
                row[column] == ""
                or PLAIN.fullmatch(row[column])
                or (column == "usd_per_unit" and re.fullmatch(r"[0-9]+\.[0-9]+", row[column]))
            ), (column, row[column])


# --- hostile query strings ------------------------------------------------------------

HOSTILE = [
    "page=-1", "page=0", "page=1e9", "page=99999999999999999999999999", "page=%00",
    "per_page=0", "per_page=1000000000", "per_page=-5", "per_page=ten",
    "sort=unknown", "sort=__class__", "direction=sideways", "sort=&direction=",
    "from=9999-12-31", "to=9999-12-31", "from=0001-01-01&to=9999-12-31", "from=2025-02-30",
    "as_of=9999-12-31", "currency=%F0%9F%92%B0", "donor=NOPE", "type=%27%3B--",
    "state=lost", "role=root", "object_type=nothing", "organ=" + "X" * 5000,
]  # fmt: skip


@each_list
def test_hostile_query_strings_are_refused_cleanly(admin: FlaskClient, listing: ListPage) -> None:
    for query in HOSTILE:
        for url in (listing.url, listing.csv):
            response = admin.get(f"{url}?{query}")
            assert response.status_code in (200, 400), (url, query, response.status_code)
            if response.status_code == 400:
                page = response.get_data(as_text=True)
                assert re.search(r'<p class="reason">[^<]*[a-z][^<]*</p>', page), (url, query)


def test_bad_list_arguments_say_what_is_wrong(admin: FlaskClient) -> None:
    for query, reason in [
        ("page=1e9", "page must be a whole number, not “1e9”."),
        ("per_page=0", "per_page must be from 1 to 500, not 0."),
        ("per_page=1000000000", "per_page must be from 1 to 500, not 1000000000."),
        ("sort=unknown", "sort must be one of code, name, type, country, language, active"),
        ("direction=up", "direction must be asc or desc, not “up”."),
    ]:
        assert reason in get(admin, f"/donors?{query}", 400), query
    assert "Page 1 of" not in get(admin, "/donors?page=-1"), "one page: no pager"


def test_bad_list_arguments_are_refused_in_the_readers_language(admin: FlaskClient) -> None:
    admin.set_cookie(COOKIE, "fr")
    assert "direction doit valoir asc ou desc, pas « up »." in html.unescape(
        get(admin, "/donors?direction=up", 400)
    )
    admin.set_cookie(COOKIE, "es")
    page = html.unescape(get(admin, "/donors?page=dos", 400))
    assert "page debe ser un número entero, no «dos»." in page
    assert "must be a whole number" not in page


# --- the trial balance: sorted and filtered, not paged --------------------------------


def test_the_trial_balance_sorts_filters_and_exports(admin: FlaskClient) -> None:
    def accounts(query: str) -> list[str]:
        found = ListPage("/trial-balance", "", "Trial balance", "", "", [], columns=(0,))
        return found.rows(get(admin, f"/trial-balance?{query}"))[:-1]  # the totals row

    assert accounts("") == sorted(accounts(""))
    by_debit = accounts("sort=debit&direction=desc")
    assert by_debit[0] == "1010", "the bank holds the most"
    assert accounts("sort=debit&direction=asc") == list(reversed(by_debit))
    assert accounts("type=asset") == ["1010", "1100"]
    assert accounts("as_of=2025-01-31&type=asset") == ["1010"], "the pledge was paid"
    assert accounts("as_of=2199-12-31") == accounts(""), "the last day there is"
    assert accounts("as_of=2000-01-01") == [], "the first day there is"
    for outside in ("9999-12-31", "0001-01-01"):
        get(admin, f"/trial-balance?as_of={outside}", status=400)

    rows = csv_rows(admin.get("/trial-balance.csv?type=asset&sort=debit&direction=asc"))
    assert [row["account"] for row in rows] == ["1100", "1010"]
    assert all(PLAIN.fullmatch(row["debit"]) for row in rows)
    assert "Page" not in get(admin, "/trial-balance?per_page=1"), "never paged"


# --- reports: sorted, not paged (each has a totals row) -------------------------------


@dataclass(frozen=True)
class Report:
    url: str
    csv: str
    caption: str
    sort: str
    csv_key: str
    #: The page's column that shows what ``csv_key`` holds; an amount column is compared
    #: as a plain number (the pools' column shows names, the CSV their codes).
    column: int = 0


REPORTS = [
    Report("/available", "/available.csv", "Funds available", "available", "available", 3),
    Report("/reports/budget?year=2025", "/reports/budget.csv?year=2025", "Budget against",
           "budget", "activity"),
    Report("/reports/ageing?as_of=2026-06-30", "/reports/ageing.csv?as_of=2026-06-30",
           "Outstanding by donor", "total", "donor"),
    Report("/trial-balance?type=asset", "/trial-balance.csv?type=asset", "Trial balance",
           "debit", "account"),
]  # fmt: skip


@pytest.mark.parametrize("report", REPORTS, ids=[report.url for report in REPORTS])
def test_reports_sort_each_way_and_export_in_that_order(admin: FlaskClient, report: Report) -> None:
    def keys(query: str) -> list[str]:
        html = get(admin, f"{report.url}&{query}" if "?" in report.url else f"{report.url}?{query}")
        def column(index: int) -> list[str]:
            page = ListPage(report.url, "", report.caption, "", "", [], columns=(index,))
            return [(row.split() or [""])[0] for row in page.rows(html)]

        found = [key for first, key in zip(column(0), column(report.column), strict=True)
                 if first and first != "Total"]  # fmt: skip
        return [re.sub(r"[^0-9.-]", "", key) if report.column else key for key in found]

    up, down = keys(f"sort={report.sort}&direction=asc"), keys(f"sort={report.sort}&direction=desc")
    assert len(up) >= 2
    assert down == list(reversed(up))
    glue = "&" if "?" in report.csv else "?"
    exported = csv_rows(admin.get(f"{report.csv}{glue}sort={report.sort}&direction=desc"))
    assert [row[report.csv_key] for row in exported] == down
    for query in HOSTILE:
        for url in (report.url, report.csv):
            response = admin.get(f"{url}{'&' if '?' in url else '?'}{query}")
            assert response.status_code in (200, 400), (url, query, response.status_code)


# --- the Program's reference lists: numbered by the resolution, exported whole --------


def test_objectives_and_the_cross_reference_export_whole(admin: FlaskClient) -> None:
    objectives = csv_rows(admin.get("/program/objectives.csv"))
    assert [(row["level"], row["number"]) for row in objectives[:4]] == [
        ("general", "1"),
        ("general", "2"),
        ("general", "3"),
        ("specific", "1"),
    ]
    assert len(objectives) == 3 + 20
    pairs = csv_rows(admin.get("/program/crossref.csv"))
    assert {"activity": "1", "objective": "9"} in pairs
    assert {"activity": "1", "objective": "13"} in pairs
    assert len({row["activity"] for row in pairs}) == 65, "Appendix I: activities 1-65"
    for page, download in [("/program/objectives", "/program/objectives.csv"),
                           ("/program/crossref", "/program/crossref.csv")]:  # fmt: skip
        assert f'href="{download}" download' in get(admin, page)
