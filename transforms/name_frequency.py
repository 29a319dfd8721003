"""How common a given or family name is in the world: the population prior of names.

A name's share of people is read off ``transforms/data/name_ranks.tsv.gz``, derived by
``scripts/derive_name_frequencies.py`` from names-dataset 3.3.1 (Philippe Remy, MIT
licence): each folded name's best rank in any of 105 countries, for names ranked within
the first 1,000 somewhere (110k names, 0.6 MB; the full data set takes 5 s and 0.9 GB a
table to load, measured). A rank r is taken as a share of 1 / (r * H), Zipf's law with
H = 12 (the harmonic number of ~100k names): John is 1/12, a name ranked 500th 1/6000.
Best rank anywhere overstates how common a name is in any one country, which errs on the
safe side: a common-looking name is weaker evidence. A name ranked nowhere is rarer than
the last one kept: half its share.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import numpy as np
import pandas as pd

DATA = Path(__file__).with_name("data") / "name_ranks.tsv.gz"
HARMONIC = 12.0
MAX_RANK = 1_000  # the table keeps names ranked within this somewhere
UNRANKED_SHARE = 0.5 / (MAX_RANK * HARMONIC)


@cache
def _ranks() -> dict[str, dict[str, int]]:
    # pandas' C parser: 0.1 s for the 110k lines, where a Python loop took 0.4 s.
    table = pd.read_csv(
        DATA,
        sep="\t",
        comment="#",
        header=None,
        names=["kind", "key", "rank"],
        dtype={"kind": str, "key": str, "rank": np.int64},
        keep_default_na=False,
    )
    return {
        kind: dict(zip(part["key"].tolist(), part["rank"].tolist(), strict=True))
        for kind, part in table.groupby("kind")
    }


def name_share(kind: str, key: str | None) -> float:
    """The share of people whose given (``kind="given"``) or family name has this key.

    Args:
        kind: "given" or "family".
        key: a folded name key (``given_key`` / ``family_key``); None gives NaN.
    """
    if not key:
        return float("nan")
    rank = _ranks()[kind].get(key)
    return UNRANKED_SHARE if rank is None else 1.0 / (rank * HARMONIC)


def name_shares(kind: str, keys: np.ndarray) -> np.ndarray:
    """``name_share`` of each key (distinct values, so one lookup each)."""
    return np.array([name_share(kind, k) for k in keys.tolist()], dtype=np.float64)
