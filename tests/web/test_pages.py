"""The read-only pages, read the way a user reads them: status, figures, links, tables."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser

import pytest
from flask import Flask
from flask.testing import FlaskClient

from fundledger import create_app
from fundledger.db import Database
from fundledger.ledger.operations import Line, credit, debit, post_entry, reverse_entry
from fundledger.ledger.queries import entry_by_number
from fundledger.web.database import get_database
from tests.factories import create_user, open_session, statements_sent
from tests.web.conftest import other_scripts
from tests.web.downloads import csv_text

PAGES = [
    "/",
    "/accounts",
    "/journal",
    "/journal/1",
    "/trial-balance",
    "/program/objectives",
    "/program/activities",
    "/program/activities/1",
    "/program/crossref",
]


# --- reading pages --------------------------------------------------------------------


@dataclass
class Cell:
    tag: str
    attrs: dict[str, str | None]
    text: str = ""


@dataclass
class Table:
    caption: str = ""
    rows: list[list[Cell]] = field(default_factory=list)

    def texts(self) -> list[list[str]]:
        return [[cell.text for cell in row] for row in self.rows]

    def row(self, first: str) -> list[str]:
        """The texts of the one row whose first cell reads ``first``."""
        found = [texts for texts in self.texts() if texts and texts[0] == first]
        assert len(found) == 1, f"{len(found)} rows start with {first!r}"
        return found[0]


class _TableReader(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tables: list[Table] = []
        self._cell: Cell | None = None
        self._in_caption = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "table":
            self.tables.append(Table())
        elif tag == "caption":
            self._in_caption = True
        elif tag == "tr":
            self.tables[-1].rows.append([])
        elif tag in ("th", "td"):
            self._cell = Cell(tag, dict(attrs))
            self.tables[-1].rows[-1].append(self._cell)

    def handle_endtag(self, tag: str) -> None:
        if tag in ("th", "td") and self._cell is not None:
            self._cell.text = " ".join(self._cell.text.split())
            self._cell = None
        elif tag == "caption":
            self._in_caption = False
            self.tables[-1].caption = " ".join(self.tables[-1].caption.split())

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell.text += data
        elif self._in_caption:
            self.tables[-1].caption += data


def table_of(html: str) -> Table:
    """The page's one table."""
    reader = _TableReader()
    reader.feed(html)
    assert len(reader.tables) == 1
    return reader.tables[0]


def figures(html: str) -> dict[str, str]:
    """The ``<dt>``/``<dd>`` pairs of a page, as a user reads them."""
    pairs = re.findall(r"<dt>(.*?)</dt>\s*<dd>(.*?)</dd>", html, re.DOTALL)
    return {label: " ".join(re.sub(r"<[^>]+>", "", value).split()) for label, value in pairs}


def get(client: FlaskClient, url: str, status: int = 200) -> str:
    response = client.get(url)
    assert response.status_code == status, url
    return response.get_data(as_text=True)


# --- fixtures -------------------------------------------------------------------------


@pytest.fixture
def app(database: Database) -> Iterator[Flask]:
    app = create_app({"DATABASE_URL": database.url, "TESTING": True, "SECRET_KEY": "test"})
    yield app
    get_database(app).dispose()


@pytest.fixture
def client(app: Flask, database: Database) -> FlaskClient:
    """Signed in as an auditor, who may read every one of these pages."""
    client = app.test_client()
    with database.transaction() as session:
        token = open_session(session, create_user(session, "auditor"))
    with client.session_transaction() as cookie:
        cookie["_user_id"] = token
    return client


def post(database: Database, on: str, *lines: Line, memo: str = "", key: str | None = None) -> int:
    with database.transaction() as session:
        entry = post_entry(
            session,
            entry_date=dt.date.fromisoformat(on),
            lines=list(lines),
            created_by="ana@example.org",
            memo=memo,
            idempotency_key=key,
        )
        return entry.number


@pytest.fixture
def two_entries(database: Database) -> None:
    """A contribution from Mexico, then an expenditure on activity 1."""
    post(
        database,
        "2025-03-01",
        debit("1010", "54250.00"),
        credit("4100", "54250.00"),
        memo="Contribution from Mexico",
        key="receipt:MX-2025-1",
    )
    post(
        database,
        "2025-04-15",
        debit("5100", "1234.56", activity=1, objective=9, organ="IACHR"),
        credit("1010", "1234.56"),
        memo="Workshop on due process",
    )


