"""The order resolution works in: by what the records say, never by their ids.

Resolution breaks ties by record position: which random pairs teach u, which
neighbours a large block pairs, which of two equally strong links clustering takes
first, and codes numbered by first occurrence that sort a block. A record_id hashes
the file's path, so sorting by it made the same address book resolve differently in
another folder (Febrl2 F1 0.9874 or 0.9896 by folder). Records are therefore put in
the order of a hash of their content (the normalised fields the engine reads, the
source and the source's own key), with the record_id breaking ties only between
records that say exactly the same thing. The order stays pseudo-random, as the ids'
was: no name or place is favoured.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from transforms.arrow_columns import list_items, string_codes

# What the engine reads of a record (``RecordFeatures.from_records``), plus where it
# comes from and its key there. Not the record_id, the file or the place in the file.
CONTENT_COLUMNS = (
    "source",
    "source_key",
    "given_name",
    "given_key",
    "family_key",
    "name_key",
    "name_phonetic",
    "linkedin_url",
    "company_key",
    "birthday",
)
CONTENT_LIST_COLUMNS = (
    "org_keys",
    "phones",
    "email_keys",
    "postcodes",
    "street_keys",
    "localities",
)
_MIX = np.uint64(0x9E3779B97F4A7C15)  # odd: multiplying by it mixes the columns' hashes


def content_hash(records: pd.DataFrame) -> np.ndarray:
    """Per record a 64-bit hash of what it says (``CONTENT_COLUMNS`` and the items of
    ``CONTENT_LIST_COLUMNS``, a list's order aside); equal for records that say the same."""
    n = len(records)
    out = np.zeros(n, dtype=np.uint64)
    with np.errstate(over="ignore"):
        for i, column in enumerate(CONTENT_COLUMNS + CONTENT_LIST_COLUMNS):
            if column not in records:
                continue
            column_hash = np.zeros(n, dtype=np.uint64)
            if column in CONTENT_COLUMNS:
                codes, values = string_codes(records[column])
                known = codes >= 0
                column_hash[known] = _hash_values(values)[codes[known]]
            else:
                rows, codes, values = list_items(records[column])
                known = codes >= 0
                # A sum: the same items in another order are the same content.
                np.add.at(column_hash, rows[known], _hash_values(values)[codes[known]])
            out = (out ^ column_hash) * _MIX + np.uint64(i + 1)
    return out


def content_order(records: pd.DataFrame) -> np.ndarray:
    """Positions of ``records`` ordered by ``content_hash``, then by record_id among
    records of one hash (exact duplicates, or a 1 in 2**64 collision)."""
    h = content_hash(records)
    order = np.argsort(h, kind="stable")
    ordered = h[order]
    bounds = np.flatnonzero(np.concatenate([[True], ordered[1:] != ordered[:-1], [True]]))
    runs = np.flatnonzero(np.diff(bounds) > 1)
    if len(runs):
        ids = records["record_id"].to_numpy(dtype=object)
        for start, stop in zip(bounds[runs].tolist(), bounds[runs + 1].tolist(), strict=True):
            run = order[start:stop]
            order[start:stop] = run[np.argsort(ids[run], kind="stable")]
    return order


def _hash_values(values: np.ndarray) -> np.ndarray:
    """64-bit hashes of distinct strings (pandas' siphash with its fixed key)."""
    return pd.util.hash_array(np.asarray(values, dtype=object), categorize=False)
