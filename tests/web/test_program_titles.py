"""The Program's titles in the reader's language (issue 15, finding 2 and its done-when):
the pledge form's earmark chooser, the activity pages and their CSV name objectives,
activities and organs in Spanish or French, from the working translations; a title with
no translation is shown in English rather than not at all."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable

import pytest
from flask.testing import FlaskClient

from fundledger.auth.models import User
from fundledger.db import Database
from fundledger.program import translated
from fundledger.program.labels import short
from fundledger.web.i18n import COOKIE
from tests.factories import create_donor
from tests.web.conftest import Browser
from tests.web.downloads import csv_text
from tests.web.test_dashboards import known_fund
from tests.web.test_donor_pages import text
from tests.web.test_languages import choose
from tests.web.test_names import NEW_PLEDGE, options

LoginAs = Callable[..., User]
SPANISH = translated.translations("es")
FRENCH = translated.translations("fr")


@pytest.fixture
def secretariat(browser: Browser, login_as: LoginAs, database: Database) -> Browser:
    with database.transaction() as session:
        create_donor(session, "KR-OBS", name="Republic of Korea", type="permanent_observer")
    login_as("secretariat")
    return browser


def reading(browser: Browser, language: str) -> Browser:
    browser.client.set_cookie(COOKIE, language)
    return browser


def csv_rows(browser: Browser, url: str) -> list[dict[str, str]]:
    """The rows of a CSV download (its byte-order mark read)."""
    download = browser.get(url).get_data(as_text=True)
    return list(csv.DictReader(io.StringIO(download.removeprefix("\ufeff"))))


def test_the_spanish_earmark_chooser_names_objectives_activities_and_organs_in_spanish(
    secretariat: Browser,
) -> None:
    offered = options(choose(secretariat, "es", on=NEW_PLEDGE), "earmark")
    labels = {value: (group, label) for group, value, label in offered}
    label = labels["activity:5"][1]
    assert label == "Actividad 5 — " + short(SPANISH["activities"]["5"])
    assert label.startswith("Actividad 5 — Realizar investigaciones sobre la migración")
    groups = {group for group, _value, _label in offered}
    assert "Objetivo 3 — " + short(SPANISH["objectives"]["3"]) in groups
    assert labels["organ:CIM"][1] == "Órgano CIM — Comisión Interamericana de Mujeres (CIM)"
    for value, (_group, label) in labels.items():
        kind, _, key = value.partition(":")
        if kind == "activity":
            assert label.endswith(short(SPANISH["activities"][key])), value


def test_the_spanish_activity_page_reads_in_spanish(secretariat: Browser) -> None:
    page = text(reading(secretariat, "es").get("/program/activities/5"))
    assert f'<p class="lead">{SPANISH["activities"]["5"]}</p>' in page
    assert "Comisión Interamericana de Mujeres (CIM)" in page
    assert "sí — una actividad de un órgano, organismo o entidad de la OEA" in page
    assert f"Objetivo 3</a>: {SPANISH['objectives']['3']}" in page
    for english in ("Conduct research", "Inter-American Commission of Women", "Objective 3",
                    "Promotion of international cooperation", "yes — "):  # fmt: skip
        assert english not in page, english


def test_the_french_activity_list_and_its_csv_read_in_french(secretariat: Browser) -> None:
    browser = reading(secretariat, "fr")
    page = text(browser.get("/program/activities?organ=SUMMITS"))
    assert FRENCH["activities"]["21"] in page
    assert "Secrétariat des Sommets des Amériques" in page
    assert "Summits of the Americas Secretariat" not in page
    rows = csv_rows(browser, "/program/activities.csv?organ=SUMMITS")
    assert [(r["number"], r["title"], r["implementer_name"]) for r in rows] == [
        (n, FRENCH["activities"][n], "Secrétariat des Sommets des Amériques") for n in ("20", "21")
    ]
    objectives = browser.get("/program/objectives.csv").get_data(as_text=True)
    assert FRENCH["objectives"]["17"] in objectives
    assert FRENCH["general_objectives"]["1"] in objectives


def test_a_title_with_no_translation_is_shown_in_english(
    secretariat: Browser, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An activity a later revision of the Program adds has no entry until one is written."""
    without_5 = {**SPANISH, "activities": {k: v for k, v in SPANISH["activities"].items()
                                           if k != "5"}}  # fmt: skip
    monkeypatch.setattr(translated, "translations", lambda language: without_5)
    page = text(reading(secretariat, "es").get("/program/activities/5"))
    assert "Conduct research on female migration and its impact on family structure" in page
    assert "Comisión Interamericana de Mujeres (CIM)" in page


def test_a_translated_activity_list_sorts_by_the_titles_it_shows(secretariat: Browser) -> None:
    browser = reading(secretariat, "fr")
    rows = csv_rows(browser, "/program/activities.csv?sort=title&fundable=1")
    titles = [row["title"] for row in rows]
    assert len(titles) == 32
    assert titles == sorted(titles, key=translated.alphabetical)
    assert titles[0] == FRENCH["activities"]["21"]
    by_organ = "/program/activities.csv?sort=implementer&direction=desc&fundable=1"
    names = [row["implementer_name"] for row in csv_rows(browser, by_organ)]
    assert names == sorted(names, key=translated.alphabetical, reverse=True)
    # In English the Summits Secretariat would come first, its activities 20 and 21 last.
    assert names[0] == FRENCH["implementers"]["OAS-ALL"]
    assert [row["number"] for row in rows][:1] == ["21"]


def test_a_spanish_visitor_reads_the_public_figures_and_downloads_in_spanish(
    database: Database, client: FlaskClient
) -> None:
    known_fund(database)
    client.set_cookie(COOKIE, "es")
    page = text(client.get("/public"))
    assert f"5. {SPANISH['activities']['5']}" in page
    assert SPANISH["implementers"]["CIM"] in page, "the table by organ"
    assert "Conduct research on female migration" not in page
    allocations = csv_text(client.get("/public/allocations.csv"))
    assert SPANISH["activities"]["5"] in allocations
    by_organ = {row[0]: row[1] for row in csv.reader(io.StringIO(csv_text(
        client.get("/public/by-organ.csv"))))}  # fmt: skip
    assert by_organ["CIM"] == SPANISH["implementers"]["CIM"]
    assert by_organ["IACHR"] == SPANISH["implementers"]["IACHR"]
