"""vCard dates and timestamps: BDAY (with or without a year) and REV."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta, timezone


@dataclass(frozen=True)
class Birthday:
    """A birthday as vCards write it; ``year`` is None for --MMDD or Apple's 1604 marker."""

    year: int | None
    month: int
    day: int

    def iso(self) -> str:
        return (
            f"{self.year:04d}-{self.month:02d}-{self.day:02d}"
            if self.year
            else f"--{self.month:02d}-{self.day:02d}"
        )


_DATE = re.compile(
    r"(?P<y>\d{4})-?(?P<m>\d{2})-?(?P<d>\d{2})"
    r"(?:[T ](?P<H>\d{2}):?(?P<M>\d{2})(?::?(?P<S>\d{2})(?:[.,]\d+)?)?)?"
    r"\s*(?P<tz>Z|[+-]\d{2}(?::?\d{2})?)?$",
    re.I,
)
_NO_YEAR = re.compile(r"--(?P<m>\d{2})-?(?P<d>\d{2})(?:T.*)?$")
_APPLE_NO_YEAR = 1604  # Apple Contacts and CardBook write 1604 for "year unknown"


def parse_timestamp(value: str) -> datetime | None:
    """A REV-style timestamp (basic or extended ISO 8601, date only allowed) in UTC."""
    m = _DATE.match(value.strip())
    if not m:
        return None
    try:
        dt = datetime(
            int(m["y"]),
            int(m["m"]),
            int(m["d"]),
            int(m["H"] or 0),
            int(m["M"] or 0),
            int(m["S"] or 0),
        )
    except ValueError:
        return None
    tz = m["tz"]
    if tz and tz.upper() != "Z":
        sign = -1 if tz[0] == "-" else 1
        digits = tz[1:].replace(":", "")
        offset = timedelta(hours=int(digits[:2]), minutes=int(digits[2:4] or 0))
        if offset >= timedelta(hours=24):
            return None
        dt = dt.replace(tzinfo=timezone(sign * offset))
    else:
        dt = dt.replace(tzinfo=UTC)
    return dt.astimezone(UTC)


def parse_bday(value: str, omit_year: str | None = None) -> Birthday | None:
    """A BDAY value: ``1980-03-22``, ``19800322``, ``--0415``, ``--04-15``, with a time or not.

    Year 1604 (Apple's and CardBook's "no year"), year 0 and the year named by Apple's
    X-APPLE-OMIT-YEAR parameter mean the year is unknown. Text birthdays ("circa 1800")
    and impossible dates give None.
    """
    value = value.strip()
    year: int | None
    m = _NO_YEAR.match(value)
    if m:
        year, month, day = None, int(m["m"]), int(m["d"])
    else:
        m = re.match(r"(\d{4})-?(\d{2})-?(\d{2})(?:$|T)", value)
        if not m:
            return None
        year, month, day = int(m[1]), int(m[2]), int(m[3])
        if year in (0, _APPLE_NO_YEAR) or (omit_year and omit_year.strip() == m[1]):
            year = None
    try:
        date(year or 2000, month, day)  # 2000 is a leap year: --0229 is a real birthday
    except ValueError:
        return None
    return Birthday(year, month, day)
