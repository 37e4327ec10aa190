"""The web forms as a browser sees them: read from the rendered page, so that a field
added to a form class or a template is fuzzed without anyone listing it.

Each ``<form>`` gives its action, its method and its fields with the values the page
filled in (hidden tokens, selected options, checked boxes, prefilled dates); a field's
kind for the fuzz comes from how it is rendered: ``type="date"``, ``inputmode="decimal"``
(amounts), ``inputmode="numeric"`` (years, orders), a ``<select>`` or radio buttons
(choices, often ids), a ``<textarea>``, a file input.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import urlsplit

#: Kinds whose value is a choice among the page's options.
CHOICES = frozenset({"select", "radio", "checkbox", "multiselect"})


@dataclass
class PageField:
    """One field name of a form (radio buttons and checkboxes sharing it are one field)."""

    name: str
    kind: str
    #: What the page sends when nothing is touched: none, one or (checkboxes) several.
    values: list[str] = field(default_factory=list)
    options: list[str] = field(default_factory=list)

    @property
    def fuzz_kind(self) -> str:
        """Which hostile values suit it: number, integer, date, email, file or text."""
        if self.kind in ("number", "integer", "date", "email", "file"):
            return self.kind
        if self.kind in CHOICES or self.kind == "hidden":
            # Choices and hidden fields carry ids and codes: ids get the integer edges.
            chosen = [option for option in self.options if option]  # "" is "any" or "none"
            if chosen and all(option.lstrip("-").isdigit() for option in chosen):
                return "integer"
            if self.values and all(value.isdigit() for value in self.values):
                return "integer"
        return "text"

    @property
    def boolean(self) -> bool:
        """A lone checkbox: any value at all means "yes", so nothing typed is stored."""
        return self.kind == "checkbox" and len(self.options) <= 1


@dataclass
class PageForm:
    action: str
    method: str
    fields: dict[str, PageField] = field(default_factory=dict)
    #: The multipart encoding: a form with a file input.
    multipart: bool = False

    @property
    def path(self) -> str:
        return urlsplit(self.action).path

    def defaults(self) -> dict[str, list[str]]:
        """What submitting the form untouched sends, by field (submit buttons excepted:
        a browser sends only the one clicked)."""
        return {
            name: list(page_field.values)
            for name, page_field in self.fields.items()
            if page_field.kind != "submit" and page_field.values
        }


class _FormParser(HTMLParser):
    def __init__(self, page_path: str) -> None:
        super().__init__(convert_charrefs=True)
        self.page_path = page_path
        self.forms: list[PageForm] = []
        self.form: PageForm | None = None
        self.select: PageField | None = None
        self.option: dict[str, str | None] | None = None
        self.option_text = ""
        self.textarea: PageField | None = None
        self.textarea_text = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attr = dict(attrs)
        if tag == "form":
            method = (attr.get("method") or "get").upper()
            self.form = PageForm(attr.get("action") or self.page_path, method)
            self.form.multipart = attr.get("enctype") == "multipart/form-data"
            self.forms.append(self.form)
            return
        if self.form is None:
            return
        name = attr.get("name")
        if tag == "input" and name:
            self._input(name, attr)
        elif tag == "button" and name:
            self._add(name, "submit")
        elif tag == "select" and name:
            kind = "multiselect" if "multiple" in attr else "select"
            self.select = self._add(name, kind)
        elif tag == "option" and self.select is not None:
            self.option = attr
            self.option_text = ""
        elif tag == "textarea" and name:
            self.textarea = self._add(name, "textarea")
            self.textarea_text = ""

    def handle_data(self, data: str) -> None:
        if self.option is not None:
            self.option_text += data
        if self.textarea is not None:
            self.textarea_text += data

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self.form = None
        elif tag == "option" and self.select is not None and self.option is not None:
            value = self.option.get("value")
            value = self.option_text.strip() if value is None else value
            self.select.options.append(value)
            if "selected" in self.option:
                self.select.values.append(value)
            self.option = None
        elif tag == "select" and self.select is not None:
            if not self.select.values and self.select.options and self.select.kind == "select":
                self.select.values.append(self.select.options[0])  # what a browser sends
            self.select = None
        elif tag == "textarea" and self.textarea is not None:
            text = self.textarea_text.removeprefix("\n")
            if text:
                self.textarea.values.append(text)
            self.textarea = None

    def _add(self, name: str, kind: str) -> PageField:
        assert self.form is not None
        return self.form.fields.setdefault(name, PageField(name, kind))

    def _input(self, name: str, attr: dict[str, str | None]) -> None:
        assert self.form is not None
        kind = (attr.get("type") or "text").lower()
        value = attr.get("value")
        if kind in ("radio", "checkbox"):
            page_field = self._add(name, kind)
            option = "y" if value is None else value  # WTForms' BooleanField checks "y"
            page_field.options.append(option)
            if "checked" in attr:
                page_field.values.append(option)
            return
        if kind == "text" and attr.get("inputmode") == "decimal":
            kind = "number"
        elif kind in ("text", "number") and attr.get("inputmode") == "numeric":
            kind = "integer"
        elif kind in ("submit", "image", "reset"):
            kind = "submit"
        page_field = self._add(name, kind)
        if value is not None and kind != "password":
            page_field.values = [value]


def page_forms(html: str, page_path: str) -> list[PageForm]:
    """Every form on a page, in the order they appear."""
    parser = _FormParser(page_path)
    parser.feed(html)
    parser.close()
    return parser.forms
