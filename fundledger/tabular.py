"""Plain tables for the terminal and CSV for spreadsheets, shared by every CLI report."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence


def to_csv(header: Sequence[str], rows: Sequence[Sequence[object]]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue()


def to_table(
    header: Sequence[str], rows: Sequence[Sequence[object]], *, numeric: Sequence[int] = ()
) -> str:
    """Columns padded to their widest cell; the ``numeric`` columns right-aligned."""
    cells = [[str(cell) for cell in row] for row in [header, *rows]]
    widths = [max(len(row[column]) for row in cells) for column in range(len(header))]

    def line(row: list[str]) -> str:
        return "  ".join(
            cell.rjust(width) if column in numeric else cell.ljust(width)
            for column, (cell, width) in enumerate(zip(row, widths, strict=True))
        ).rstrip()

    rule = "  ".join("-" * width for width in widths)
    return "\n".join([line(cells[0]), rule, *(line(row) for row in cells[1:])]) + "\n"
