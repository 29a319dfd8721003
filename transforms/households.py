"""Given names that cannot be one person's at one home: a household, or a wrong name?

"Mary Whitford" and "Timothy Whitford" at one house are a family, and the house is no
evidence that they are one person (``scoring._compare``: a household's shared address
and postcode are not compared). But an address book can also hold one person twice
with another given name typed on one card. The birth dates tell the two apart: two
relatives of one household share a birth date only as twins (``TWIN_SHARE``), one
person's two cards nearly always do. Among the pairs at one home whose given names
conflict and whose full birth dates are both known, the share with one date says how
many are one person: (share - t) / (m - t), t the twins' share and m the share of one
person's pairs with both years known that agree (the birthday's generic m). Until the
data show otherwise (``HOUSEHOLD_PSEUDO_PAIRS`` pairs of relatives presumed), such
pairs are relatives; where more than half of them are one person, the house and the
postcode are weighed for them as for anyone.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

# Of two relatives of one household, how often they share a birth date (twins).
TWIN_SHARE = 0.01
# Pairs of relatives with two dates presumed in any data (pseudo-count).
HOUSEHOLD_PSEUDO_PAIRS = 2.0


@dataclass(frozen=True)
class Households:
    """What the data say about conflicting given names at one home.

    Attributes:
        dated: such pairs with both full birth dates known.
        same_date: of those, how many share the date.
        one_person: the share of such pairs that are one person, estimated.
    """

    dated: int
    same_date: int
    one_person: float

    @property
    def are_relatives(self) -> bool:
        """Most such pairs are relatives: their home is no evidence between them."""
        return not self.one_person > 0.5


def learn_households(birthday_level: np.ndarray, both_years: np.ndarray, m: float) -> Households:
    """Estimate the share of one person among the pairs of conflicting given names at
    one home (module docstring).

    Args:
        birthday_level: per such pair, ``Birthdays.levels`` (2: the same date, 0: two).
        both_years: per such pair, both birth years are known.
        m: of one person's pairs with both years known, the share that share the date.
    """
    dated = both_years & ((birthday_level == 0) | (birthday_level == 2))
    n, same = int(dated.sum()), int((dated & (birthday_level == 2)).sum())
    share = (same + HOUSEHOLD_PSEUDO_PAIRS * TWIN_SHARE) / (n + HOUSEHOLD_PSEUDO_PAIRS)
    one_person = float(np.clip((share - TWIN_SHARE) / max(m - TWIN_SHARE, 1e-9), 0.0, 1.0))
    return Households(n, same, one_person)
