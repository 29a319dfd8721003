"""Candidate pairs: only records that share a blocking key are ever compared.

Each key (LinkedIn URL, e-mail key, phone, canonical full name, phonetic name, an
e-mail local part spelling a name, organisation with family name or with the first
part of a double surname, organisation with the initial and the family name's first
letters, birth date, birthday with family name, postcode with family or given name,
house number and street, the local parts of nameless addresses) groups records; a
group of at most ``MAX_BLOCK`` records gives all its pairs, a larger one (a common
name, a company's switchboard) is sorted and only records within ``WINDOW`` places
of each other are paired (sorted neighbourhood), which keeps the group connected.
The work grows with the number of records times the window, never with n².
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from transforms.addresses import house_number, street_name
from transforms.features import RecordFeatures
from transforms.nameless import bare_readings, spellings

MAX_BLOCK = 25
WINDOW = 6


def block_pairs(
    rows: np.ndarray,
    keys: np.ndarray,
    order: np.ndarray | None = None,
    max_block: int = MAX_BLOCK,
    window: int = WINDOW,
    kinds: np.ndarray | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """Pairs (a, b) with a < b of records that share a key.

    Args:
        rows: record positions, one per (record, key) row.
        keys: the key code of each row (-1 for none).
        order: a secondary code that sorts a large group so that alike records are
            neighbours (e.g. the company within a common name).
        max_block: largest group that gives all its pairs.
        window: in a larger group, how many following records each one is paired with.
        kinds: when given, only pairs of rows of different kinds (mail local parts
            against name spellings) are wanted; a group of one kind is dropped.
    """
    keep = keys >= 0
    if kinds is not None:
        # Only keys that both kinds carry can give a wanted pair.
        keep &= _carried_by_both(keys, keep, kinds)
    rows, keys = rows[keep], keys[keep]
    sec = np.zeros(len(rows), np.int64) if order is None else order[keep]
    kind = np.zeros(len(rows), np.int64) if kinds is None else kinds[keep]
    rows, keys, kind = _sorted(rows, keys, kind, sec)
    del sec
    if len(keys) < 2:
        return np.empty(0, np.int64), np.empty(0, np.int64)
    starts = np.flatnonzero(np.concatenate([[True], keys[1:] != keys[:-1]]))
    sizes = np.diff(np.concatenate([starts, [len(keys)]]))
    multi = np.repeat(sizes >= 2, sizes)
    rows, keys, kind = rows[multi], keys[multi], kind[multi]
    size = np.repeat(sizes[sizes >= 2], sizes[sizes >= 2])
    out_a, out_b = [], []
    reach = np.where(size <= max_block, size - 1, window)
    del size, multi, starts, sizes
    # Rows that still reach d places on: fewer and fewer as d grows (only the rows of
    # groups larger than d reach that far).
    active = np.arange(len(keys))
    for d in range(1, int(reach.max(initial=0)) + 1):
        active = active[reach[active] >= d]
        i = active[active < len(keys) - d]
        i = i[keys[i] == keys[i + d]]
        if kinds is not None:
            i = i[kind[i] != kind[i + d]]
        out_a.append(rows[i])
        out_b.append(rows[i + d])
    if not out_a:
        return np.empty(0, np.int64), np.empty(0, np.int64)
    del active, reach, keys, kind
    a = np.concatenate(out_a)
    del out_a
    b = np.concatenate(out_b)
    del out_b
    differ = a != b
    a, b = a[differ], b[differ]
    low = np.minimum(a, b)
    np.maximum(a, b, out=b)  # b is this function's own array: no third copy
    return low, b


def _carried_by_both(keys: np.ndarray, valid: np.ndarray, kinds: np.ndarray) -> np.ndarray:
    """Per row: rows of kind 0 and rows of kind 1 both carry its key."""
    top = int(keys.max(initial=0)) + 1
    if top > 4 * len(keys) + 1024:
        # Sparse codes (combined keys run to billions) numbered densely by one hash
        # pass, then marked as dense ones are: sorting them for np.intersect1d and
        # np.isin took 0.5 s for two million rows at a million records, this 0.1 s.
        keys, _ = pd.factorize(keys)
        top = int(keys.max(initial=0)) + 1
    # By marking (a byte per code; counts would be eight).
    zero = np.zeros(top, dtype=bool)
    zero[keys[valid & (kinds == 0)]] = True
    one = np.zeros(top, dtype=bool)
    one[keys[valid & (kinds == 1)]] = True
    zero &= one
    return valid & zero[np.maximum(keys, 0)]


def _sorted(rows, keys, kind, sec) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """rows, keys and kind ordered by key, kind, sec and row.

    The four are packed into one int64 and sorted when their ranges allow it, which is
    several times faster than np.lexsort of the four (equal packed values are equal
    rows, so the order is the same).
    """
    # No copies of what is int64 already (nothing below writes into them).
    rows, keys, kind = (x.astype(np.int64, copy=False) for x in (rows, keys, kind))
    if not len(rows):
        return rows, keys, kind
    sec = sec.astype(np.int64, copy=False) - int(sec.min())
    n_kind, n_sec, n_rows = int(kind.max()) + 1, int(sec.max()) + 1, int(rows.max()) + 1
    n_keys, distinct = int(keys.max()) + 1, None
    if n_keys * n_kind * n_sec * n_rows >= 2**63:
        # Sparse keys (combined codes run to billions) by their rank among the keys
        # present: the same order in smaller numbers, which mostly pack where the keys
        # did not (np.lexsort took 0.2 s for 800,000 rows at a million records).
        keys, distinct = pd.factorize(keys, sort=True)
        n_keys = len(distinct)
    if n_keys * n_kind * n_sec * n_rows >= 2**63 or kind.min() < 0:
        idx = np.lexsort((rows, sec, kind, keys))
        keys = keys[idx]
        return rows[idx], keys if distinct is None else distinct[keys], kind[idx]
    # In place: one array of the rows' length at a time instead of a chain of
    # temporaries (the mail-part block has five million rows at a million records).
    packed = keys * n_kind
    packed += kind
    packed *= n_sec
    packed += sec
    del sec
    packed *= n_rows
    packed += rows
    packed.sort()
    rows = packed % n_rows
    packed //= n_rows * n_sec
    keys = packed // n_kind
    return rows, keys if distinct is None else distinct[keys], packed % n_kind


def candidate_pairs(f: RecordFeatures) -> tuple[np.ndarray, np.ndarray]:
    """All distinct candidate pairs (a < b) of the records, from every blocking key."""
    n = f.n
    everyone = np.arange(n, dtype=np.int64)
    first_org = f.org[:, 0]
    blocks = [
        block_pairs(everyone, f.url),
        block_pairs(f.email_rows.rows, f.email_rows.codes, f.full[f.email_rows.rows]),
        block_pairs(f.phone_rows.rows, f.phone_rows.codes, f.full[f.phone_rows.rows]),
        block_pairs(everyone, f.full, first_org),
        block_pairs(everyone, f.phonetic, f.full),
        block_pairs(
            np.concatenate([f.local_rows.rows, f.form_rows.rows]),
            np.concatenate([f.local_rows.codes, f.form_rows.codes]),
            np.concatenate([f.full[f.local_rows.rows], f.full[f.form_rows.rows]]),
            kinds=np.concatenate(
                [
                    np.zeros(len(f.local_rows.rows), np.int64),
                    np.ones(len(f.form_rows.rows), np.int64),
                ]
            ),
        ),
        # (One _combine over both: combined apart, the two halves' codes had widths of
        # their own, and a double surname's first part never met a plain family name.)
        block_pairs(
            np.concatenate([f.org_rows.rows, f.org_rows.rows]),
            _combine(
                np.concatenate([f.org_rows.codes, f.org_rows.codes]),
                np.concatenate([f.family[f.org_rows.rows], f.alt_family[f.org_rows.rows]]),
            ),
            np.concatenate([f.given[f.org_rows.rows], f.given[f.org_rows.rows]]),
        ),
        _org_initials_block(f),
        # Birthdays and postcodes, where a card has them: the same date, the same day
        # with the same family name (one side without the year), a family at a postcode.
        block_pairs(everyone, f.birthdays.date_code(), f.full),
        block_pairs(everyone, _combine(f.birthdays.month_day.astype(np.int64), f.family), f.given),
        block_pairs(
            f.postcode_rows.rows,
            _combine(f.postcode_rows.codes, f.family[f.postcode_rows.rows]),
            f.given[f.postcode_rows.rows],
        ),
        # A typo in the family name: the given name at the same postcode; and a home,
        # one house number and street, whatever the names say.
        block_pairs(
            f.postcode_rows.rows,
            _combine(f.postcode_rows.codes, f.given[f.postcode_rows.rows]),
            f.family[f.postcode_rows.rows],
        ),
        *_address_blocks(f),
        _short_address_block(f),
        _slug_block(f),
        _nameless_block(f),
    ]
    # One int64 code per pair, made block by block as each block's pair arrays are let
    # go, then sorted in place: the pairs of every block are held once, not three times
    # (0.7 GB at a million records).
    width = np.int64(max(n, 1))
    parts = []
    while blocks:
        x, y = blocks.pop()
        code = x * width
        code += y
        parts.append(code)
        del x, y, code
    codes = np.concatenate([np.empty(0, np.int64), *parts])
    del parts
    codes.sort()
    if len(codes):
        codes = codes[np.concatenate([[True], codes[1:] != codes[:-1]])]
    return codes // width, codes % width


def _org_initials_block(f: RecordFeatures) -> tuple[np.ndarray, np.ndarray]:
    """Pairs of records at one organisation with the given name's initial and the family
    name's first two letters in common, sorted by family name: a slip further on in a
    family name of four letters or more ("Sharja" / "Sharma", "M. Hamfan" / "Mohammed
    Hamdan" at one firm), which the organisation and family name block does not see.

    Measured on 2026-12-04 (session 8): harness-1 F1 0.9437 -> 0.9440, seed 3 0.9294 ->
    0.9296 (one true pair each), harness-0, seeds 2 / 4 and Febrl unchanged; at 1M
    records 9,480,529 -> 9,788,901 candidate pairs (+3%), resolve within its spread.
    Without the organisation (the given name and the family name's first three
    letters) it moved name-only pairs at +2.0 bits across the threshold through the
    name's m, seed 0 F1 -0.0005.
    """
    letters = [_letters(x) for x in f.names.tolist()]
    prefix_of, _ = pd.factorize(
        pd.Series([w[:2] if len(w) >= 4 else None for w in letters], dtype=object)
    )
    prefix = np.append(prefix_of, -1)[f.family]
    initial = np.where(f.initial >= 0, f.initial, -1).astype(np.int64)
    part = _combine(initial, prefix.astype(np.int64))
    rows = f.org_rows.rows
    return block_pairs(rows, _combine(f.org_rows.codes, part[rows]), f.family[rows])


def _address_blocks(f: RecordFeatures) -> list[tuple[np.ndarray, np.ndarray]]:
    """Pairs of records with a house number and street in common, with a house number
    and the street's first letters in common, and with a street and a given name's
    initial in common (none without addresses)."""
    if f.address is None:
        return []
    street = f.address.street
    rows = np.repeat(np.arange(f.n, dtype=np.int64), street.shape[1])
    codes = street.ravel().astype(np.int64)
    # A slip past the street's first letters ("38 onslow sreet", "8 stobiemplace"),
    # made as often as the card's name has one of its own: no other block then finds
    # the two cards of one home.
    near_of, _ = pd.factorize(
        pd.Series([_number_and_prefix(v) for v in f.address.street_values.tolist()], dtype=object)
    )
    near = np.append(near_of, -1)[codes]
    # One person's cards on one street under another house number (a slip in the
    # number, or a move along the street) with slips in the names: the street and the
    # given name's initial, sorted by family name within a long street.
    named = f.address.street_name
    on_street = np.repeat(np.arange(f.n, dtype=np.int64), named.shape[1])
    initial = f.initial[on_street].astype(np.int64)
    given_on_street = _combine(named.ravel().astype(np.int64), initial)
    return [
        block_pairs(rows, codes, f.full[rows]),
        block_pairs(rows, near, f.full[rows]),
        block_pairs(on_street, given_on_street, f.family[on_street]),
    ]


def _number_and_prefix(street_key: str) -> str | None:
    """ "38 ons" for "38 onslow st": the house number and the street's first three
    letters (None without a number or with a shorter street)."""
    number = house_number(street_key)
    letters = _letters(street_name(street_key))
    return f"{number} {letters[:3]}" if number and len(letters) >= 3 else None


def _short_address_block(f: RecordFeatures) -> tuple[np.ndarray, np.ndarray]:
    """A nameless record's work address whose local part is a given name alone or with
    the family initial (lindar@acme.com), against the named records with that given
    name at a company whose name starts as the domain does (Linda Radridge, Acme LLC):
    the first three letters, as abbreviated and suffixed domains (globexhq.com) keep."""
    prefix_of, _ = pd.factorize(
        pd.Series(
            [_letters(x)[:3] or None for x in f.company_values.tolist()]
            + [_letters(x)[:3] or None for x in f.domain_values.tolist()],
            dtype=object,
        )
    )
    cut = len(f.company_values)
    company_prefix = np.append(prefix_of[:cut], -1)[f.company]
    domain_prefix = np.append(prefix_of[cut:], -1)[f.domain[:, 0]]
    # Nameless records, and those with a given name alone ("Timothy <timothya@...>").
    unnamed = ~f.has_name | ((f.family < 0) & (f.given >= 0))
    bare = np.flatnonzero(unnamed & (domain_prefix >= 0) & (f.local[:, 0] >= 0))
    named = np.flatnonzero(f.has_name & (f.family >= 0) & (company_prefix >= 0))
    k = f.given_forms.shape[1]
    rows = np.concatenate([bare, np.repeat(named, k)])
    forms = np.concatenate([f.local[bare, 0], f.given_forms[named].ravel()])
    prefix = np.concatenate([domain_prefix[bare], np.repeat(company_prefix[named], k)])
    kinds = np.concatenate([np.zeros(len(bare), np.int64), np.ones(len(named) * k, np.int64)])
    keys = np.where(forms >= 0, _combine(forms.astype(np.int64), prefix.astype(np.int64)), -1)
    return block_pairs(rows, keys, f.full[rows], kinds=kinds)


def _slug_block(f: RecordFeatures) -> tuple[np.ndarray, np.ndarray]:
    """A nameless record's address whose local part is a profile URL's letters, against
    that profile row (one without addresses: its only local part is the URL's), whatever
    the row's name says (a typo in "Chinedu Nwaola" at /in/chinedu-nwasola)."""
    rows, codes = f.local_rows.rows, f.local_rows.codes
    bare = ~f.has_name[rows]
    profile = f.has_name[rows] & (f.url[rows] >= 0) & (f.email[rows, 0] < 0)
    keep = bare | profile
    # Small groups only: a URL that many addresses spell is a common name, which the
    # name spellings' block already pairs within its window (at a million records a
    # window here too added 140,000 pairs).
    return block_pairs(
        rows[keep],
        codes[keep],
        f.full[rows[keep]],
        kinds=profile[keep].astype(np.int64),
        max_block=4,
        window=0,
    )


def _nameless_block(f: RecordFeatures) -> tuple[np.ndarray, np.ndarray]:
    """Records without a name whose addresses' local parts spell one thing
    (``transforms.nameless.spellings``): takashi.ishiyama@ at two domains,
    galani.francesca@ and francescagalani@. Only nameless records (a named one meets an
    address through the name spellings' block), and never two at one domain, which
    their local parts do not make one person's (jsmith@ and jsmith2@ at one firm): such
    pairs would be compared without evidence, and EM counts a candidate without
    evidence as a near match, which raises every pair's prior."""
    readings = bare_readings(f)
    keys = [spellings(r) if r else () for r in readings]
    domain, _ = pd.factorize(pd.Series([r.domain if r else None for r in readings], dtype=object))
    per_code = np.array([len(k) for k in keys], dtype=np.int64)
    codes, _ = pd.factorize(pd.Series([x for k in keys for x in k], dtype=object))
    # Each (record, address) row once per key of its address.
    per_row = per_code[f.bare_rows.codes]
    starts = np.cumsum(per_code) - per_code
    within = np.arange(int(per_row.sum())) - np.repeat(np.cumsum(per_row) - per_row, per_row)
    flat = np.repeat(starts[f.bare_rows.codes], per_row) + within
    a, b = block_pairs(np.repeat(f.bare_rows.rows, per_row), codes[flat].astype(np.int64))
    # (A record's first address's domain: a nameless record rarely has two.)
    first = np.full(f.n, -1, dtype=np.int64)
    first[f.bare_rows.rows[::-1]] = np.append(domain, -1)[f.bare_rows.codes[::-1]]
    apart = first[a] != first[b]
    return a[apart], b[apart]


def _letters(text: str | None) -> str:
    return "".join(filter(str.isalpha, text)) if text else ""


def _combine(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """One code per (x, y) pair, -1 when either is missing."""
    out = x * np.int64(int(y.max(initial=0)) + 1) + y
    return np.where((x >= 0) & (y >= 0), out, -1)
