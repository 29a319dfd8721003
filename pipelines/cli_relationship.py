"""`ties reconnect`, `ties owed`, `ties follow-ups` and `ties show PERSON`: the advice, read back.

The lists are computed at import time (transforms.relationship) and committed with the
snapshot; these commands only read them, so they are as of that run.
"""

from __future__ import annotations

import argparse

from pipelines.cli_output import emit, plain, records, to_json
from pipelines.cli_support import (
    CliError,
    add_reading_options,
    ambiguous,
    fetch,
    open_warehouse,
    pick_one,
)
from pipelines.settings import Settings
from report.queries import FOLLOW_UPS_SQL, OWED_SQL, RECONNECT_SQL

RECENT_INTERACTIONS = 10


def register(subparsers: argparse._SubParsersAction, settings: Settings) -> None:
    """Add reconnect, owed, follow-ups and show to the `ties` command line."""
    # The thresholds the import applied, from the config's [relationships] when set:
    # help texts say what applies, not the built-in defaults.
    try:
        p = settings.relationship_policy()
    except ValueError:  # a bad table is reported when a command runs
        from pipelines.settings import Settings as Defaults

        p = Defaults().relationship_policy()
    lists = [
        (
            "reconnect",
            "People with a real tie who have gone quiet: most at stake first.",
            "People with a two-way tie, quiet for longer than their usual cadence "
            f"(or {p.reconnect_after_days:g} days), ranked by the tie's strength when it "
            "went quiet.",
            20,
            "at most N people (default: 20)",
            _reconnect,
        ),
        (
            "owed",
            f"Messages from people that you have not answered for {p.owed_after_days:g} days "
            "or more.",
            "Inbound messages with nothing written back to that person since, waiting "
            f"{p.owed_after_days:g} days or more (and from the last {p.owed_lookback_days:g} "
            "days), longest waiting first.",
            50,
            "at most N (default: 50)",
            _owed,
        ),
        (
            "follow-ups",
            "People met, new connections, invitations and first messages with no follow-up yet.",
            "People you met (calendar or `ties log`) and have not written to within "
            f"{p.meeting_follow_up_hours:g} hours, new LinkedIn connections you have not "
            "written to, pending invitations to you, and first messages of yours with no "
            f"answer, {p.follow_up_after_days:g} to {p.follow_up_lookback_days:g} days old.",
            50,
            "at most N (default: 50)",
            _follow_ups,
        ),
    ]
    for name, help_, description, limit, limit_help, handler in lists:
        parser = subparsers.add_parser(name, help=help_, description=description)
        parser.add_argument("--limit", type=int, default=limit, metavar="N", help=limit_help)
        add_reading_options(parser, settings)
        parser.set_defaults(handler=handler)

    s = subparsers.add_parser(
        "show",
        help="One person: golden record with provenance, tie components, recent interactions.",
        description="One person's golden record (which source each value came from), "
        "their tie strength with its components and weights, and their recent "
        "interactions. A name several people share lists them instead (exit status 2).",
    )
    s.add_argument("person", help="contact_id, e-mail, LinkedIn URL or part of the name")
    s.add_argument(
        "--interactions",
        type=int,
        default=RECENT_INTERACTIONS,
        metavar="N",
        help=f"show the N most recent interactions ({RECENT_INTERACTIONS})",
    )
    add_reading_options(s, settings)
    s.set_defaults(handler=_show)


def _frame(con, sql: str, params: dict | None = None) -> list[dict]:
    """The rows of a relationship query as dicts (a snapshot from before the lists: one line)."""
    try:
        return records(*fetch(con, sql, params))
    except CliError as exc:
        raise CliError(
            f"this snapshot has no relationship lists ({exc}); run `ties import` again"
        ) from None


def _list(args, sql: str, title: str) -> int:
    if args.limit < 1:
        raise CliError("--limit must be at least 1")
    con = open_warehouse(args.settings, args.as_of)
    try:
        columns, rows = fetch(con, sql, {"limit": args.limit})
    except CliError as exc:
        raise CliError(
            f"this snapshot has no relationship lists ({exc}); run `ties import` again"
        ) from None
    emit(columns, rows, args.format, title=f"{title} ({len(rows)})")
    return 0


def _reconnect(args) -> int:
    return _list(args, RECONNECT_SQL, "Reconnect: real ties gone quiet, most at stake first")


def _owed(args) -> int:
    return _list(args, OWED_SQL, "Owed replies: waiting for an answer from you")


def _follow_ups(args) -> int:
    return _list(args, FOLLOW_UPS_SQL, "Follow-ups due")


# -- ties show ---------------------------------------------------------------------------


# Channels that are an exchange; the others (a connection, an invitation) are events
# of the relationship, shown apart and weighed as such (transforms/relationship.py).
MESSAGE_CHANNELS = ("email", "linkedin_message")
EVENT_CHANNELS = ("linkedin_connection", "linkedin_invitation")


