"""Record features for resolution: integer codes of every matching key, in arrays.

Normalised records become fixed-width code matrices (one row per record, -1 where
empty), so blocking and pair comparison are numpy operations over millions of pairs
rather than Python loops. Strings are factorised once; codes compare across records.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np
import pandas as pd

from transforms.normalise import fold, is_role_address

# A record rarely has more keys than this; extra ones still block, they are only
# left out of pair comparison (which looks at the first ones, best first).
MAX_KEYS_PER_RECORD = 6
_NOT_LETTER = re.compile(r"[^a-z]")
# A local part shorter than this ("js", "a") says too little to match a name with.
MIN_LOCAL_LETTERS = 4


def _strings(series: pd.Series) -> np.ndarray:
    return np.array([v if isinstance(v, str) and v else None for v in series.tolist()], object)


def _lists(series: pd.Series) -> list[list[str]]:
    return [list(v) if isinstance(v, list | tuple | np.ndarray) else [] for v in series.tolist()]


def _codes(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Factorised codes (-1 for missing) and the distinct values."""
    codes, uniques = pd.factorize(pd.Series(values, dtype=object), use_na_sentinel=True)
    return codes.astype(np.int64), np.asarray(uniques, dtype=object)


@dataclass
class Exploded:
    """(record, code) rows of a multi-valued key, sorted by record, no duplicates."""

    rows: np.ndarray
    codes: np.ndarray

    def matrix(self, n: int, width: int = MAX_KEYS_PER_RECORD) -> np.ndarray:
        """n x width codes, -1 padded: a record's first ``width`` values."""
        counts = np.bincount(self.rows, minlength=n) if len(self.rows) else np.zeros(n, int)
        width = max(1, min(width, int(counts.max(initial=0))))
        starts = np.cumsum(counts) - counts
        rank = np.arange(len(self.rows)) - np.repeat(starts, counts)
        keep = rank < width
        out = np.full((n, width), -1, dtype=np.int64)
        out[self.rows[keep], rank[keep]] = self.codes[keep]
        return out


def _explode(lists: list[list[str]], values_to_code: dict[str, int] | None = None):
    rows = np.repeat(np.arange(len(lists)), [len(v) for v in lists])
    flat = np.array([x for v in lists for x in v], dtype=object)
    if values_to_code is None:
        codes, uniques = _codes(flat)
    else:
        codes = np.array([values_to_code.get(x, -1) for x in flat], dtype=np.int64)
        uniques = None
    keep = codes >= 0
    rows, codes = rows[keep], codes[keep]
    frame = pd.DataFrame({"r": rows, "c": codes}).drop_duplicates()
    return Exploded(frame["r"].to_numpy(np.int64), frame["c"].to_numpy(np.int64)), uniques


def _name_forms(
    given: str | None, given_key: str | None, family: str | None, name_key: str | None
) -> list[str]:
    """Ways a mail local part spells a name: williamsmith, wsmith, smithw, billsmith...

    Every later word of the name may be the family name (Miguel Sánchez Galera).
    """
    families = [family] if family else []
    families += [_NOT_LETTER.sub("", t) for t in (name_key or "").split()[1:]]
    forms = []
    for fam in dict.fromkeys(x for x in families if x):
        for g in dict.fromkeys(x for x in (given, given_key) if x):
            forms += [g + fam, g[0] + fam, fam + g, fam + g[0]]
    return list(dict.fromkeys(f for f in forms if len(f) >= MIN_LOCAL_LETTERS))


def _spellings(n, given_name, given_str, family_str, name_str, email_rows, email_values):
    """(record, code) rows of name spellings and of mail local parts, in one code space.

    Computed once per distinct name and per distinct address: a million records that
    repeat a few hundred thousand names cost what those cost.
    """
    frame = pd.DataFrame(
        {"g": given_name, "gk": given_str, "fk": family_str, "nk": name_str}, dtype=object
    ).fillna("")
    codes, distinct = pd.MultiIndex.from_frame(frame).factorize()
    forms = [
        _name_forms(_first_token(g or None), gk or None, fk or None, nk or None)
        for g, gk, fk, nk in distinct.to_list()
    ]
    local_of = [_NOT_LETTER.sub("", fold(e.split("@")[0])) for e in email_values.tolist()]
    local_of = [x if len(x) >= MIN_LOCAL_LETTERS else None for x in local_of]
    vocab: dict[str, int] = {}
    form_codes = [[vocab.setdefault(x, len(vocab)) for x in v] for v in forms]
    local_code = np.array(
        [vocab.setdefault(x, len(vocab)) if x else -1 for x in local_of] + [-1], dtype=np.int64
    )
    lengths = np.array([len(v) for v in form_codes] + [0], dtype=np.int64)
    flat = np.array([c for v in form_codes for c in v], dtype=np.int64)
    offsets = np.cumsum(lengths) - lengths
    per_record = lengths[codes]
    rows = np.repeat(np.arange(n, dtype=np.int64), per_record)
    within = np.arange(len(rows)) - np.repeat(np.cumsum(per_record) - per_record, per_record)
    form_rows = Exploded(rows, flat[np.repeat(offsets[codes], per_record) + within])
    lc = local_code[email_rows.codes] if len(email_rows.codes) else np.empty(0, np.int64)
    keep = lc >= 0
    local = pd.DataFrame({"r": email_rows.rows[keep], "c": lc[keep]}).drop_duplicates()
    local_rows = Exploded(local["r"].to_numpy(np.int64), local["c"].to_numpy(np.int64))
    return form_rows, local_rows


