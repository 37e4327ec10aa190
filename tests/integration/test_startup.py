"""The ``fundledger`` command starts quickly: a command imports what it runs and no more
(not Flask, not the web pages, not ReportLab, not Alembic), yet still lists, checks and
refuses as before."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import click
import pytest
from alembic.script import ScriptDirectory
from click.testing import CliRunner

from fundledger import config
from fundledger.cli.main import LAZY_COMMANDS, cli
from fundledger.db import Database
from fundledger.setup import migrate

#: Runs the command in a fresh interpreter, then prints what it imported that is heavy.
PROBE = """
import json, sys
from fundledger.cli.main import main
try:
    main()
except SystemExit as exit:
    code = exit.code
heavy = sorted(
    name for name in sys.modules
    if name.split(".")[0] in {"reportlab", "alembic", "wtforms", "flask_wtf", "flask_babel",
                              "flask", "werkzeug"}
    or name.endswith((".views", ".commands"))
)
print(json.dumps({"code": code, "heavy": heavy, "orm": "sqlalchemy.orm" in sys.modules}))
"""


def probe(url: str, *args: str) -> tuple[str, dict[str, object]]:
    """The command's output, and its exit status, heavy imports and whether it imported
    SQLAlchemy's ORM (``--help`` needs no database)."""
    env = {**os.environ, "FUNDLEDGER_DATABASE_URL": url}
    done = subprocess.run(
        [sys.executable, "-c", PROBE, *args], env=env, capture_output=True, text=True, check=True
    )
    *output, last = done.stdout.splitlines()
    return "\n".join(output), json.loads(last)


def test_trial_balance_imports_neither_flask_nor_pages_nor_reportlab_nor_alembic(
    database: Database,
) -> None:
    output, outcome = probe(database.url, "trial-balance")
    assert "Total" in output
    assert outcome == {"code": 0, "heavy": [], "orm": True}


def test_help_lists_every_command_without_importing_any_area_or_the_orm(database: Database) -> None:
    output, outcome = probe(database.url, "--help")
    assert outcome == {"code": 0, "heavy": [], "orm": False}
    listed = {line.split()[0] for line in output.split("Commands:")[1].splitlines() if line}
    assert listed == {*LAZY_COMMANDS, *cli.commands}
    assert len(listed) == 38
    assert "Record a signed pledge; prints the pledge id." in output


@pytest.mark.parametrize("name", sorted(LAZY_COMMANDS))
def test_the_listed_help_is_the_commands_own(name: str) -> None:
    lazy = LAZY_COMMANDS[name]
    assert lazy.help == lazy.load().get_short_help_str(limit=1000)


def walk(group: click.Group) -> list[click.Command]:
    context = click.Context(group)
    commands = [group.get_command(context, name) for name in group.list_commands(context)]
    found: list[click.Command] = []
    for command in commands:
        assert command is not None
        found.append(command)
        if isinstance(command, click.Group):
            found += walk(command)
    return found


def test_every_loaded_command_refuses_control_characters_in_text() -> None:
    params = [param for command in walk(cli) for param in command.params]
    assert [p.name for p in params if p.type is click.STRING] == []
    result = CliRunner().invoke(
        cli, ["donor", "add", "--code", "X\x00", "--name", "N", "--type", "member_state"]
    )
    assert result.exit_code == 2
    assert "control character" in result.output or "NUL" in result.output


#: The areas' command modules a read or a write runs through; ``user`` alone links to pages.
FLASK_FREE_COMMANDS = sorted({lazy.target.split(":")[0] for lazy in LAZY_COMMANDS.values()}
                             - {"fundledger.auth.commands"})  # fmt: skip


@pytest.mark.parametrize("module", FLASK_FREE_COMMANDS)
def test_a_command_module_imports_no_flask(module: str) -> None:
    code = (
        f"import sys, {module}\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in {'flask', 'werkzeug'}))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"


def test_the_command_line_and_the_web_app_share_one_instance_folder() -> None:
    """The default SQLite file lives there: found without Flask, it must be where Flask
    would look."""
    from flask import Flask

    assert config.instance_path() == Flask("fundledger").instance_path


def test_the_recorded_head_is_alembics(sqlite_database: Database) -> None:
    config = migrate.alembic_config(sqlite_database.engine)
    assert ScriptDirectory.from_config(config).get_current_head() == migrate.HEAD


def test_a_command_refuses_a_database_not_at_the_current_schema(
    empty_database: Database,
) -> None:
    def trial_balance() -> tuple[int, str]:
        result = CliRunner().invoke(
            cli, ["trial-balance"], env={"FUNDLEDGER_DATABASE_URL": empty_database.url}
        )
        return result.exit_code, result.stderr

    assert trial_balance() == (
        1,
        "fundledger: the database is empty; run `fundledger init` first\n",
    )
    migrate.upgrade(empty_database.engine, "0004")
    assert trial_balance() == (
        1,
        f"fundledger: the database is at revision 0004, not {migrate.HEAD}; "
        "run `fundledger init` first\n",
    )
    migrate.upgrade(empty_database.engine)
    assert trial_balance()[0] == 0
