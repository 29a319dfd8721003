"""Read an iCalendar file into meetings: one interaction per person per occurrence held.

Items are the file's VEVENT blocks: each is accepted, skipped with a reason or rejected.

Who counts
    Attendees and the organiser, less the user (``--me``, the LinkedIn hints, the
    calendar's ``X-WR-CALNAME`` when it is an address, else the address found in at
    least half of the events), rooms and resources (``CUTYPE=ROOM|RESOURCE``, Google's
    ``resource.calendar.google.com`` / ``group.calendar.google.com``), non-participants
    and those who declined or delegated. An attendee without an address is kept by name
    (``CN``): resolution matches it to the person like any name-only record.

Which events are contact
    - ``STATUS:CANCELLED`` (a whole event or one occurrence): skipped, "cancelled event".
    - The user declined (``PARTSTAT=DECLINED`` on their own line): skipped.
    - No one but the user: skipped, "no attendees (a personal event)".
    - Large events: LARGE_EVENT_MIN_PEOPLE (11) or more people besides the user
      (all-hands, webinars, conferences) are skipped, "large event". Sitting in the same
      room with fifty people says little about any one tie, and counting it would make
      everyone at an all-hands look like a close colleague; a meeting of up to ten is a
      conversation and counts fully.

Direction
    The organiser's role: an event the user organised (or one without an organiser, which
    the user put in their own calendar) is ``outbound``; one someone else organised is
    ``inbound`` for every counterpart.

Recurrences
    Expanded with ``recurring-ical-events`` (RRULE, RDATE, EXDATE, moved and cancelled
    occurrences) from the first start up to the file's horizon: the latest DTSTAMP or
    LAST-MODIFIED in it (calendar exports stamp every event when exported), at most
    RECURRENCE_YEARS (5) after the series starts and at most MAX_OCCURRENCES (1000) per
    series, so an endless RRULE stays bounded. Occurrences after the run's as_of are not
    contact yet; the relationship stage leaves them out.

Streaming
    A first pass reads the file line by line and notes where each VEVENT starts and
    ends, its UID, stamps and addresses; the second parses one UID's blocks at a time
    (a series and its moved occurrences), with the file's VTIMEZONEs. Memory grows with
    the largest series, not with the file.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import icalendar
import recurring_ical_events

from connectors.base import Extract, ExtractBuilder, ReadOptions, UnreadableInput
from connectors.identity import Me

LARGE_EVENT_MIN_PEOPLE = 11
RECURRENCE_YEARS = 5
MAX_OCCURRENCES = 1000
ME_MIN_SHARE = 0.5  # the user's address is on at least half the events of their calendar
_NOT_PEOPLE_DOMAINS = ("resource.calendar.google.com", "group.calendar.google.com")
_NOT_PEOPLE_CUTYPES = {"ROOM", "RESOURCE"}
_NOT_CONTACT_PARTSTAT = {"DECLINED", "DELEGATED"}
_SNIFF = re.compile(rb"^\s*BEGIN:VCALENDAR", re.IGNORECASE)
_ADDRESS = re.compile(r"mailto:([^;:,\s\"]+@[^;:,\s\"]+)", re.IGNORECASE)
_STAMP = re.compile(r"(\d{8}T\d{6})")


def sniff(path: Path, head: bytes) -> bool:
    """True for an iCalendar file: BEGIN:VCALENDAR first (after a BOM and blank space).

    Args:
        path: the file (its suffix is not needed: content decides).
        head: its first bytes.

    Returns:
        Whether this connector reads the file.
    """
    return bool(_SNIFF.match(head.removeprefix(b"\xef\xbb\xbf")))


@dataclass
class _Block:
    """One VEVENT as found by the first pass: where it is and what it names."""

    index: int
    start: int
    end: int | None = None
    uid: str | None = None
    addresses: set[str] = field(default_factory=set)


@dataclass
class _Scan:
    blocks: list[_Block]
    timezones: list[tuple[int, int]]
    calendar_props: list[bytes]  # X-WR-TIMEZONE: recurring-ical-events honours it
    calname: str | None
    horizon: datetime | None
    saw_calendar: bool


def _unfolded(f):
    """Logical lines (folding undone) with the byte offset of their first physical line."""
    offset = 0
    pending: bytes | None = None
    pending_at = 0
    for raw in f:
        if raw[:1] in (b" ", b"\t") and pending is not None:
            pending += raw[1:].rstrip(b"\r\n")
        else:
            if pending is not None:
                yield pending_at, pending
            pending, pending_at = raw.rstrip(b"\r\n"), offset
        offset += len(raw)
    if pending is not None:
        yield pending_at, pending
    yield offset, None  # end of file


def _scan(path: Path) -> _Scan:
    blocks: list[_Block] = []
    timezones: list[tuple[int, int]] = []
    props: list[bytes] = []
    calname = None
    horizon: datetime | None = None
    saw_calendar = False
    stack: list[str] = []
    block: _Block | None = None
    tz_start = 0
    with open(path, "rb") as f:
        for at, line in _unfolded(f):
            if line is None:
                break
            name, _, value = line.partition(b":")
            key = name.split(b";", 1)[0].strip().upper()
            if key == b"BEGIN":
                comp = value.strip().upper().decode("ascii", "replace")
                if comp == "VCALENDAR":
                    saw_calendar = True
                if comp == "VEVENT" and stack and stack[-1] == "VCALENDAR":
                    if block is not None:  # a VEVENT never closed: the next one starts
                        blocks.append(block)
                    block = _Block(index=len(blocks), start=at)
                elif comp == "VTIMEZONE":
                    tz_start = at
                stack.append(comp)
                continue
            if key == b"END":
                comp = value.strip().upper().decode("ascii", "replace")
                while stack and stack[-1] != comp:
                    stack.pop()
                if stack:
                    stack.pop()
                if comp == "VEVENT" and block is not None:
                    block.end = at + len(line)
                    blocks.append(block)
                    block = None
                elif comp == "VTIMEZONE":
                    timezones.append((tz_start, at + len(line)))
                continue
            top = stack[-1] if stack else ""
            text = value.decode("utf-8", "replace")
            if top == "VCALENDAR" and key == b"X-WR-TIMEZONE":
                props.append(line)
            elif top == "VCALENDAR" and key == b"X-WR-CALNAME":
                calname = text.strip()
            elif top == "VEVENT" and block is not None:
                if key == b"UID":
                    block.uid = text.strip()
                elif key in (b"ATTENDEE", b"ORGANIZER"):
                    block.addresses.update(_addresses(text))
                elif key in (b"DTSTAMP", b"LAST-MODIFIED"):
                    stamp = _STAMP.search(text)
                    if stamp:
                        try:
                            when = datetime.strptime(stamp.group(1), "%Y%m%dT%H%M%S")
                        except ValueError:
                            continue
                        when = when.replace(tzinfo=UTC)
                        horizon = when if horizon is None or when > horizon else horizon
    if block is not None:
        blocks.append(block)  # the file ended inside a VEVENT
    return _Scan(blocks, timezones, props, calname, horizon, saw_calendar)


def _addresses(text: str) -> set[str]:
    return {m.lower() for m in _ADDRESS.findall(text.replace(" ", ""))}


def _address(value) -> str | None:
    """The mail address of an ATTENDEE/ORGANIZER value, or None (a name only)."""
    # Some producers fold inside the address (khal: "hcabot@ example.com"): no address
    # has blanks, so they are dropped before reading it.
    text = re.sub(r"\s+", "", str(value))
    if text.lower().startswith("mailto:"):
        text = text[7:]
    return text.lower() if "@" in text.strip("@") else None


def _param(params, name: str) -> str:
    """A parameter as one string (icalendar gives a list when the value had commas)."""
    value = params.get(name) if params else None
    if isinstance(value, list | tuple):
        value = ",".join(str(v) for v in value)
    return str(value or "").strip()


@dataclass(frozen=True)
class _Person:
    key: str  # the address, or "name:<folded CN>"
    address: str | None
    name: str | None


def _people(event, me: frozenset[str]) -> tuple[list[_Person], str | None, bool, bool]:
    """Counterparts of one event, the organiser's address, whether the user declined,
    and whether the user organised it."""
    organizer = event.get("ORGANIZER")
    org_address = _address(organizer) if organizer is not None else None
    raw = event.get("ATTENDEE")
    attendees = raw if isinstance(raw, list) else ([raw] if raw is not None else [])
    people: dict[str, _Person] = {}
    declined_by_me = False
    entries = [(a, False) for a in attendees]
    if organizer is not None:
        entries.append((organizer, True))
    for value, is_organizer in entries:
        params = getattr(value, "params", {})
        address = _address(value)
        name = " ".join(_param(params, "CN").strip('"').split()) or None
        partstat = _param(params, "PARTSTAT").upper()
        if address in me:
            declined_by_me = declined_by_me or partstat == "DECLINED"
            continue
        if not is_organizer and (
            _param(params, "CUTYPE").upper() in _NOT_PEOPLE_CUTYPES
            or _param(params, "ROLE").upper() == "NON-PARTICIPANT"
            or partstat in _NOT_CONTACT_PARTSTAT
        ):
            continue
        if address and address.endswith(_NOT_PEOPLE_DOMAINS):
            continue
        if address is None and name is None:
            continue
        key = address or f"name:{' '.join(name.casefold().split())}"
        if key not in people or name and not people[key].name:
            people[key] = _Person(key, address, name)
    # The organiser who declined their own line is still not at the meeting.
    if organizer is not None and org_address and org_address not in me:
        for value in attendees:
            if _address(value) == org_address:
                partstat = _param(getattr(value, "params", {}), "PARTSTAT").upper()
                if partstat in _NOT_CONTACT_PARTSTAT:
                    people.pop(org_address, None)
    by_me = org_address is None or org_address in me
    return sorted(people.values(), key=lambda p: p.key), org_address, declined_by_me, by_me


def _why_not_contact(event, me: frozenset[str]) -> str | None:
    """The skip reason of one event or occurrence, or None when it is contact."""
    if str(event.get("STATUS", "")).upper() == "CANCELLED":
        return "cancelled event"
    people, _, declined_by_me, _ = _people(event, me)
    if declined_by_me:
        return "declined by you"
    if not people:
        return "no attendees (a personal event)"
    if len(people) >= LARGE_EVENT_MIN_PEOPLE:
        return f"large event ({LARGE_EVENT_MIN_PEOPLE} people or more)"
    return None


def _as_utc(value) -> datetime:
    if isinstance(value, datetime):
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
    if isinstance(value, date):
        return datetime(value.year, value.month, value.day, tzinfo=UTC)
    raise ValueError(f"not a date: {value!r}")


def _subject(event) -> str | None:
    summary = " ".join(str(event.get("SUMMARY", "") or "").split())
    location = " ".join(str(event.get("LOCATION", "") or "").split())
    text = f"{summary} @ {location}" if summary and location else summary or location
    return text[:200] or None


def _infer_me(scan: _Scan) -> str | None:
    """The address on at least half of the events (and on two or more): the owner's."""
    counts = Counter(a for b in scan.blocks for a in b.addresses)
    with_addresses = sum(1 for b in scan.blocks if b.addresses)
    if not counts or with_addresses < 2:
        return None
    (address, n), *rest = counts.most_common(2) + [(None, 0)]
    runner_up = rest[0][1]
    if n >= 2 and n >= ME_MIN_SHARE * with_addresses and n > runner_up:
        return address
    return None


