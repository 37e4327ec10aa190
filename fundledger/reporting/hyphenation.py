"""Column headers broken into lines the way a typesetter would: at spaces, and inside a
word only at a syllable boundary of the statement's language, with a hyphen.

A header such as Spanish "Desembolsado" in a narrow figure column reads
"Desembol-/sado", never "Desembols/ado". The patterns are pyphen's (the LibreOffice
hyphenation dictionaries) for en, es, fr and pt.
"""

from __future__ import annotations

from functools import lru_cache

import pyphen
from reportlab.pdfbase.pdfmetrics import stringWidth


@lru_cache(maxsize=8)
def _dictionary(code: str) -> pyphen.Pyphen:
    return pyphen.Pyphen(lang=code)


@lru_cache(maxsize=4096)
def header_lines(text: str, width: float, font: str, size: float, code: str) -> tuple[str, ...]:
    """``text`` in lines no wider than ``width``: filled word by word, a word wider than
    the column hyphenated at the last syllable that fits; cut without a hyphen only
    when not even its first syllable fits (a column narrower than any syllable). A
    no-break space joins, as in a date ("31 dic 2025" never ends a line at "dic")."""
    lines: list[str] = []
    line = ""
    for word in text.split(" "):
        if not word:
            continue
        joined = f"{line} {word}" if line else word
        if stringWidth(joined, font, size) <= width:
            line = joined
            continue
        if line:
            lines.append(line)
        line = word
        while stringWidth(line, font, size) > width:
            head, tail = _hyphenate(line, width, font, size, code)
            lines.append(head)
            line = tail
    lines.append(line)
    return tuple(lines)


def _hyphenate(word: str, width: float, font: str, size: float, code: str) -> tuple[str, str]:
    for left, right in _dictionary(code).iterate(word):  # longest first part first
        if stringWidth(f"{left}-", font, size) <= width:
            return f"{left}-", right
    cut = len(word) - 1
    while cut > 1 and stringWidth(word[:cut], font, size) > width:
        cut -= 1
    return word[:cut], word[cut:]
