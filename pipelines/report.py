"""`ties report`: one self-contained HTML page with the charts and lists people look at.

Small aggregates come from DuckDB over a snapshot; matplotlib draws each chart as SVG
(text as paths, so no fonts or network are needed to view it) and the page inlines them
with its CSS. Every value taken from the warehouse is HTML-escaped.
"""

from __future__ import annotations

import html
import io
import os
import re
import tempfile
import textwrap
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import duckdb

from warehouse.read import connect, snapshot_dir

RECONNECT_ROWS = 15
OWED_TITLE = "Replies you owe"
OWED_ROWS = 15
REJECT_GROUP_ROWS = 30
INPUT_ROWS = 15

CHANNEL_LABELS = {
    "email": "E-mail",
    "linkedin_message": "LinkedIn message",
    "linkedin_connection": "LinkedIn connection",
    "linkedin_invitation": "LinkedIn invitation",
    "meeting": "Meeting",
    "in_person": "Met in person (log)",
    "call": "Call (log)",
    "message": "Message (log)",
}
CHANNEL_COLOURS = {
    "email": "#3b6ea8",
    "linkedin_message": "#2a9d8f",
    "linkedin_connection": "#e9a03b",
    "linkedin_invitation": "#9b6bc4",
    "meeting": "#d1495b",
    "in_person": "#8c2f39",
    "call": "#5a9e6f",
    "message": "#6c757d",
}
OTHER_COLOUR = "#9aa5b1"
SOURCE_LABELS = {"linkedin": "LinkedIn", "vcard": "address book", "mail": "mail"}
# One shade per number of sources a person is known from: 1, 2, 3.
OVERLAP_COLOURS = {1: "#b9cfe6", 2: "#6f9fd0", 3: "#24578f"}
ACCEPTED, SKIPPED, REJECTED = "#5a9e6f", "#c3c9d1", "#d1495b"
DUE, NOT_DUE = "#e9a03b", "#3b6ea8"


@dataclass
class Block:
    """One part of the page: a heading, a chart or table (already HTML) and a caption."""

    title: str
    body: str
    caption: str = ""
    wide: bool = False


@dataclass
class Report:
    warehouse: Path
    run_id: str
    run_started: datetime | None
    headline: list[tuple[str, str, str]] = field(default_factory=list)
    charts: list[Block] = field(default_factory=list)
    lists: list[Block] = field(default_factory=list)
    quality_charts: list[Block] = field(default_factory=list)
    quality_tables: list[Block] = field(default_factory=list)


def write_report(warehouse: Path, out: Path, as_of: str | None = None) -> Path:
    """Write the HTML report of a warehouse snapshot.

    Args:
        warehouse: the warehouse directory.
        out: the HTML file to write (replaced atomically, readable by its owner only).
        as_of: a run id to report on an older snapshot instead of the current one.

    Returns:
        The path written.

    Raises:
        warehouse.read.NoSnapshot: the warehouse has no (such) snapshot.
    """
    warehouse = Path(warehouse)
    directory = snapshot_dir(warehouse, as_of)
    con = connect(warehouse, directory.name)  # this snapshot even if a commit lands now
    try:
        con.execute("SET TimeZone = 'UTC'")
        report = build_report(con, warehouse, directory)
    finally:
        con.close()
    _write_private(Path(out), render_html(report))
    return Path(out)


def build_report(con: duckdb.DuckDBPyConnection, warehouse: Path, directory: Path) -> Report:
    """Every block of the page, computed from the snapshot ``con`` reads."""
    run_id = directory.name
    run = _rows(con, "select started_at from runs where run_id = ?", [run_id])
    report = Report(warehouse=warehouse, run_id=run_id, run_started=run[0][0] if run else None)
    report.headline = _headline(con)
    report.charts = [
        _interactions_per_month(con),
        _connections_per_year(con),
        _source_overlap(con),
        _tie_strength(con),
    ]
    report.lists = [
        _reconnect_list(con, report.run_started),
        _owed_list(con, directory),
        _met_no_follow_up_list(con),
        _changed_jobs_list(con),
    ]
    report.quality_charts = [_inputs_chart(con), _rejects_chart(con)]
    report.quality_tables = [_inputs_table(con), _rejects_table(con)]
    return report


# --- queries ---------------------------------------------------------------------------


def _rows(con: duckdb.DuckDBPyConnection, sql: str, params: Sequence[Any] = ()) -> list[tuple]:
    return con.execute(sql, list(params)).fetchall()


def _scalar(con: duckdb.DuckDBPyConnection, sql: str) -> Any:
    return con.execute(sql).fetchone()[0]


def _has_table(con: duckdb.DuckDBPyConnection, name: str) -> bool:
    sql = "select count(*) from information_schema.tables where table_name = ?"
    return con.execute(sql, [name]).fetchone()[0] > 0


def _headline(con: duckdb.DuckDBPyConnection) -> list[tuple[str, str, str]]:
    people = _scalar(con, "select count(*) from contacts")
    due = _scalar(con, "select count(*) from contacts where reconnect_due")
    n, first, last = con.execute(
        "select count(*), min(occurred_at), max(occurred_at) from interactions"
    ).fetchone()
    sources = _rows(
        con, "select distinct unnest(sources) as s from contacts where sources is not null"
    )
    files = _scalar(con, "select count(*) from inputs")
    read, rejected = con.execute(
        "select coalesce(sum(items_read), 0), coalesce(sum(items_rejected), 0) from inputs"
    ).fetchone()
    rejects = _scalar(con, "select count(*) from rejects")
    span = f"{_month(first)} – {_month(last)}" if n else "none yet"
    names = ", ".join(sorted(SOURCE_LABELS.get(s, s) for (s,) in sources)) or "none"
    return [
        ("People", f"{people:,}", f"{due:,} due a reconnect"),
        ("Interactions", f"{n:,}", span),
        ("Sources", f"{len(sources)}", f"{names}; {_plural(files, 'input file')}"),
        ("Rejects", f"{rejects:,}", f"of {read:,} items read" if read else "no items read"),
    ]


