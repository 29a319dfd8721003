"""How every `ties` command prints rows: a table that fits the terminal, CSV or JSON.

One place decides the conventions, so the commands agree: timestamps are UTC, as
``2026-11-01T06:00:00Z`` in CSV and JSON and ``2026-11-01 06:00`` in tables; lists are
``a; b`` in a CSV cell or a table (never JSON inside a cell); JSON is UTF-8 with ``/``
left alone. Rows are plain Python values (DuckDB's ``fetchall``), so printing needs
neither pandas nor pyarrow.
"""

from __future__ import annotations

import csv
import json
import os
import shutil
import sys
from collections.abc import Sequence
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from typing import TextIO

# Cells of a table are cut here even when the terminal is wide: a subject line or a
# list of ten addresses should not push every other column off the screen.
MAX_CELL = 48
# Narrowest a column is squeezed to before the last columns are left out: a name cut
# to six letters helps nobody.
MIN_CELL = 16
TABLE_ROWS = 1000
ELLIPSIS = "…"
# Without a terminal (a pipe, a file) tables are laid out for this width.
DEFAULT_WIDTH = 120


def timestamp(value: datetime, for_table: bool = False) -> str:
    """The one timestamp format: UTC, ISO 8601 with Z; minutes only in tables."""
    if value.tzinfo is not None:
        value = value.astimezone(UTC)
    if for_table:
        return value.strftime("%Y-%m-%d %H:%M")
    return value.replace(tzinfo=None).isoformat(timespec="seconds") + "Z"


def _missing(value) -> bool:
    """None, NaN, pandas' NaT and NA (frames of warehouse.explain carry them)."""
    if value is None:
        return True
    try:
        return bool(value != value)
    except (TypeError, ValueError):  # pandas.NA refuses bool(); arrays are not missing
        return type(value).__name__ == "NAType"


def plain(value, for_table: bool = False):
    """A value as JSON would carry it: timestamps as text, NaN as null, tuples as lists."""
    if isinstance(value, list | tuple | set | dict) or hasattr(value, "tolist"):
        if hasattr(value, "tolist"):  # numpy arrays and scalars
            value = value.tolist()
            if not isinstance(value, list | tuple):
                return plain(value, for_table)
    elif _missing(value):
        return None
    if isinstance(value, datetime):
        return timestamp(value, for_table)
    if isinstance(value, date | time):
        return value.isoformat()
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, timedelta):
        return value.total_seconds()
    if isinstance(value, dict):
        return {str(k): plain(v, for_table) for k, v in value.items()}
    if isinstance(value, list | tuple | set):
        return [plain(v, for_table) for v in value]
    if isinstance(value, bytes):
        return value.hex()
    return value


def cell(value, for_table: bool = False) -> str:
    """A value as one CSV or table cell: lists joined with ``; ``, maps as ``k=v``."""
    value = plain(value, for_table)
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return f"{value:.2f}" if for_table else repr(value)
    if isinstance(value, list):
        return "; ".join(cell(v, for_table) for v in value)
    if isinstance(value, dict):
        return "; ".join(f"{k}={cell(v, for_table)}" for k, v in value.items())
    return str(value)


def to_json(data) -> str:
    """JSON for people and programs: indented, UTF-8 as is, ``/`` not escaped."""
    return json.dumps(plain(data), indent=2, ensure_ascii=False)


def records(columns: Sequence[str], rows: Sequence[Sequence]) -> list[dict]:
    return [dict(zip(columns, row, strict=True)) for row in rows]


def colour_enabled(stream: TextIO | None = None, environ=None) -> bool:
    """Colour only on a terminal, and never with NO_COLOR set (https://no-color.org)."""
    env = os.environ if environ is None else environ
    if env.get("NO_COLOR", "") != "" or env.get("TERM") == "dumb":
        return False
    if env.get("FORCE_COLOR", "") != "":
        return True
    stream = sys.stdout if stream is None else stream
    return bool(getattr(stream, "isatty", lambda: False)())


def style(text: str, code: str, enabled: bool) -> str:
    """``text`` in an ANSI style (``1`` bold, ``2`` dim, ``33`` yellow) when enabled."""
    return f"\033[{code}m{text}\033[0m" if enabled and text else text


def terminal_width() -> int:
    return shutil.get_terminal_size(fallback=(DEFAULT_WIDTH, 24)).columns


def _cut(text: str, width: int) -> str:
    text = text.replace("\n", " ")
    return text if len(text) <= width else text[: max(width - 1, 0)] + ELLIPSIS


def table_lines(
    columns: Sequence[str], rows: Sequence[Sequence], width: int, colour: bool = False
) -> tuple[list[str], list[str]]:
    """Rows laid out in columns within ``width`` characters, and the columns left out.

    Long cells are cut (ending in "…"); when even squeezed columns do not fit, the last
    columns are left out (CSV or JSON show everything).
    """
    cells = [[cell(v, for_table=True) for v in row] for row in rows]
    natural = [
        min(max([len(c)] + [len(r[i].replace("\n", " ")) for r in cells]), MAX_CELL)
        for i, c in enumerate(columns)
    ]
    widths = list(natural)
    gap = 2

    def total(ws):
        return sum(ws) + gap * (len(ws) - 1)

    floor = [min(n, MIN_CELL) for n in natural]
    while total(widths) > width:
        widest = max(range(len(widths)), key=lambda i: widths[i] - floor[i])
        if widths[widest] <= floor[widest]:
            break
        widths[widest] -= 1
    shown = len(widths)
    while shown > 1 and total(widths[:shown]) > width:
        shown -= 1
    head = "  ".join(_cut(c, w).ljust(w) for c, w in zip(columns[:shown], widths, strict=False))
    lines = [style(head.rstrip(), "1", colour)]
    for row in cells:
        line = "  ".join(_cut(v, w).ljust(w) for v, w in zip(row[:shown], widths, strict=False))
        lines.append(line.rstrip())
    return lines, list(columns[shown:])


def emit(
    columns: Sequence[str],
    rows: Sequence[Sequence],
    fmt: str,
    title: str | None = None,
    out: TextIO | None = None,
) -> None:
    """Print rows as a terminal table, CSV or JSON records."""
    out = sys.stdout if out is None else out
    if fmt == "csv":
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(columns)
        writer.writerows([cell(v) for v in row] for row in rows)
        return
    if fmt == "json":
        print(to_json(records(columns, rows)), file=out)
        return
    colour = colour_enabled(out)
    if title:
        print(style(title, "1", colour), file=out)
    if not rows:
        print("  (none)", file=out)
        return
    shown = rows[:TABLE_ROWS]
    lines, hidden = table_lines(columns, shown, terminal_width(), colour)
    print("\n".join(lines), file=out)
    # Notes go to stderr, so the table on stdout stays one header and one line per row.
    if hidden:
        print(
            f"({len(hidden)} more column(s) not shown for the terminal's width: "
            f"{', '.join(hidden)}; --format csv or json shows them)",
            file=sys.stderr,
        )
    if len(rows) > len(shown):
        print(
            f"({len(rows)} rows, first {len(shown)} shown; --format csv for all)", file=sys.stderr
        )