def post_many(database: Database, count: int) -> None:
    with database.transaction() as session:
        for day in range(count):
            post_entry(
                session,
                entry_date=dt.date(2025, 1, 1) + dt.timedelta(days=day),
                lines=[debit("1010", f"{day + 1}.00"), credit("4100", f"{day + 1}.00")],
                created_by="test",
            )


# --- layout ---------------------------------------------------------------------------


@pytest.mark.usefixtures("two_entries")
def test_every_page_has_the_layout_and_no_script(client: FlaskClient) -> None:
    for url in PAGES:
        html = get(client, url)
        assert '<meta name="viewport"' in html, url
        assert (
            "fundledger — Fund for the Inter-American Program on the Human Rights of Migrants"
            in html
        )
        assert 'href="/static/fundledger.css"' in html, url
        assert other_scripts(html) == [], url
        assert re.search(r"<[^>]*\son[a-z]+=", html) is None, f"{url} has an event handler"
        for link in [*PAGES[1:3], "/trial-balance", "/program/crossref"]:
            assert f'href="{link}"' in html, (url, link)
        assert "<main" in html, url
        assert "<footer" in html, url


def test_the_stylesheet_is_served(client: FlaskClient) -> None:
    response = client.get("/static/fundledger.css")
    assert response.status_code == 200
    css = response.get_data(as_text=True)
    assert "tabular-nums" in css
    assert "overflow-x: auto" in css
    assert ":focus-visible" in css
    response.close()


# --- home -----------------------------------------------------------------------------


@pytest.mark.usefixtures("two_entries")
def test_home_names_the_fund_and_links_every_reader_page(client: FlaskClient) -> None:
    """The figures on the home page are the dashboards' (tests/web/test_dashboards.py);
    here: the fund's name, its mandate and the way to every page an auditor reads."""
    html = get(client, "/")
    assert (
        "Fund for the Inter-American Program for the Promotion and Protection of the Human "
        "Rights of Migrants, including Migrant Workers and Their Families" in html
    )
    assert "AG/RES. 2141 (XXXV-O/05)" in html
    for link in [
        *PAGES[1:3],
        "/trial-balance",
        "/accounts.csv",
        "/trial-balance.csv",
        "/program/objectives",
        "/program/activities",
        "/program/activities?fundable=1",
        "/program/crossref",
    ]:
        assert f'href="{link}"' in html, link


# --- accounts -------------------------------------------------------------------------


@pytest.mark.usefixtures("two_entries")
def test_accounts_show_each_current_balance(client: FlaskClient) -> None:
    table = table_of(get(client, "/accounts"))
    assert table.texts()[0] == ["Code", "Name", "Type", "Normal side", "Debit", "Credit"]
    assert len(table.rows) == 1 + 20
    assert table.row("1010") == ["1010", "Bank", "asset", "debit", "53,015.44", ""]
    assert table.row("4100") == [
        "4100",
        "Contributions — unrestricted",
        "revenue",
        "credit",
        "",
        "54,250.00",
    ]
    assert table.row("5100") == ["5100", "Program expenditure", "expense", "debit", "1,234.56", ""]
    assert table.row("2100")[4:] == ["", ""]


@pytest.mark.usefixtures("two_entries")
def test_accounts_csv(client: FlaskClient) -> None:
    response = client.get("/accounts.csv")
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    assert csv_text(response) == (
        "account,name,type,normal_side,debit,credit\n"
        "1010,Bank,asset,debit,53015.44,0.00\n"
        "1100,Contributions receivable,asset,debit,0.00,0.00\n"
        "1200,Advances to implementing organs,asset,debit,0.00,0.00\n"
        "2100,Unapplied donor credits,liability,credit,0.00,0.00\n"
        "2200,Refunds payable to donors,liability,credit,0.00,0.00\n"
        "3100,Net assets — unrestricted,net_assets,credit,0.00,0.00\n"
        "3200,Net assets — restricted,net_assets,credit,0.00,0.00\n"
        "4100,Contributions — unrestricted,revenue,credit,0.00,54250.00\n"
        "4190,Releases from restriction — unrestricted class,revenue,credit,0.00,0.00\n"
        "4200,Contributions — restricted,revenue,credit,0.00,0.00\n"
        "4230,Interest income — restricted class,revenue,credit,0.00,0.00\n"
        "4240,Foreign exchange gains — restricted class,revenue,credit,0.00,0.00\n"
        "4250,Foreign exchange losses — restricted class,revenue,debit,0.00,0.00\n"
        "4290,Releases from restriction — restricted class,revenue,debit,0.00,0.00\n"
        "4300,Interest income,revenue,credit,0.00,0.00\n"
        "4400,Foreign exchange gains,revenue,credit,0.00,0.00\n"
        "5100,Program expenditure,expense,debit,1234.56,0.00\n"
        "5200,Indirect cost recovery,expense,debit,0.00,0.00\n"
        "5300,Bank charges,expense,debit,0.00,0.00\n"
        "5400,Foreign exchange losses,expense,debit,0.00,0.00\n"
    )


