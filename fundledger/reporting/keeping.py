"""What stays together on a page: a heading with what it introduces, a table whole when
it fits on a page, a footnote with (the end of) its table.

:func:`keep` rewrites a story before it is laid out. Each heading (or subheading), the
short paragraphs and spaces after it and the first table or chart they introduce
become one :class:`Kept`; so does each table with the footnotes that follow it. A Kept
is laid out here when it fits. If it does not, it starts the next page when its table
is short (half a page at most), else it is split: the heading and at least some rows
here, and the footnotes always with the table's last rows, never alone on a page.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from reportlab.platypus import Flowable, Paragraph, Spacer
from reportlab.platypus.doctemplate import FrameBreak

#: Paragraph styles that introduce what follows (kept with it), and footnotes (kept
#: with the table before them).
LEADS = frozenset({"heading", "subheading"})
NOTES = frozenset({"note"})
#: A table at most this part of a page is short: never split (a balance sheet, a
#: roll-forward); a longer list is split across pages like running text.
SHORT = 0.5
#: Room, below a heading, a long table needs for its first rows, else it starts the
#: next page.
START = 90


def _style(flowable: Flowable) -> str | None:
    return flowable.style.name if isinstance(flowable, Paragraph) else None


def _height(flowables: Sequence[Flowable], canvas: Any, width: float, room: float) -> float:
    total = 0.0
    for index, flowable in enumerate(flowables):
        _w, high = flowable.wrapOn(canvas, width, room)
        total += high + (flowable.getSpaceBefore() if index else 0) + flowable.getSpaceAfter()
    return total


class Kept(Flowable):  # type: ignore[misc]  # ReportLab is untyped
    """Leads (headings, short paragraphs), a body (a table or chart), and its notes."""

    def __init__(
        self, leads: Sequence[Flowable], body: Flowable, notes: Sequence[Flowable], page: float
    ) -> None:
        super().__init__()
        self._leads, self._body, self._notes = list(leads), body, list(notes)
        self._page = page

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        return available_width, 0xFFFFFF  # always asked to split, like KeepTogether

    def getSpaceBefore(self) -> float:  # ReportLab's name
        first = self._leads[0] if self._leads else self._body
        return float(first.getSpaceBefore())

    def _parts(self) -> list[Flowable]:
        return [*self._leads, self._body, *self._notes]

    def split(self, available_width: float, available_height: float) -> list[Flowable]:
        width, canvas = available_width, self.canv
        leads = _height(self._leads, canvas, width, available_height)
        notes = _height(self._notes, canvas, width, available_height)
        body = _height([self._body], canvas, width, available_height)
        frame = getattr(self, "_frame", None)
        at_top = frame is None or getattr(frame, "_atTop", False)
        if leads + body + notes <= available_height:
            return self._parts()
        if not at_top and leads + body + notes <= self._page and body <= self._page * SHORT:
            return [FrameBreak(), *self._parts()]  # whole, on the next page
        room = available_height - leads
        if body > room:  # the body goes on: its notes go with its last part
            pieces = self._body.splitOn(canvas, width, room) if room >= min(START, body) else []
            if len(pieces) >= 2:
                rest = Kept([], pieces[-1], self._notes, self._page)
                return [*self._leads, *pieces[:-1], rest]
        elif notes:  # the body fits but not its notes: take its last rows along
            pieces = self._body.splitOn(canvas, width, room - notes)
            if len(pieces) >= 2:
                rest = Kept([], pieces[-1], self._notes, self._page)
                return [*self._leads, *pieces[:-1], FrameBreak(), rest]
        if at_top:  # nothing better: let ReportLab lay it out as it comes
            return self._parts()
        return [FrameBreak(), Kept(self._leads, self._body, self._notes, self._page)]


def _is_lead_in(flowable: Flowable) -> bool:
    """What may sit between a heading and what it introduces: paragraphs and spaces."""
    return isinstance(flowable, Paragraph | Spacer) and _style(flowable) not in NOTES


def keep(story: Sequence[Flowable], page: float) -> list[Flowable]:
    """``story`` with each heading tied to what it introduces and each table to its
    footnotes; ``page`` is the height of a page's frame."""
    result: list[Flowable] = []
    index = 0
    while index < len(story):
        flowable = story[index]
        leads: list[Flowable] = []
        if _style(flowable) in LEADS:
            end = index
            while end < len(story) and _is_lead_in(story[end]):
                end += 1
            if end == len(story):  # nothing to introduce: the story's last words
                result += story[index:]
                break
            leads, index = list(story[index:end]), end
        body: Any = story[index]
        end = index + 1
        while end < len(story) and _style(story[end]) in NOTES:
            end += 1
        notes = list(story[index + 1 : end])
        if leads or notes or not _is_lead_in(body):  # a table: whole where it fits
            result.append(Kept(leads, body, notes, page))
        else:
            result.append(body)
        index = end
    return result