# --- charts ----------------------------------------------------------------------------


def _new_axes(width: float, height: float):
    from matplotlib.figure import Figure

    fig = Figure(figsize=(width, height), layout="constrained")
    fig.get_layout_engine().set(h_pad=0.06, w_pad=0.06)
    ax = fig.add_subplot()
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    ax.spines["left"].set_color("#8a94a0")
    ax.spines["bottom"].set_color("#8a94a0")
    ax.tick_params(colors="#3d4752", labelsize=9)
    ax.set_axisbelow(True)
    return fig, ax


def _svg(fig, key: str, label: str) -> str:
    """The figure as an inline <svg> whose ids cannot clash with the page's other charts."""
    import matplotlib

    buf = io.StringIO()
    with matplotlib.rc_context({"svg.hashsalt": key, "svg.fonttype": "path"}):
        fig.savefig(buf, format="svg", metadata={"Date": None}, facecolor="white")
    text = buf.getvalue()
    text = text[text.index("<svg") :]
    text = re.sub(r"<metadata>.*?</metadata>\s*", "", text, flags=re.S)
    text = re.sub(r'(\bid="|href="#|url\(#)', rf"\g<1>{key}-", text)
    return text.replace("<svg ", f'<svg role="img" aria-label="{html.escape(label)}" ', 1)


def _chart_rc():
    import matplotlib

    return matplotlib.rc_context(
        {
            "text.parse_math": False,  # a "$" in a file name or reason is just a dollar
            "font.family": "DejaVu Sans",
            "font.size": 10,
            "axes.titlesize": 11,
            "axes.labelsize": 10,
            "axes.labelcolor": "#3d4752",
            "legend.fontsize": 9,
            "legend.frameon": False,
        }
    )


def _empty(message: str) -> str:
    return f'<p class="empty">{html.escape(message)}</p>'


def _interactions_per_month(con: duckdb.DuckDBPyConnection) -> Block:
    title = "Interactions per month, by channel"
    rows = _rows(
        con,
        # A meeting after the run is scheduled, not held: not yet an interaction to chart.
        """select date_trunc('month', occurred_at)::date as month, channel, count(*) as n
           from interactions where occurred_at is not null
             and not (channel = 'meeting' and occurred_at > (select max(started_at) from runs))
           group by all order by all""",
    )
    if not rows:
        return Block(title, _empty("No interactions in this snapshot yet."), wide=True)
    import matplotlib.dates as mdates

    months = _month_range(min(r[0] for r in rows), max(r[0] for r in rows))
    index = {m: i for i, m in enumerate(months)}
    channels = [c for c in CHANNEL_LABELS if any(r[1] == c for r in rows)]
    channels += sorted({r[1] for r in rows} - set(channels), key=str)
    counts = {c: [0] * len(months) for c in channels}
    for month, channel, n in rows:
        counts[channel][index[month]] += n
    total = [sum(counts[c][i] for c in channels) for i in range(len(months))]
    with _chart_rc():
        fig, ax = _new_axes(10.5, 3.4)
        x = mdates.date2num(months)
        bottom = [0] * len(months)
        for c in channels:
            # Only the months with any: a long history has many empty ones per channel.
            filled = [i for i, v in enumerate(counts[c]) if v]
            ax.bar(
                [x[i] for i in filled],
                [counts[c][i] for i in filled],
                width=26,
                align="edge",
                bottom=[bottom[i] for i in filled],
                label=CHANNEL_LABELS.get(c, str(c)),
                color=CHANNEL_COLOURS.get(c, OTHER_COLOUR),
                linewidth=0,
            )
            bottom = [b + v for b, v in zip(bottom, counts[c], strict=True)]
        locator = mdates.AutoDateLocator(minticks=4, maxticks=12)
        ax.xaxis.set_major_locator(locator)
        ax.xaxis.set_major_formatter(mdates.ConciseDateFormatter(locator))
        ax.set_xlim(x[0] - 15, x[-1] + 45)
        ax.yaxis.get_major_locator().set_params(integer=True)
        ax.grid(axis="y", color="#e3e7eb")
        ax.set_ylabel("interactions")
        ax.set_xlabel("month (UTC)")
        fig.legend(loc="outside upper left", ncols=len(channels))
        svg = _svg(fig, "monthly", title)
    n_all = sum(total)
    busiest = max(range(len(months)), key=lambda i: (total[i], i))
    by_channel = {c: sum(counts[c]) for c in channels}
    top = max(by_channel, key=by_channel.get)
    caption = (
        f"{n_all:,} dated exchanges with your contacts from {_month(months[0])} to "
        f"{_month(months[-1])}. {CHANNEL_LABELS.get(top, top)} accounts for "
        f"{by_channel[top] / n_all:.0%} of them; the busiest month was "
        f"{_month(months[busiest])} ({total[busiest]:,})."
    )
    return Block(title, svg, caption, wide=True)