# --- journal --------------------------------------------------------------------------


@pytest.mark.usefixtures("two_entries")
def test_journal_lists_entries_newest_first_with_their_postings(client: FlaskClient) -> None:
    html = get(client, "/journal")
    assert "2 entries." in html
    assert "Page 1 of 1" not in html, "no pager when everything fits one page"
    assert html.index(">#2</a>") < html.index(">#1</a>")
    assert 'href="/journal/1"' in html
    assert 'href="/journal/2"' in html
    texts = table_of(html).texts()
    assert texts == [
        ["Account", "Dimensions", "Debit", "Credit"],
        ["#2 2025-04-15 manual Workshop on due process"],
        ["5100 Program expenditure", "activity 1 objective 9 organ IACHR", "1,234.56", ""],
        ["1010 Bank", "", "", "1,234.56"],
        ["#1 2025-03-01 manual Contribution from Mexico"],
        ["1010 Bank", "", "54,250.00", ""],
        ["4100 Contributions — unrestricted", "", "", "54,250.00"],
    ]


def test_an_empty_journal(client: FlaskClient) -> None:
    html = get(client, "/journal")
    assert "No entries have been posted yet." in html


def _entry_numbers(html: str) -> list[int]:
    return [int(number) for number in re.findall(r'href="/journal/(\d+)"', html)]


def test_journal_pages_hold_fifty_entries(database: Database, client: FlaskClient) -> None:
    post_many(database, 55)

    first = get(client, "/journal")
    assert "Page 1 of 2" in first
    assert _entry_numbers(first) == list(range(55, 5, -1))
    assert 'href="/journal?page=2" rel="next"' in first
    assert 'rel="prev"' not in first

    second = get(client, "/journal?page=2")
    assert "Page 2 of 2" in second
    assert _entry_numbers(second) == [5, 4, 3, 2, 1]
    assert 'href="/journal?page=1" rel="prev"' in second
    assert 'rel="next"' not in second
    assert table_of(second).texts()[-3:] == [
        ["#1 2025-01-01 manual"],
        ["1010 Bank", "", "1.00", ""],
        ["4100 Contributions — unrestricted", "", "", "1.00"],
    ]

    # Past either end: the nearest page, never an error; not a number: a 400 saying so.
    for asked, shown in [("9", 2), ("999999999999999999999", 2), ("0", 1), ("-3", 1)]:
        assert f"Page {shown} of 2" in get(client, f"/journal?page={asked}"), asked
    assert "page must be a whole number, not “two”." in get(client, "/journal?page=two", 400)


@pytest.mark.usefixtures("two_entries")
def test_one_entry_shows_every_field(database: Database, client: FlaskClient) -> None:
    with database.session() as session:
        first = entry_by_number(session, 1)
        assert first is not None
        hash_1 = first.hash
        created_at = first.created_at
    html = get(client, "/journal/1")
    assert "Journal entry #1" in html
    assert "Contribution from Mexico" in html
    fields = figures(html)
    assert fields["Date"] == "2025-03-01"
    assert fields["Kind"] == "manual"
    assert fields["Idempotency key"] == "receipt:MX-2025-1"
    assert fields["Created by"] == "ana@example.org"
    assert fields["Created at"].startswith(created_at.strftime("%Y-%m-%d %H:%M"))
    assert fields["Created at"].endswith(" UTC")
    assert fields["Hash"] == hash_1
    assert fields["Previous hash"] == "0" * 64
    assert fields["Reversed by"] == "not reversed"
    assert table_of(html).texts()[1:] == [
        ["1", "1010 Bank", "", "54,250.00", ""],
        ["2", "4100 Contributions — unrestricted", "", "", "54,250.00"],
    ]

    second = figures(get(client, "/journal/2"))
    assert second["Previous hash"] == hash_1
    assert second["Idempotency key"] == "—"


@pytest.mark.usefixtures("two_entries")
def test_a_reversal_links_both_ways(database: Database, client: FlaskClient) -> None:
    with database.transaction() as session:
        original = entry_by_number(session, 2)
        assert original is not None
        reversal = reverse_entry(session, original, reason="wrong activity", created_by="ana")
        assert reversal.number == 3

    original_page = get(client, "/journal/2")
    assert figures(original_page)["Reversed by"] == "#3"
    assert 'href="/journal/3"' in original_page

    reversal_page = get(client, "/journal/3")
    assert figures(reversal_page)["Reverses"] == "#2"
    assert 'href="/journal/2"' in reversal_page
    assert "Reversal of #2: wrong activity" in reversal_page


