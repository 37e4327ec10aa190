"""Hostile input, fuzzed with Hypothesis: every ``fundledger`` command's arguments and
every web form, on SQLite and PostgreSQL.

What a user must never see, whatever they type: a Python traceback, a 500 page, an
exit status other than 0 (done), 1 (refused, with the reason on stderr) or 2 (usage),
their own ``<script>`` coming back unescaped, or a refused request that wrote
something (every table's row count and the end of the hash chain are compared before
and after).

The command table is built by walking the click command tree, so a new command is
fuzzed as soon as it is registered; ``VALID`` gives the values that get past the
checks in front of the one being attacked (an existing donor, a user with the role).
The web table (``FORMS``) lists each form's URL, fields and who fills it in; the donor
and allocation forms are added there by listing theirs.

The bugs the fuzz found are pinned at the end of this file, one test each, and listed
in docs/RELIABILITY.md.

NUL never appears in the fuzzed arguments themselves: a real command line cannot carry
one (execve ends the argument there). Bytes that are not UTF-8 do: Python hands them on
as lone surrogates, and the fuzz sends those.
"""

from __future__ import annotations

import csv
import io
import json
import re
import uuid
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

import click
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fundledger.cli.main import cli
from fundledger.db import Database
from fundledger.inputs import text_problem
from tests.reliability.figures import Figures
from tests.reliability.helpers import (
    InProcessCli,
    ledger_problems,
    snapshot,
    stored_controls,
    stored_count,
)
from tests.reliability.hostile import (
    LOOKALIKES,
    SLOW,
    TEN_MB_TEXT,
    assert_each_passes,
    hostile,
    odd_date,
    safe_name,
    sweep,
)