def _connections_per_year(con: duckdb.DuckDBPyConnection) -> Block:
    title = "New connections per year"
    rows = _rows(
        con,
        """select year, sum(connections)::bigint, sum(first_met)::bigint from (
               select year(occurred_at) as year, count(*) as connections, 0 as first_met
               from interactions where channel = 'linkedin_connection'
                   and occurred_at is not null group by 1
               union all
               select year(first_contact_at), 0, count(*) from contacts
               where first_contact_at is not null group by 1)
           group by year order by year""",
    )
    if not rows:
        return Block(title, _empty("No connections or dated interactions yet."))
    years = list(range(rows[0][0], rows[-1][0] + 1))
    linked = dict.fromkeys(years, 0)
    first = dict.fromkeys(years, 0)
    for year, c, f in rows:
        linked[year], first[year] = c, f
    with _chart_rc():
        fig, ax = _new_axes(5.6, 3.4)
        ax.bar(
            [y - 0.2 for y in years],
            [linked[y] for y in years],
            width=0.4,
            color=CHANNEL_COLOURS["linkedin_connection"],
            label="LinkedIn connections made",
        )
        ax.bar(
            [y + 0.2 for y in years],
            [first[y] for y in years],
            width=0.4,
            color=CHANNEL_COLOURS["email"],
            label="people first in touch (any channel)",
        )
        ax.xaxis.get_major_locator().set_params(integer=True)
        ax.yaxis.get_major_locator().set_params(integer=True)
        ax.grid(axis="y", color="#e3e7eb")
        ax.set_xlabel("year")
        ax.set_ylabel("people")
        fig.legend(loc="outside upper left", ncols=2)
        svg = _svg(fig, "yearly", title)
    n_linked = sum(linked.values())
    best = max(years, key=lambda y: (first[y], y))
    caption = (
        f"{n_linked:,} LinkedIn connections from {years[0]} to {years[-1]}; "
        f"the most people first in touch in one year: {first[best]:,} in {best}."
    )
    return Block(title, svg, caption)


def _source_overlap(con: duckdb.DuckDBPyConnection) -> Block:
    title = "How the sources overlap"
    rows = _rows(
        con,
        """select list_sort(list_distinct(sources)) as s, count(*) from contacts
           where sources is not null and len(sources) > 0 group by all""",
    )
    if not rows:
        return Block(title, _empty("No people in this snapshot yet."))
    known = list(SOURCE_LABELS)
    extra = sorted({s for combo, _ in rows for s in combo} - set(known))
    sources = known + extra
    combos = [()]
    for s in sources:
        combos += [c + (s,) for c in combos]
    combos = sorted((c for c in combos if c), key=lambda c: (len(c), [sources.index(s) for s in c]))
    count = {tuple(sorted(combo, key=sources.index)): n for combo, n in rows}
    labels = [_combo_label(c) for c in combos]
    values = [count.get(c, 0) for c in combos]
    by_size = {
        k: sum(v for c, v in zip(combos, values, strict=True) if len(c) == k) for k in (1, 2)
    }
    n_all = sum(values)
    everywhere = sum(v for c, v in zip(combos, values, strict=True) if len(c) >= 3)
    with _chart_rc():
        fig, ax = _new_axes(5.6, 3.4)
        ypos = list(range(len(combos)))[::-1]
        colours = [OVERLAP_COLOURS.get(min(len(c), 3)) for c in combos]
        bars = ax.barh(ypos, values, color=colours, height=0.7)
        ax.bar_label(bars, padding=3, fontsize=9, color="#3d4752")
        ax.set_yticks(ypos, labels)
        ax.tick_params(axis="y", length=0)
        ax.xaxis.get_major_locator().set_params(integer=True)
        ax.grid(axis="x", color="#e3e7eb")
        ax.set_xlabel("people")
        ax.margins(x=0.12)
        svg = _svg(fig, "overlap", title)
    caption = (
        f"Of {n_all:,} people, {by_size[1]:,} are known from one source only, "
        f"{by_size[2]:,} from two and {everywhere:,} from all three "
        "(darker bars: more sources agree)."
    )
    return Block(title, svg, caption)


def _combo_label(combo: tuple[str, ...]) -> str:
    names = [SOURCE_LABELS.get(s, s) for s in combo]
    if len(names) == 1:
        return f"{names[0]} only"
    if len(names) == len(SOURCE_LABELS) and set(combo) == set(SOURCE_LABELS):
        return "all three"
    return " + ".join(names)


def _tie_strength(con: duckdb.DuckDBPyConnection) -> Block:
    title = "Tie strength"
    rows = _rows(
        con,
        """select least(floor(tie_strength * 20), 19)::int as bin,
                  count(*) filter (where reconnect_due) as due,
                  count(*) filter (where not coalesce(reconnect_due, false)) as other
           from contacts where tie_strength is not null group by 1 order by 1""",
    )
    if not rows:
        return Block(title, _empty("No tie strengths in this snapshot yet."), wide=True)
    from matplotlib.ticker import MultipleLocator

    due = [0] * 20
    other = [0] * 20
    for b, d, o in rows:
        due[b], other[b] = d, o
    median, zero, strong = con.execute(
        """select median(tie_strength), count(*) filter (where tie_strength = 0),
                  count(*) filter (where tie_strength >= 0.5)
           from contacts where tie_strength is not null"""
    ).fetchone()
    with _chart_rc():
        fig, ax = _new_axes(10.5, 3.0)
        lefts = [i / 20 for i in range(20)]
        ax.bar(lefts, other, width=0.05, align="edge", color=NOT_DUE, label="others", ec="white")
        ax.bar(
            lefts,
            due,
            width=0.05,
            align="edge",
            bottom=other,
            color=DUE,
            label="due a reconnect",
            ec="white",
        )
        ax.set_xlim(0, 1)
        ax.yaxis.get_major_locator().set_params(integer=True)
        ax.grid(axis="y", color="#e3e7eb")
        ax.set_xlabel("tie strength (0 = no contact, 1 = strongest)")
        ax.set_ylabel("people")
        fig.legend(loc="outside upper left", ncols=2)
        ax.xaxis.set_major_locator(MultipleLocator(0.1))
        svg = _svg(fig, "strength", title)
    n_due = sum(due)
    caption = (
        f"Median {median:.2f}; {strong:,} people at 0.5 or more, {zero:,} with no "
        f"direct interaction yet (0), and {n_due:,} due a reconnect (two-way ties gone quiet; "
        "see the list below)."
    )
    return Block(title, svg, caption, wide=True)


