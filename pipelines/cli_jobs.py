"""`ties changes` and `ties at COMPANY`: who changed jobs, and who you know at a company.

Both read the snapshot (job_changes, positions, contacts); the matching and seniority
rules are in transforms.companies and transforms.job_changes.
"""

from __future__ import annotations

import argparse
from datetime import date

from pipelines.cli_output import emit
from pipelines.cli_support import CliError, add_reading_options, fetch, open_warehouse
from pipelines.settings import Settings

CHANGES_SQL = """
    select c.display_name as name, j.old_company, j.new_company, j.old_title, j.new_title,
           j.seen_before_at::date as seen_before, j.seen_after_at::date as seen_after,
           j.kind, round(c.tie_strength, 2) as tie_strength, c.last_contact_at,
           coalesce(c.emails[1], c.linkedin_url, c.phones[1]) as reach, j.evidence, j.contact_id
    from job_changes j join contacts c using (contact_id)
    where $since is null or j.seen_after_at >= $since
    order by c.tie_strength desc nulls last, j.seen_after_at desc, name
    limit $limit"""

CONTACT_COLUMNS = """contact_id, display_name, company, title, org_domain, emails, linkedin_url,
    phones, tie_strength, last_contact_at, last_contact_channel"""


def register(subparsers: argparse._SubParsersAction, settings: Settings) -> None:
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
    add_reading_options(c, settings)
    c.set_defaults(handler=_changes)

    a = subparsers.add_parser(
        "at",
        help="Who you know at a company, hiring power first; alumni too.",
        description="People at a company (matched by LinkedIn company, vCard ORG and work "
        "mail domain: 'acme', 'Acme Corp.' and acme.com are all Acme), ranked by seniority "
        "from the title, then tie strength. Those who left are listed after, as alumni.",
    )
    a.add_argument("company", help="a company name or domain")
    add_reading_options(a, settings)
    a.set_defaults(handler=_at)


def _fetch(con, sql: str, params: dict | None = None):
    try:
        return fetch(con, sql, params)
    except CliError as exc:
        raise CliError(
            f"this snapshot has no job tables ({exc}); run `ties import` again"
        ) from None


def _changes(args) -> int:
    since = None
    if args.since:
        try:
            since = date.fromisoformat(args.since)
        except ValueError:
            raise CliError(f"--since {args.since!r}: give a date as YYYY-MM-DD") from None
    if args.limit < 1:
        raise CliError("--limit must be at least 1")
    con = open_warehouse(args.settings, args.as_of)
    columns, rows = _fetch(con, CHANGES_SQL, {"since": since, "limit": args.limit})
    if args.format == "table":
        keep = [i for i, c in enumerate(columns) if c not in ("evidence", "contact_id")]
        columns = [columns[i] for i in keep]
        rows = [[row[i] for i in keep] for row in rows]
    emit(columns, rows, args.format, title=f"Job changes ({len(rows)}), strongest ties first")
    return 0


def _at(args) -> int:
    import pandas as pd

    from transforms.companies import people_at, query_keys

    if not query_keys(args.company):
        raise CliError(f"{args.company!r} names no company")
    con = open_warehouse(args.settings, args.as_of)

    def frame(sql: str) -> pd.DataFrame:
        columns, rows = _fetch(con, sql)
        return pd.DataFrame(rows, columns=columns)

    people = people_at(
        args.company,
        frame(f"select {CONTACT_COLUMNS} from contacts"),
        frame("select contact_id, company, title, seen_at from positions"),
        frame(
            "select contact_id, old_company, new_company, old_title, seen_after_at from job_changes"
        ),
    )
    if args.format == "table":
        people = people.drop(columns=["contact_id"])
        people["tie_strength"] = pd.to_numeric(people["tie_strength"]).round(2)
    here = int((people["still_there"] != "left").sum()) if len(people) else 0
    rows = [[None if pd.isna(v) else v for v in row] for row in people.itertuples(index=False)]
    emit(
        list(people.columns),
        rows,
        args.format,
        title=f"At {args.company}: {here} there, {len(people) - here} alumni "
        "(hiring power, then tie strength)",
    )
    return 0
