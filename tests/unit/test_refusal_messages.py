"""Refusals carry a marked message id and typed parameters, so every reader gets them in
their language (fundledger/errors.py); and no English-only refusal is added.

The walk reads every ``raise`` of a :class:`FundledgerError` subclass in the package
(the CLI's own and set-up's, which speak only to the command line, excepted) and sorts
its message: a ``N_("...")`` template whose placeholders are the keywords given, a
:class:`Message` a helper built, or English built on the spot (an f-string, a literal,
``%`` or ``+``). The ones still English are counted per file in :data:`UNCONVERTED`; a
file may only go down.
"""

from __future__ import annotations

import ast
import datetime as dt
import importlib
import pkgutil
import re
from decimal import Decimal
from pathlib import Path

import pytest

import fundledger
from fundledger.db import Database
from fundledger.errors import Amount, FundledgerError, Message, Term
from fundledger.i18n import N_, WEB, read, refusal_text
from fundledger.ledger.errors import InvalidEntry
from fundledger.ledger.vouchers import read_voucher

PACKAGE = Path(fundledger.__file__).parent
#: Code that speaks only to a terminal: its refusals need no catalog.
COMMAND_LINE_ONLY = ("cli/", "setup/", "commands.py")
PLACEHOLDER = re.compile(r"%\((\w+)\)s")

#: Files with refusals still worded in English where raised, and how many. Converting
#: one lowers its count here; a new English refusal fails the build.
UNCONVERTED: dict[str, int] = {
    "db.py": 1,
    "donors/imports.py": 8,
    "inputs.py": 5,
    "ledger/bulk_rows.py": 1,
    "money.py": 6,
    "reporting/donor_data.py": 1,
    "reporting/queries.py": 2,
    "reporting/render.py": 6,
    "reporting/signing.py": 3,
}


def _refusal_classes() -> set[str]:
    for module in pkgutil.walk_packages([str(PACKAGE)], "fundledger."):
        if not module.name.startswith(("fundledger.cli", "fundledger.setup")):
            importlib.import_module(module.name)
    found: set[str] = set()
    pending = [FundledgerError]
    while pending:
        cls = pending.pop()
        found.add(cls.__name__)
        pending.extend(cls.__subclasses__())
    return found


def _raised_name(node: ast.expr) -> str | None:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return node.attr
    return None


def _is_marked(node: ast.expr) -> bool:
    return (
        isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "N_"
        and len(node.args) == 1 and isinstance(node.args[0], ast.Constant)
    )  # fmt: skip


def _is_english(node: ast.expr) -> bool:
    """Text built where it is raised, which no catalog can hold."""
    if isinstance(node, ast.JoinedStr | ast.BinOp):
        return True
    if isinstance(node, ast.Constant):
        return isinstance(node.value, str) and bool(node.value)
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
        return node.func.attr in {"format", "join"}
    return isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "str"


def _sites() -> tuple[dict[str, int], list[str]]:
    """English refusals per file, and marked ones whose keywords miss a placeholder."""
    classes = _refusal_classes()
    english: dict[str, int] = {}
    mismatched: list[str] = []
    for path in sorted(PACKAGE.rglob("*.py")):
        relative = path.relative_to(PACKAGE).as_posix()
        if relative.startswith(COMMAND_LINE_ONLY) or relative.endswith(COMMAND_LINE_ONLY):
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            calls = []
            raised = node.exc if isinstance(node, ast.Raise) else None
            if isinstance(raised, ast.Call) and _raised_name(raised.func) in classes:
                calls.append(raised)
            if isinstance(node, ast.ClassDef) and any(
                _raised_name(base) in classes for base in node.bases
            ):  # a class that words its own message: super().__init__(...)
                calls += [
                    call for call in ast.walk(node)
                    if isinstance(call, ast.Call) and isinstance(call.func, ast.Attribute)
                    and call.func.attr == "__init__"
                ]  # fmt: skip
            if isinstance(node, ast.Call) and _raised_name(node.func) == "Message":
                calls.append(node)
            for call in calls:
                if not call.args:
                    continue
                message = call.args[0]
                if _is_english(message):
                    english[relative] = english.get(relative, 0) + 1
                elif _is_marked(message) and isinstance(message, ast.Call):
                    template = message.args[0]
                    assert isinstance(template, ast.Constant)
                    wanted = set(PLACEHOLDER.findall(str(template.value)))
                    given = {k.arg for k in call.keywords if k.arg not in {"hint", None}}
                    if _raised_name(call.func) == "Message" and len(call.args) > 1:
                        params = call.args[1]
                        if not isinstance(params, ast.Dict) or None in params.keys:
                            continue  # figures gathered elsewhere: read at run time
                        given = {str(getattr(key, "value", "")) for key in params.keys}
                    if wanted != given:
                        mismatched.append(f"{relative}:{call.lineno} {wanted} != {given}")
    return english, mismatched


@pytest.fixture(scope="module")
def sites() -> tuple[dict[str, int], list[str]]:
    return _sites()


