"""The report's lists: who is due a reconnect, the replies you owe, people met and not
written to, who changed jobs, inputs and rejects."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import duckdb

from report.charts import CHANNEL_LABELS
from report.fragments import (
    Block,
    Cell,
    clip,
    day_label,
    empty_note,
    fmt_value,
    html_table,
    joined,
    short_file,
    strength_cell,
)
from report.queries import (
    INPUT_ROWS,
    OWED_ROWS,
    OWED_TITLE,
    RECONNECT_ROWS,
    REJECT_GROUP_ROWS,
    has_table,
    optional_column,
    query_rows,
    query_value,
    table_columns,
)
from warehouse.layout import table_file


def reconnect_list(con: duckdb.DuckDBPyConnection, now: datetime | None) -> Block:
    title = "Due a reconnect"
    total = query_value(con, "select count(*) from contacts where reconnect_due")
    if not total:
        return Block(title, empty_note("Nobody is due a reconnect."), wide=True)
    cols = table_columns(con, "contacts")
    # reconnect_rank (1 = most at stake) when the warehouse has it, else plain tie strength
    order = "reconnect_rank nulls last, " if "reconnect_rank" in cols else ""
    rows = query_rows(
        con,
        f"""select display_name, company, title, last_contact_at, last_contact_channel,
                   n_inbound, n_outbound, tie_strength, emails[1],
                   {optional_column(cols, "days_since_last_contact", "::double")},
                   {optional_column(cols, "usual_gap_days", "::double")},
                   {optional_column(cols, "tie_strength_at_last_contact", "::double")}
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
        cells.append(
            [
                str(i + 1),
                Cell(name or email or "(no name)", sub=joined(job, company), strong=True),
                Cell(day_label(last), sub=quiet, nowrap=True),
                usual,
                CHANNEL_LABELS.get(channel, channel or ""),
                f"{n_in or 0:,} in / {n_out or 0:,} out",
                strength_cell(
                    strength,
                    sub=f"{strength_then:.2f} at last contact" if strength_then is not None else "",
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
    return Block(title, html_table(headers, cells, numeric=(0, 5)), caption, wide=True)


def met_no_follow_up_list(con: duckdb.DuckDBPyConnection) -> Block:
    """People met (calendar, `ties log`) and not written to since: write within a day."""
    title = "Met recently, no follow-up yet"
    if "subject" not in table_columns(con, "follow_ups"):
        return Block(title, empty_note("This snapshot predates meetings; import again."), wide=True)
    rows = query_rows(
        con,
        f"""select c.display_name, c.company, c.emails[1], f.since, f.days_since, f.channel,
                   f.subject
            from follow_ups f join contacts c using (contact_id)
            where f.reason = 'met_no_follow_up'
            order by f.since desc, c.display_name limit {OWED_ROWS}""",
    )
    if not rows:
        return Block(title, empty_note("Everyone you met has heard from you since."), wide=True)
    cells = [
        [
            Cell(name or email or "(no name)", sub=company or "", strong=True),
            Cell(day_label(since), nowrap=True),
            CHANNEL_LABELS.get(channel, channel or ""),
            subject or "",
            f"{days:,.1f}" if days is not None else "",
            email or "",
        ]
        for name, company, email, since, days, channel, subject in rows
    ]
    headers = ["person", "met", "how", "what and where", "days since", "write to"]
    caption = (
        "People you met (a calendar meeting or an in-person log entry) a day or more ago, "
        "within 30 days, with no message from you since. Recurring meetings are left out."
    )
    return Block(title, html_table(headers, cells, numeric=(4,)), caption, wide=True)


def changed_jobs_list(con: duckdb.DuckDBPyConnection) -> Block:
    """Job changes, strongest ties first: the natural reason to write."""
    title = "Changed jobs"
    if not has_table(con, "job_changes"):
        return Block(
            title, empty_note("This snapshot predates job changes; import again."), wide=True
        )
    total = query_value(con, "select count(*) from job_changes")
    if not total:
        return Block(
            title,
            empty_note("No job changes seen: import a newer LinkedIn export next to an older one."),
            wide=True,
        )
    rows = query_rows(
        con,
        f"""select c.display_name, j.old_company, j.new_company, j.old_title, j.new_title,
                   j.seen_before_at, j.seen_after_at, j.kind, c.tie_strength
            from job_changes j join contacts c using (contact_id)
            order by c.tie_strength desc nulls last, j.seen_after_at desc, c.display_name
            limit {RECONNECT_ROWS}""",
    )
    cells = []
    for name, old_co, new_co, old_title, new_title, before, after, kind, strength in rows:
        cells.append(
            [
                Cell(name or "(no name)", strong=True),
                joined(old_title, old_co),
                joined(new_title, new_co),
                Cell(f"{day_label(before)} – {day_label(after)}", nowrap=True),
                {"company": "new company", "title": "new title"}.get(kind, "work mail"),
                strength_cell(strength),
            ]
        )
    headers = ["person", "was", "now", "between", "seen as", "tie strength"]
    shown = f"The top {len(rows)} of {total:,}" if total > len(rows) else f"All {total:,}"
    caption = (
        f"{shown} changes of company or title between two dated pictures (LinkedIn "
        "exports, vCards, work mail domains), strongest ties first."
    )
    return Block(title, html_table(headers, cells), caption, wide=True)


def owed_list(con: duckdb.DuckDBPyConnection, directory: Path) -> Block:
    title = OWED_TITLE
    if not has_table(con, "owed_replies"):
        path = table_file(directory, "owed_replies")
        if not path.exists():
            note = (
                "This warehouse has no owed_replies table yet; import again with a ties "
                "version that computes it to see who is waiting for an answer."
            )
            return Block(title, empty_note(note), wide=True)
        escaped = str(path).replace("'", "''")
        con.execute(f"CREATE VIEW owed_replies AS SELECT * FROM read_parquet('{escaped}')")
    total = query_value(con, "select count(*) from owed_replies")
    if not total:
        return Block(
            title, empty_note("No replies owed: nobody is waiting for an answer."), wide=True
        )
    cols = table_columns(con, "owed_replies")
    if {"contact_id", "occurred_at", "days_waiting"} <= cols:
        return _owed_table(con, cols, total)
    return _owed_generic(con, cols, total)


def _owed_table(con: duckdb.DuckDBPyConnection, cols: set[str], total: int) -> Block:
    """The owed replies as transforms.relationship writes them."""
    rows = query_rows(
        con,
        f"""select c.display_name, c.company, c.emails[1], o.occurred_at, o.days_waiting,
                   {optional_column(cols, "channel", "", "o.")},
                   {optional_column(cols, "n_waiting", "::bigint", "o.")},
                   {optional_column(cols, "last_inbound_at", "::timestamptz", "o.")},
                   {optional_column(cols, "started_by", "", "o.")}
            from owed_replies o left join contacts c using (contact_id)
            order by o.days_waiting desc nulls last, c.display_name
            limit {OWED_ROWS}""",
    )
    cells = []
    for i, (name, company, email, since, days, channel, n, last_in, started_by) in enumerate(rows):
        latest = f"latest {day_label(last_in)}" if last_in and n and n > 1 else ""
        cells.append(
            [
                str(i + 1),
                Cell(name or email or "(unknown)", sub=company or "", strong=True),
                Cell(day_label(since), nowrap=True),
                f"{days:,.0f}" if days is not None else "",
                Cell(f"{n:,}", sub=latest) if n is not None else "",
                CHANNEL_LABELS.get(channel, channel or ""),
                {"them": "them", "you": "you"}.get(started_by, started_by or ""),
            ]
        )
    headers = ["#", "person", "waiting since", "days", "unanswered", "channel", "started by"]
    shown = f"The {len(rows)} longest-waiting of {total:,}" if total > len(rows) else "All"
    caption = f"{shown} conversations where their message has had no answer from you yet."
    return Block(OWED_TITLE, html_table(headers, cells, numeric=(0, 3, 4)), caption, wide=True)


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
    cells = [[fmt_value(row[i]) for i in keep] for row in data]
    caption = f"{min(total, OWED_ROWS)} of {total:,} conversations where the last word was theirs."
    return Block(OWED_TITLE, html_table(headers, cells), caption, wide=True)


def _owed_order(columns: list[str]) -> str:
    for name in ("days_waiting", "waiting_days", "days_owed", "days_since_inbound"):
        if name in columns:
            return f'o."{name}" desc nulls last'
    for name in ("owed_since", "last_inbound_at", "received_at", "since", "occurred_at"):
        if name in columns:
            return f'o."{name}" nulls last'
    return 'o."tie_strength" desc nulls last' if "tie_strength" in columns else ""


def inputs_table(con: duckdb.DuckDBPyConnection) -> Block:
    title = "Inputs"
    rows = query_rows(
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
        return Block(title, empty_note("No inputs recorded in this snapshot."))
    total = query_value(con, "select count(*) from inputs")
    cells = []
    for file, kind, read, acc, skip, rej, cached, error, skipped_for in rows:
        note = error or (f"skipped: {skipped_for}" if skipped_for else "")
        if cached:
            note = "unchanged since an earlier run" + (f"; {note}" if note else "")
        cells.append(
            [
                Cell(short_file(file), title=file or ""),
                kind or "",
                *(f"{v or 0:,}" for v in (read, acc, skip, rej)),
                note,
            ]
        )
    headers = ["file", "kind", "read", "accepted", "skipped", "rejected", "notes"]
    caption = "Per input file: read = accepted + skipped + rejected."
    if total > len(rows):
        caption += f' The {total - len(rows):,} other files: `ties query "select * from inputs"`.'
    return Block(title, html_table(headers, cells, numeric=(2, 3, 4, 5)), caption, wide=True)


def rejects_table(con: duckdb.DuckDBPyConnection) -> Block:
    title = "Rejects"
    rows = query_rows(
        con,
        f"""select coalesce(reason, '(no reason)'), source_file, count(*) as n,
                   arg_min(locator, locator), arg_min(excerpt, locator)
            from rejects group by 1, 2 order by n desc, 1, 2 limit {REJECT_GROUP_ROWS}""",
    )
    if not rows:
        return Block(title, empty_note("No rejects."), wide=True)
    groups = query_value(
        con, "select count(*) from (select distinct reason, source_file from rejects)"
    )
    cells = [
        [
            reason,
            Cell(short_file(file), title=file or ""),
            f"{n:,}",
            Cell(locator or "", sub=clip(excerpt, 80) if excerpt else "", code=True),
        ]
        for reason, file, n, locator, excerpt in rows
    ]
    caption = "Items refused, grouped by reason and file, with the first example of each."
    if groups > len(rows):
        more = groups - len(rows)
        caption += f' {more:,} smaller groups: `ties query "select * from rejects"`.'
    headers = ["reason", "file", "items", "first example"]
    return Block(title, html_table(headers, cells, numeric=(2,)), caption, wide=True)
