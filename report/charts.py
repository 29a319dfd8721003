"""The report's charts: matplotlib figures as inline SVG (text as paths: no fonts needed)."""

from __future__ import annotations

import html
import io
import re
import textwrap

import duckdb

from report.fragments import Block, empty_note, month_label, month_range, plural, short_file
from report.queries import INPUT_ROWS, SOURCE_LABELS, query_rows, query_value

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
# One shade per number of sources a person is known from: 1, 2, 3.
OVERLAP_COLOURS = {1: "#b9cfe6", 2: "#6f9fd0", 3: "#24578f"}
ACCEPTED, SKIPPED, REJECTED = "#5a9e6f", "#c3c9d1", "#d1495b"
DUE, NOT_DUE = "#e9a03b", "#3b6ea8"


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


def interactions_per_month(con: duckdb.DuckDBPyConnection) -> Block:
    title = "Interactions per month, by channel"
    rows = query_rows(
        con,
        # A meeting after the run is scheduled, not held: not yet an interaction to chart.
        """select date_trunc('month', occurred_at)::date as month, channel, count(*) as n
           from interactions where occurred_at is not null
             and not (channel = 'meeting' and occurred_at > (select max(started_at) from runs))
           group by all order by all""",
    )
    if not rows:
        return Block(title, empty_note("No interactions in this snapshot yet."), wide=True)
    import matplotlib.dates as mdates

    months = month_range(min(r[0] for r in rows), max(r[0] for r in rows))
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
        f"{n_all:,} dated exchanges with your contacts from {month_label(months[0])} to "
        f"{month_label(months[-1])}. {CHANNEL_LABELS.get(top, top)} accounts for "
        f"{by_channel[top] / n_all:.0%} of them; the busiest month was "
        f"{month_label(months[busiest])} ({total[busiest]:,})."
    )
    return Block(title, svg, caption, wide=True)


def connections_per_year(con: duckdb.DuckDBPyConnection) -> Block:
    title = "New connections per year"
    rows = query_rows(
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
        return Block(title, empty_note("No connections or dated interactions yet."))
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


def source_overlap(con: duckdb.DuckDBPyConnection) -> Block:
    title = "How the sources overlap"
    rows = query_rows(
        con,
        """select list_sort(list_distinct(sources)) as s, count(*) from contacts
           where sources is not null and len(sources) > 0 group by all""",
    )
    if not rows:
        return Block(title, empty_note("No people in this snapshot yet."))
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


def tie_strength(con: duckdb.DuckDBPyConnection) -> Block:
    title = "Tie strength"
    rows = query_rows(
        con,
        """select least(floor(tie_strength * 20), 19)::int as bin,
                  count(*) filter (where reconnect_due) as due,
                  count(*) filter (where not coalesce(reconnect_due, false)) as other
           from contacts where tie_strength is not null group by 1 order by 1""",
    )
    if not rows:
        return Block(title, empty_note("No tie strengths in this snapshot yet."), wide=True)
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


def inputs_chart(con: duckdb.DuckDBPyConnection) -> Block:
    title = "What happened to each input's items"
    rows = query_rows(
        con,
        f"""select source_file, coalesce(items_accepted, 0), coalesce(items_skipped, 0),
                   coalesce(items_rejected, 0)
            from inputs order by items_rejected desc nulls last, items_read desc nulls last,
                                 source_file
            limit {INPUT_ROWS}""",
    )
    if not rows:
        return Block(title, empty_note("No inputs recorded in this snapshot."))
    more = query_value(con, "select count(*) from inputs") - len(rows)
    labels = [short_file(r[0]) for r in rows]
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


def rejects_chart(con: duckdb.DuckDBPyConnection) -> Block:
    title = "Rejects by reason and file"
    rows = query_rows(
        con,
        """select coalesce(reason, '(no reason)'), coalesce(source_file, '(unknown)'), count(*)
           from rejects group by all""",
    )
    if not rows:
        return Block(
            title, empty_note("No rejects: every item was imported or skipped on purpose.")
        )
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
                label=short_file(label) if members == [label] else label,
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
        f"{plural(n, 'item')} refused, for {plural(len(totals), 'reason')} in "
        f"{plural(len(files), 'file')}; the most common: “{top}” "
        f"({totals[top]:,})."
    )
    if len(totals) > len(reasons):
        caption += f" The {len(totals) - len(reasons)} rarer reasons are in the table below."
    return Block(title, svg, caption)


# --- tables ----------------------------------------------------------------------------