def _read_bytes(f, start: int, end: int | None) -> bytes:
    f.seek(start)
    data = f.read((end - start) if end is not None else -1)
    return data if data.endswith(b"\n") else data + b"\r\n"


def read(path: Path, options: ReadOptions) -> Extract:
    """Read one .ics file.

    Args:
        path: the calendar file.
        options: the user's identifiers (their own attendee line is never a contact).

    Returns:
        The Extract: records for the people met, ``meeting`` interactions, rejects.

    Raises:
        UnreadableInput: the file holds no VCALENDAR at all.
    """
    path = Path(path)
    b = ExtractBuilder("calendar", "calendar", path)
    scan = _scan(path)
    if not scan.saw_calendar:
        raise UnreadableInput(f"{path}: not an iCalendar file (no BEGIN:VCALENDAR)")
    me = set(Me.of(options.me).emails) or set(Me.of(options.me_hints).emails)
    if scan.calname and "@" in scan.calname:
        b.me_hints.append(scan.calname.lower())
        me.add(scan.calname.lower())
    if not me:
        inferred = _infer_me(scan)
        if inferred:
            b.me_hints.append(inferred)
            me.add(inferred)
    me_ids = frozenset(me)

    groups: dict[str, list[_Block]] = defaultdict(list)
    for block in scan.blocks:
        groups[block.uid or f"#{block.index}"].append(block)
    with open(path, "rb") as f:
        head = b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:ties\r\n"
        head += b"".join(p + b"\r\n" for p in scan.calendar_props)
        head += b"".join(_read_bytes(f, s, e) for s, e in scan.timezones)
        for key, blocks in groups.items():
            b.count_read(len(blocks))
            parsed = []
            for block in blocks:
                locator = f"event {block.index + 1} (byte {block.start})"
                if block.end is None:
                    b.reject(locator, "event not closed (END:VEVENT missing)", block.uid)
                    continue
                data = _read_bytes(f, block.start, block.end)
                try:
                    cal = icalendar.Calendar.from_ical(head + data + b"END:VCALENDAR\r\n")
                    event = next(iter(cal.walk("VEVENT")))
                    if event.get("DTSTART") is None:
                        raise ValueError("event without a start (DTSTART)")
                    _as_utc(event.decoded("DTSTART"))
                    _why_not_contact(event, me_ids)  # reads every attendee line
                except Exception as exc:  # icalendar raises many kinds on bad input
                    reason = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
                    b.reject(locator, f"unreadable event: {reason}"[:200], data[:200])
                    continue
                parsed.append((block, data, event))
            _meetings(b, key, head, parsed, me_ids, scan.horizon)
    return b.build()


