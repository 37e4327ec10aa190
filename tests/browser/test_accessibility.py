"""Every page each role reaches passes axe-core without a serious or critical violation,
and fits a laptop's and a phone's width.

The demo's books give every page something to show. For each role the test signs in
through the pages, then follows the links it finds (same site, pages only: no
downloads, no sign-out), one page per kind of address (``/donors/MEX`` stands for every
donor), and runs axe-core on each (axe-playwright-python, which carries axe's script: no
download). A violation fails the test with the page, the rule and the first element.
The crawl takes minutes, so it runs in ``make test-slow`` (marker ``heavy``).
"""

from __future__ import annotations

import re
from collections import deque
from collections.abc import Callable, Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page

from fundledger.actors import Actor
from fundledger.db import Database
from fundledger.demo.dataset import load_demo
from fundledger.donors.queries import donor_by_code
from tests.browser.conftest import Login, sign_in
from tests.conftest import Seeds

pytestmark = pytest.mark.heavy

#: axe's impact levels that fail the test.
FAILING = {"serious", "critical"}
#: What is not a page to check: downloads, signing out, switching language (a POST
#: anyway), the API's machine answers.
SKIPPED = re.compile(r"\.(csv|xlsx|pdf|json|xml|ics|txt|journal)$|^/(logout|api/|static/)")
#: A phone's and a laptop's width, px; axe then reads the page at the laptop's.
WIDTHS = (390, 1366)
#: Pages checked per role, at most (the Secretariat reaches about 45 kinds).
LIMIT = 80


def address_kind(path: str) -> str:
    """One address per kind: numbers and donor codes in a path stand for any."""
    return re.sub(r"/[0-9]+(?=/|$)", "/N", re.sub(r"^(/donors)/[A-Z][A-Z0-9-]+", r"\1/CODE", path))


def crawl(page: Page, check: Callable[[Page], None]) -> list[str]:
    """Visit the site's pages reachable from where ``page`` is, one per kind, breadth
    first, and ``check`` each; the paths visited."""
    start = urlsplit(page.url)
    queue: deque[str] = deque([start.path])
    seen_kinds: set[str] = set()
    visited: list[str] = []
    while queue and len(visited) < LIMIT:
        path = queue.popleft()
        kind = address_kind(path)
        if kind in seen_kinds:
            continue
        seen_kinds.add(kind)
        response = page.goto(path)
        html = response is not None and "html" in response.headers.get("content-type", "")
        if not html or response is None or response.status != 200:
            continue
        visited.append(path)
        check(page)
        for href in page.eval_on_selector_all("a[href]", "links => links.map(a => a.href)"):
            link = urlsplit(href)
            if link.netloc == start.netloc and not SKIPPED.search(link.path):
                queue.append(link.path)
    return visited


def overflows(page: Page) -> list[str]:
    """The widths (a laptop's, a phone's) at which the page scrolls sideways as a whole:
    wide tables may scroll inside their own box, the page may not."""
    found = []
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        if page.evaluate("document.documentElement.scrollWidth") > width:
            found.append(f"{urlsplit(page.url).path}: scrolls sideways at {width} px")
    return found


def violations(page: Page, axe: Axe) -> list[str]:
    """The serious and critical violations on the page, one line each."""
    found = axe.run(page).response["violations"]
    return [
        f"{urlsplit(page.url).path}: {rule['id']} ({rule['impact']}): "
        f"{rule['nodes'][0]['target']} — {rule['help']}"
        for rule in found
        if rule["impact"] in FAILING
    ]


def demo_books(database: Database) -> None:
    with database.transaction() as session:
        load_demo(session, Actor("demo@oas.org"))


@pytest.fixture
def database(request: pytest.FixtureRequest, tmp_path: Path, seeds: Seeds) -> Iterator[Database]:
    """The demo's books (on SQLite: what axe reads does not depend on the database),
    loaded once and copied for each role."""
    yield from seeds.copy(request, "sqlite", tmp_path, demo_books)


@pytest.mark.parametrize("role", ["secretariat", "cajp", "auditor", "admin", "donor"])
def test_every_page_a_role_reaches_passes_axe(
    database: Database, page: Page, account: Callable[..., Login], role: str
) -> None:
    with database.session() as session:
        donor = donor_by_code(session, "MEX") if role == "donor" else None
    sign_in(page, account(role, donor=donor))

    axe = Axe()
    found: list[str] = []
    pages = crawl(page, lambda visited: found.extend(overflows(visited) + violations(visited, axe)))

    assert len(pages) > 3, pages
    assert found == [], "\n".join(found)
    print(f"{role}: {len(pages)} pages checked")