@pytest.mark.usefixtures("two_entries")
@pytest.mark.parametrize("url", ["/journal/3", "/journal/0"])
def test_an_unknown_entry_is_404_with_the_reason(client: FlaskClient, url: str) -> None:
    html = get(client, url, status=404)
    number = url.rsplit("/", 1)[1]
    assert f"There is no journal entry #{number}." in html


@pytest.mark.parametrize("url", ["/journal/99999999999999999999", "/program/activities/2147483648"])
def test_a_number_past_any_id_matches_no_page(client: FlaskClient, url: str) -> None:
    get(client, url, status=404)


def test_memo_text_is_escaped(database: Database, client: FlaskClient) -> None:
    memo = "<script>alert(1)</script> Perú"
    post(database, "2025-03-01", debit("1010", "10.00"), credit("4100", "10.00"), memo=memo)
    for url in ("/journal", "/journal/1"):
        html = get(client, url)
        assert "&lt;script&gt;alert(1)&lt;/script&gt; Perú" in html, url
        assert "<script>" not in html, url


# --- trial balance --------------------------------------------------------------------


@pytest.mark.usefixtures("two_entries")
def test_trial_balance_now(client: FlaskClient) -> None:
    table = table_of(get(client, "/trial-balance"))
    assert table.texts() == [
        ["Account", "Name", "Debit", "Credit"],
        ["1010", "Bank", "53,015.44", ""],
        ["4100", "Contributions — unrestricted", "", "54,250.00"],
        ["5100", "Program expenditure", "1,234.56", ""],
        ["", "Total", "54,250.00", "54,250.00"],
    ]


@pytest.mark.usefixtures("two_entries")
def test_trial_balance_as_of_a_date(client: FlaskClient) -> None:
    html = get(client, "/trial-balance?as_of=2025-03-31")
    assert 'value="2025-03-31"' in html
    assert table_of(html).texts()[1:] == [
        ["1010", "Bank", "54,250.00", ""],
        ["4100", "Contributions — unrestricted", "", "54,250.00"],
        ["", "Total", "54,250.00", "54,250.00"],
    ]
    before = get(client, "/trial-balance?as_of=2025-02-28")
    assert "No account has a balance on that date." in before


@pytest.mark.usefixtures("two_entries")
def test_trial_balance_csv(client: FlaskClient) -> None:
    response = client.get("/trial-balance.csv")
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert csv_text(response) == (
        "account,name,debit,credit\n"
        "1010,Bank,53015.44,0.00\n"
        "4100,Contributions — unrestricted,0.00,54250.00\n"
        "5100,Program expenditure,1234.56,0.00\n"
    )
    dated = client.get("/trial-balance.csv?as_of=2025-03-31")
    assert 'filename="trial-balance-2025-03-31.csv"' in dated.headers["Content-Disposition"]
    assert csv_text(dated) == (
        "account,name,debit,credit\n"
        "1010,Bank,54250.00,0.00\n"
        "4100,Contributions — unrestricted,0.00,54250.00\n"
    )


@pytest.mark.parametrize(
    ("as_of", "reason"),
    [
        ("31/03/2025", "As of: Write the date as YYYY-MM-DD, like 2025-04-15."),
        ("yesterday", "As of: Write the date as YYYY-MM-DD"),
        ("20250331", "As of: Write the date as YYYY-MM-DD"),
        ("2025-02-30", "As of: 2025-02-30 is not a date on the calendar."),
        ("2025-13-01", "As of: 2025-13-01 is not a date on the calendar."),
        ("0000-01-01", "As of: 0000-01-01 is not a date on the calendar."),
    ],
)
def test_a_malformed_as_of_is_400_with_the_reason(
    client: FlaskClient, as_of: str, reason: str
) -> None:
    for url in ("/trial-balance", "/trial-balance.csv"):
        html = get(client, f"{url}?as_of={as_of}", status=400)
        assert reason in html, url


# --- program --------------------------------------------------------------------------


def test_objectives(client: FlaskClient) -> None:
    html = get(client, "/program/objectives")
    general, specific = html.split('id="specific-heading"')
    assert general.count("<li value=") == 3
    assert specific.count("<li value=") == 20
    assert 'id="objective-20"' in specific


