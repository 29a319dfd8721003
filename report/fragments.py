"""HTML fragments of the report: blocks, tables and formatted values.

Table cells are data (``Cell``: a text, an optional second line, a hover title, a
tie-strength meter), not HTML: templates/table.html.j2 turns them into markup with
autoescape, so no warehouse value is ever spliced into HTML in Python. Fragments are
``Markup`` so that the page template (templates/report.html.j2) inserts them as they are.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from functools import cache
from pathlib import Path
from typing import Any

from jinja2 import Environment, PackageLoader, select_autoescape
from markupsafe import Markup


def _escaped(value: Any) -> Any:
    """Every value the templates print, escaped unless it is Markup already.

    Autoescape would do the same through markupsafe; escaping here first keeps the
    entities of the standard library (``&#x27;``), as the report always wrote them.
    """
    return value if isinstance(value, Markup) else esc(value)


@cache
def templates() -> Environment:
    """The report's templates, HTML-escaping every value not marked as Markup."""
    return Environment(
        loader=PackageLoader("report", "templates"),
        autoescape=select_autoescape(default=True, default_for_string=True),
        finalize=_escaped,
        keep_trailing_newline=True,
    )


@dataclass
class Block:
    """One part of the page: a heading, a chart or table (already HTML) and a caption."""

    title: str
    body: str
    caption: str = ""
    wide: bool = False


@dataclass(frozen=True)
class Cell:
    """One table cell as data; the table template renders and escapes it.

    ``text`` is the main line (bold when ``strong``, unbroken when ``nowrap``), ``sub``
    a smaller second line (monospace when ``code``), ``title`` the text shown on hover,
    and ``meter`` a 0..1 value drawn as a bar before the text (tie strength).
    """

    text: str = ""
    sub: str = ""
    strong: bool = False
    nowrap: bool = False
    title: str = ""
    code: bool = False
    meter: float | None = None


def html_table(
    headers: Sequence[str], rows: Sequence[Sequence[Cell | str]], numeric: Sequence[int] = ()
) -> Markup:
    """An HTML table of cells (plain strings are text cells; numeric columns right-aligned)."""
    cells = [[c if isinstance(c, Cell) else Cell(str(c)) for c in row] for row in rows]
    return Markup(
        templates()
        .get_template("table.html.j2")
        .render(headers=headers, rows=cells, numeric=numeric)
        .strip()
    )


def empty_note(message: str) -> Markup:
    return Markup('<p class="empty">') + esc(message) + Markup("</p>")


def esc(value: Any) -> Markup:
    """The value as HTML text: <, >, &, " and ' escaped."""
    return Markup(html.escape("" if value is None else str(value), quote=True))


def fmt_value(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.astimezone(UTC).strftime("%Y-%m-%d")
    if isinstance(value, float):
        return f"{value:.2f}"
    if isinstance(value, list | tuple):
        return ", ".join(fmt_value(v) for v in value)
    return str(value)


def strength_cell(value: float | None, sub: str = "") -> Cell:
    """A tie strength as a bar and its value (empty when unknown)."""
    if value is None:
        return Cell(sub=sub)
    return Cell(f"{float(value):.2f}", sub=sub, meter=max(0.0, min(1.0, float(value))))


def joined(*values: str | None) -> str:
    """The values that are set, joined with a middle dot ("title · company")."""
    return " · ".join(str(v) for v in values if v)


def short_file(path: str | None) -> str:
    if not path:
        return "(unknown)"
    name = Path(path).name or path
    return clip(name, 40)


def plural(n: int, word: str) -> str:
    return f"{n:,} {word}{'s' * (n != 1)}"


def clip(text: str | None, width: int) -> str:
    text = " ".join(str(text or "").split())
    return text if len(text) <= width else text[: width - 1] + "…"


def month_label(value: date | datetime | None) -> str:
    return value.strftime("%b %Y") if value else ""


def day_label(value: datetime | None) -> str:
    return value.astimezone(UTC).strftime("%Y-%m-%d") if value else ""


def month_range(first: date, last: date) -> list[date]:
    months, y, m = [], first.year, first.month
    while (y, m) <= (last.year, last.month):
        months.append(date(y, m, 1))
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return months
