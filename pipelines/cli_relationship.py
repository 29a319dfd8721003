"""`ties reconnect`, `ties owed`, `ties follow-ups` and `ties show PERSON`: the advice, read back.

The lists are computed at import time (transforms.relationship) and committed with the
snapshot; these commands only read them, so they are as of that run.
"""

from __future__ import annotations

import argparse
import json

import duckdb
import pandas as pd

from pipelines.cli_support import (
    CliError,
    add_warehouse_options,
    emit,
    open_warehouse,
    query_frame,
)
from transforms.relationship import WEIGHTS

RECENT_INTERACTIONS = 10

_REACH = "coalesce(c.emails[1], c.linkedin_url, c.phones[1]) as reach"

RECONNECT_SQL = f"""
    select c.reconnect_rank as rank, c.display_name as name, c.company, c.last_contact_at,
           c.last_contact_channel as last_channel,
           round(c.days_since_last_contact)::bigint as days_quiet, c.usual_gap_days,
           c.reconnect_after_days, c.tie_strength_at_last_contact as at_stake,
           c.tie_strength, c.n_two_way_conversations as two_way_conversations,
           {_REACH}, c.contact_id
    from contacts c where c.reconnect_due
    order by c.reconnect_rank limit $limit"""

OWED_SQL = f"""
    select c.display_name as name, o.days_waiting, o.occurred_at as since, o.channel,
           o.n_waiting as messages, o.started_by, c.tie_class, {_REACH}, o.contact_id,
           o.interaction_id
    from owed_replies o join contacts c using (contact_id)
    order by o.days_waiting desc, name, o.interaction_id limit $limit"""

