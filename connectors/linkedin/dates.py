"""LinkedIn's dates in every spelling its exports used, 2012 to today."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta, timezone

_MONTH_NAMES = (
    ("jan", "january"),
    ("feb", "february"),
    ("mar", "march"),
    ("apr", "april"),
    ("may",),
    ("jun", "june"),
    ("jul", "july"),
    ("aug", "august"),
    ("sep", "sept", "september"),
    ("oct", "october"),
    ("nov", "november"),
    ("dec", "december"),
)
_MONTHS = {name: i for i, names in enumerate(_MONTH_NAMES, 1) for name in names} | {
    # Excel re-saves in other locales write local month abbreviations.
    "mär": 3,
    "mrz": 3,
    "mai": 5,
    "okt": 10,
    "dez": 12,  # fmt: skip
    "janv": 1,
    "févr": 2,
    "fév": 2,
    "mars": 3,
    "avr": 4,
    "juin": 6,
    "juil": 7,  # fmt: skip
    "août": 8,
    "déc": 12,
    "ene": 1,
    "abr": 4,
    "ago": 8,
    "dic": 12,  # fmt: skip
}
_TIME = r"(?:[ t,]+(\d{1,2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?\s*([ap])?\.?(?:m\.?)?)?"
_TZ = r"\s*(utc|gmt|z|[+-]\d{2}:?\d{2})?"
_ISO = re.compile(r"(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})" + _TIME + _TZ)
_NUMERIC = re.compile(r"(\d{1,2})([/.-])(\d{1,2})\2(\d{4}|\d{2})" + _TIME + _TZ)
_DAY_MON = re.compile(r"(\d{1,2})[ .-]([^\W\d_]{3,9})\.?[ ,.-]+(\d{4}|\d{2})" + _TIME + _TZ)
_MON_DAY = re.compile(r"([^\W\d_]{3,9})\.? (\d{1,2}),? (\d{4})" + _TIME + _TZ)
_UNIX = re.compile(r"[a-z]{3} ([a-z]{3}) (\d{1,2}) (\d{2}):(\d{2}):(\d{2}) (?:utc|gmt) (\d{4})")
_SLASHED = re.compile(r"\s*(\d{1,2})[/-](\d{1,2})[/-]\d{2,4}\b")


def _year(text: str) -> int:
    y = int(text)
    if len(text) == 2:  # strptime's %y pivot: 18 -> 2018, 85 -> 1985
        return y + (2000 if y < 69 else 1900)
    return y


def _build(y, mo, d, hh, mi, ss, ampm, tz) -> datetime | None:
    try:
        hour = int(hh) if hh else 0
        if ampm:
            if not 1 <= hour <= 12:
                return None
            hour = hour % 12 + (12 if ampm == "p" else 0)
        if tz in (None, "utc", "gmt", "z"):
            tzinfo = UTC
        else:
            sign = -1 if tz[0] == "-" else 1
            digits = tz[1:].replace(":", "")
            tzinfo = timezone(sign * timedelta(hours=int(digits[:2]), minutes=int(digits[2:])))
        value = datetime(y, mo, d, hour, int(mi or 0), int(ss or 0), tzinfo=tzinfo)
    except (ValueError, OverflowError):
        return None
    return value.astimezone(UTC)


def parse_date(value: str | None, dayfirst: bool = False) -> datetime | None:
    """Any date LinkedIn or an Excel re-save writes, as aware UTC; None when unreadable.

    ``1/8/18, 6:14 PM``, ``17 Jun 2021``, ``23-Apr-23``, ``16.09.2021``,
    ``2024-12-05 14:03:11 UTC``, ``Sat Dec 14 08:57:55 UTC 2024``, ``Feb 6, 1989``.
    Times without a zone are taken as UTC. ``dayfirst`` settles ``05/01/2026``.
    """
    if not value:
        return None
    text = " ".join(value.replace("\u202f", " ").replace("\xa0", " ").split()).casefold()
    if not text or len(text) > 64:
        return None
    if m := _ISO.fullmatch(text):
        y, mo, d, hh, mi, ss, ap, tz = m.groups()
        return _build(int(y), int(mo), int(d), hh, mi, ss, ap, tz)
    if m := _NUMERIC.fullmatch(text):
        a, sep, b, y, hh, mi, ss, ap, tz = m.groups()
        a, b = int(a), int(b)
        # Dotted dates are European (16.09.2021); slashes are LinkedIn's M/D/YY unless
        # a field shows otherwise or the caller found day-first dates in the file.
        day_first = sep == "." or a > 12 or (dayfirst and b <= 12)
        mo, d = (b, a) if day_first else (a, b)
        return _build(_year(y), mo, d, hh, mi, ss, ap, tz)
    if m := _DAY_MON.fullmatch(text):
        d, mon, y, hh, mi, ss, ap, tz = m.groups()
        mo = _MONTHS.get(mon)
        return _build(_year(y), mo, int(d), hh, mi, ss, ap, tz) if mo else None
    if m := _MON_DAY.fullmatch(text):
        mon, d, y, hh, mi, ss, ap, tz = m.groups()
        mo = _MONTHS.get(mon)
        return _build(int(y), mo, int(d), hh, mi, ss, ap, tz) if mo else None
    if m := _UNIX.fullmatch(text):
        mon, d, hh, mi, ss, y = m.groups()
        mo = _MONTHS.get(mon)
        return _build(int(y), mo, int(d), hh, mi, ss, None, None) if mo else None
    return None


def guess_dayfirst(values: list[str]) -> bool:
    """True when a file's slashed dates can only be D/M (some first field > 12)."""
    day_first = month_first = False
    for v in values:
        m = _SLASHED.match(v)
        if m:
            a, b = int(m.group(1)), int(m.group(2))
            day_first |= a > 12
            month_first |= b > 12
    return day_first and not month_first


def midnight(value: datetime) -> datetime:
    return datetime(value.year, value.month, value.day, tzinfo=UTC)