def _inputs_chart(con: duckdb.DuckDBPyConnection) -> Block:
    title = "What happened to each input's items"
    rows = _rows(
        con,
        f"""select source_file, coalesce(items_accepted, 0), coalesce(items_skipped, 0),
                   coalesce(items_rejected, 0)
            from inputs order by items_rejected desc nulls last, items_read desc nulls last,
                                 source_file
            limit {INPUT_ROWS}""",
    )
    if not rows:
        return Block(title, _empty("No inputs recorded in this snapshot."))
    more = _scalar(con, "select count(*) from inputs") - len(rows)
    labels = [_short_file(r[0]) for r in rows]
    with _chart_rc():
        fig, ax = _new_axes(5.6, max(2.4, 1.0 + 0.42 * len(rows)))
        slots = max(len(rows), 4)
        ypos = [slots - 1 - i for i in range(len(rows))]
        ax.set_ylim(-0.6, slots - 0.4)
        acc = [r[1] for r in rows]
        skip = [r[2] for r in rows]
        rej = [r[3] for r in rows]
        ax.barh(ypos, acc, color=ACCEPTED, label="accepted", height=0.65)
        ax.barh(ypos, skip, left=acc, color=SKIPPED, label="skipped", height=0.65)
        lefts = [a + s for a, s in zip(acc, skip, strict=True)]
        ax.barh(ypos, rej, left=lefts, color=REJECTED, label="rejected", height=0.65)
        for y, left, a, s, r in zip(ypos, lefts, acc, skip, rej, strict=True):
            text = f"{a:,} / {s:,} / {r:,}"
            ax.annotate(
                text,
                (left + r, y),
                xytext=(4, 0),
                textcoords="offset points",
                va="center",
                fontsize=8,
                color="#d1495b" if r else "#3d4752",
            )
        ax.set_yticks(ypos, labels)
        ax.tick_params(axis="y", length=0)
        ax.xaxis.get_major_locator().set_params(integer=True)
        ax.grid(axis="x", color="#e3e7eb")
        ax.set_xlabel("items read (accepted / skipped / rejected)")
        ax.margins(x=0.3)
        fig.legend(loc="outside upper left", ncols=3)
        svg = _svg(fig, "inputs", title)
    read, acc_n, skip_n, rej_n = con.execute(
        """select coalesce(sum(items_read), 0), coalesce(sum(items_accepted), 0),
                  coalesce(sum(items_skipped), 0), coalesce(sum(items_rejected), 0)
           from inputs"""
    ).fetchone()
    caption = (
        f"{read:,} items read = {acc_n:,} accepted + {skip_n:,} skipped on purpose + "
        f"{rej_n:,} rejected."
    )
    if more > 0:
        caption += f" The {more:,} other input files are not shown."
    return Block(title, svg, caption)


def _rejects_chart(con: duckdb.DuckDBPyConnection) -> Block:
    title = "Rejects by reason and file"
    rows = _rows(
        con,
        """select coalesce(reason, '(no reason)'), coalesce(source_file, '(unknown)'), count(*)
           from rejects group by all""",
    )
    if not rows:
        return Block(title, _empty("No rejects: every item was imported or skipped on purpose."))
    totals: dict[str, int] = {}
    per_file: dict[str, int] = {}
    for reason, file, n in rows:
        totals[reason] = totals.get(reason, 0) + n
        per_file[file] = per_file.get(file, 0) + n
    reasons = sorted(totals, key=lambda r: (-totals[r], r))[:10]
    files = sorted(per_file, key=lambda f: (-per_file[f], f))
    shown_files = files[:5]
    palette = ["#d1495b", "#edae49", "#00798c", "#66a182", "#8d6a9f", OTHER_COLOUR]
    with _chart_rc():
        fig, ax = _new_axes(5.6, max(2.4, 1.2 + 0.45 * len(reasons)))
        slots = max(len(reasons), 4)
        ypos = [slots - 1 - i for i in range(len(reasons))]
        ax.set_ylim(-0.6, slots - 0.4)
        left = [0] * len(reasons)
        groups = [(f, [f]) for f in shown_files]
        if len(files) > len(shown_files):
            groups.append((f"{len(files) - len(shown_files)} other files", files[5:]))
        for i, (label, members) in enumerate(groups):
            values = [
                sum(n for r, f, n in rows if r == reason and f in members) for reason in reasons
            ]
            ax.barh(
                ypos,
                values,
                left=left,
                height=0.65,
                color=palette[min(i, len(palette) - 1)],
                label=_short_file(label) if members == [label] else label,
            )
            left = [a + b for a, b in zip(left, values, strict=True)]
        for y, total in zip(ypos, left, strict=True):
            ax.annotate(
                f"{total:,}",
                (total, y),
                xytext=(4, 0),
                textcoords="offset points",
                va="center",
                fontsize=9,
                color="#3d4752",
            )
        ax.set_yticks(ypos, [textwrap.fill(r, 34) for r in reasons])
        ax.tick_params(axis="y", length=0)
        ax.xaxis.get_major_locator().set_params(integer=True)
        ax.grid(axis="x", color="#e3e7eb")
        ax.set_xlabel("rejected items")
        ax.margins(x=0.15)
        fig.legend(loc="outside upper left", ncols=min(3, len(groups)))
        svg = _svg(fig, "rejects", title)
    n = sum(totals.values())
    top = reasons[0]
    caption = (
        f"{_plural(n, 'item')} refused, for {_plural(len(totals), 'reason')} in "
        f"{_plural(len(files), 'file')}; the most common: “{top}” "
        f"({totals[top]:,})."
    )
    if len(totals) > len(reasons):
        caption += f" The {len(totals) - len(reasons)} rarer reasons are in the table below."
    return Block(title, svg, caption)