def _first_token(name: str | None) -> str | None:
    if not name:
        return None
    tokens = _NOT_LETTER.sub(" ", fold(name)).split()
    return tokens[0] if tokens else None


@dataclass
class RecordFeatures:
    """Matching keys of n records as integer codes (row i = record i).

    Attributes:
        n: number of records.
        url: LinkedIn URL code.
        given, family, full: codes of given_key, family_key and both together.
        given_str, family_str, full_str: the strings, for similarity scores.
        phonetic: name_phonetic code.
        name_str, name_words: the folded whole name (name_key) and its word count.
        company_str: company_key strings; org: organisation codes (n x k).
        email, phone: personal e-mail key and phone codes (n x k).
        email_shared, phone_shared: per code, True when the value is a shared mailbox
            or line (a role address, or seen with three or more given names).
        local, forms: e-mail local parts and name spellings, in one code space.
        *_count: per code, how many records carry it (term frequency).
    """

    n: int
    url: np.ndarray
    given: np.ndarray
    family: np.ndarray
    full: np.ndarray
    given_str: np.ndarray
    family_str: np.ndarray
    full_str: np.ndarray
    phonetic: np.ndarray
    name_str: np.ndarray
    name_words: np.ndarray
    company_str: np.ndarray
    org: np.ndarray
    org_rows: Exploded
    email: np.ndarray
    email_rows: Exploded
    phone: np.ndarray
    phone_rows: Exploded
    email_shared: np.ndarray
    phone_shared: np.ndarray
    local: np.ndarray
    forms: np.ndarray
    form_rows: Exploded
    local_rows: Exploded
    full_count: np.ndarray
    family_count: np.ndarray
    org_count: np.ndarray
    email_count: np.ndarray
    phone_count: np.ndarray

    @classmethod
    def from_records(cls, records: pd.DataFrame) -> RecordFeatures:
        n = len(records)
        url, _ = _codes(_strings(records["linkedin_url"]))
        given_str = _strings(records["given_key"])
        family_str = _strings(records["family_key"])
        has_both = np.array(
            [g is not None and f is not None for g, f in zip(given_str, family_str, strict=True)]
        )
        full_str = np.array(
            [
                f"{g} {f}" if g and f else (g or f)
                for g, f in zip(given_str, family_str, strict=True)
            ],
            dtype=object,
        )
        # One code space for given and family names, so that swapped names compare.
        both_codes, _ = _codes(np.concatenate([given_str, family_str]))
        given, family = both_codes[:n], both_codes[n:]
        full, _ = _codes(np.where(has_both, full_str, None))
        phonetic, _ = _codes(_strings(records["name_phonetic"]))
        org_rows, _ = _explode(_lists(records["org_keys"]))

        email_lists = _lists(records["email_keys"])
        personal = [[e for e in v if not is_role_address(e)] for v in email_lists]
        email_rows, email_values = _explode(personal)
        phone_rows, _ = _explode(_lists(records["phones"]))
        initial, _ = _codes(np.array([g[0] if g else None for g in given_str], dtype=object))
        email_shared = _shared_values(email_rows, initial, len(email_values))
        phone_shared = _shared_values(
            phone_rows, initial, int(phone_rows.codes.max(initial=-1)) + 1
        )
        email_shared[: len(email_values)] |= np.array(
            [is_role_address(e) for e in email_values], dtype=bool
        )

        name_str = _strings(records["name_key"])
        form_rows, local_rows = _spellings(
            n,
            _strings(records["given_name"]),
            given_str,
            family_str,
            name_str,
            email_rows,
            email_values,
        )

        def counts(values: np.ndarray) -> np.ndarray:
            # at least one slot: code arrays are indexed with -1 clipped to 0
            return np.bincount(values[values >= 0], minlength=int(values.max(initial=0)) + 1)

        return cls(
            n=n,
            url=url,
            given=given,
            family=family,
            full=full,
            given_str=given_str,
            family_str=family_str,
            full_str=full_str,
            phonetic=phonetic,
            company_str=_strings(records["company_key"]),
            org=org_rows.matrix(n),
            org_rows=org_rows,
            email=email_rows.matrix(n),
            email_rows=email_rows,
            phone=phone_rows.matrix(n),
            phone_rows=phone_rows,
            email_shared=email_shared,
            phone_shared=phone_shared,
            local=local_rows.matrix(n, 3),
            forms=form_rows.matrix(n, 16),
            name_str=name_str,
            name_words=np.array([len(x.split()) if x else 0 for x in name_str], dtype=np.int64),
            form_rows=form_rows,
            local_rows=local_rows,
            full_count=counts(full),
            family_count=counts(family),
            org_count=counts(org_rows.codes),
            email_count=counts(email_rows.codes),
            phone_count=counts(phone_rows.codes),
        )


def _shared_values(rows: Exploded, given: np.ndarray, n_values: int) -> np.ndarray:
    """Per value code: seen on records whose given names start differently (a family's
    mailbox, a switchboard); nicknames are already canonical, so Bill and William agree."""
    out = np.zeros(max(n_values, 1), dtype=bool)
    if not len(rows.rows):
        return out
    g = given[rows.rows]
    known = g >= 0
    pairs = pd.DataFrame({"c": rows.codes[known], "g": g[known]}).drop_duplicates()
    distinct = pairs.groupby("c").size()
    out[distinct.index[distinct.to_numpy() >= 2].to_numpy()] = True
    return out
