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
from rapidfuzz import process
from rapidfuzz.distance import JaroWinkler, Levenshtein

from transforms.nicknames import canonical_given, nickname_table
from transforms.normalise import column_values, distinct_rows, fold, is_role_address

# A record rarely has more keys than this; extra ones still block, they are only
# left out of pair comparison (which looks at the first ones, best first).
MAX_KEYS_PER_RECORD = 6
_NOT_LETTER = re.compile(r"[^a-z]")
# A local part shorter than this ("js", "a") says too little to match a name with.
MIN_LOCAL_LETTERS = 4
# Given names this alike (Jaro-Winkler) with the same initial may be one person's.
GIVEN_SIMILARITY = 0.88


def _strings(series: pd.Series) -> np.ndarray:
    values = column_values(series)
    return np.array([v if isinstance(v, str) and v else None for v in values], object)


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
        out = np.full((n, width), -1, dtype=np.int32)
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
    given_name: str | None, given_key: str | None, family: str | None, name_key: str | None
) -> tuple[list[str], int]:
    """Ways a mail local part spells a name: williamsmith, wsmith, smithw, billsmith...

    Every later word of the name may be the family name (Miguel Sánchez Galera), and
    the whole given name may be written as one word (Seo-yeon -> seoyeon).

    Returns:
        The spellings, those with the whole given name first; how many those are; and
        the spellings of the given name alone or with the family initial (john,
        jonathanw), which say who an initial stands for once the family names agree.
    """
    families = [family] if family else []
    families += [_NOT_LETTER.sub("", t) for t in (name_key or "").split()[1:]]
    folded = _NOT_LETTER.sub(" ", fold(given_name)).split() if given_name else []
    givens = [x for x in (*folded[:1], "".join(folded), given_key) if x]
    givens = list(dict.fromkeys(givens))
    full, short = [], []
    for fam in dict.fromkeys(x for x in families if x):
        for g in givens:
            if len(g) >= 2:
                full += [g + fam, fam + g]
            short += [g[0] + fam, fam + g[0]]
    full = [f for f in dict.fromkeys(full) if len(f) >= MIN_LOCAL_LETTERS]
    short = [f for f in dict.fromkeys(short) if len(f) >= MIN_LOCAL_LETTERS and f not in full]
    alone = [g for g in givens if len(g) >= 2]
    alone += [g + family[0] for g in alone if family]
    alone = [f for f in dict.fromkeys(alone) if len(f) >= MIN_LOCAL_LETTERS]
    return full + short, len(full), alone


def _spellings(n, given_name, given_str, family_str, name_str, email_rows, email_values):
    """(record, code) rows of name spellings and of mail local parts, in one code space.

    Computed once per distinct name and per distinct address: a million records that
    repeat a few hundred thousand names cost what those cost.

    Returns:
        All spellings, the spellings with the whole given name, those of the given
        name alone, the local parts, and per address code its local part's code (-1).
    """
    columns = (given_name, given_str, family_str, name_str)
    codes, rows = distinct_rows(*columns)
    forms = [_name_forms(*t) for t in zip(*(c[rows].tolist() for c in columns), strict=True)]
    local_of = [_NOT_LETTER.sub("", fold(e.split("@")[0])) for e in email_values.tolist()]
    local_of = [x if len(x) >= MIN_LOCAL_LETTERS else None for x in local_of]
    vocab: dict[str, int] = {}
    form_codes = [[vocab.setdefault(x, len(vocab)) for x in v] for v, _, _ in forms]
    alone_codes = [[vocab.setdefault(x, len(vocab)) for x in v] for _, _, v in forms]
    local_code = np.array(
        [vocab.setdefault(x, len(vocab)) if x else -1 for x in local_of] + [-1], dtype=np.int64
    )
    flat = np.array([c for v in form_codes for c in v], dtype=np.int64)
    lengths = np.array([len(v) for v in form_codes] + [0], dtype=np.int64)
    offsets = np.cumsum(lengths) - lengths

    def rows_of(lengths: np.ndarray) -> Exploded:
        per_record = lengths[codes]
        rows = np.repeat(np.arange(n, dtype=np.int64), per_record)
        within = np.arange(len(rows)) - np.repeat(np.cumsum(per_record) - per_record, per_record)
        return Exploded(rows, flat[np.repeat(offsets[codes], per_record) + within])

    form_rows = rows_of(lengths)
    full_rows = rows_of(np.array([k for _, k, _ in forms] + [0], dtype=np.int64))
    flat = np.array([c for v in alone_codes for c in v], dtype=np.int64)
    lengths = np.array([len(v) for v in alone_codes] + [0], dtype=np.int64)
    offsets = np.cumsum(lengths) - lengths
    given_rows = rows_of(lengths)
    lc = local_code[email_rows.codes] if len(email_rows.codes) else np.empty(0, np.int64)
    keep = lc >= 0
    local = pd.DataFrame({"r": email_rows.rows[keep], "c": lc[keep]}).drop_duplicates()
    local_rows = Exploded(local["r"].to_numpy(np.int64), local["c"].to_numpy(np.int64))
    return form_rows, full_rows, given_rows, local_rows, local_code[:-1]