# --- tables ----------------------------------------------------------------------------


def _table(
    headers: Sequence[str], rows: Sequence[Sequence[str]], numeric: Sequence[int] = ()
) -> str:
    """An HTML table of already-escaped cells (numeric columns right-aligned)."""
    head = "".join(
        f"<th{' class=num' if i in numeric else ''}>{html.escape(h)}</th>"
        for i, h in enumerate(headers)
    )
    body = "".join(
        "<tr>"
        + "".join(
            f"<td{' class=num' if i in numeric else ''}>{cell}</td>" for i, cell in enumerate(row)
        )
        + "</tr>"
        for row in rows
    )
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _columns(con: duckdb.DuckDBPyConnection, table: str) -> set[str]:
    return {r[0] for r in _rows(con, f"select column_name from (describe {table})")}


def _optional(columns: set[str], name: str, cast: str = "", alias: str = "") -> str:
    """Column ``name`` when the snapshot has it (newer ties), else a typed null."""
    return f"{alias}{name}" if name in columns else f"null{cast} as {name}"


def _reconnect_list(con: duckdb.DuckDBPyConnection, now: datetime | None) -> Block:
    title = "Due a reconnect"
    total = _scalar(con, "select count(*) from contacts where reconnect_due")
    if not total:
        return Block(title, _empty("Nobody is due a reconnect."), wide=True)
    cols = _columns(con, "contacts")
    # reconnect_rank (1 = most at stake) when the warehouse has it, else plain tie strength
    order = "reconnect_rank nulls last, " if "reconnect_rank" in cols else ""
    rows = _rows(
        con,
        f"""select display_name, company, title, last_contact_at, last_contact_channel,
                   n_inbound, n_outbound, tie_strength, emails[1],
                   {_optional(cols, "days_since_last_contact", "::double")},
                   {_optional(cols, "usual_gap_days", "::double")},
                   {_optional(cols, "tie_strength_at_last_contact", "::double")}
            from contacts where reconnect_due
            order by {order}tie_strength desc nulls last, last_contact_at, display_name
            limit {RECONNECT_ROWS}""",
    )
    cells = []
    for i, row in enumerate(rows):
        name, company, job, last, channel, n_in, n_out, strength, email = row[:9]
        quiet_days, usual_gap, strength_then = row[9:]
        if quiet_days is None and now and last:
            quiet_days = (now - last).total_seconds() / 86400
        quiet = f"{quiet_days:,.0f} days ago" if quiet_days is not None else ""
        usual = f"usually every {usual_gap:,.0f} days" if usual_gap else ""
        where = " · ".join(_esc(v) for v in (job, company) if v)
        cells.append(
            [
                str(i + 1),
                f"<strong>{_esc(name or email or '(no name)')}</strong>"
                + (f'<br><span class="sub">{where}</span>' if where else ""),
                f"<span class=nowrap>{_esc(_day(last))}</span>"
                f"<br><span class=sub>{_esc(quiet)}</span>",
                _esc(usual),
                _esc(CHANNEL_LABELS.get(channel, channel or "")),
                f"{n_in or 0:,} in / {n_out or 0:,} out",
                _strength_cell(strength)
                + (
                    f'<br><span class="sub">{strength_then:.2f} at last contact</span>'
                    if strength_then is not None
                    else ""
                ),
            ]
        )
    headers = ["#", "person", "last contact", "rhythm", "channel", "interactions", "tie strength"]
    rule = (
        "quiet for longer than their usual rhythm allows"
        if "usual_gap_days" in cols
        else "quiet for more than 180 days"
    )
    first = "most at stake first" if order else "strongest first"
    shown = f"The top {len(rows)} of {total:,}" if total > len(rows) else f"All {total:,}"
    caption = f"{shown} two-way ties (3 or more messages, both ways) {rule}, {first}."
    return Block(title, _table(headers, cells, numeric=(0, 5)), caption, wide=True)


def _met_no_follow_up_list(con: duckdb.DuckDBPyConnection) -> Block:
    """People met (calendar, `ties log`) and not written to since: write within a day."""
    title = "Met recently, no follow-up yet"
    if "subject" not in _columns(con, "follow_ups"):
        return Block(title, _empty("This snapshot predates meetings; import again."), wide=True)
    rows = _rows(
        con,
        f"""select c.display_name, c.company, c.emails[1], f.since, f.days_since, f.channel,
                   f.subject
            from follow_ups f join contacts c using (contact_id)
            where f.reason = 'met_no_follow_up'
            order by f.since desc, c.display_name limit {OWED_ROWS}""",
    )
    if not rows:
        return Block(title, _empty("Everyone you met has heard from you since."), wide=True)
    cells = [
        [
            f"<strong>{_esc(name or email or '(no name)')}</strong>"
            + (f'<br><span class="sub">{_esc(company)}</span>' if company else ""),
            f"<span class=nowrap>{_esc(_day(since))}</span>",
            _esc(CHANNEL_LABELS.get(channel, channel or "")),
            _esc(subject or ""),
            f"{days:,.1f}" if days is not None else "",
            _esc(email or ""),
        ]
        for name, company, email, since, days, channel, subject in rows
    ]
    headers = ["person", "met", "how", "what and where", "days since", "write to"]
    caption = (
        "People you met (a calendar meeting or an in-person log entry) a day or more ago, "
        "within 30 days, with no message from you since. Recurring meetings are left out."
    )
    return Block(title, _table(headers, cells, numeric=(4,)), caption, wide=True)


