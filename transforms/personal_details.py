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

    def level_counts(self) -> np.ndarray:
        """How many of all record pairs fall at each birthday level (differ, day, date,
        slip; as ``levels`` and ``slip`` give them), counted from the dates' frequencies
        without enumerating a pair.

        The u of a level that a pair in ten thousand reaches is then exact, not read off
        ten or so random pairs (whose draw moved Febrl2's F1 by 0.003)."""
        known = self.month_day >= 0
        md = self.month_day[known].astype(np.int64)
        yr = self.year[known].astype(np.int64)
        total = len(md) * (len(md) - 1) // 2
        full = yr >= 0
        # day: the same day of the year, a year unknown on one side or both.
        days, no_year = np.unique(md[~full], return_counts=True)
        with_year = np.bincount(md[full], minlength=1232)[days] if len(days) else days
        day = int((no_year * (no_year - 1) // 2 + no_year * with_year).sum())
        # date: the same full date.
        dates, n = np.unique(yr[full] * 10_000 + md[full], return_counts=True)
        date = int((n * (n - 1) // 2).sum())
        # slip: two full dates one digit of YYYYMMDD apart, or day and month swapped.
        slip = 0
        for k in range(8):
            digit = (dates // 10**k) % 10
            for d in range(10):
                other = dates + (d - digit) * 10**k
                slip += _pairs_with(dates, n, other, other != dates)
        swapped = (dates // 10_000) * 10_000 + (dates % 100) * 100 + (dates // 100) % 100
        slip += _pairs_with(dates, n, swapped, swapped != dates)
        # Each slip pair was counted from both of its dates (a swap changes two digits
        # or four, never one: no pair is both).
        slip //= 2
        return np.array([total - day - date - slip, day, date, slip], dtype=np.float64)

    def conflict(self, a: np.ndarray, b: np.ndarray) -> np.ndarray:
        """Per pair: do the two records carry birthdays that cannot be one person's."""
        return self.levels(a, b) == 0


def _pairs_with(dates: np.ndarray, n: np.ndarray, other: np.ndarray, valid: np.ndarray) -> int:
    """Sum of n[i] * n[j] over the (sorted, distinct) dates i whose ``other`` is date j."""
    if not len(dates):
        return 0
    at = np.minimum(np.searchsorted(dates, other), len(dates) - 1)
    hit = valid & (dates[at] == other)
    return int((n[hit] * n[at[hit]]).sum())