def test_no_new_refusal_is_english_only(sites: tuple[dict[str, int], list[str]]) -> None:
    english, _mismatched = sites
    grown = {file: count for file, count in english.items() if count > UNCONVERTED.get(file, 0)}
    assert grown == {}, (
        "refusals worded in English where raised: raise them with N_('template %(name)s') "
        f"and typed parameters (fundledger/errors.py): {grown}"
    )
    fewer = {file: count for file, count in english.items() if count < UNCONVERTED.get(file, 0)}
    gone = set(UNCONVERTED) - set(english)
    assert not fewer, f"lower UNCONVERTED to {english}"
    assert not gone, f"lower UNCONVERTED to {english}"


def test_each_template_gets_its_placeholders(sites: tuple[dict[str, int], list[str]]) -> None:
    assert sites[1] == []


def test_every_refusal_template_is_in_the_web_catalogs() -> None:
    """The catalog check of tests/web/test_languages.py covers it; here, that the English
    catalog holds a converted template (it would fall back to English silently)."""
    catalog = read(WEB, "es")
    message = catalog.get("no %(currency)s rate for %(date)s: give the rate, or set it first")
    assert message is not None
    assert message.string


# --- the mechanism ---------------------------------------------------------------------


class _Refused(FundledgerError):
    pass


def test_english_sentence_is_the_template_filled() -> None:
    refusal = _Refused(
        N_("%(donor)s owes %(amount)s since %(date)s at %(rate)s"),
        donor="MEX", amount=Amount(Decimal("1234.5"), "EUR"), date=dt.date(2025, 2, 10),
        rate=Decimal("1.1025"), hint="fundledger donor balance MEX",
    )  # fmt: skip
    assert str(refusal) == "MEX owes 1,234.50 EUR since 2025-02-10 at 1.1025"
    assert "fundledger" not in refusal_text(refusal, "es")
    assert refusal.message_id == "%(donor)s owes %(amount)s since %(date)s at %(rate)s"
    assert refusal.hint == "fundledger donor balance MEX"
    assert "fundledger" not in str(refusal)


def test_a_template_without_parameters_keeps_its_percent_sign() -> None:
    assert str(_Refused(N_("rates above 100% are refused"))) == "rates above 100% are refused"


def test_a_message_built_by_a_helper_carries_its_parameters() -> None:
    refusal = _Refused(Message(N_("fiscal year %(year)s is closed"), {"year": 2025}))
    assert refusal.message_id == "fiscal year %(year)s is closed"
    assert refusal.params == {"year": 2025}
    assert str(refusal) == "fiscal year 2025 is closed"


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("en", "no JPY rate for Feb 10, 2025: give the rate, or set it first"),
        (
            "es",
            "no hay tipo de cambio de JPY para el 10 feb 2025: indique el tipo o regístrelo antes",
        ),
        ("fr", "aucun taux JPY pour le 10 févr. 2025 : indiquez le taux ou enregistrez-le d’abord"),
    ],
)
def test_reader_sees_the_message_in_their_language(language: str, expected: str) -> None:
    refusal = _Refused(
        N_("no %(currency)s rate for %(date)s: give the rate, or set it first"),
        currency="JPY", date=dt.date(2025, 2, 10), hint="fundledger rate set --currency JPY",
    )  # fmt: skip
    assert refusal_text(refusal, language) == expected


def test_amounts_decimals_and_terms_follow_the_reader() -> None:
    refusal = _Refused(
        N_("%(what)s %(amount)s has more decimals than %(currency)s allows (%(places)s)"),
        what=Term(N_("bank charges")), amount=Decimal("1234.505"), currency="EUR", places=2,
    )  # fmt: skip
    assert str(refusal) == "bank charges 1234.505 has more decimals than EUR allows (2)"
    spanish = refusal_text(refusal, "es")
    assert "1.234,505" in spanish
    assert "gastos bancarios" in spanish
    money = _Refused(N_("%(donor)s has no unapplied %(currency)s credit"), donor=Amount(
        Decimal("-1234.5"), "EUR"), currency="EUR")  # fmt: skip
    assert refusal_text(money, "es").startswith("-1.234,50 EUR")
    french = refusal_text(money, "fr").replace("\u202f", " ").replace("\xa0", " ")
    assert french.startswith("-1 234,50 EUR")


def test_an_unconverted_refusal_reads_as_its_english() -> None:
    assert refusal_text(_Refused("something English"), "es") == "something English"


def test_a_vouchers_refusal_names_its_line_in_the_readers_language(database: Database) -> None:
    """A voucher's refusal (ledger/vouchers.py) says which line in English on the command
    line, and in French to a French reader, the line's number a clause of its own."""
    content = (b'{"date": "2025-02-10", "lines": [{"account": "1010", "debit": "100.00"},'
               b' {"account": "4100", "credit": 100}]}')  # fmt: skip
    with database.session() as session, pytest.raises(InvalidEntry) as refused:
        read_voucher(session, content)
    assert str(refused.value) == (
        'line 2: credit is the JSON number 100; write it as a string: "100.00"'
    )
    assert refusal_text(refused.value, "fr") == (
        'ligne 2 : credit est le nombre JSON 100 ; écrivez-le comme une chaîne : "100.00"'
    )
