"""Birthdays and postal codes: normalised, coded per record and compared per pair.

Only phone-book cards carry them, and few cards at that, but they are what tells two
namesakes apart: two records with different birthdays are two people (clustering
never joins them), and one agreeing birthday is strong evidence. A birthday is
``YYYY-MM-DD``, or ``--MM-DD`` when the year was left out (Apple's "no year"); a
year-less birthday agrees with any full date on the same day of the year.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date

import numpy as np
import pandas as pd

_FULL = re.compile(r"^(\d{4})-?(\d{2})-?(\d{2})$")
_NO_YEAR = re.compile(r"^--(\d{2})-?(\d{2})$")
_ZIP_PLUS_FOUR = re.compile(r"^(\d{5})-?\d{4}$")
_NOT_ALNUM = re.compile(r"[\W_]+", re.UNICODE)


def normalise_birthday(raw: str | None) -> str | None:
    """``1980-04-12`` or ``--04-12`` from an ISO 8601 date (basic or extended), else None.

    Impossible dates (February 30th) and years before 1900 or in the future give None;
    a year-less February 29th is a real birthday.
    """
    if not raw:
        return None
    text = raw.strip()
    if m := _NO_YEAR.match(text):
        year, month, day = None, int(m[1]), int(m[2])
    elif m := _FULL.match(text):
        year, month, day = int(m[1]), int(m[2]), int(m[3])
        if not 1900 <= year <= date.today().year:
            return None
    else:
        return None
    try:
        date(year or 2000, month, day)  # 2000 is a leap year
    except ValueError:
        return None
    return f"{year:04d}-{month:02d}-{day:02d}" if year else f"--{month:02d}-{day:02d}"


def postcode_key(raw: str | None) -> str | None:
    """A postal code for comparison: upper case, no spaces or dashes; ZIP+4 to its ZIP.

    "sw1a 1aa" -> "SW1A1AA", "94107-1234" -> "94107", "1000-001" -> "1000001".
    None when fewer than three letters or digits are left.
    """
    if not raw:
        return None
    text = unicodedata.normalize("NFKC", raw).strip()
    if m := _ZIP_PLUS_FOUR.match(text):
        return m[1]
    # Upper case first: it can decompose a letter ("ǰ" -> "J" + a combining caron), and
    # the marks it leaves must go with the other non-alphanumerics, or a second pass
    # would give another key.
    key = _NOT_ALNUM.sub("", unicodedata.normalize("NFKC", text.upper()))
    if m := _ZIP_PLUS_FOUR.match(key):  # nine digits once cleaned ("⅒⅒⅒"): a ZIP+4 too
        return m[1]
    return key if len(key) >= 3 else None


@dataclass(eq=False)
class Birthdays:
    """Per record: day of the year as month * 100 + day, and the year; -1 where unknown."""

    month_day: np.ndarray
    year: np.ndarray

    @classmethod
    def from_iso(cls, values) -> Birthdays:
        """From normalised birthdays (``normalise_birthday``), None where there is none."""
        codes, distinct = pd.factorize(pd.Series(values, dtype=object), use_na_sentinel=True)
        return cls.from_codes(codes, np.asarray(distinct, dtype=object))

    @classmethod
    def from_codes(cls, codes: np.ndarray, distinct: np.ndarray) -> Birthdays:
        """From a code per record (-1: none) into the distinct normalised birthdays."""
        md = [int(v[-5:-3]) * 100 + int(v[-2:]) for v in distinct.tolist()]
        yr = [int(v[:4]) if not v.startswith("--") else -1 for v in distinct.tolist()]
        md_table = np.array([*md, -1], dtype=np.int32)
        yr_table = np.array([*yr, -1], dtype=np.int32)
        return cls(md_table[codes], yr_table[codes])

    def __eq__(self, other: object) -> bool:
        return (
            isinstance(other, Birthdays)
            and np.array_equal(self.month_day, other.month_day)
            and np.array_equal(self.year, other.year)
        )

    __hash__ = None  # mutable arrays

    def date_code(self) -> np.ndarray:
        """Per record one code for a whole date (year known), else -1: a blocking key."""
        return np.where(self.year >= 0, self.year.astype(np.int64) * 10_000 + self.month_day, -1)

    def levels(self, a: np.ndarray, b: np.ndarray) -> np.ndarray:
        """Per pair: -1 unknown on a side, 0 differ, 1 same day (a year unknown), 2 same date."""
        mda, mdb = self.month_day[a], self.month_day[b]
        ya, yb = self.year[a], self.year[b]
        known = (mda >= 0) & (mdb >= 0)
        both_years = (ya >= 0) & (yb >= 0)
        same_day = mda == mdb
        level = np.where(known, 0, -1).astype(np.int8)
        level[known & same_day & ~both_years] = 1
        level[known & same_day & both_years & (ya == yb)] = 2
        return level

    def slip(self, a: np.ndarray, b: np.ndarray) -> np.ndarray:
        """Per pair: two different full dates one slip apart, one digit of YYYYMMDD or
        the day and month swapped (19080403 / 19080413, 1971-03-05 / 1971-05-03)."""
        ya, yb = self.year[a].astype(np.int64), self.year[b].astype(np.int64)
        ma, mb = self.month_day[a].astype(np.int64), self.month_day[b].astype(np.int64)
        x, y = ya * 10_000 + ma, yb * 10_000 + mb
        digits = sum(((x // 10**k) % 10 != (y // 10**k) % 10).astype(np.int8) for k in range(8))
        swapped = (ya == yb) & (ma == (mb % 100) * 100 + mb // 100)
        return (ya >= 0) & (yb >= 0) & (x != y) & ((digits == 1) | swapped)

    def conflict(self, a: np.ndarray, b: np.ndarray) -> np.ndarray:
        """Per pair: do the two records carry birthdays that cannot be one person's."""
        return self.levels(a, b) == 0
