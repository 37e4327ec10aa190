"""A list page's query string read for its view: the filters, the order and the page.

What cannot be read is a 400 naming the argument and the problem; nothing is guessed.
The list mechanism itself is :mod:`fundledger.listing` (no Flask there).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, TypeVar

from flask import abort, g, request
from wtforms import Form, SelectChoice, SelectField

from fundledger.listing import PER_PAGE, BadListArgument, ListArgs, Sorts, list_args
from fundledger.web.pages import reason

F = TypeVar("F", bound=Form)


def checked(form: F) -> F:
    """A filter form built from ``request.args``, if it is valid; else a 400 naming the
    first field at fault and why."""
    if not form.validate():
        name, errors = next(iter(form.errors.items()))
        abort(400, description=f"{form[name].label.text}: {_first(errors)}")
    return form


def offer(field: SelectField, choices: Iterable[SelectChoice | str]) -> None:
    """Give a filter's select its choices from the database, after its "any" choice."""
    field.choices = [
        field.choices[0],
        *(
            choice if isinstance(choice, SelectChoice) else SelectChoice(choice)
            for choice in choices
        ),
    ]


def order(sorts: Sorts[Any], *, per_page: int = PER_PAGE, endpoint: str | None = None) -> ListArgs:
    """The sort, direction, page and page size asked for, or a 400 with the reason.

    The list's links (``templates/_listing.html``) lead to ``endpoint``: give it when the
    list is also drawn in answer to a POST elsewhere (a refused form on the same page)."""
    g.list_endpoint = endpoint or request.endpoint
    try:
        return list_args(request.args, sorts, per_page=per_page)
    except BadListArgument as bad:
        abort(400, description=reason(bad))


def _first(errors: Any) -> str:
    """The first message of a field's errors (a field list nests them per entry)."""
    while isinstance(errors, list | tuple | dict):
        errors = next(iter(errors.values() if isinstance(errors, dict) else errors), "")
    return str(errors)