def _changed_jobs_list(con: duckdb.DuckDBPyConnection) -> Block:
    """Job changes, strongest ties first: the natural reason to write."""
    title = "Changed jobs"
    if not _has_table(con, "job_changes"):
        return Block(title, _empty("This snapshot predates job changes; import again."), wide=True)
    total = _scalar(con, "select count(*) from job_changes")
    if not total:
        return Block(
            title,
            _empty("No job changes seen: import a newer LinkedIn export next to an older one."),
            wide=True,
        )
    rows = _rows(
        con,
        f"""select c.display_name, j.old_company, j.new_company, j.old_title, j.new_title,
                   j.seen_before_at, j.seen_after_at, j.kind, c.tie_strength
            from job_changes j join contacts c using (contact_id)
            order by c.tie_strength desc nulls last, j.seen_after_at desc, c.display_name
            limit {RECONNECT_ROWS}""",
    )
    cells = []
    for name, old_co, new_co, old_title, new_title, before, after, kind, strength in rows:
        was = " · ".join(_esc(v) for v in (old_title, old_co) if v)
        now = " · ".join(_esc(v) for v in (new_title, new_co) if v)
        cells.append(
            [
                f"<strong>{_esc(name or '(no name)')}</strong>",
                was,
                now,
                f"<span class=nowrap>{_esc(_day(before))} – {_esc(_day(after))}</span>",
                _esc({"company": "new company", "title": "new title"}.get(kind, "work mail")),
                _strength_cell(strength),
            ]
        )
    headers = ["person", "was", "now", "between", "seen as", "tie strength"]
    shown = f"The top {len(rows)} of {total:,}" if total > len(rows) else f"All {total:,}"
    caption = (
        f"{shown} changes of company or title between two dated pictures (LinkedIn "
        "exports, vCards, work mail domains), strongest ties first."
    )
    return Block(title, _table(headers, cells), caption, wide=True)


def _owed_list(con: duckdb.DuckDBPyConnection, directory: Path) -> Block:
    title = OWED_TITLE
    if not _has_table(con, "owed_replies"):
        path = directory / "owed_replies.parquet"
        if not path.exists():
            note = (
                "This warehouse has no owed_replies table yet; import again with a ties "
                "version that computes it to see who is waiting for an answer."
            )
            return Block(title, _empty(note), wide=True)
        escaped = str(path).replace("'", "''")
        con.execute(f"CREATE VIEW owed_replies AS SELECT * FROM read_parquet('{escaped}')")
    total = _scalar(con, "select count(*) from owed_replies")
    if not total:
        return Block(title, _empty("No replies owed: nobody is waiting for an answer."), wide=True)
    cols = _columns(con, "owed_replies")
    if {"contact_id", "occurred_at", "days_waiting"} <= cols:
        return _owed_table(con, cols, total)
    return _owed_generic(con, cols, total)


def _owed_table(con: duckdb.DuckDBPyConnection, cols: set[str], total: int) -> Block:
    """The owed replies as transforms.relationship writes them."""
    rows = _rows(
        con,
        f"""select c.display_name, c.company, c.emails[1], o.occurred_at, o.days_waiting,
                   {_optional(cols, "channel", "", "o.")},
                   {_optional(cols, "n_waiting", "::bigint", "o.")},
                   {_optional(cols, "last_inbound_at", "::timestamptz", "o.")},
                   {_optional(cols, "started_by", "", "o.")}
            from owed_replies o left join contacts c using (contact_id)
            order by o.days_waiting desc nulls last, c.display_name
            limit {OWED_ROWS}""",
    )
    cells = []
    for i, (name, company, email, since, days, channel, n, last_in, started_by) in enumerate(rows):
        who = f"<strong>{_esc(name or email or '(unknown)')}</strong>"
        if company:
            who += f'<br><span class="sub">{_esc(company)}</span>'
        latest = f"latest {_day(last_in)}" if last_in and n and n > 1 else ""
        cells.append(
            [
                str(i + 1),
                who,
                f"<span class=nowrap>{_esc(_day(since))}</span>",
                f"{days:,.0f}" if days is not None else "",
                f"{n:,}" + (f'<br><span class="sub">{_esc(latest)}</span>' if latest else "")
                if n is not None
                else "",
                _esc(CHANNEL_LABELS.get(channel, channel or "")),
                _esc({"them": "them", "you": "you"}.get(started_by, started_by or "")),
            ]
        )
    headers = ["#", "person", "waiting since", "days", "unanswered", "channel", "started by"]
    shown = f"The {len(rows)} longest-waiting of {total:,}" if total > len(rows) else "All"
    caption = f"{shown} conversations where their message has had no answer from you yet."
    return Block(OWED_TITLE, _table(headers, cells, numeric=(0, 3, 4)), caption, wide=True)