def _person(con, contact_id: str, n_recent: int, settings: Settings) -> dict:
    p = {"c": contact_id}
    record = _frame(con, "select * from contacts where contact_id = $c", p)[0]
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
    record = plain(record)
    fields = [
        {
            "field": row["field"],
            "value": record.get(row["field"]),
            "record_id": row["record_id"],
            "source": row["source"],
            "source_key": row["source_key"],
            "locator": row["locator"],
        }
        for row in provenance
    ]
    # The weights of the configuration, which the import applied too.
    weights = settings.relationship_policy().weights
    tie = {
        "class": record.get("tie_class"),
        "strength": record.get("tie_strength"),
        "strength_at_last_contact": record.get("tie_strength_at_last_contact"),
        "components": {k: record.get(f"tie_{k}") for k in weights},
        "weights": dict(weights),
    }
    return {
        "contact": record,
        "provenance": fields,
        "email_sources": {r["email"]: list(r["sources"]) for r in email_sources},
        "tie": tie,
        "recent_interactions": plain(recent),
        "owed_replies": plain(owed),
        "follow_ups": plain(follow_ups),
    }


def _when(value: str | None) -> str:
    """An ISO timestamp of plain() in the table format of cli_output."""
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
    n_msg_in = sum(c.get(f"n_{ch}_inbound") or 0 for ch in MESSAGE_CHANNELS)
    n_msg_out = sum(c.get(f"n_{ch}_outbound") or 0 for ch in MESSAGE_CHANNELS)
    lines += [
        f"  {'first contact':<17} {_when(c['first_contact_at'])}",
        f"  {'last contact':<17} {_when(c['last_contact_at'])}  {c['last_contact_channel']} "
        f"{c['last_contact_direction']}" + (f", {days:.0f} days ago" if days is not None else ""),
        f"  {'last from them':<17} {_when(c['last_inbound_at'])}",
        f"  {'last from you':<17} {_when(c['last_outbound_at'])}",
        f"  {'messages':<17} {n_msg_in + n_msg_out} ({n_msg_in} in, {n_msg_out} out); "
        f"all interactions in the last 12 months {c['n_interactions_12m']}",
    ]
    per_channel = []
    for ch in MESSAGE_CHANNELS:
        n_in, n_out = c.get(f"n_{ch}_inbound") or 0, c.get(f"n_{ch}_outbound") or 0
        if n_in or n_out:
            per_channel.append(f"{ch} {n_in} in / {n_out} out")
    if per_channel:
        lines.append(f"  {'by channel':<17} {'; '.join(per_channel)}")
    events = []
    for ch, label in (("linkedin_connection", "connected"), ("linkedin_invitation", "invited")):
        n = (c.get(f"n_{ch}_inbound") or 0) + (c.get(f"n_{ch}_outbound") or 0)
        if n:
            events.append(f"{label} on LinkedIn" + (f" ({n} times)" if n > 1 else ""))
    if events:
        lines.append(f"  {'relationship':<17} {'; '.join(events)} (events, not exchanges)")
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
        what = "event" if i["channel"] in EVENT_CHANNELS else i["direction"]
        about = f"  {i['subject']}" if i.get("subject") else ""  # a meeting, a log note
        lines.append(f"    {_when(i['occurred_at'])}  {i['channel']:<20} {what:<9}{reply}{about}")
    return lines


def _show_csv_rows(x: dict) -> list[tuple]:
    """contact_id, section, key, value: plain cells (a list is ``a; b``), never JSON."""
    cid = x["contact"]["contact_id"]
    rows = [(cid, "contact", k, v) for k, v in x["contact"].items()]
    rows += [
        (cid, "provenance", p["field"], f"{p['source']}:{p['source_key']} ({p['record_id']})")
        for p in x["provenance"]
    ]
    rows += [(cid, "tie", f"weight_{k}", v) for k, v in x["tie"]["weights"].items()]
    rows += [
        (cid, "interaction", i["occurred_at"], f"{i['channel']} {i['direction']}")
        for i in x["recent_interactions"]
    ]
    rows += [(cid, "owed_reply", o["occurred_at"], o["channel"]) for o in x["owed_replies"]]
    rows += [(cid, "follow_up", f["since"], f["reason"]) for f in x["follow_ups"]]
    return rows


def _show(args) -> int:
    con = open_warehouse(args.settings, args.as_of)
    found = pick_one(con, args.person)
    if len(found) > 1:
        raise ambiguous(con, args.person, found)
    person = _person(con, found[0], max(args.interactions, 0), args.settings)
    if args.format == "json":
        print(to_json(person))
    elif args.format == "csv":
        emit(["contact_id", "section", "key", "value"], _show_csv_rows(person), "csv")
    else:
        print("\n".join(_show_text(person)))
    return 0