FOLLOW_UPS_SQL = f"""
    select c.display_name as name, f.reason, f.days_since, f.since, f.channel,
           f.subject as met_at, c.company, {_REACH}, f.contact_id
    from follow_ups f join contacts c using (contact_id)
    order by f.days_since, name, f.reason limit $limit"""


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add reconnect, owed, follow-ups and show to the `ties` command line."""
    lists = [
        (
            "reconnect",
            "People with a real tie who have gone quiet: most at stake first.",
            "People with a two-way tie, quiet for longer than their usual cadence "
            "(or 180 days), ranked by the tie's strength when it went quiet.",
            20,
            "at most N people (20)",
            _reconnect,
        ),
        (
            "owed",
            "Messages from people that you have not answered for 7 days or more.",
            "Inbound messages with nothing written back to that person since, "
            "waiting 7 days or more (and from the last 90 days), longest waiting first.",
            50,
            "at most N (50)",
            _owed,
        ),
        (
            "follow-ups",
            "People met, new connections, invitations and first messages with no follow-up yet.",
            "People you met (calendar or `ties log`) and have not written to within a day, "
            "new LinkedIn connections you have not written to, pending invitations to you, "
            "and first messages of yours with no answer, 3 to 30 days old.",
            50,
            "at most N (50)",
            _follow_ups,
        ),
    ]
    for name, help_, description, limit, limit_help, handler in lists:
        parser = subparsers.add_parser(name, help=help_, description=description)
        parser.add_argument("--limit", type=int, default=limit, metavar="N", help=limit_help)
        add_warehouse_options(parser)
        parser.set_defaults(handler=handler)

    s = subparsers.add_parser(
        "show",
        help="One person: golden record with provenance, tie components, recent interactions.",
    )
    s.add_argument("person", help="contact_id, e-mail, LinkedIn URL or part of the name")
    s.add_argument(
        "--interactions",
        type=int,
        default=RECENT_INTERACTIONS,
        metavar="N",
        help=f"show the N most recent interactions ({RECENT_INTERACTIONS})",
    )
    add_warehouse_options(s)
    s.set_defaults(handler=_show)


def _frame(con: duckdb.DuckDBPyConnection, sql: str, params: dict | None = None) -> pd.DataFrame:
    return query_frame(con, sql, params, "relationship lists")


def _for_terminal(frame: pd.DataFrame) -> pd.DataFrame:
    """Timestamps as UTC minutes and floats rounded, for a table that fits a terminal."""
    out = frame.copy()
    for col in out.columns:
        if isinstance(out[col].dtype, pd.DatetimeTZDtype):
            out[col] = out[col].dt.tz_convert("UTC").dt.strftime("%Y-%m-%d %H:%M").fillna("")
        elif pd.api.types.is_float_dtype(out[col]):
            out[col] = out[col].round(2)
    return out.fillna("")


def _list(args, sql: str, title: str) -> int:
    if args.limit < 1:
        raise CliError("--limit must be at least 1")
    con = open_warehouse(args.warehouse, args.as_of)
    frame = _frame(con, sql, {"limit": args.limit})
    if args.format == "table":
        frame = _for_terminal(frame)
    emit(frame, args.format, title=f"{title} ({len(frame)})")
    return 0


def _reconnect(args) -> int:
    return _list(args, RECONNECT_SQL, "Reconnect: real ties gone quiet, most at stake first")


def _owed(args) -> int:
    return _list(args, OWED_SQL, "Owed replies: waiting for an answer from you")


def _follow_ups(args) -> int:
    return _list(args, FOLLOW_UPS_SQL, "Follow-ups due")


# -- ties show ---------------------------------------------------------------------------


def _jsonable(value):
    if value is pd.NaT:
        return None
    if isinstance(value, pd.Timestamp):
        return None if pd.isna(value) else value.tz_convert("UTC").isoformat()
    if hasattr(value, "tolist"):
        return _jsonable(value.tolist())
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    if value is None or value is pd.NA or (isinstance(value, float) and value != value):
        return None
    return value


def _person(con: duckdb.DuckDBPyConnection, contact_id: str, n_recent: int) -> dict:
    p = {"c": contact_id}
    contact = _frame(con, "select * from contacts where contact_id = $c", p).iloc[0]
    provenance = _frame(
        con,
        """select p.key as field, r.record_id, r.source, r.source_key, r.source_file, r.locator
           from (select unnest(map_keys(provenance)) as key,
                        unnest(map_values(provenance)) as record_id
                 from contacts where contact_id = $c) p
           left join source_records r using (record_id) order by field""",
        p,
    )
    email_sources = _frame(
        con,
        """select e.email, list(distinct r.source order by r.source) as sources
           from (select unnest(emails) as email from contacts where contact_id = $c) e
           join source_records r on r.contact_id = $c and list_contains(r.emails, e.email)
           group by e.email""",
        p,
    )
    recent = _frame(
        con,
        """select occurred_at, channel, direction, reply_latency_hours, conversation_id,
                  thread_key, subject, source_file, interaction_id
           from interactions where contact_id = $c
           order by occurred_at desc, interaction_id limit $n""",
        {**p, "n": n_recent},
    )
    owed = _frame(con, "select * from owed_replies where contact_id = $c", p)
    follow_ups = _frame(con, "select * from follow_ups where contact_id = $c", p)
    record = {k: _jsonable(v) for k, v in contact.items()}
    fields = []
    for row in provenance.itertuples():
        fields.append(
            {
                "field": row.field,
                "value": record.get(row.field),
                "record_id": row.record_id,
                "source": row.source,
                "source_key": row.source_key,
                "locator": row.locator,
            }
        )
    tie = {
        "class": record.get("tie_class"),
        "strength": record.get("tie_strength"),
        "strength_at_last_contact": record.get("tie_strength_at_last_contact"),
        "components": {k: record.get(f"tie_{k}") for k in WEIGHTS},
        "weights": dict(WEIGHTS),
    }
    return {
        "contact": record,
        "provenance": fields,
        "email_sources": {
            r.email: _jsonable(r.sources) for r in email_sources.itertuples(index=False)
        },
        "tie": tie,
        "recent_interactions": _records(recent),
        "owed_replies": _records(owed),
        "follow_ups": _records(follow_ups),
    }


def _records(frame: pd.DataFrame) -> list[dict]:
    return [{k: _jsonable(v) for k, v in row.items()} for row in frame.to_dict("records")]


def _when(value: str | None) -> str:
    return value.replace("T", " ")[:16] if value else "-"


def _show_text(x: dict) -> list[str]:
    c, tie = x["contact"], x["tie"]
    lines = [f"{c['display_name']}  ({c['contact_id']})", ""]
    by_field = {f["field"]: f for f in x["provenance"]}
    rows = [
        ("name", c["display_name"], by_field.get("display_name")),
        ("company", c["company"], by_field.get("company")),
        ("title", c["title"], by_field.get("title")),
        ("linkedin", c["linkedin_url"], by_field.get("linkedin_url")),
        ("birthday", c.get("birthday"), by_field.get("birthday")),
    ]
    for label, value, prov in rows:
        if value is None:
            continue
        origin = f"{prov['source']}: {prov['source_key']}" if prov and prov["source"] else ""
        if label == "company" and c.get("company_source") == "email_domain":
            origin = f"inferred from {c.get('org_domain')}" + (f" ({origin})" if origin else "")
        lines.append(f"  {label:<13} {value:<40} {origin}")
    for email in c["emails"] or []:
        seen = ", ".join(x["email_sources"].get(email, []))
        lines.append(f"  {'e-mail':<13} {email:<40} {seen}")
    for phone in c["phones"] or []:
        lines.append(f"  {'phone':<13} {phone}")
    lines.append(f"  {'sources':<13} {', '.join(c['sources'] or [])}")
    org = [
        f"domain {c['org_domain']}" if c.get("org_domain") else None,
        "coworker" if c.get("coworker") else None,
        f"academic {c['academic_domain']}" if c.get("academic_domain") else None,
        "alumni" if c.get("alumni") else None,
    ]
    if any(org):
        lines.append(f"  {'organisation':<13} {', '.join(o for o in org if o)}")

    lines.append("")
    if not c.get("n_interactions"):
        lines.append("  no interactions yet (tie class: none)")
        return lines
    days = c.get("days_since_last_contact")
    lines += [
        f"  {'first contact':<17} {_when(c['first_contact_at'])}",
        f"  {'last contact':<17} {_when(c['last_contact_at'])}  {c['last_contact_channel']} "
        f"{c['last_contact_direction']}" + (f", {days:.0f} days ago" if days is not None else ""),
        f"  {'last from them':<17} {_when(c['last_inbound_at'])}",
        f"  {'last from you':<17} {_when(c['last_outbound_at'])}",
        f"  {'interactions':<17} {c['n_interactions']} ({c['n_inbound']} in, "
        f"{c['n_outbound']} out); last 12 months {c['n_interactions_12m']}",
    ]
    per_channel = []
    for ch in ("email", "linkedin_message", "linkedin_connection", "linkedin_invitation"):
        n_in, n_out = c.get(f"n_{ch}_inbound") or 0, c.get(f"n_{ch}_outbound") or 0
        if n_in or n_out:
            per_channel.append(f"{ch} {n_in} in / {n_out} out")
    lines.append(f"  {'by channel':<17} {'; '.join(per_channel)}")
    if c.get("n_conversations"):
        lines.append(
            f"  {'conversations':<17} {c['n_conversations']}, "
            f"{c['n_two_way_conversations']} with both sides"
        )
    replies = []
    for who in ("your", "their"):
        if c.get(f"n_{who}_replies"):
            replies.append(
                f"{who} median {c[f'{who}_reply_median_hours']:.1f} h "
                f"({c[f'n_{who}_replies']} replies)"
            )
    if replies:
        lines.append(f"  {'reply time':<17} {'; '.join(replies)}")
    comps = tie["components"]
    formula = " + ".join(
        f"{tie['weights'][k]:.2f} x {k} {comps[k]:.3f}"
        for k in tie["weights"]
        if comps[k] is not None
    )
    lines.append(f"  {'tie':<17} {tie['class']}, strength {tie['strength']:.3f} = {formula}")
    lines.append(
        f"  {'':<17} {tie['strength_at_last_contact']:.3f} when last in touch (what is at stake)"
    )
    cadence = (
        f"usually every {c['usual_gap_days']:.0f} days; "
        if c.get("usual_gap_days") is not None
        else "cadence not known yet; "
    )
    due = f"DUE (rank {c['reconnect_rank']})" if c.get("reconnect_due") else "not due"
    lines.append(
        f"  {'reconnect':<17} {cadence}quiet too long after {c['reconnect_after_days']:.0f} "
        f"days: {due}"
    )
    for o in x["owed_replies"]:
        lines.append(
            f"  {'owed reply':<17} {o['channel']} of {_when(o['occurred_at'])}, "
            f"waiting {o['days_waiting']:.0f} days ({o['n_waiting']} message(s))"
        )
    for f in x["follow_ups"]:
        lines.append(f"  {'follow up':<17} {f['reason']} since {_when(f['since'])}")

    recent = x["recent_interactions"]
    lines += ["", f"  {len(recent)} most recent of {c['n_interactions']} interactions:"]
    for i in recent:
        reply = (
            f"  reply after {i['reply_latency_hours']:.1f} h"
            if i["reply_latency_hours"] is not None
            else ""
        )
        about = f"  {i['subject']}" if i.get("subject") else ""  # a meeting, a log note
        lines.append(
            f"    {_when(i['occurred_at'])}  {i['channel']:<20} {i['direction']:<9}{reply}{about}"
        )
    return lines


def _show_csv_rows(x: dict) -> list[dict]:
    cid = x["contact"]["contact_id"]
    rows = [
        {"contact_id": cid, "section": "contact", "key": k, "value": json.dumps(v)}
        for k, v in x["contact"].items()
    ]
    rows += [
        {
            "contact_id": cid,
            "section": "provenance",
            "key": p["field"],
            "value": f"{p['source']}:{p['source_key']} ({p['record_id']})",
        }
        for p in x["provenance"]
    ]
    rows += [
        {"contact_id": cid, "section": "interaction", "key": i["occurred_at"], "value": v}
        for i in x["recent_interactions"]
        for v in [f"{i['channel']} {i['direction']}"]
    ]
    rows += [
        {"contact_id": cid, "section": "owed_reply", "key": o["occurred_at"], "value": o["channel"]}
        for o in x["owed_replies"]
    ]
    rows += [
        {"contact_id": cid, "section": "follow_up", "key": f["since"], "value": f["reason"]}
        for f in x["follow_ups"]
    ]
    return rows


def _show(args) -> int:
    from warehouse.explain import find_contacts

    con = open_warehouse(args.warehouse, args.as_of)
    found = find_contacts(con, args.person)
    if not found:
        raise CliError(f"no contact matches {args.person!r}")
    if len(found) > 1 and args.format == "table":
        names = con.execute(
            "select contact_id, display_name, company from contacts"
            " where list_contains($ids, contact_id) order by display_name, contact_id",
            {"ids": found},
        ).fetchall()
        print(f"{len(found)} contacts match {args.person!r}; name one by its id:")
        for cid, name, company in names:
            print(f"  {cid}  {name}" + (f"  ({company})" if company else ""))
        return 0
    people = [_person(con, cid, max(args.interactions, 0)) for cid in found]
    if args.format == "json":
        print(json.dumps(people, indent=2, ensure_ascii=False))
    elif args.format == "csv":
        emit(pd.DataFrame([r for x in people for r in _show_csv_rows(x)]), "csv")
    else:
        print("\n".join(_show_text(people[0])))
    return 0