def _owed_generic(con: duckdb.DuckDBPyConnection, cols: set[str], total: int) -> Block:
    """Any other shape of owed_replies: its first few readable columns."""
    select, joins = ["o.*"], ""
    if "contact_id" in cols and "display_name" not in cols:
        select = ["c.display_name", "c.company", "o.*"]
        joins = "left join contacts c using (contact_id)"
    order = _owed_order(sorted(cols))
    rel = con.execute(
        f"select {', '.join(select)} from owed_replies o {joins} "
        f"{'order by ' + order if order else ''} limit {OWED_ROWS}"
    )
    names = [d[0] for d in rel.description]
    data = rel.fetchall()
    keep = [
        i
        for i, n in enumerate(names)
        if not (n.endswith("_id") or n in ("thread_key", "emails", "provenance"))
        and names.index(n) == i
    ][:7]
    headers = [names[i].replace("_", " ") for i in keep]
    cells = [[_esc(_fmt(row[i])) for i in keep] for row in data]
    caption = f"{min(total, OWED_ROWS)} of {total:,} conversations where the last word was theirs."
    return Block(OWED_TITLE, _table(headers, cells), caption, wide=True)


def _owed_order(columns: list[str]) -> str:
    for name in ("days_waiting", "waiting_days", "days_owed", "days_since_inbound"):
        if name in columns:
            return f'o."{name}" desc nulls last'
    for name in ("owed_since", "last_inbound_at", "received_at", "since", "occurred_at"):
        if name in columns:
            return f'o."{name}" nulls last'
    return 'o."tie_strength" desc nulls last' if "tie_strength" in columns else ""


def _inputs_table(con: duckdb.DuckDBPyConnection) -> Block:
    title = "Inputs"
    rows = _rows(
        con,
        f"""select i.source_file, i.connector, i.items_read, i.items_accepted, i.items_skipped,
                   i.items_rejected, i.from_cache, i.error,
                   (select string_agg(e.key || ' ' || e.value, ', ' order by e.value desc, e.key)
                    from (select unnest(map_entries(i.skip_reasons)) as e)) as skipped_for
            from inputs i
            order by i.items_rejected desc nulls last, i.items_read desc nulls last, i.source_file
            limit {INPUT_ROWS}""",
    )
    if not rows:
        return Block(title, _empty("No inputs recorded in this snapshot."))
    total = _scalar(con, "select count(*) from inputs")
    cells = []
    for file, kind, read, acc, skip, rej, cached, error, skipped_for in rows:
        note = error or (f"skipped: {skipped_for}" if skipped_for else "")
        if cached:
            note = "unchanged since an earlier run" + (f"; {note}" if note else "")
        cells.append(
            [
                f'<span title="{_esc(file)}">{_esc(_short_file(file))}</span>',
                _esc(kind or ""),
                *(f"{v or 0:,}" for v in (read, acc, skip, rej)),
                _esc(note),
            ]
        )
    headers = ["file", "kind", "read", "accepted", "skipped", "rejected", "notes"]
    caption = "Per input file: read = accepted + skipped + rejected."
    if total > len(rows):
        caption += f' The {total - len(rows):,} other files: `ties query "select * from inputs"`.'
    return Block(title, _table(headers, cells, numeric=(2, 3, 4, 5)), caption, wide=True)


def _rejects_table(con: duckdb.DuckDBPyConnection) -> Block:
    title = "Rejects"
    rows = _rows(
        con,
        f"""select coalesce(reason, '(no reason)'), source_file, count(*) as n,
                   arg_min(locator, locator), arg_min(excerpt, locator)
            from rejects group by 1, 2 order by n desc, 1, 2 limit {REJECT_GROUP_ROWS}""",
    )
    if not rows:
        return Block(title, _empty("No rejects."), wide=True)
    groups = _scalar(con, "select count(*) from (select distinct reason, source_file from rejects)")
    cells = [
        [
            _esc(reason),
            f'<span title="{_esc(file)}">{_esc(_short_file(file))}</span>',
            f"{n:,}",
            _esc(locator or "")
            + (f'<br><code class="sub">{_esc(_clip(excerpt, 80))}</code>' if excerpt else ""),
        ]
        for reason, file, n, locator, excerpt in rows
    ]
    caption = "Items refused, grouped by reason and file, with the first example of each."
    if groups > len(rows):
        more = groups - len(rows)
        caption += f' {more:,} smaller groups: `ties query "select * from rejects"`.'
    headers = ["reason", "file", "items", "first example"]
    return Block(title, _table(headers, cells, numeric=(2,)), caption, wide=True)


# --- formatting ------------------------------------------------------------------------


def _esc(value: Any) -> str:
    return html.escape("" if value is None else str(value), quote=True)