def _spelled_by_holder(
    email_rows: Exploded, full_rows: Exploded, local_code: np.ndarray, n_values: int
) -> np.ndarray:
    """Per address code: its local part spells the whole name of a record carrying it.

    Args:
        email_rows: (record, address code) rows.
        full_rows: (record, spelling code) rows of whole-name spellings.
        local_code: per address code its local part in the spellings' code space, -1.
        n_values: number of address codes.
    """
    out = np.zeros(n_values, dtype=bool)
    lc = local_code[email_rows.codes] if len(email_rows.codes) else np.empty(0, np.int64)
    valid = lc >= 0
    if not valid.any() or not len(full_rows.rows):
        return out
    width = np.int64(max(int(full_rows.codes.max()), int(lc.max())) + 1)
    own = np.isin(
        email_rows.rows[valid] * width + lc[valid], full_rows.rows * width + full_rows.codes
    )
    out[email_rows.codes[valid][own]] = True
    return out


def _initials_mask(given_str: np.ndarray) -> np.ndarray:
    """Per record, bit i set when letter a+i may be written as its given name's initial."""
    diminutives: dict[str, set[str]] = {}
    for nick, canonical in nickname_table().items():
        diminutives.setdefault(canonical, set()).add(nick)
    codes, distinct = pd.factorize(pd.Series(given_str, dtype=object), use_na_sentinel=True)
    masks = []
    for g in distinct.tolist():
        mask = 0
        for word in (g, *diminutives.get(g, ())):
            if "a" <= word[0] <= "z":
                mask |= 1 << (ord(word[0]) - ord("a"))
        masks.append(mask)
    return np.array(masks + [0], dtype=np.int64)[codes]


def _second_family(name_str: np.ndarray) -> np.ndarray:
    """The word before the last of names of three words or more, else None."""
    codes, distinct = pd.factorize(pd.Series(name_str, dtype=object), use_na_sentinel=True)
    words = [x.split() for x in distinct.tolist()]
    alt = [w[-2] if len(w) >= 3 and len(w[-2]) > 1 else None for w in words]
    return np.array(alt + [None], dtype=object)[codes]


def _unordered_full(given_str, family_str, has_both) -> np.ndarray:
    """Given and family key in sorted order (the family one nickname-canonical too)."""
    if not len(given_str):
        return np.empty(0, dtype=object)
    codes, rows = distinct_rows(given_str, family_str)
    keys = [
        " ".join(sorted((g, canonical_given(f)))) if g and f else None
        for g, f in zip(given_str[rows].tolist(), family_str[rows].tolist(), strict=True)
    ]
    out = np.array(keys + [None], dtype=object)[codes]
    out[~has_both] = None
    return out