FUZZ_SETTINGS = settings(
    deadline=None,
    database=None,
    derandomize=not SLOW,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

pytestmark = pytest.mark.fuzz


# --- the command line -----------------------------------------------------------------

#: Commands not fuzzed, and why.
NOT_FUZZED = {
    "serve": "starts a web server and does not return",
    "demo": "loads the multi-year demo dataset (seconds per run); its one option is a seed",
}
#: Values that get past the checks in front of the attacked one, by parameter name.
VALID: dict[str, list[str]] = {
    "code": ["MEX", "CAN"],
    "donor_code": ["MEX"],
    "currency": ["USD", "EUR"],
    "earmark": ["activity:5", "objective:4"],
    "pools": ["earmark:MEX/activity:5", "unrestricted"],
    "pool": ["MEX/activity:5"],
    "lines": ["5:1000:research"],
    "verdicts": ["5:approve"],
    "instalments": ["2025-06-30:100"],
    "key": ["indirect_cost_rate", "availability_basis"],
    "value": ["0.05", "cash"],
    "email": ["new.person@example.org", "sec@oas.org"],
    "kind": ["member_state"],
    "year": ["2024", "2026"],  # closing 2024 locks no seeded row; 2026 needs 2025 closed
    "activity": ["5"],
    "country": ["MX"],
    "host": ["127.0.0.1"],
}
#: Who takes each step (--as), by command; the secretariat otherwise.
ACTING: dict[tuple[str, ...], str] = {
    ("allocation", "decide"): "cajp@oas.org",
    ("budget", "approve"): "cajp@oas.org",
    ("setting", "set"): "admin@oas.org",
    ("period", "reopen"): "admin2@oas.org",
}
#: Parameters whose text has parts separated by colons.
STRUCTURED = {"lines": 3, "verdicts": 2, "instalments": 2}
JUNK_ARGUMENTS = ["--bogus", "extra", "-", "--", "--help"]


@dataclass(frozen=True)
class FileArg:
    """A file the command reads: written in the working directory just before the run."""

    name: str
    content: bytes

    def __repr__(self) -> str:
        shown = self.content[:60] + (b"..." if len(self.content) > 60 else b"")
        return f"FileArg({self.name!r}, {len(self.content)} bytes: {shown!r})"


Token = str | FileArg
#: What a terminal acts on (colours, titles, the bell, backspace): never printed raw.
TERMINAL_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


@dataclass(frozen=True)
class Invocation:
    """One command line: the command, its arguments, standard input, and the hostile
    value given to each attacked parameter."""

    path: tuple[str, ...]
    argv: list[Token]
    stdin: str | bytes | None
    attacked: dict[str, Token | None]

    def typed(self) -> dict[str, str]:
        """The hostile text given to parameters other than file names."""
        return {name: value for name, value in self.attacked.items()
                if isinstance(value, str) and name not in PATH_PARAMS}  # fmt: skip

    def shown(self) -> str:
        args = [repr(t) if isinstance(t, FileArg) else t for t in self.argv]
        text = " ".join(str(a) if len(str(a)) < 80 else f"<{len(str(a))} chars>" for a in args)
        return repr(text)


def leaf_commands(group: click.Group = cli, path: tuple[str, ...] = ()) -> Iterator[
    tuple[tuple[str, ...], click.Command]
]:  # fmt: skip
    context = click.Context(group)  # list and get: the CLI loads its commands on demand
    for name in sorted(group.list_commands(context)):
        command = group.get_command(context, name)
        assert command is not None
        if isinstance(command, click.Group):
            yield from leaf_commands(command, (*path, name))
        elif (*path, name)[0] not in NOT_FUZZED:
            yield (*path, name), command


def _kind(param: click.Parameter) -> str:
    metavar = getattr(param, "metavar", None) or ""
    if metavar == "YYYY-MM-DD":
        return "date"
    if metavar == "DECIMAL":
        return "number"
    if metavar == "EMAIL" or param.name == "email":
        return "email"
    if isinstance(param.type, click.IntRange | click.types.IntParamType):
        return "integer"
    return "text"


def _valid(path: tuple[str, ...], param: click.Parameter) -> st.SearchStrategy[Token]:
    name = param.name or ""
    if isinstance(param.type, click.File):
        return _valid_file(path)
    if isinstance(param.type, click.Path):
        return _path_value(path, name, hostile_values=False)
    if name == "as_email":
        return st.just(ACTING.get(path, "sec@oas.org"))
    if name in VALID:
        return st.sampled_from(VALID[name])
    if isinstance(param.type, click.Choice):
        return st.sampled_from([str(choice) for choice in param.type.choices])
    kind = _kind(param)
    if kind == "integer":
        return st.sampled_from(["1", "2", "3"])
    if kind == "date":
        return st.sampled_from(["2025-03-01", "2025-06-30"])
    if kind == "number":
        return st.sampled_from(["100.00", "1"])
    return st.sampled_from(["ok", "Fund for migrants"])


def _hostile(path: tuple[str, ...], param: click.Parameter) -> st.SearchStrategy[Token]:
    name = param.name or ""
    if isinstance(param.type, click.File):
        return _hostile_file(path)
    if isinstance(param.type, click.Path):
        return _path_value(path, name, hostile_values=True)
    text = hostile(_kind(param), argv=True)  # no NUL, undecodable bytes (module docstring)
    if name in STRUCTURED:
        parts = st.lists(st.one_of(text, st.sampled_from(["5", "1e3", "2025-06-30"])),
                         min_size=1, max_size=STRUCTURED[name] + 1)  # fmt: skip
        return st.one_of(text, parts.map(":".join))
    if isinstance(param.type, click.Choice):
        choices = [str(choice) for choice in param.type.choices]
        return st.one_of(
            text, st.sampled_from([c.upper() for c in choices] + [c + " " for c in choices])
        )
    return text


def _path_value(
    path: tuple[str, ...], name: str, *, hostile_values: bool
) -> st.SearchStrategy[Token]:
    """Paths in the working directory (a fresh temporary one); writing commands get new
    names, or ones in missing folders or that the file system refuses; reading commands
    get files with junk in them, or missing ones."""
    if path == ("backup",) or name == "out":
        fresh = st.uuids().map(lambda u: f"{name}-{u.hex[:10]}.file")
        if not hostile_values:
            return fresh
        return st.one_of(fresh, safe_name(), st.sampled_from(
            ["missing-folder/x.file", ".", "", "x" * 300, TEN_MB_TEXT]))  # fmt: skip
    if not hostile_values:
        return st.just("missing.file")
    return st.one_of(
        st.sampled_from(["missing.file", ".", "", "x" * 300, TEN_MB_TEXT]),
        st.builds(FileArg, st.just("junk.file"), st.one_of(
            st.binary(max_size=64),
            st.sampled_from([b"", b"SQLite format 3\x00" + bytes(200), b"PGDMP" + bytes(200),
                             b"%PDF-1.4\n%%EOF\n"]),
        )),
    )  # fmt: skip


# --- files the commands read: vouchers and contribution CSVs ---------------------------

VOUCHER: dict[str, Any] = {
    "date": "2025-03-01",
    "memo": "fuzz",
    "lines": [
        {"account": "1010", "debit": "10.00"},
        {"account": "4100", "credit": "10.00", "donor": "MEX"},
    ],
}
VOUCHER_FIELDS = ["date", "memo", "source_ref", "idempotency_key", "kind"]
LINE_FIELDS = ["account", "debit", "credit", "donor", "activity", "objective", "organ",
               "earmark", "currency", "original_amount", "rate", "memo"]  # fmt: skip
JSON_ODDITIES: list[Any] = [None, True, [], {}, 0, -1, Decimal("1E+400"), Decimal("-0"),
                            Decimal("1E-400"), 10**40, Decimal("0.001")]  # fmt: skip
CSV_COLUMNS = ["type", "donor", "date", "amount", "currency", "rate", "charges", "earmark",
               "pledge", "reference", "due", "overpayment"]  # fmt: skip
CSV_ROW = ["pledge", "MEX", "2025-03-01", "100.00", "USD", "", "", "", "", "fuzz", "", ""]


def _valid_file(path: tuple[str, ...]) -> st.SearchStrategy[Token]:
    if path == ("entry", "post"):
        return st.uuids().map(lambda u: FileArg("voucher.json", json.dumps(
            {**VOUCHER, "idempotency_key": u.hex}).encode()))  # fmt: skip
    return st.uuids().map(lambda u: FileArg("bank.csv", _csv([[*CSV_ROW[:9], u.hex, "", ""]])))


def _hostile_file(path: tuple[str, ...]) -> st.SearchStrategy[Token]:
    if path == ("entry", "post"):
        return _hostile_voucher().map(lambda data: FileArg("voucher.json", data))
    return _hostile_csv().map(lambda data: FileArg("bank.csv", data))


@st.composite
def _hostile_voucher(draw: st.DrawFn) -> bytes:
    how = draw(st.sampled_from(["field", "line field", "whole"]))
    if how == "whole":
        text = draw(st.sampled_from([
            "", "null", "[]", "{}", '"text"', "{" * 50_000, "[" * 100_000, "NaN",
            '{"date": "2025-03-01", "lines": [' + '{"account": "1010", "debit": "1"},' * 5000,
            "\ufeff" + json.dumps(VOUCHER), json.dumps(VOUCHER) + " trailing",
            json.dumps({**VOUCHER, "memo": TEN_MB_TEXT}),
            # Accepted: an entry has no limit on its lines. Bigger ones slow every later
            # journal page down for minutes (see docs/RELIABILITY.md).
            json.dumps({**VOUCHER, "lines": VOUCHER["lines"] * 500}),
            json.dumps({**VOUCHER, "memo": "\ud800"}),  # a lone surrogate, escaped
            # 10^19 cents each side: beyond a 64-bit integer of cents (issue 12, item 2).
            json.dumps({**VOUCHER, "lines": [
                {"account": "1010", "debit": "99999999999999.99"},
                {"account": "4100", "credit": "99999999999999.99", "donor": "MEX"}] * 1000}),
            '{"date": "2025-03-01", "date": "2025-03-02", "lines": []}',  # a duplicate key
            json.dumps(VOUCHER).replace('"10.00"', "1e1"),  # amounts as JSON numbers
        ]))  # fmt: skip
        return draw(st.sampled_from([text.encode(), text.encode("latin-1", "replace")]))
    value: Any = draw(st.one_of(
        hostile("text"), hostile("number"), hostile("date"),
        st.sampled_from(JSON_ODDITIES),
    ))  # fmt: skip
    voucher = json.loads(json.dumps(VOUCHER))
    if how == "field":
        voucher[draw(st.sampled_from(VOUCHER_FIELDS))] = value
    else:
        line = voucher["lines"][draw(st.integers(0, 1))]
        line[draw(st.sampled_from(LINE_FIELDS))] = value
    return _dump_voucher(voucher).encode()


def _dump_voucher(voucher: Any) -> str:
    """JSON with Decimals written as the numbers they are (1E+400 stays 1E+400)."""

    def encode(value: Any) -> str:
        if isinstance(value, Decimal):
            return str(value)
        if isinstance(value, dict):
            return "{" + ", ".join(f"{json.dumps(k)}: {encode(v)}" for k, v in value.items()) + "}"
        if isinstance(value, list):
            return "[" + ", ".join(encode(item) for item in value) + "]"
        return json.dumps(value, ensure_ascii=False)

    return encode(voucher)


def _csv(rows: Sequence[Sequence[str]], header: Sequence[str] = CSV_COLUMNS) -> bytes:
    out = io.StringIO(newline="")
    writer = csv.writer(out)
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue().encode()


@st.composite
def _hostile_csv(draw: st.DrawFn) -> bytes:
    how = draw(st.sampled_from(["field", "field", "header", "whole"]))
    if how == "whole":
        valid = _csv([CSV_ROW])
        return draw(st.sampled_from([
            b"", b"\n", b"type,donor,date,amount,currency\n", valid.replace(b",", b";"),
            b"\xef\xbb\xbf" + valid, valid.replace(b"\n", b"\r\n"), valid + valid[-30:],
            b'type,donor,date,amount,currency\n"pledge,MEX,2025-03-01,1,USD\n',
            valid + b"pledge,MEX\n", valid + b",,,,,,,,,,,,,,,,\n",
            b"pledge,MEX,2025-03-01,100.00,USD\n" * 3,
        ]))  # fmt: skip
    if how == "header":
        header = list(CSV_COLUMNS)
        position = draw(st.integers(0, len(header) - 1))
        header[position] = draw(st.one_of(hostile("text"), st.sampled_from(
            [header[position].upper(), header[0], " " + header[position], ""])))  # fmt: skip
        return _csv([CSV_ROW], header=header)
    row = list(CSV_ROW)
    position = draw(st.integers(0, len(row) - 1))
    kind = {2: "date", 10: "date", 3: "number", 5: "number", 6: "number"}.get(position, "text")
    row[position] = draw(hostile(kind))
    return _csv([row])


@st.composite
def cli_invocation(
    draw: st.DrawFn, leaves: Sequence[tuple[tuple[str, ...], click.Command]]
) -> Invocation:
    """A command line: the command, each parameter valid or hostile (at most two
    hostile), sometimes junk at the end; and what goes to standard input."""
    path, command = draw(st.sampled_from(leaves))
    params = [p for p in command.params if p.name != "help"]
    values = [p for p in params if not (isinstance(p, click.Option) and p.is_flag)]
    attacked = draw(st.sets(st.sampled_from(values), max_size=2)) if values else set()
    argv: list[Token] = list(path)
    stdin: str | bytes | None = None
    for param in params:
        if isinstance(param, click.Option) and param.is_flag:
            if draw(st.booleans()):
                argv.append(param.opts[0])
            continue
        if not (param.required or param in attacked or draw(st.booleans())):
            continue
        repeats = draw(st.integers(1, 2)) if getattr(param, "multiple", False) else 1
        for _ in range(repeats):
            value = draw(_hostile(path, param) if param in attacked else _valid(path, param))
            if isinstance(param, click.Option):
                argv.append(param.opts[0])
            argv.append(value)
    if any(getattr(p, "name", "") == "password_stdin" for p in params):
        stdin = draw(st.one_of(st.sampled_from(["correct horse battery staple 42\n",
                                                b"caf\xe9 au lait 1234\n"]),  # Latin-1
                               hostile("text").map(lambda t: t + "\n")))  # fmt: skip
    # Not after a file argument: click leaves the file open when a later argument is a
    # usage error (harmless in a real process, which ends; a ResourceWarning here).
    opens_file = any(isinstance(p.type, click.File) for p in params)
    if not opens_file and draw(st.integers(0, 9)) == 0:
        argv.append(draw(st.sampled_from(JUNK_ARGUMENTS)))
    return Invocation(path, argv, stdin, {p.name or "": _arg(argv, p) for p in attacked})


def _arg(argv: Sequence[Token], param: click.Parameter) -> Token | None:
    """The value given to ``param`` (its first, if repeated); none if left out."""
    if isinstance(param, click.Option):
        for position, token in enumerate(argv[:-1]):
            if token == param.opts[0]:
                return argv[position + 1]
    return None


def _valid_token(path: tuple[str, ...], param: click.Parameter) -> Token:
    """The first valid value of ``param``: what the sweep leaves the others at."""
    name = param.name or ""
    if isinstance(param.type, click.File):
        if path == ("entry", "post"):
            return FileArg("voucher.json", json.dumps(
                {**VOUCHER, "idempotency_key": uuid.uuid4().hex}).encode())  # fmt: skip
        return FileArg("bank.csv", _csv([[*CSV_ROW[:9], uuid.uuid4().hex, "", ""]]))
    if isinstance(param.type, click.Path):
        fresh = path == ("backup",) or name == "out"
        return f"{name}-{uuid.uuid4().hex[:10]}.file" if fresh else "missing.file"
    if name == "as_email":
        return ACTING.get(path, "sec@oas.org")
    if name in VALID:
        return VALID[name][0]
    if isinstance(param.type, click.Choice):
        return str(param.type.choices[0])
    return {"integer": "1", "date": "2025-03-01", "number": "100.00"}.get(_kind(param), "ok")


def swept_invocations(path: tuple[str, ...], command: click.Command) -> Iterator[Invocation]:
    """One command line per parameter and class of issue 12 (hostile.sweep), the other
    parameters valid (the optional ones left out)."""
    values = [p for p in command.params
              if p.name != "help" and not (isinstance(p, click.Option) and p.is_flag)]  # fmt: skip
    for position, attacked in enumerate(values):
        for hostile_value in sweep(_kind(attacked), position, full=SLOW):
            argv: list[Token] = list(path)
            for param in values:
                if param is not attacked and not param.required:
                    continue
                value = hostile_value if param is attacked else _valid_token(path, param)
                if isinstance(param, click.Option):
                    argv.append(param.opts[0])
                argv.append(value)
            yield Invocation(path, argv, None, {attacked.name or "": hostile_value})


def _materialize(argv: Sequence[Token], folder: Path) -> list[str]:
    args = []
    for token in argv:
        if isinstance(token, FileArg):
            (folder / token.name).write_bytes(token.content)
            args.append(token.name)
        else:
            args.append(str(token))
    return args


@dataclass
class Tally:
    tried: int = 0
    outcomes: dict[int, int] = field(default_factory=dict)
    #: Hostile values tried, by command and parameter.
    params: dict[tuple[str, str], int] = field(default_factory=dict)


def _examples(leaves: Sequence[tuple[tuple[str, ...], click.Command]]) -> int:
    """Random command lines after the sweep (which gives every parameter each class):
    combinations, junk arguments, standard input; four times as many when slow."""
    if all(not [p for p in command.params if p.name != "help"] for _, command in leaves):
        return 6  # only junk arguments to vary
    many = max(10, min(25, 5 * len(leaves)))
    return many * 2 if SLOW else many // 2


LEAVES = list(leaf_commands())
#: Parameters that take a date.
DATE_PARAMS = {param.name for _, command in LEAVES for param in command.params
               if _kind(param) == "date"}  # fmt: skip
#: Parameters that name files: what they are given is a file name, not stored text.
PATH_PARAMS = {param.name for _, command in LEAVES for param in command.params
               if isinstance(param.type, click.Path | click.File)}  # fmt: skip
CLI_TARGETS = sorted({path[0] for path, _ in LEAVES})


@pytest.mark.parametrize("target", CLI_TARGETS)
def test_a_command_refuses_hostile_arguments_cleanly_and_writes_nothing_when_it_refuses(
    target: str,
    fuzzed: Database,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    figures: Figures,
) -> None:
    database = fuzzed
    monkeypatch.chdir(tmp_path)
    fundledger = InProcessCli(database.url, STATEMENTS_DIR=str(tmp_path / "statements"))
    leaves = [(path, command) for path, command in LEAVES if path[0] == target]
    tally = Tally()
    last = [snapshot(database)]

    for path, command in leaves:
        for param in command.params:
            if param.name != "help" and not (isinstance(param, click.Option) and param.is_flag):
                tally.params[" ".join(path), param.name or ""] = 0
    controls = [stored_controls(database)]

    def attempt(invocation: Invocation) -> None:
        lookalikes = {value for value in invocation.typed().values()
                      if any(look in value for look in LOOKALIKES)}  # fmt: skip
        stored_before = stored_count(database, lookalikes) if lookalikes else Counter[str]()
        result = fundledger(*_materialize(invocation.argv, tmp_path), stdin=invocation.stdin,
                            catch=True)  # fmt: skip
        tally.tried += 1
        tally.outcomes[result.exit_code] = tally.outcomes.get(result.exit_code, 0) + 1
        for name in invocation.attacked:
            key = " ".join(invocation.path), name
            tally.params[key] = tally.params.get(key, 0) + 1
        after = snapshot(database)
        before, last[0] = last[0], after
        shown = invocation.shown()
        crashed = result.exception is not None and not isinstance(result.exception, SystemExit)
        assert not crashed, f"{shown} crashed: {result.exception!r}"
        assert result.exit_code in (0, 1, 2), f"{shown}: {result.output[-500:]}"
        assert "Traceback" not in result.output, f"{shown}: a traceback"
        if result.exit_code != 0:
            assert before == after, f"{shown} refused but wrote: {before.changes(after)}"
        if result.exit_code == 1:
            assert result.stderr.strip() or result.stdout.strip(), f"{shown}: refused, no reason"
        if result.exit_code != 0 or "--help" in invocation.argv:
            return  # refused, or only the help printed
        raw = TERMINAL_CONTROL.search(result.stdout)
        assert raw is None, f"{shown} printed {raw.group()!r} raw to the terminal" if raw else ""
        typed = invocation.typed()
        dates = [name for name, value in typed.items()
                 if name in DATE_PARAMS and isinstance(value, str) and odd_date(value)]  # fmt: skip
        assert not dates, f"{shown} exited 0 with a date that is not YYYY-MM-DD in range"
        if any(text_problem(value) for value in typed.values()):
            now = stored_controls(database)
            new, controls[0] = now - controls[0], now
            assert not new, f"{shown} stored control characters: {sorted(new)[:3]}"
        if lookalikes:
            now_stored = stored_count(database, lookalikes)
            kept = {value for value in lookalikes if now_stored[value] > stored_before[value]}
            assert lookalikes <= kept, (
                f"{shown} exited 0 but stored {sorted(lookalikes - kept)} as something else "
                "(or read it as the code it resembles)"
            )
        if before.balances != after.balances:
            problems = ledger_problems(database)
            assert not problems, f"{shown}: the ledger no longer verifies: {problems}"

    @settings(FUZZ_SETTINGS, max_examples=_examples(leaves))
    @given(invocation=cli_invocation(leaves))
    def fuzz(invocation: Invocation) -> None:
        attempt(invocation)

    try:
        assert_each_passes(attempt, (invocation for path, command in leaves
                                     for invocation in swept_invocations(path, command)))
        fuzz()
    finally:
        fundledger.close()
        figures.add("bad_inputs", tally.tried, part="CLI")
        for (command_name, name), count in tally.params.items():
            figures.field(f"cli {command_name}", name, count)
    never = sorted(key for key, count in tally.params.items() if count == 0)
    assert not never, f"parameters never tried: {never}"


# --- known bugs -----------------------------------------------------------------------
# What the fuzz found, one test each (docs/RELIABILITY.md, "Bugs these tests found").


@pytest.fixture
def fundledger(fuzzed: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[
    InProcessCli
]:  # fmt: skip
    monkeypatch.chdir(tmp_path)
    runner = InProcessCli(fuzzed.url, STATEMENTS_DIR=str(tmp_path / "statements"))
    yield runner
    runner.close()


def _refused_cleanly(
    fundledger: InProcessCli, fuzzed: Database, *args: str, says: str,
    stdin: str | bytes | None = None,
) -> None:  # fmt: skip
    """Exit 1 or 2 with ``says`` on stderr, no traceback, and nothing written."""
    before = snapshot(fuzzed)
    result = fundledger(*args, stdin=stdin, catch=True)
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(
        result.exception
    )
    assert result.exit_code in (1, 2)
    assert says in result.stderr
    assert snapshot(fuzzed) == before


def test_an_id_beyond_the_databases_integer_range_is_refused(
    fundledger: InProcessCli, fuzzed: Database
) -> None:
    _refused_cleanly(fundledger, fuzzed, "pledge-reduce", str(2**64), "--amount", "1",
                     "--reason", "x", says="not in the range 1<=x<=2147483647")  # fmt: skip


def test_an_argument_that_is_not_utf8_is_refused(
    fundledger: InProcessCli, fuzzed: Database
) -> None:
    # What Python makes of `fundledger donor add --name $'M\xe9xico'` typed in Latin-1.
    _refused_cleanly(fundledger, fuzzed, "donor", "add", "--code", "LAT", "--name",
                     "M\udce9xico", "--type", "member_state",
                     says="is not valid UTF-8 text")  # fmt: skip


@pytest.mark.parametrize(
    ("value", "says"),
    [("ACME\x1b[31m", "contains a control character (U+001B)"),
     ("two\nlines", "contains a control character (U+000A)")],
)  # fmt: skip
def test_a_control_character_in_a_text_argument_is_refused(
    fundledger: InProcessCli, fuzzed: Database, value: str, says: str
) -> None:
    _refused_cleanly(fundledger, fuzzed, "donor", "add", "--code", "CTL", "--name", value,
                     "--type", "member_state", says=says)  # fmt: skip


def test_a_voucher_that_is_not_utf8_is_refused(
    fundledger: InProcessCli, fuzzed: Database, tmp_path: Path
) -> None:
    (tmp_path / "latin1.json").write_bytes(json.dumps(VOUCHER).replace("fuzz", "café").encode(
        "latin-1"))  # fmt: skip
    _refused_cleanly(fundledger, fuzzed, "entry", "post", "latin1.json",
                     says="the voucher is not UTF-8 (byte 0xe9")  # fmt: skip


def test_a_nul_in_a_voucher_is_refused(
    fundledger: InProcessCli, fuzzed: Database, tmp_path: Path
) -> None:
    (tmp_path / "nul.json").write_text(json.dumps({**VOUCHER, "source_ref": "wire\x00902"}))
    _refused_cleanly(fundledger, fuzzed, "entry", "post", "nul.json",
                     says="contains a NUL character")  # fmt: skip


def test_a_password_on_stdin_that_is_not_utf8_is_refused(
    fundledger: InProcessCli, fuzzed: Database
) -> None:
    _refused_cleanly(fundledger, fuzzed, "user", "add", "--email", "latin@example.org", "--role",
                     "auditor", "--password-stdin", stdin=b"caf\xe9 au lait 1234\n",
                     says="the password is not UTF-8 text")  # fmt: skip


def test_a_csv_field_longer_than_the_csv_modules_limit_is_refused(
    fundledger: InProcessCli, fuzzed: Database, tmp_path: Path
) -> None:
    row = [*CSV_ROW[:9], "x" * 200_000, "", ""]
    (tmp_path / "long.csv").write_bytes(_csv([row]))
    _refused_cleanly(fundledger, fuzzed, "import", "contributions", "long.csv",
                     says="line 2: not readable as CSV (field larger than field limit")  # fmt: skip


def test_a_nul_in_an_imported_file_is_refused_naming_its_row(
    fundledger: InProcessCli, fuzzed: Database, tmp_path: Path
) -> None:
    row = [*CSV_ROW[:9], "wire\x00902", "", ""]
    (tmp_path / "nul.csv").write_bytes(_csv([CSV_ROW, row]))
    _refused_cleanly(fundledger, fuzzed, "import", "contributions", "nul.csv",
                     says="line 3: reference 'wire\\x00902' contains a NUL character")  # fmt: skip


def test_an_export_into_a_missing_folder_is_refused(
    fundledger: InProcessCli, fuzzed: Database
) -> None:
    _refused_cleanly(fundledger, fuzzed, "export", "hledger", "--out",
                     "missing-folder/fund.journal", says="No such file or directory")  # fmt: skip


@pytest.mark.parametrize("out", ["missing/x.pdf", "x" * 300 + ".pdf"])
def test_a_statement_whose_copy_cannot_be_written_is_not_issued(
    fundledger: InProcessCli, fuzzed: Database, out: str
) -> None:
    # Nothing written: the register, the hash chain and the archive stay as they were.
    _refused_cleanly(fundledger, fuzzed, "statement", "fund", "--year", "2025", "--out", out,
                     says="cannot write to")  # fmt: skip
    assert not Path("statements").exists()


def test_a_donor_statement_from_the_first_day_of_the_calendar_is_refused(
    fundledger: InProcessCli, fuzzed: Database
) -> None:
    _refused_cleanly(fundledger, fuzzed, "statement", "donor", "MEX", "--from", "0001-01-01",
                     "--to", "2025-12-31",
                     says="is not between 2000-01-01 and 2199-12-31")  # fmt: skip