def _fmt(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.astimezone(UTC).strftime("%Y-%m-%d")
    if isinstance(value, float):
        return f"{value:.2f}"
    if isinstance(value, list | tuple):
        return ", ".join(_fmt(v) for v in value)
    return str(value)


def _strength_cell(value: float | None) -> str:
    if value is None:
        return ""
    pct = max(0.0, min(1.0, float(value))) * 100
    return (
        f'<span class="meter"><span style="width:{pct:.0f}%"></span></span> '
        f'<span class="num">{float(value):.2f}</span>'
    )


def _short_file(path: str | None) -> str:
    if not path:
        return "(unknown)"
    name = Path(path).name or path
    return _clip(name, 40)


def _plural(n: int, word: str) -> str:
    return f"{n:,} {word}{'s' * (n != 1)}"


def _clip(text: str | None, width: int) -> str:
    text = " ".join(str(text or "").split())
    return text if len(text) <= width else text[: width - 1] + "…"


def _month(value: date | datetime | None) -> str:
    return value.strftime("%b %Y") if value else ""


def _day(value: datetime | None) -> str:
    return value.astimezone(UTC).strftime("%Y-%m-%d") if value else ""


def _month_range(first: date, last: date) -> list[date]:
    months, y, m = [], first.year, first.month
    while (y, m) <= (last.year, last.month):
        months.append(date(y, m, 1))
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return months


# --- the page --------------------------------------------------------------------------

CSS = """
:root { --ink:#1f2933; --muted:#5f6b7a; --line:#e3e7eb; --bg:#f5f7f9; --accent:#3b6ea8; }
* { box-sizing: border-box; }
body { margin:0; background:var(--bg); color:var(--ink);
  font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "DejaVu Sans", sans-serif; }
main { max-width: 1200px; margin: 0 auto; padding: 28px 24px 40px; }
header h1 { margin: 0 0 4px; font-size: 26px; }
header p { margin: 0; color: var(--muted); font-size: 13px; }
code { font: 12px/1.3 ui-monospace, "DejaVu Sans Mono", monospace; }
h2 { font-size: 19px; margin: 32px 0 12px; padding-bottom: 4px;
  border-bottom: 2px solid var(--line); }
.cards { display: grid; grid-template-columns: repeat(4, 1fr); gap: 14px; margin-top: 20px; }
.card { background: #fff; border: 1px solid var(--line); border-radius: 10px; padding: 14px 16px; }
.card .label { color: var(--muted); font-size: 13px; text-transform: uppercase;
  letter-spacing: .04em; }
.card .value { font-size: 32px; font-weight: 700; line-height: 1.2; }
.card .note { color: var(--muted); font-size: 13px; }
.grid { display: grid; grid-template-columns: 1fr 1fr; gap: 16px; }
.block { background: #fff; border: 1px solid var(--line); border-radius: 10px; padding: 14px 16px;
  margin: 0; min-width: 0; }
.block.wide { grid-column: 1 / -1; }
.block h3 { margin: 0 0 8px; font-size: 16px; }
.block svg { display: block; width: 100%; height: auto; }
.block figcaption, .block .caption { color: var(--muted); font-size: 13.5px; margin-top: 8px; }
.empty { color: var(--muted); font-style: italic; margin: 18px 0; }
table { width: 100%; border-collapse: collapse; font-size: 14px; }
th { text-align: left; font-size: 12px; color: var(--muted); text-transform: uppercase;
  letter-spacing: .03em; border-bottom: 1px solid var(--line); padding: 6px 8px; }
td.nowrap, .nowrap { white-space: nowrap; }
td { border-bottom: 1px solid var(--line); padding: 6px 8px; vertical-align: top; }
tr:last-child td.nowrap, .nowrap { white-space: nowrap; }
td { border-bottom: 0; }
.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
.sub { color: var(--muted); font-size: 12.5px; }
.meter { display: inline-block; width: 70px; height: 8px; background: var(--line);
  border-radius: 4px; vertical-align: middle; overflow: hidden; }
.meter span { display: block; height: 100%; background: var(--accent); }
.gap { height: 16px; }
footer { color: var(--muted); font-size: 12.5px; margin-top: 28px; }
@media (max-width: 800px) { .grid, .cards { grid-template-columns: 1fr; } }
@media print { body { background: #fff; } .block, .card { break-inside: avoid; } }
"""


def _block_html(block: Block, figure: bool) -> str:
    tag = "figure" if figure else "section"
    caption_tag = "figcaption" if figure else "p"
    caption = (
        f'<{caption_tag} class="caption">{_esc(block.caption)}</{caption_tag}>'
        if block.caption
        else ""
    )
    cls = "block wide" if block.wide else "block"
    return f'<{tag} class="{cls}"><h3>{_esc(block.title)}</h3>{block.body}{caption}</{tag}>'


def _grid(blocks: list[Block], figure: bool) -> str:
    return '<div class="grid">' + "".join(_block_html(b, figure) for b in blocks) + "</div>"


def render_html(report: Report) -> str:
    """The whole page: inline CSS and SVG, no scripts, no external references."""
    started = (
        report.run_started.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")
        if report.run_started
        else "unknown time"
    )
    written = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    cards = "".join(
        f'<div class="card"><div class="label">{_esc(label)}</div>'
        f'<div class="value">{_esc(value)}</div><div class="note">{_esc(note)}</div></div>'
        for label, value, note in report.headline
    )
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>ties report — {_esc(report.warehouse.name or report.warehouse)}</title>",
        f"<style>{CSS}</style></head><body><main>",
        "<header><h1>Your network at a glance</h1>",
        f"<p>Warehouse <code>{_esc(report.warehouse.resolve())}</code> · run "
        f"<code>{_esc(report.run_id)}</code> (started {_esc(started)}) · report written "
        f"{_esc(written)}</p></header>",
        f'<section class="cards" aria-label="headline numbers">{cards}</section>',
        "<h2>Keeping in touch</h2>",
        _grid(report.charts, figure=True),
        "<h2>Who to get back to</h2>",
        _grid(report.lists, figure=False),
        "<h2>Data quality</h2>",
        _grid(report.quality_charts, figure=True),
        '<div class="gap"></div>',
        _grid(report.quality_tables, figure=False),
        "<footer>Made by <code>ties report</code> from the warehouse snapshot above. This page "
        "contains personal data: it is readable by you only; share it with care.</footer>",
        "</main></body></html>",
    ]
    return "\n".join(parts) + "\n"


def _write_private(out: Path, text: str) -> None:
    """Write ``text`` to ``out`` readable by its owner only, replacing it atomically."""
    out.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{out.name}.", suffix=".tmp", dir=out.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(text)
        os.chmod(tmp, 0o600)
        os.replace(tmp, out)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