def _canonical_words(name_str: np.ndarray) -> np.ndarray:
    """Each name's words, nickname-canonical, once per distinct name."""
    codes, distinct = pd.factorize(pd.Series(name_str, dtype=object), use_na_sentinel=True)
    words = [" ".join(canonical_given(w) for w in x.split()) for x in distinct.tolist()]
    return np.array(words + [None], dtype=object)[codes]


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
        alt_family: in the family code space, the word before the last of a name of
            three words or more (the first part of a double surname), else -1.
        given_str, family_str, full_str: the strings, for similarity scores.
        given_initials: per record a bit per letter a-z that an initial standing for
            its given name may be: its own, or a diminutive's (B. for Bill = William).
        phonetic: name_phonetic code.
        name_str, name_words: the folded whole name (name_key) and its word count.
        words_str: name_key with every word nickname-canonical (Pepe -> jose), for
            comparing names as sets of words.
        company_str: company_key strings; org: organisation codes (n x k).
        email, phone: personal e-mail key and phone codes (n x k).
        email_shared, phone_shared: per code, True when the value is a shared mailbox
            or line (a role address, or seen with given names that cannot be one
            person's, a name written family name first aside).
        local, forms: e-mail local parts and name spellings, in one code space.
        full_forms: the spellings with the whole given name (sorenlarsen, not slarsen).
        given_forms: the given name alone or with the family initial (soren, sorenl).
        *_count: per code, how many records carry it (term frequency).
    """

    n: int
    url: np.ndarray
    given: np.ndarray
    family: np.ndarray
    alt_family: np.ndarray
    full: np.ndarray
    given_str: np.ndarray
    given_initials: np.ndarray
    family_str: np.ndarray
    full_str: np.ndarray
    phonetic: np.ndarray
    name_str: np.ndarray
    words_str: np.ndarray
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
    full_forms: np.ndarray
    given_forms: np.ndarray
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
        # A double surname (Ramírez Flores) may be written with its first part only.
        alt_str = _second_family(_strings(records["name_key"]))
        both_codes, _ = _codes(np.concatenate([given_str, family_str, alt_str]))
        given, family, alt_family = both_codes[:n], both_codes[n : 2 * n], both_codes[2 * n :]
        # The full-name key ignores the order of the two parts: "Naidu Anjali" and
        # "Mike Fairwick" written family name first are the same name as the other way.
        full, _ = _codes(_unordered_full(given_str, family_str, has_both))
        phonetic, _ = _codes(_strings(records["name_phonetic"]))
        org_rows, _ = _explode(_lists(records["org_keys"]))

        email_lists = _lists(records["email_keys"])
        personal = [[e for e in v if not is_role_address(e)] for v in email_lists]
        email_rows, email_values = _explode(personal)
        phone_rows, _ = _explode(_lists(records["phones"]))
        given_code, given_values = _codes(given_str)
        given_key_codes = (given_code, given_values)
        family_key_codes = _codes(family_str)
        email_shared = _shared_values(
            email_rows, given_key_codes, family_key_codes, len(email_values)
        )
        phone_shared = _shared_values(
            phone_rows,
            given_key_codes,
            family_key_codes,
            int(phone_rows.codes.max(initial=-1)) + 1,
        )
        email_shared[: len(email_values)] |= np.array(
            [is_role_address(e) for e in email_values], dtype=bool
        )

        name_str = _strings(records["name_key"])
        words_str = _canonical_words(name_str)
        form_rows, full_rows, given_rows, local_rows, local_code = _spellings(
            n,
            _strings(records["given_name"]),
            given_str,
            family_str,
            name_str,
            email_rows,
            email_values,
        )
        # An address that spells one of its holders' whole names is that holder's own,
        # whoever else signs with it (a short form the nickname table does not know).
        email_shared[: len(email_values)] &= ~_spelled_by_holder(
            email_rows, full_rows, local_code, len(email_values)
        )

        def counts(values: np.ndarray) -> np.ndarray:
            # at least one slot: code arrays are indexed with -1 clipped to 0
            return np.bincount(values[values >= 0], minlength=int(values.max(initial=0)) + 1)

        return cls(
            n=n,
            url=url,
            given=given,
            family=family,
            alt_family=alt_family,
            full=full,
            given_str=given_str,
            given_initials=_initials_mask(given_str),
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
            full_forms=full_rows.matrix(n, 8),
            given_forms=given_rows.matrix(n, 4),
            name_str=name_str,
            words_str=words_str,
            name_words=np.array([len(x.split()) if x else 0 for x in name_str], dtype=np.int64),
            form_rows=form_rows,
            local_rows=local_rows,
            full_count=counts(full),
            family_count=counts(family),
            org_count=counts(org_rows.codes),
            email_count=counts(email_rows.codes),
            phone_count=counts(phone_rows.codes),
        )


def compatible_given(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Row-wise: can given keys x[i] and y[i] name one person? The same initial and one
    an initial or a short form of the other (Pat / Patricia) or a near spelling (Jon /
    John, Lars / Laes); nicknames are already canonical, so Bill and William agree."""
    out = np.zeros(len(x), dtype=bool)
    same = np.flatnonzero([p[0] == q[0] for p, q in zip(x, y, strict=True)])
    if not len(same):
        return out
    xs, ys = x[same], y[same]
    short = np.array(
        [
            len(p) == 1 or len(q) == 1 or p.startswith(q) or q.startswith(p)
            for p, q in zip(xs, ys, strict=True)
        ],
        dtype=bool,
    )
    sim = process.cpdist(xs.tolist(), ys.tolist(), scorer=JaroWinkler.normalized_similarity)
    # One slip of the keyboard in a name of four letters or more (Lars / Laes).
    slip = process.cpdist(xs.tolist(), ys.tolist(), scorer=Levenshtein.distance) <= 1
    long = np.array([len(p) >= 4 and len(q) >= 4 for p, q in zip(xs, ys, strict=True)])
    out[same] = short | (np.asarray(sim) >= GIVEN_SIMILARITY) | (np.asarray(slip) & long)
    return out


def _shared_values(
    rows: Exploded,
    given: tuple[np.ndarray, np.ndarray],
    family: tuple[np.ndarray, np.ndarray],
    n_values: int,
) -> np.ndarray:
    """Per value code: seen on records whose given names cannot be one person's (a
    family's mailbox, a switchboard). A name written family name first ("Williams
    Nancy" beside "Nancy Williams") is not a second reader.

    Args:
        rows: (record, value code) rows.
        given, family: per record the code of its given / family key (-1: none) and
            the distinct keys.
        n_values: number of value codes.
    """
    out = np.zeros(max(n_values, 1), dtype=bool)
    if not len(rows.rows):
        return out
    (gc, gv), (fc, fv) = given, family
    g, f = gc[rows.rows], fc[rows.rows]
    known = g >= 0
    pairs = pd.DataFrame({"c": rows.codes[known], "g": g[known], "f": f[known]})
    pairs = pairs.drop_duplicates(["c", "g"])
    pairs = pairs[pairs["c"].duplicated(keep=False)]
    both = pairs.merge(pairs, on="c")
    both = both[both["g_x"] < both["g_y"]]
    gx, gy = gv[both["g_x"].to_numpy()], gv[both["g_y"].to_numpy()]
    apart = ~compatible_given(gx, gy)
    fx, fy = both["f_x"].to_numpy(), both["f_y"].to_numpy()
    swap = np.flatnonzero(apart & (fx >= 0) & (fy >= 0))
    if len(swap):
        canonical = np.array([canonical_given(x) for x in fv], dtype=object)
        fsx, fsy = canonical[fx[swap]], canonical[fy[swap]]
        apart[swap] = ~(compatible_given(gx[swap], fsy) & compatible_given(fsx, gy[swap]))
    out[both["c"].to_numpy()[apart]] = True
    return out
