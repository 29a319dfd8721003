"""`ties changes` and `ties at COMPANY`: who changed jobs, and who you know at a company.

Both read the snapshot (job_changes, positions, contacts); the matching and seniority
rules are in transforms.companies and transforms.job_changes.
"""

from __future__ import annotations

import argparse
from datetime import date

import duckdb
import pandas as pd

from pipelines.cli_support import (
    CliError,
    add_warehouse_options,
    emit,
    open_warehouse,
    query_frame,
)

CHANGES_SQL = """
    select c.display_name as name, j.old_company, j.new_company, j.old_title, j.new_title,
           j.seen_before_at::date as seen_before, j.seen_after_at::date as seen_after,
           j.kind, c.tie_strength, c.last_contact_at,
           coalesce(c.emails[1], c.linkedin_url, c.phones[1]) as reach, j.evidence, j.contact_id
    from job_changes j join contacts c using (contact_id)
    where $since is null or j.seen_after_at >= $since
    order by c.tie_strength desc nulls last, j.seen_after_at desc, name
    limit $limit"""

CONTACT_COLUMNS = """contact_id, display_name, company, title, org_domain, emails, linkedin_url,
    phones, tie_strength, last_contact_at, last_contact_channel"""


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add `changes` and `at` to the `ties` command line."""
    c = subparsers.add_parser(
        "changes",
        help="Who changed jobs (company or title), strongest ties first.",
        description="Job changes seen between LinkedIn exports, vCards and work mail "
        "domains, each with the two observations that bracket it. Strongest ties first: "
        "the natural reason to write.",
    )
    c.add_argument("--since", metavar="DATE", help="only changes seen after DATE (YYYY-MM-DD)")
    c.add_argument("--limit", type=int, default=50, metavar="N", help="at most N (50)")
    add_warehouse_options(c)
    c.set_defaults(handler=_changes)

    a = subparsers.add_parser(
        "at",
        help="Who you know at a company, hiring power first; alumni too.",
        description="People at a company (matched by LinkedIn company, vCard ORG and work "
        "mail domain: 'acme', 'Acme Corp.' and acme.com are all Acme), ranked by seniority "
        "from the title, then tie strength. Those who left are listed after, as alumni.",
    )
    a.add_argument("company", help="a company name or domain")
    add_warehouse_options(a)
    a.set_defaults(handler=_at)


def _frame(con: duckdb.DuckDBPyConnection, sql: str, params: dict | None = None) -> pd.DataFrame:
    return query_frame(con, sql, params, "job tables")


def _changes(args) -> int:
    since = None
    if args.since:
        try:
            since = date.fromisoformat(args.since)
        except ValueError:
            raise CliError(f"--since {args.since!r}: give a date as YYYY-MM-DD") from None
    if args.limit < 1:
        raise CliError("--limit must be at least 1")
    con = open_warehouse(args.warehouse, args.as_of)
    frame = _frame(con, CHANGES_SQL, {"since": since, "limit": args.limit})
    if args.format == "table":
        frame = frame.drop(columns=["evidence", "contact_id"]).fillna("")
        frame["tie_strength"] = pd.to_numeric(frame["tie_strength"]).round(2)
    emit(frame, args.format, title=f"Job changes ({len(frame)}), strongest ties first")
    return 0


def _at(args) -> int:
    from transforms.companies import people_at, query_keys

    if not query_keys(args.company):
        raise CliError(f"{args.company!r} names no company")
    con = open_warehouse(args.warehouse, args.as_of)
    contacts = _frame(con, f"select {CONTACT_COLUMNS} from contacts")
    positions = _frame(con, "select contact_id, company, title, seen_at from positions")
    changes = _frame(
        con,
        "select contact_id, old_company, new_company, old_title, seen_after_at from job_changes",
    )
    people = people_at(args.company, contacts, positions, changes)
    if args.format == "table":
        people = people.drop(columns=["contact_id"])
        people["tie_strength"] = pd.to_numeric(people["tie_strength"]).round(2)
        people["last_contact_at"] = pd.to_datetime(people["last_contact_at"], utc=True).dt.strftime(
            "%Y-%m-%d"
        )
        people = people.fillna("")
    here = int((people["still_there"] != "left").sum()) if len(people) else 0
    emit(
        people,
        args.format,
        title=f"At {args.company}: {here} there, {len(people) - here} alumni "
        "(hiring power, then tie strength)",
    )
    return 0
