"""Journal connector: the personal log (``ties log``), a CSV the user may also edit by hand.

The file is ``<warehouse>/journal.csv`` with the header ``date,kind,with,address,note``:

    date      2026-11-30, or 2026-11-30T18:30 / ...Z (a time without zone is UTC)
    kind      in_person | call | message   (the interaction's channel)
    with      who, as the user named them: "Anna Berg", anna@example.com
    address   the e-mail or LinkedIn URL ``ties log`` resolved them to (may be empty)
    note      what happened and where: "Coffee at PyCon" (the interaction's subject)

Every row is an item: accepted (one record, one interaction), or rejected with the
reason (a bad date, an unknown kind, nobody named). Lines starting with ``#`` are
comments, skipped. Entries are outbound: the user was there or wrote. A person named
only by name is a name-only record that transforms.name_only attaches to the one
person of that name.
"""

from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime
from pathlib import Path

from connectors.base import Extract, ExtractBuilder, ReadOptions, UnreadableInput
from connectors.identity import email_key, linkedin_url_key

HEADER = ("date", "kind", "with", "address", "note")
KINDS = ("in_person", "call", "message")


def sniff(path: Path, head: bytes) -> bool:
    """True for a ties journal: its first line is the journal header."""
    first = head.removeprefix(b"\xef\xbb\xbf").split(b"\n", 1)[0].strip().lower()
    return first.replace(b" ", b"") == ",".join(HEADER).encode()


def parse_when(text: str) -> datetime:
    """A journal date: YYYY-MM-DD (midnight UTC) or an ISO 8601 time (UTC when no zone).

    Raises:
        ValueError: not such a date.
    """
    text = (text or "").strip()
    if len(text) == 10:
        day = date.fromisoformat(text)
        return datetime(day.year, day.month, day.day, tzinfo=UTC)
    when = datetime.fromisoformat(text.replace("Z", "+00:00"))
    return when.replace(tzinfo=UTC) if when.tzinfo is None else when.astimezone(UTC)


def person_key(who: str, address: str | None) -> tuple[str, str | None, str | None, str | None]:
    """(source_key, e-mail, LinkedIn URL, name) for a journal row's person."""
    for value in (address, who):
        if not value:
            continue
        if url := linkedin_url_key(value):
            return url, None, url, (who if who and who != value else None)
        if "@" in value and (mail := email_key(value)):
            return mail, mail, None, (who if who and who != value else None)
    name = " ".join((who or "").split())
    return f"name:{name.casefold()}", None, None, name or None


def read(path: Path, options: ReadOptions) -> Extract:
    """Read the journal.

    Args:
        path: the journal file.
        options: unused (every entry is the user's own).

    Returns:
        The Extract: one record and one interaction per accepted row.

    Raises:
        UnreadableInput: the file is not a journal (no header) or not UTF-8 text.
    """
    path = Path(path)
    b = ExtractBuilder("journal", "journal", path)
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise UnreadableInput(f"{path}: the journal is not UTF-8 text ({exc.reason})") from None
    reader = csv.reader(io.StringIO(text))
    header = next(reader, None)
    if header is None or tuple(h.strip().lower() for h in header) != HEADER:
        raise UnreadableInput(f"{path}: not a ties journal (header {','.join(HEADER)})")
    for line_no, row in enumerate(reader, start=2):
        if not row or not "".join(row).strip():
            continue
        b.count_read()
        if row[0].lstrip().startswith("#"):
            b.skipped("comment")
            continue
        locator = f"line {line_no}"
        excerpt = ",".join(row)
        if len(row) != len(HEADER):
            b.reject(locator, f"expected {len(HEADER)} fields, found {len(row)}", excerpt)
            continue
        when_text, kind, who, address, note = (c.strip() for c in row)
        try:
            when = parse_when(when_text)
        except ValueError:
            b.reject(locator, f"date {when_text!r} is not YYYY-MM-DD or ISO 8601", excerpt)
            continue
        if kind not in KINDS:
            b.reject(locator, f"kind {kind!r} is not one of {', '.join(KINDS)}", excerpt)
            continue
        if not (who or address):
            b.reject(locator, "nobody named (the `with` column is empty)", excerpt)
            continue
        key, mail, url, name = person_key(who, address)
        record_id = b.record(
            key,
            locator=locator,
            name=name,
            emails=[mail] if mail else [],
            linkedin_url=url,
            observed_at=when,
        )
        b.interaction(
            record_id,
            occurred_at=when,
            channel=kind,
            direction="outbound",
            identity=(when.isoformat(), key, note),
            subject=note[:200] or None,
        )
        b.accepted()
    return b.build()
