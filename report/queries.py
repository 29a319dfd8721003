"""The report's queries over a snapshot, and the lists the CLI prints from them.

RECONNECT_SQL, OWED_SQL and FOLLOW_UPS_SQL are what `ties reconnect`, `ties owed` and
`ties follow-ups` print (pipelines.cli_relationship); the report's lists read the same
tables, tolerating the columns an older snapshot lacks (``optional_column``).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # annotations only: `ties --help` imports this module's SQL
    import duckdb

# How many rows the report's lists and charts show.
RECONNECT_ROWS = 15
OWED_TITLE = "Replies you owe"
OWED_ROWS = 15
REJECT_GROUP_ROWS = 30
INPUT_ROWS = 15

SOURCE_LABELS = {"linkedin": "LinkedIn", "vcard": "address book", "mail": "mail"}

REACH = "coalesce(c.emails[1], c.linkedin_url, c.phones[1]) as reach"

RECONNECT_SQL = f"""
    select c.reconnect_rank as rank, c.display_name as name, c.company, c.last_contact_at,
           c.last_contact_channel as last_channel,
           round(c.days_since_last_contact)::bigint as days_quiet, c.usual_gap_days,
           c.reconnect_after_days, c.tie_strength_at_last_contact as at_stake,
           c.tie_strength, c.n_two_way_conversations as two_way_conversations,
           {REACH}, c.contact_id
    from contacts c where c.reconnect_due
    order by c.reconnect_rank limit $limit"""

OWED_SQL = f"""
    select c.display_name as name, o.days_waiting, o.occurred_at as since, o.channel,
           o.n_waiting as messages, o.started_by, c.tie_class, {REACH}, o.contact_id,
           o.interaction_id
    from owed_replies o join contacts c using (contact_id)
    order by o.days_waiting desc, name, o.interaction_id limit $limit"""

FOLLOW_UPS_SQL = f"""
    select c.display_name as name, f.reason, f.days_since, f.since, f.channel,
           f.subject as met_at, c.company, {REACH}, f.contact_id
    from follow_ups f join contacts c using (contact_id)
    order by f.days_since, name, f.reason limit $limit"""


def query_rows(con: duckdb.DuckDBPyConnection, sql: str, params: Sequence[Any] = ()) -> list[tuple]:
    return con.execute(sql, list(params)).fetchall()


def query_value(con: duckdb.DuckDBPyConnection, sql: str) -> Any:
    return con.execute(sql).fetchone()[0]


def has_table(con: duckdb.DuckDBPyConnection, name: str) -> bool:
    sql = "select count(*) from information_schema.tables where table_name = ?"
    return con.execute(sql, [name]).fetchone()[0] > 0


def headline(con: duckdb.DuckDBPyConnection) -> list[tuple[str, str, str]]:
    from report.fragments import month_label, plural  # jinja2: only for the page

    people = query_value(con, "select count(*) from contacts")
    due = query_value(con, "select count(*) from contacts where reconnect_due")
    n, first, last = con.execute(
        "select count(*), min(occurred_at), max(occurred_at) from interactions"
    ).fetchone()
    sources = query_rows(
        con, "select distinct unnest(sources) as s from contacts where sources is not null"
    )
    files = query_value(con, "select count(*) from inputs")
    read, rejected = con.execute(
        "select coalesce(sum(items_read), 0), coalesce(sum(items_rejected), 0) from inputs"
    ).fetchone()
    rejects = query_value(con, "select count(*) from rejects")
    span = f"{month_label(first)} – {month_label(last)}" if n else "none yet"
    names = ", ".join(sorted(SOURCE_LABELS.get(s, s) for (s,) in sources)) or "none"
    return [
        ("People", f"{people:,}", f"{due:,} due a reconnect"),
        ("Interactions", f"{n:,}", span),
        ("Sources", f"{len(sources)}", f"{names}; {plural(files, 'input file')}"),
        ("Rejects", f"{rejects:,}", f"of {read:,} items read" if read else "no items read"),
    ]


def table_columns(con: duckdb.DuckDBPyConnection, table: str) -> set[str]:
    return {r[0] for r in query_rows(con, f"select column_name from (describe {table})")}


def optional_column(columns: set[str], name: str, cast: str = "", alias: str = "") -> str:
    """Column ``name`` when the snapshot has it (newer ties), else a typed null."""
    return f"{alias}{name}" if name in columns else f"null{cast} as {name}"
