"""Two birthdays a generation apart at one home: a parent and child, or a wrong date?

A father and son of one name at one address look like one person to every feature but
the birthday, and their dates are 15-50 years apart. A card with a wrong date (a typo
of the year, the date of another field) also puts two dates on one person at one home,
but a wrong date falls wherever it falls: as often a generation apart as two random
people's dates are. The data say which of the two it holds. Among the candidate pairs
at one home whose other features say "one person" and whose dates differ (not by a
slip), count those a generation apart (O) and those not (D). Wrong dates alone would
put D x r / (1 - r) of them a generation apart, r being the share of random pairs of
birth years a generation apart; what O holds beyond that are parents and children.
Their ratio to the wrong dates a generation apart, ``relatives_per_wrong_date``,
starts from ``FAMILY_PSEUDO_PAIRS`` (an address book is taken to hold a parent and
child of one name until it shows its dates are often wrong).

A pair a generation apart at one home with odds o of one person against strangers
(the birthday weighed as any two dates) then has odds o / (1 + o x ratio) of one
person against strangers or a parent and child (``generation_bits``). Where the ratio
is 1 or more, the data speak of families, and clustering refuses such pairs outright
as before (``clustering.Guards.generation_is_family``).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from transforms.clustering import GENERATION, _one_birthday
from transforms.personal_details import Birthdays

# Parent-and-child pairs of one name at one home presumed in any data (pseudo-count).
FAMILY_PSEUDO_PAIRS = 1.0


@dataclass(frozen=True)
class Generations:
    """What the data say about two dates a generation apart at one home.

    Attributes:
        apart: pairs (weighted by the other features' probability of one person) at one
            home with dates a generation apart (O).
        other: the same, dates differing otherwise (D).
        random_share: share of random pairs of birth years a generation apart (r).
        relatives_per_wrong_date: parents and children per wrong date among such pairs.
    """

    apart: float
    other: float
    random_share: float
    relatives_per_wrong_date: float

    @property
    def is_family(self) -> bool:
        """The data do not show more wrong dates than parents and children."""
        return not self.relatives_per_wrong_date < 1.0


def generation_apart(birthdays: Birthdays, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Per pair: both years known, ``GENERATION`` years apart, and not one slip of the
    other (19600210 / 19800210 is one digit)."""
    ya, yb = birthdays.year[a], birthdays.year[b]
    gap = np.abs(ya - yb)
    out = (ya >= 0) & (yb >= 0) & (gap >= GENERATION[0]) & (gap <= GENERATION[1])
    md = birthdays.month_day
    for i in np.flatnonzero(out):
        x, y = int(a[i]), int(b[i])
        out[i] = not _one_birthday((int(md[x]), int(ya[i])), (int(md[y]), int(yb[i])))
    return out


def random_generation_share(birthdays: Birthdays) -> float:
    """Share of pairs of records with a birth year whose years are a generation apart,
    from the years' histogram (every pair, none drawn)."""
    years = birthdays.year[birthdays.year >= 0]
    if len(years) < 2:
        return 0.0
    low = int(years.min())
    counts = np.bincount(years - low).astype(np.float64)
    lags = np.arange(GENERATION[0], GENERATION[1] + 1)
    apart = sum(float(counts[:-lag] @ counts[lag:]) for lag in lags if lag < len(counts))
    total = len(years) * (len(years) - 1) / 2.0
    return apart / total


def learn_generations(
    birthdays: Birthdays, a: np.ndarray, b: np.ndarray, without_birthday: np.ndarray
) -> Generations:
    """Count the pairs at one home with two dates (module docstring).

    Args:
        birthdays: per record.
        a, b: the candidate pairs at one home (an address or postcode in common) whose
            birthdays differ (``Birthdays.levels`` 0).
        without_birthday: per pair, log-odds in bits of one person from the prior and
            every feature but the birthday.
    """
    known = (birthdays.year[a] >= 0) & (birthdays.year[b] >= 0)
    a, b, without_birthday = a[known], b[known], without_birthday[known]
    post = 1.0 / (1.0 + np.exp2(-np.clip(without_birthday, -700, 700)))
    apart = generation_apart(birthdays, a, b)
    # A slip is no second date (clustering joins it): neither count holds it.
    md, year = birthdays.month_day, birthdays.year
    slip = np.array(
        [
            _one_birthday((int(md[x]), int(year[x])), (int(md[y]), int(year[y])))
            for x, y in zip(a.tolist(), b.tolist(), strict=True)
        ],
        dtype=bool,
    )
    observed, other = float(post[apart].sum()), float(post[~apart & ~slip].sum())
    r = random_generation_share(birthdays)
    wrong = other * r / (1.0 - r) if r < 1.0 else 0.0
    relatives = max(observed - wrong, 0.0) + FAMILY_PSEUDO_PAIRS
    ratio = relatives / wrong if wrong > 0 else float("inf")
    return Generations(observed, other, r, ratio)


def generation_bits(
    generations: Generations, log_odds: np.ndarray, apart_at_home: np.ndarray
) -> np.ndarray:
    """Per pair, the bits (<= 0) its odds lose to a parent and child: o becomes
    o / (1 + o x ratio) where the dates are a generation apart at one home; none where
    the data speak of families (clustering refuses those pairs)."""
    out = np.zeros(len(log_odds))
    if generations.is_family:
        return out
    rows = np.flatnonzero(apart_at_home)
    odds = np.exp2(np.minimum(log_odds[rows], 60.0))
    out[rows] = -np.log2(1.0 + odds * generations.relatives_per_wrong_date)
    return out