def _meetings(b: ExtractBuilder, uid: str, head: bytes, parsed, me, horizon) -> None:
    """Account for one series' blocks and add its held occurrences as meetings."""
    accepted = []
    for block, data, event in parsed:
        why = _why_not_contact(event, me)
        if why:
            b.skipped(why)
        else:
            accepted.append((block, data, event))
    if not accepted:
        return
    recurring = any(e.get("RRULE") is not None or e.get("RDATE") is not None for _, _, e in parsed)
    occurrences = [e for _, _, e in accepted]
    if recurring:
        body = b"".join(data for _, data, _ in parsed)
        first = min(_as_utc(e.decoded("DTSTART")) for _, _, e in parsed)
        end = first + timedelta(days=365 * RECURRENCE_YEARS)
        if horizon is not None:
            end = min(end, max(horizon, first + timedelta(days=1)))
        try:
            cal = icalendar.Calendar.from_ical(head + body + b"END:VCALENDAR\r\n")
            series = recurring_ical_events.of(cal, skip_bad_series=True).between(first, end)
        except Exception as exc:  # a rule the expander refuses: the series is a reject
            reason = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
            for block, data, _ in accepted:
                locator = f"event {block.index + 1} (byte {block.start})"
                b.reject(locator, f"recurrence not expanded: {reason}"[:200], data[:200])
            return
        occurrences = series[:MAX_OCCURRENCES]
    b.accepted(len(accepted))
    locator = f"event {accepted[0][0].index + 1}"
    for occurrence in occurrences:
        # Occurrences of a series may be moved, cancelled or re-staffed: check each one.
        if recurring and _why_not_contact(occurrence, me):
            continue
        people, _, _, by_me = _people(occurrence, me)
        when = _as_utc(occurrence.decoded("DTSTART"))
        subject = _subject(occurrence)
        for person in people:
            record_id = b.record(
                person.key,
                locator=locator,
                name=person.name,
                emails=[person.address] if person.address else [],
            )
            b.interaction(
                record_id,
                occurred_at=when,
                channel="meeting",
                direction="outbound" if by_me else "inbound",
                identity=(uid, when.isoformat(), person.key),
                thread_key=uid,
                subject=subject,
            )
