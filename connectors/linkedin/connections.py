"""Connections.csv: one record and one linkedin_connection interaction per connection."""

from __future__ import annotations

from collections import defaultdict

from connectors.base import stable_id
from connectors.identity import linkedin_url_key
from connectors.linkedin.dates import guess_dayfirst, midnight, parse_date
from connectors.linkedin.files import Table, cell_text
from connectors.linkedin.rows import Connection, ReadState, table_items
from connectors.linkedin.text import clean_text, fold_name


def parse_connections(table: Table, state: ReadState) -> None:
    ix = {
        "first": table.index("firstname"),
        "last": table.index("lastname"),
        "url": table.index("url", "profileurl", "linkedinurl"),
        "email": table.index("emailaddress", "email", "emails"),
        "company": table.index("company"),
        "position": table.index("position", "title"),
        "date": table.index("connectedon"),
    }
    builder = state.builder
    for locator, row in table_items(state, table):
        get = {k: cell_text(row.fields, i) for k, i in ix.items()}
        email_cell = get["email"]
        first, last = clean_text(get["first"]), clean_text(get["last"])
        url = linkedin_url_key(get["url"]) if get["url"] else None
        conn = Connection(
            locator=locator,
            first=first,
            last=last,
            name=clean_text(f"{first} {last}"),
            url_raw=get["url"] if url else "",
            url=url,
            email=email_cell if "@" in email_cell else "",
            # 2018 exports put urn:li:member:<id> in Email Address for some rows
            urn=email_cell if email_cell.lower().startswith("urn:li:") else "",
            company=clean_text(get["company"]),
            position=clean_text(get["position"]),
            connected_on=get["date"],
        )
        if not conn.name and not conn.url and not conn.email:
            builder.skipped("hidden_profile")
            continue
        state.connections.append(conn)
    keys: dict[str, set[str]] = defaultdict(set)
    for conn in state.connections:
        if conn.name:
            keys[fold_name(conn.name)].add(_connection_key(conn))
            state.known_names.add(fold_name(conn.name))
            state.learn_pair(conn.url, conn.name)
    for folded, found in keys.items():
        state.connection_key_by_name[folded] = next(iter(found)) if len(found) == 1 else None


def _connection_key(conn: Connection) -> str:
    if conn.url:
        return conn.url
    if conn.email:
        return conn.email.lower()
    if conn.urn:
        return conn.urn
    return "name:" + stable_id(fold_name(conn.name), fold_name(conn.company))


def emit_connections(state: ReadState) -> None:
    builder, me = state.builder, state.me
    dayfirst = guess_dayfirst([c.connected_on for c in state.connections])
    for conn in state.connections:
        if (conn.url and conn.url in me.urls) or (conn.email and conn.email.lower() in me.emails):
            builder.skipped("own_entry")
            continue
        key = _connection_key(conn)
        connected = parse_date(conn.connected_on, dayfirst)
        day = midnight(connected) if connected else None
        record_id = builder.record(
            key,
            locator=conn.locator,
            name=conn.name,
            given_name=conn.first,
            family_name=conn.last,
            emails=[conn.email] if conn.email else [],
            linkedin_url=conn.url_raw,
            company=conn.company,
            title=conn.position,
            observed_at=day,
        )
        if day is not None:
            # Names are shared by many people: they decide only where a URL is missing.
            if conn.url:
                inbound = conn.url in state.incoming_urls or (
                    fold_name(conn.name) in state.incoming_names_without_url
                )
            else:
                inbound = fold_name(conn.name) in state.incoming_names
            builder.interaction(
                record_id,
                occurred_at=day,
                channel="linkedin_connection",
                direction="inbound" if inbound else "outbound",
                identity=(key, day.date().isoformat()),
            )
        builder.accepted()
