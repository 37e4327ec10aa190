"""Take the pictures of docs/statements/: page 1 of each kind of statement the command line
issues, over the demo's books, in English and in the statement's own language.

Run with ``make statement-pictures`` (it needs poppler's ``pdftoppm``). The demo is loaded
into a throwaway SQLite database and each statement is issued as ``fundledger statement``
issues it: numbered, rendered, signed (with a throwaway self-signed key) and archived in a
temporary folder. ``--all-pages DIR`` also writes every page of every statement to DIR, to
look the whole documents over.
"""

from __future__ import annotations

import argparse
import datetime as dt
import subprocess
import tempfile
from pathlib import Path

from fundledger.actors import Actor
from fundledger.db import Database
from fundledger.demo.dataset import load_demo
from fundledger.reporting.operations import issue_statement
from fundledger.reporting.render import Request, since_inception
from fundledger.reporting.signing import SigningPaths, load_signer, make_self_signed
from fundledger.setup.bootstrap import initialize

OUT = Path(__file__).parent / "statements"
DPI = "60"


def requests(last_year: int, today: dt.date) -> dict[str, tuple[Request, tuple[str, ...]]]:
    """Picture name → the statement and its languages (English, then its own)."""
    year = (dt.date(last_year, 1, 1), dt.date(last_year, 12, 31))
    return {
        "donor-member-state": (Request.donor("MEX", *year), ("en", "es")),
        "donor-observer-earmarks": (Request.donor("FR-OBS", *year), ("en", "fr")),
        "fund-year": (Request.fund(last_year), ("en", "pt")),
        "cajp-pack": (Request.pack(today), ("en", "es")),
    }


def pdftoppm(*arguments: str) -> None:
    """poppler's renderer at the pictures' resolution."""
    command = ["pdftoppm", "-png", "-r", DPI, *arguments]
    subprocess.run(command, check=True)  # noqa: S603 - an argument list, no shell


def pictures(folder: Path, pages: Path | None) -> list[Path]:
    database = Database(f"sqlite:///{folder / 'demo.sqlite3'}")
    initialize(database)
    operator = Actor("statement-pictures")
    keys = SigningPaths(folder / "key.pem", folder / "cert.pem", configured=True)
    make_self_signed(keys, "Demo fund (pictures)", small=True)
    signer = load_signer(keys)
    today = dt.date.today()
    with database.transaction() as session:
        load_demo(session, operator)
    made = []
    with database.transaction() as session:
        wanted = requests(today.year - 1, today)
        wanted["fund-inception"] = (since_inception(session, today), ("en",))
        for name, (request, languages) in wanted.items():
            for language in languages:
                issued = issue_statement(session, operator, request, language=language,
                                         archive=folder, signer=signer)  # fmt: skip
                pdf = folder / issued.path
                target = OUT / f"{name}-{language}"
                pdftoppm("-f", "1", "-l", "1", "-singlefile", str(pdf), str(target))
                made.append(target.with_suffix(".png"))
                if pages is not None:
                    pdftoppm(str(pdf), str(pages / f"{name}-{language}"))
    database.dispose()
    return made


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--all-pages", type=Path, help="also write every page here")
    arguments = parser.parse_args()
    OUT.mkdir(exist_ok=True)
    if arguments.all_pages is not None:
        arguments.all_pages.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as folder:
        for path in pictures(Path(folder), arguments.all_pages):
            print(path.relative_to(OUT.parent.parent))


if __name__ == "__main__":
    main()