def test_all_activities(client: FlaskClient) -> None:
    table = table_of(get(client, "/program/activities"))
    assert table.texts()[0] == ["No.", "Activity", "Implementer", "Fundable", "Objectives"]
    assert len(table.rows) == 1 + 100
    first = table.row("1")
    assert first[1].startswith("Carry out activities to promote the inter-American")
    assert first[2].startswith("Inter-American Commission on Human Rights (IACHR)")
    assert first[3:] == ["yes", "9, 13"]
    assert table.row("54")[2:] == ["OAS member states", "no", "17, 20"]
    assert table.row("100")[3:] == ["no", "—"]


def test_fundable_activities(client: FlaskClient) -> None:
    table = table_of(get(client, "/program/activities?fundable=1"))
    numbers = [int(row[0]) for row in table.texts()[1:]]
    assert numbers == list(range(1, 33))
    assert {row[3] for row in table.texts()[1:]} == {"yes"}


def test_one_activity(client: FlaskClient) -> None:
    html = get(client, "/program/activities/54")
    assert "Activity 54" in html
    assert figures(html)["Implementer"] == "OAS member states"
    assert figures(html)["Fundable"].startswith("no")
    assert "Objective 17</a>" in html
    assert "Objective 20</a>" in html
    assert "Objective 9</a>" not in html


@pytest.mark.parametrize("number", ["0", "101"])
def test_an_unknown_activity_is_404(client: FlaskClient, number: str) -> None:
    html = get(client, f"/program/activities/{number}", status=404)
    assert f"There is no activity {number}" in html


def test_crossref_matrix(client: FlaskClient) -> None:
    table = table_of(get(client, "/program/crossref"))
    assert "Activities 1\N{EN DASH}65" in table.caption
    header = table.rows[0]
    assert [cell.text for cell in header] == ["Activity", *(str(n) for n in range(1, 21))]
    assert all(cell.tag == "th" and cell.attrs["scope"] == "col" for cell in header)
    assert header[9].attrs["title"], "the objective's title is on its column header"
    assert [row[0].text for row in table.rows[1:]] == [str(n) for n in range(1, 66)]
    assert all(row[0].tag == "th" and row[0].attrs["scope"] == "row" for row in table.rows[1:])

    def crossed(activity: int) -> list[int]:
        row = table.rows[activity]
        return [objective for objective in range(1, 21) if row[objective].text == "✓"]

    assert crossed(1) == [9, 13]
    assert crossed(54) == [17, 20]
    assert crossed(3) == [9, 11, 12, 16, 17]
    for activity in (1, 54):
        blanks = [
            cell.text
            for n, cell in enumerate(table.rows[activity][1:], 1)
            if n not in crossed(activity)
        ]
        assert blanks == [""] * 18


# --- query counts ---------------------------------------------------------------------


def _statements(app: Flask, client: FlaskClient, url: str) -> int:
    with statements_sent(get_database(app).engine) as sent:
        get(client, url)
    return len(sent)


@pytest.mark.parametrize("url", ["/", "/accounts", "/journal", "/trial-balance", "/accounts.csv"])
def test_ledger_pages_use_a_fixed_number_of_queries(
    app: Flask, client: FlaskClient, database: Database, url: str
) -> None:
    post_many(database, 2)
    few = _statements(app, client, url)
    post_many(database, 60)
    with database.transaction() as session:
        post_entry(
            session,
            entry_date=dt.date(2025, 6, 1),
            lines=[debit("5100", "5.00", activity=2), credit("1010", "5.00")],
            created_by="test",
        )
    assert _statements(app, client, url) == few


@pytest.mark.parametrize(
    ("url", "most"),
    # The activity list also reads its filters' choices (objectives, implementers) and
    # counts the rows it pages through.
    [("/program/objectives", 6), ("/program/activities", 7), ("/program/crossref", 6)],
)
def test_program_pages_use_a_handful_of_queries(
    app: Flask, client: FlaskClient, url: str, most: int
) -> None:
    assert _statements(app, client, url) <= most


def test_the_allocations_list_uses_a_handful_of_queries(app: Flask, client: FlaskClient) -> None:
    # The session, the fundable activities its filters offer, the count, the page and
    # the page's pools: the activities are read once, without their objectives.
    assert _statements(app, client, "/allocations") <= 6


def test_an_entry_page_uses_a_handful_of_queries(
    app: Flask, client: FlaskClient, database: Database
) -> None:
    post_many(database, 1)
    with database.transaction() as session:
        original = entry_by_number(session, 1)
        assert original is not None
        reverse_entry(session, original, reason="typo", created_by="test")
    assert _statements(app, client, "/journal/2") <= 6
