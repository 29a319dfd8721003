"""HTML fragments of the report: blocks, tables and formatted values.

Every value from the warehouse goes through ``esc`` (markupsafe, as the template's
autoescape) before it is put into a fragment; fragments are ``Markup`` so that the
page template (templates/report.html.j2, autoescaped) inserts them as they are.
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


def html_table(
    headers: Sequence[str], rows: Sequence[Sequence[str]], numeric: Sequence[int] = ()
) -> Markup:
    """An HTML table of already-escaped cells (numeric columns right-aligned)."""
    return Markup(
        templates()
        .get_template("table.html.j2")
        .render(headers=headers, rows=[[Markup(c) for c in row] for row in rows], numeric=numeric)
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


def strength_cell(value: float | None) -> str:
    if value is None:
        return ""
    pct = max(0.0, min(1.0, float(value))) * 100
    return (
        f'<span class="meter"><span style="width:{pct:.0f}%"></span></span> '
        f'<span class="num">{float(value):.2f}</span>'
    )


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
