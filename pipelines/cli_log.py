"""`ties log TEXT --with WHO [--on DATE] [--kind ...]`: record what no file holds.

Appends one row to ``<warehouse>/journal.csv`` (connectors.journal), a plain CSV the
user may edit by hand; every import reads it. WHO is an address, a LinkedIn URL, a
contact_id or a name. A name is looked up in the current snapshot the way ``ties
show`` does: one match writes that person's address next to the name, so the entry
lands on them; several matches are listed and the command asks (at a terminal) or
refuses (exit 2) until WHO names one; none writes the name alone (a new person, or
the one person of that name once they are imported).
"""

from __future__ import annotations

import argparse
import csv
import io
import os
import sys
from datetime import UTC, datetime
from pathlib import Path

from pipelines.cli_support import CliError, add_warehouse_option
from pipelines.settings import Settings

# connectors.journal.KINDS, spelled here so that `ties --help` does not import pandas.
KINDS = ("in_person", "call", "message")


def register(subparsers: argparse._SubParsersAction, settings: Settings) -> None:
    """Add `log` to the `ties` command line."""
    p = subparsers.add_parser(
        "log",
        help="Record a meeting, call or message no file holds (the personal log).",
        description="Append an entry to the warehouse's journal.csv (editable by hand); "
        "the next `ties import` reads it as an interaction.",
    )
    p.add_argument("text", help='what happened and where, e.g. "Coffee with Anna at PyCon"')
    p.add_argument(
        "--with",
        dest="who",
        required=True,
        metavar="WHO",
        help="an e-mail, LinkedIn URL, contact_id or name",
    )
    p.add_argument("--on", metavar="DATE", help="YYYY-MM-DD or an ISO time (default: today, UTC)")
    p.add_argument("--kind", choices=KINDS, default="in_person", help="in_person (default)")
    add_warehouse_option(p, settings)
    p.set_defaults(handler=_log)


def _candidates(warehouse: Path, who: str) -> list[tuple[str, str, str | None, str | None]]:
    """(contact_id, name, address, company) of the contacts WHO may mean; [] without one."""
    from warehouse.explain import find_contacts
    from warehouse.read import NoSnapshot, connect

    try:
        con = connect(warehouse)
    except NoSnapshot:
        return []
    ids = find_contacts(con, who)
    if not ids:
        return []
    rows = con.execute(
        """select contact_id, display_name, coalesce(emails[1], linkedin_url), company
           from contacts where list_contains($ids, contact_id)
           order by display_name, contact_id""",
        {"ids": ids},
    ).fetchall()
    return [tuple(r) for r in rows]


def _choose(who: str, found: list[tuple]) -> tuple:
    listing = "\n".join(
        f"  {k}. {name} <{addr or 'no address'}>{f', {co}' if co else ''}  ({cid})"
        for k, (cid, name, addr, co) in enumerate(found, start=1)
    )
    if not sys.stdin.isatty():
        raise CliError(
            f"{len(found)} people match {who!r}; name one by address or contact_id:\n{listing}"
        )
    print(f"{len(found)} people match {who!r}:\n{listing}", file=sys.stderr)
    answer = input(f"which one (1-{len(found)}, empty to cancel)? ").strip()
    if not answer.isdigit() or not 1 <= int(answer) <= len(found):
        raise CliError("nothing logged")
    return found[int(answer) - 1]


def _log(args) -> int:
    from connectors.journal import HEADER, parse_when

    settings = args.settings
    try:
        when = parse_when(args.on) if args.on else datetime.now(UTC)
    except ValueError:
        raise CliError(f"--on {args.on!r}: give YYYY-MM-DD or an ISO 8601 time") from None
    who = " ".join(args.who.split())
    text = " ".join(args.text.split())
    if not who:
        raise CliError("--with names nobody")
    address = ""
    name = who
    if "@" in who or "linkedin.com/" in who.lower():
        address = who
    else:
        found = _candidates(settings.warehouse, who)
        if len(found) > 1:
            found = [_choose(who, found)]
        if found:
            cid, display, addr, _ = found[0]
            address = addr or ""
            name = display if who.startswith("c_") else who
            if not address:
                name = display
    warehouse = settings.warehouse
    warehouse.mkdir(parents=True, exist_ok=True, mode=0o700)
    from warehouse.layout import Layout

    path = Layout(warehouse).journal
    new = not path.exists()
    day = when.strftime("%Y-%m-%d") if args.on and len(args.on.strip()) == 10 else None
    stamp = day or when.strftime("%Y-%m-%dT%H:%M:%SZ")
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    if new:
        writer.writerow(HEADER)
    writer.writerow([stamp, args.kind, name, address, text])
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)  # personal data
    with os.fdopen(fd, "a", encoding="utf-8") as f:
        if not new and path.stat().st_size and not _ends_with_newline(path):
            f.write("\n")
        f.write(buf.getvalue())
    if address and name != address:
        who_text = f"{name} <{address}>"
    else:
        who_text = address or f"{name} (by name)"
    print(f"logged {stamp} {args.kind} with {who_text}: {text}")
    print(f"  in {path}; `ties import` reads it into the warehouse")
    return 0


def _ends_with_newline(path: Path) -> bool:
    with open(path, "rb") as f:
        f.seek(-1, os.SEEK_END)
        return f.read(1) == b"\n"
