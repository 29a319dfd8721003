"""Record features for resolution: integer codes of every matching key, in arrays.

Normalised records become fixed-width code matrices (one row per record, -1 where
empty), so blocking and pair comparison are numpy operations over millions of pairs
rather than Python loops. Strings are coded once; codes compare across records.

Columns are read through Arrow: a string column is dictionary-encoded (codes numbered
by first occurrence, as pd.factorize numbers them: blocking sorts by code) and a list
column is flattened, so no Python object is made per record. Work on the strings
themselves is done once per distinct value, and the features keep codes and the
distinct values rather than a string per record.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property
from urllib.parse import unquote

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
from rapidfuzz import process
from rapidfuzz.distance import JaroWinkler, Levenshtein

from transforms.addresses import house_number, street_name
from transforms.arrow_columns import (
    distinct_combinations,
    encode_objects,
    factorize_objects,
    list_items,
    object_values,
    string_codes,
)
from transforms.name_frequency import name_shares
from transforms.nameless import (
    MIN_LOCAL_LETTERS,
    MIN_NAME_LETTERS,
    Reading,
    family_in_address,
    given_in_address,
    read_address,
)
from transforms.nicknames import canonical_given, distinct_spellings, nickname_table
from transforms.normalise import email_orgs, fold, role_addresses
from transforms.normalise import family_key as normalise_family_key
from transforms.normalise import given_key as normalise_given_key
from transforms.organisation import company_initial
from transforms.personal_details import Birthdays

# A record rarely has more keys than this; extra ones still block, they are only
# left out of pair comparison (which looks at the first ones, best first).
MAX_KEYS_PER_RECORD = 6
# The kinds of source whose files list each person once (an address book, a LinkedIn
# connections export), a duplicate entry now and then aside; a mail file does not (one
# record per correspondent address).
LISTING_SOURCES = ("vcard", "linkedin")
_NOT_LETTER = re.compile(r"[^a-z]")
# A coded column: per record a code, and the distinct values the codes index.
Coded = tuple[np.ndarray, np.ndarray]
# Given names this alike (Jaro-Winkler) with the same initial may be one person's.
GIVEN_SIMILARITY = 0.88


def _recode(codes: np.ndarray, values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Codes (-1 kept) renumbered by first occurrence, as if only the values they use
    had ever been coded; and those values."""
    out = np.full(len(codes), -1, dtype=np.int64)
    valid = codes >= 0
    new, used = pd.factorize(codes[valid])
    out[valid] = new
    return out, values[used]


def _map_codes(codes: np.ndarray, values: np.ndarray, fn) -> tuple[np.ndarray, np.ndarray]:
    """Codes of fn(value) per record (-1 where missing or fn gives None), numbered by
    first occurrence over the records, fn applied once per distinct value.

    The values are in first-occurrence order and each is used: so the mapped values
    meet in the same order, scanning the values as scanning the records.
    """
    mapped, uniques = factorize_objects([fn(v) for v in values.tolist()])
    return np.append(mapped, -1)[codes], uniques


def _pair_codes(x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Codes of the (x, y) pairs by first occurrence, (-1, -1) coded -1; per code its x, y."""
    width = np.int64(max(int(x.max(initial=-1)), int(y.max(initial=-1))) + 2)
    key = (x + 1) * width + (y + 1)
    codes, distinct = pd.factorize(key)
    codes = codes.astype(np.int64)
    px, py = distinct // width - 1, distinct % width - 1
    none = np.flatnonzero((px < 0) & (py < 0))
    if len(none):  # both missing: no pair; later codes move down one
        e = int(none[0])
        codes = np.where(codes == e, -1, codes - (codes > e))
        px, py = np.delete(px, e), np.delete(py, e)
    return codes, px, py


def _strings_at(values: np.ndarray, codes: np.ndarray) -> np.ndarray:
    """values[codes] with None for -1 (an object array, one entry per code)."""
    return np.append(values, None)[codes]


def _isin(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """np.isin for integers by sorting and bisection (numpy's hash-based unique, which
    np.isin uses, is several times slower on millions of integers)."""
    if not len(x) or not len(y):
        return np.zeros(len(x), dtype=bool)
    ordered = np.sort(y)
    where = np.minimum(np.searchsorted(ordered, x), len(ordered) - 1)
    return ordered[where] == x


@dataclass
class Exploded:
    """(record, code) rows of a multi-valued key, sorted by record, no duplicates."""

    rows: np.ndarray
    codes: np.ndarray

    @classmethod
    def of(cls, rows: np.ndarray, codes: np.ndarray) -> Exploded:
        """The rows with a code, a record's repeated code kept once (the first)."""
        keep = codes >= 0
        rows, codes = rows[keep], codes[keep]
        if len(rows):
            key = rows * np.int64(int(codes.max()) + 1) + codes
            first = ~pd.Series(key).duplicated().to_numpy()
            rows, codes = rows[first], codes[first]
        return cls(rows.astype(np.int64), codes.astype(np.int64))

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


# --- names as mail local parts spell them ----------------------------------------------


def _given_spellings(given_name: str | None, given_key: str | None) -> tuple[str, ...]:
    """How a local part may write the given name: its first word, all its words as one
    (Seo-yeon -> seoyeon), and its key (nickname-canonical)."""
    folded = _NOT_LETTER.sub(" ", fold(given_name)).split() if given_name else []
    return tuple(dict.fromkeys(x for x in (*folded[:1], "".join(folded), given_key) if x))


def _later_words(name_key: str) -> tuple[str, ...]:
    """The letters of every word of the name but the first: each may be the family
    name (Miguel Sánchez Galera)."""
    return tuple(_NOT_LETTER.sub("", t) for t in name_key.split()[1:])


def _completed_family(
    given_name: tuple[np.ndarray, np.ndarray],
    given_key: tuple[np.ndarray, np.ndarray],
    family_key: tuple[np.ndarray, np.ndarray],
    email_rows: Exploded,
    email_values: np.ndarray,
    readings: dict[int, Reading | None],
) -> tuple[tuple[np.ndarray, np.ndarray], np.ndarray]:
    """The family keys (codes, values) with, for a record that has a given name and no
    family name, the family name its personal addresses spell beside the given name
    (``nameless.family_in_address``) where they spell one; and per record whether its
    family name was read so. Two addresses that spell two family names complete none.

    The completed name then compares as any whole name does ("exact" against "Anil
    Das", weighed by the name's share and holders). Measured on 2026-12-04 (session 10;
    harness 2,000 people, seeds 0-4 in memory and side by side): F1 0.9476 / 0.9498 /
    0.9402 / 0.9391 / 0.9366 -> 0.9479 / 0.9515 / 0.9410 / 0.9412 / 0.9364 (mean 0.9427
    -> 0.9436), precision -0.0004 to +0.0006, Febrl unchanged; 100k / 300k generated
    records 0.8222 / 0.7760 -> 0.8236 / 0.7774. The completed pairs at "exact" are as
    calibrated as the others (seeds 0-4: 193 pairs, sum of p 133 against 141 true; the
    other exact pairs 8,827 against 9,089). Not kept: the completed pairs at the level
    "spelled" instead (mean F1 0.9422); an undivided rest the tables do not rank
    (deisenmann@), five letters or more (0.9430); local parts of three letters (jwu@
    for Jun: no pair moved).

    Args:
        given_name, given_key, family_key: (codes, distinct values) of the columns.
        email_rows: (record, address code) rows of personal addresses (sorted by record).
        email_values: the distinct addresses (match keys: no "+tag", no Gmail dots).
        readings: ``read_address`` per address code, filled as addresses are read.
    """
    (gn, gn_v), (gk, gk_v), fk = given_name, given_key, family_key[0]
    completed = np.zeros(len(fk), dtype=bool)
    spellings: dict[tuple[int, int], tuple[str, ...]] = {}

    def family(r: int, reading: Reading) -> str | None:
        key = (int(gn[r]), int(gk[r]))
        if (givens := spellings.get(key)) is None:
            written = gn_v[key[0]] if key[0] >= 0 else None
            givens = spellings[key] = _given_spellings(written, gk_v[key[1]])
        return family_in_address(givens, reading)

    found = _spelled_once((fk < 0) & (gk >= 0), email_rows, email_values, readings, family)
    if not found:
        return family_key, completed
    rows = np.fromiter(found, dtype=np.int64, count=len(found))
    completed[rows] = True
    families = [normalise_family_key(v) for v in found.values()]
    return _with_values(family_key, rows, families), completed


def _spelled_once(
    wanted: np.ndarray,
    email_rows: Exploded,
    email_values: np.ndarray,
    readings: dict[int, Reading | None],
    spell: Callable[[int, Reading], str | None],
) -> dict[int, str]:
    """Per wanted record with personal addresses, the one name they spell (``spell(record,
    reading)``, None for none) where they spell exactly one: two addresses that spell two
    names complete none. Each address is read once (``readings``)."""
    starts = np.searchsorted(email_rows.rows, np.arange(len(wanted) + 1))
    found: dict[int, str] = {}
    for r in np.flatnonzero(wanted & (starts[1:] > starts[:-1])).tolist():
        names = set()
        for code in email_rows.codes[starts[r] : starts[r + 1]].tolist():
            if code not in readings:
                readings[code] = read_address(email_values[code])
            if (reading := readings[code]) is not None:
                names.add(spell(r, reading))
        names.discard(None)
        if len(names) == 1:
            found[r] = names.pop()
    return found


def _with_values(column: Coded, rows: np.ndarray, values: list[str]) -> Coded:
    """A coded column (codes, distinct values) with ``rows`` set to ``values``: a value
    already among the distinct ones keeps its code, a new one is appended."""
    old_codes, old_values = column
    keys, new_values = factorize_objects(values)
    at = {v: i for i, v in enumerate(old_values.tolist())}
    where = np.array([at.get(v, -1) for v in new_values.tolist()], dtype=np.int64)
    missing = np.flatnonzero(where < 0)
    where[missing] = len(old_values) + np.arange(len(missing))
    codes = old_codes.copy()
    codes[rows] = where[keys]
    return codes, np.concatenate([old_values, new_values[missing]])


def _completed_given(
    given_name: Coded,
    given_key: Coded,
    family_key: Coded,
    name_key: Coded,
    email_rows: Exploded,
    email_values: np.ndarray,
    readings: dict[int, Reading | None],
) -> tuple[Coded, Coded, Coded, np.ndarray]:
    """The given names as written and as keys, and the name keys, with, for a record
    whose given name is an initial and that has a family name, the given name its
    personal addresses spell beside the family name (``nameless.given_in_address``:
    "H. Li" <hui.li@...> is Hui Li) where they spell one; and per record whether its
    given name was read so. Two addresses that spell two given names complete none.

    Two initials alike ("H. Li" and "H. Li") compare as one name written twice; read
    from their addresses (hui.li@, hao.li@) they are two names, and one compares with
    "Hui Li" as the whole name. Measured on 2026-12-04 (session 10, in memory against
    integ 3ed3739; side by side the same): harness seeds 0-4 F1 0.9521 / 0.9556 / 0.9420
    / 0.9445 / 0.9384 -> 0.9508 / 0.9571 / 0.9426 / 0.9468 / 0.9414, seeds 5-9 mean
    0.9333 -> 0.9349, precision up or equal but seeds 7 (-0.0013: namesakes read whole)
    and 9 (-0.0004); 20,000 people 0.8727 -> 0.8742 (P +0.0012); Febrl unchanged (no
    addresses). Seeds 0-9 complete 483 initials, every one to its person's given name;
    1M records 12,586 in 0.5 s. Not kept: the completed name against an initial as
    written too ("close": seeds 0-4 0.9506 / 0.9546 / 0.9426 / 0.9463 / 0.9406).

    Args:
        given_name, given_key, family_key, name_key: (codes, distinct values).
        email_rows: (record, address code) rows of personal addresses (sorted by record).
        email_values: the distinct addresses (match keys: no "+tag", no Gmail dots).
        readings: ``read_address`` per address code, filled as addresses are read.
    """
    (gk, gk_v), (fk, fk_v), (nk, nk_v) = given_key, family_key, name_key
    completed = np.zeros(len(gk), dtype=bool)
    initial = np.array([len(v) == 1 for v in gk_v.tolist()] + [False])[gk]
    spellings: dict[tuple[int, int], tuple[str, ...]] = {}

    def given(r: int, reading: Reading) -> str | None:
        key = (int(fk[r]), int(nk[r]))
        if (families := spellings.get(key)) is None:
            later = _later_words(nk_v[key[1]]) if key[1] >= 0 else ()
            families = spellings[key] = tuple(
                x for x in _family_spellings(fk_v[key[0]], later) if len(x) >= MIN_NAME_LETTERS
            )
        return given_in_address(gk_v[gk[r]], families, reading)

    found = _spelled_once(initial & (fk >= 0), email_rows, email_values, readings, given)
    if not found:
        return given_name, given_key, name_key, completed
    rows = np.fromiter(found, dtype=np.int64, count=len(found))
    completed[rows] = True
    words = list(found.values())
    # The name's words too ("h li" -> "hui li"): two H. Lis are otherwise one name's
    # words written twice (``scoring._name_similarities``).
    names = []
    for r, word in found.items():
        first, _, rest = nk_v[nk[r]].partition(" ") if nk[r] >= 0 else ("", "", "")
        names.append(f"{word} {rest}" if first == gk_v[gk[r]] and rest else nk_v[nk[r]])
    return (
        _with_values(given_name, rows, words),
        _with_values(given_key, rows, [normalise_given_key(v) for v in words]),
        _with_values(name_key, rows, names),
        completed,
    )


def _distinct_spelling(given_name: str | None) -> str | None:
    """The written given name's first word where it is one of two names spelled alike
    that the nickname table joins (Steven, Stephen), else None."""
    words = _NOT_LETTER.sub(" ", fold(given_name)).split() if given_name else []
    return words[0] if words and words[0] in distinct_spellings() else None


def _given_spellings_of(given_name, given_key, family_key, email_rows, email_values):
    """Per record, a code of the spelling it writes its given name in where that is one
    of two names spelled alike (``_distinct_spelling``), else -1: the name as written,
    else the one its mail addresses spell ("Steve <steven.smith@...>" is a Steven,
    "Katie <katherine.blackford@...>" a Katherine), when they spell one."""
    codes, values = _map_codes(*given_name, _distinct_spelling)
    spelling = np.append(values, None)[codes]
    members = sorted(distinct_spellings())
    groups: dict[str, list[str]] = {}
    for name in members:
        groups.setdefault(canonical_given(name), []).append(name)
    # Per distinct given key its group: its own, or a slip's ("Pilip" is a Philip or a
    # Phillip mistyped; its address says which).
    distinct = np.asarray(given_key[1], dtype=object)
    group_of = np.array([k if k in groups else None for k in distinct.tolist()] + [None])
    if len(distinct) and members:
        slips = process.cdist(
            distinct.tolist(), members, scorer=Levenshtein.distance, score_cutoff=1, workers=-1
        )
        lengths = np.fromiter(map(len, distinct.tolist()), dtype=np.int64, count=len(distinct))
        near = (slips <= 1).any(axis=1) & (lengths >= 4) & (group_of[:-1] == None)  # noqa: E711
        for i in np.flatnonzero(near).tolist():
            group_of[i] = canonical_given(members[int(np.argmax(slips[i] <= 1))])
    keys = group_of[given_key[0]]
    families = np.append(np.asarray(family_key[1], dtype=object), None)[family_key[0]]
    starts = np.searchsorted(email_rows.rows, np.arange(len(codes) + 1))
    todo = np.flatnonzero((codes < 0) & (keys != None) & (starts[1:] > starts[:-1]))  # noqa: E711
    for r in todo.tolist():
        family = families[r] or ""
        found = set()
        for code in email_rows.codes[starts[r] : starts[r + 1]].tolist():
            words = _NOT_LETTER.sub(" ", email_values[code].partition("@")[0]).split()
            whole = "".join(words)
            for name in groups[keys[r]]:
                if name in words or (
                    family and whole in (name + family, family + name, name + family[0])
                ):
                    found.add(name)
        if len(found) == 1:
            spelling[r] = found.pop()
    return factorize_objects(spelling.tolist())[0] if len(todo) else codes


_DISPLAY_WORD = re.compile(r"[^\W\d_]+(?:['’-][^\W\d_]+)*")


def _word_class(match: re.Match) -> str:
    word = match.group(0)
    if len(word) == 1:
        return "A" if word.isupper() else "a"
    if word.isupper():
        return "AA"
    return "Aa" if word[0].isupper() else "a"


def _display_shape(name: str) -> str:
    """How a display name is written, whatever the name: each word as its case ("John
    Smith" -> "Aa Aa", "smith, john" -> "a, a", "J. Smith" -> "A. Aa"); a hyphen or an
    apostrophe inside a word is the name's own ("Layla Al-Kadawi" -> "Aa Aa")."""
    return " ".join(_DISPLAY_WORD.sub(_word_class, name).split())


def _mail_displays(records: pd.DataFrame) -> dict[str, np.ndarray | None]:
    """Per mail record the code of its display name exactly as written (-1 for other
    sources and bare addresses), and per code the share of named mail records whose
    display name has its shape (``_display_shape``): how often a stranger of the same
    name writes it the same way (NaN for names only other sources write)."""
    if "name_raw" not in records or "source" not in records:
        return {"display": None, "display_share": None}
    codes, values = string_codes(records["name_raw"])
    mail = (records["source"].to_numpy(dtype=object) == "mail") & (codes >= 0)
    codes = np.where(mail, codes, -1)
    # Only the names mail records write are shaped (half the distinct names at a
    # million records); the others' share is NaN, never read.
    used = np.unique(codes[mail])
    shape_of, _ = factorize_objects([_display_shape(v) for v in values[used].tolist()])
    shapes = shape_of[np.searchsorted(used, codes[mail])]
    per_shape = np.bincount(shapes, minlength=int(shape_of.max(initial=-1)) + 1)
    share = np.full(len(values), np.nan)
    share[used] = per_shape[shape_of] / max(len(shapes), 1)
    return {"display": codes, "display_share": share}


def _record_sources(records: pd.DataFrame) -> np.ndarray | None:
    """Per record the code of its kind of source (LinkedIn, vCard, mail, ...), numbered
    by the kind's name so that the same kinds get the same codes in any file."""
    if "source" not in records:
        return None
    codes, values = string_codes(records["source"])
    rank = np.empty(len(values) + 1, dtype=np.int8)
    rank[np.argsort(np.asarray(values, dtype=str), kind="stable")] = np.arange(len(values))
    rank[-1] = len(values)  # no source (never in the product): a kind of its own
    return rank[codes]


# The locator the LinkedIn connector gives a row of a connections export ("Connections.csv
# row 12"): the rows of one such file are one person each. (A messages counterpart or an
# uploaded address book's contact is another file's row, unless it is a connection's.)
_CONNECTIONS_ROW = r"(?i)(?:^|[/\\!])connections[^/\\!]*\.csv row \d+$"


def _connections_file(records: pd.DataFrame, codes: np.ndarray, source: np.ndarray) -> np.ndarray:
    """Per record its file's code where it is a row of a LinkedIn connections export
    (``RecordFeatures.connections_file``), else -1."""
    out = np.full(len(source), -1, dtype=np.int32)
    if "locator" not in records:
        return out
    linkedin = np.flatnonzero(source == "linkedin")
    if not len(linkedin):
        return out
    locator = records["locator"].iloc[linkedin].astype("string")
    row = locator.str.contains(_CONNECTIONS_ROW, regex=True).fillna(False).to_numpy(dtype=bool)
    out[linkedin[row]] = codes[linkedin[row]]
    return out


def _source_files(records: pd.DataFrame) -> dict[str, np.ndarray | None]:
    """Per record the code of its source file (-1: none), the same for mail records only
    (-1 for other sources): a mail file gives one record per correspondent address,
    so two of its records never share one; and the same for the records of files that
    list each person once (``LISTING_SOURCES``)."""
    if "source_file" not in records or "source" not in records:
        return {"file": None, "mail_file": None, "listing_file": None, "connections_file": None}
    codes, _ = string_codes(records["source_file"], values=False)
    codes = codes.astype(np.int32)
    source = records["source"].to_numpy(dtype=object)
    # A listing is a file's entries of one kind (a connections export and an address
    # book are two listings wherever their files are).
    kinds = np.full(len(source), -1, dtype=np.int32)
    for i, kind in enumerate(LISTING_SOURCES):
        kinds[source == kind] = i
    listing = codes * np.int32(len(LISTING_SOURCES)) + kinds
    return {
        "file": codes,
        "mail_file": np.where(source == "mail", codes, -1).astype(np.int32),
        "listing_file": np.where(kinds >= 0, listing, -1).astype(np.int32),
        "connections_file": _connections_file(records, codes, source),
    }


def _family_spellings(family: str | None, later: tuple[str, ...]) -> tuple[str, ...]:
    """The family name and the later words of the name (``_later_words``)."""
    return tuple(dict.fromkeys(x for x in (family, *later) if x))


def _name_forms(
    givens: tuple[str, ...], families: tuple[str, ...], family: str | None
) -> tuple[list[str], int, list[str]]:
    """Ways a mail local part spells a name: williamsmith, wsmith, smithw, billsmith...

    Args:
        givens: the given name's spellings (``_given_spellings``).
        families: the family name's spellings (``_family_spellings``).
        family: the family key.

    Returns:
        The spellings, those with the whole given name first; how many those are; and
        the spellings of the given name alone or with the family initial (john,
        jonathanw), which say who an initial stands for once the family names agree.
    """
    full, short = [], []
    for fam in families:
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


_NOTHING = pa.scalar("", pa.large_string())  # the separator of joined strings


def _flat(tuples: list[tuple[str, ...]]) -> tuple[pa.Array, np.ndarray, np.ndarray]:
    """Tuples of strings as one Arrow array, with each tuple's length and offset."""
    lengths = np.array([len(t) for t in tuples], dtype=np.int64)
    flat = pa.array([x for t in tuples for x in t], pa.large_string())
    return flat, lengths, np.cumsum(lengths) - lengths


def _within(group: np.ndarray, n_groups: int) -> np.ndarray:
    """Per element of a group-sorted array, its rank within its group."""
    counts = np.bincount(group, minlength=n_groups)
    return np.arange(len(group)) - np.repeat(np.cumsum(counts) - counts, counts)


def _both_ways(group: np.ndarray, x: pa.Array, y: pa.Array) -> tuple[np.ndarray, pa.Array]:
    """x + y then y + x, element by element: per element its group and both strings."""
    xy = pc.binary_join_element_wise(x, y, _NOTHING)
    yx = pc.binary_join_element_wise(y, x, _NOTHING)
    order = np.arange(2 * len(group)).reshape(2, -1).T.ravel()
    return np.repeat(group, 2), pa.concat_arrays([xy, yx]).take(order)


def _in_group_order(n_groups: int, *blocks: np.ndarray) -> list[np.ndarray]:
    """Where each element of several group-sorted blocks goes when the blocks are merged
    group by group, a group's elements of the first block before those of the second."""
    counts = [np.bincount(g, minlength=n_groups) for g in blocks]
    before = np.cumsum(sum(counts)) - sum(counts)
    out = []
    for group, c in zip(blocks, counts, strict=True):
        out.append(before[group] + _within(group, n_groups))
        before = before + c
    return out


def _forms_of_groups(
    givens: list[tuple[str, ...]],
    families: list[tuple[str, ...]],
    given_of: np.ndarray,
    family_of: np.ndarray,
    family_key: list[str | None],
    extra: list[str],
):
    """``_name_forms`` of many names at once, in Arrow and numpy rather than per name.

    Args:
        givens: per given combination its spellings (``_given_spellings``).
        families: per family combination its spellings (``_family_spellings``).
        given_of, family_of: per name its given and its family combination.
        family_key: per name its family key.
        extra: more strings to code in the same code space (mail local parts).

    Returns:
        Codes numbered by first occurrence over: every name's spellings in turn (as
        ``_name_forms`` lists them), then every name's given-name spellings, then the
        extra strings. With per name how many spellings it has, how many of them have
        the whole given name, and how many given-name spellings it has.
    """
    n = len(given_of)
    g_flat, g_len, g_off = _flat(givens)
    f_flat, f_len, f_off = _flat(families)
    g_chars = pc.utf8_length(g_flat).to_numpy(zero_copy_only=False)
    # Every (family spelling, given spelling) of every name, family-major as in the loop.
    inner = g_len[given_of]
    count = f_len[family_of] * inner
    group = np.repeat(np.arange(n, dtype=np.int64), count)
    e = _within(group, n)
    gi = g_off[given_of][group] + e % inner[group]
    fi = f_off[family_of][group] + e // inner[group]
    g, fam = g_flat.take(gi), f_flat.take(fi)
    whole = np.flatnonzero(g_chars[gi] >= 2)
    full_group, full = _both_ways(group[whole], g.take(whole), fam.take(whole))
    short_group, short = _both_ways(group, pc.utf8_slice_codeunits(g, 0, 1), fam)
    # The given name alone (two letters or more), then with the family initial.
    group = np.repeat(np.arange(n, dtype=np.int64), inner)
    gi = g_off[given_of][group] + _within(group, n)
    keep = np.flatnonzero(g_chars[gi] >= 2)
    alone_group, alone = group[keep], g_flat.take(gi[keep])
    initial = pc.utf8_slice_codeunits(pa.array(family_key, pa.large_string()), 0, 1)
    with_family = np.flatnonzero(~initial.is_null().to_numpy(zero_copy_only=False)[alone_group])
    initialled = pc.binary_join_element_wise(
        alone.take(with_family), initial.take(alone_group[with_family]), _NOTHING
    )
    alone_dest, initialled_dest = _in_group_order(n, alone_group, alone_group[with_family])
    alone_group = np.concatenate([alone_group, alone_group[with_family]])
    order = np.argsort(np.concatenate([alone_dest, initialled_dest]))
    alone_group = alone_group[order]
    plain = (np.arange(len(order)) < len(alone_dest))[order]
    alone = pa.concat_arrays([alone, initialled]).take(order)

    # One code per distinct string, to find repeats within a name.
    strings = pa.concat_arrays([full, short, alone, pa.array(extra, pa.large_string())])
    ids, _ = encode_objects(strings)
    long = pc.utf8_length(strings).to_numpy(zero_copy_only=False) >= MIN_LOCAL_LETTERS
    cut = np.cumsum([len(full), len(short), len(alone)])
    width = np.int64(int(ids.max(initial=0)) + 1)

    def firsts(group, part):
        key = group * width + ids[part]
        return ~pd.Series(key).duplicated().to_numpy() & long[part], key

    keep_full, full_key = firsts(full_group, slice(0, cut[0]))
    keep_short, short_key = firsts(short_group, slice(cut[0], cut[1]))
    keep_short &= ~_isin(short_key, full_key)
    keep_alone, _ = firsts(alone_group, slice(cut[1], cut[2]))
    full_group, short_group = full_group[keep_full], short_group[keep_short]
    full_dest, short_dest = _in_group_order(n, full_group, short_group)
    form_ids = np.empty(len(full_dest) + len(short_dest), dtype=np.int64)
    form_ids[full_dest] = ids[: cut[0]][keep_full]
    form_ids[short_dest] = ids[cut[0] : cut[1]][keep_short]
    sequence = np.concatenate([form_ids, ids[cut[1] : cut[2]][keep_alone], ids[cut[2] :]])
    codes, _ = pd.factorize(sequence)
    n_full = np.bincount(full_group, minlength=n)
    n_forms = n_full + np.bincount(short_group, minlength=n)
    n_alone = np.bincount(alone_group[keep_alone], minlength=n)
    n_plain = np.bincount(alone_group[keep_alone & plain], minlength=n)
    return codes.astype(np.int64), n_forms, n_full, n_alone, n_plain


def _merged_rows(first: Exploded, second: Exploded) -> Exploded:
    """Both row sets, sorted by record, a record's rows of ``first`` ahead."""
    rows = np.concatenate([first.rows, second.rows])
    order = np.argsort(rows, kind="stable")
    return Exploded(rows[order], np.concatenate([first.codes, second.codes])[order])


def _profile_slugs(urls: pd.Series, first_code: int) -> tuple[Exploded, np.ndarray]:
    """(record, code) rows of the name a profile URL spells, as pseudo-addresses
    (``<slug>@in``) coded from ``first_code`` on: the last path part without the suffix
    LinkedIn adds to tell namesakes apart (-693d4c, -392). By Arrow kernels: a million
    records hold some 700,000 profiles."""
    codes, values = string_codes(urls)
    array = pa.array(values.tolist(), pa.large_string())
    slug = pc.replace_substring_regex(pc.utf8_rtrim(array, "/"), r"^.*/", "")
    slug = pc.replace_substring_regex(slug, r"-[0-9a-z]*[0-9][0-9a-z]*$", "")
    at = pa.scalar("@in", pa.large_string())
    addresses = object_values(pc.binary_join_element_wise(slug, at, _NOTHING))
    for i in np.flatnonzero(pc.match_substring(slug, "%").to_numpy(zero_copy_only=False)):
        addresses[i] = unquote(addresses[i])  # /in/paula-p%C3%A9rez: letters, not codes
    rows = np.flatnonzero(codes >= 0)
    return Exploded.of(rows, codes[rows] + first_code), addresses


def _local_letters(addresses: np.ndarray) -> list[str | None]:
    """Per address the letters of its folded local part (J.Smith-2@ -> jsmith), None
    when fewer than ``MIN_LOCAL_LETTERS``.

    ASCII addresses (nearly all) are done by Arrow kernels: folding ASCII text is
    lower-casing it. The others go through ``fold``.
    """
    if not len(addresses):
        return []
    array = pa.array(addresses, pa.large_string())
    local = pc.list_element(pc.split_pattern(pc.ascii_lower(array), "@", max_splits=1), 0)
    letters = pc.replace_substring_regex(local, "[^a-z]", "").to_pylist()
    for i in np.flatnonzero(~pc.string_is_ascii(array).to_numpy(zero_copy_only=False)):
        letters[i] = _NOT_LETTER.sub("", fold(addresses[i].split("@")[0]))
    return [x if len(x) >= MIN_LOCAL_LETTERS else None for x in letters]


def _exploded_groups(group: np.ndarray, flat: np.ndarray, lengths: np.ndarray) -> Exploded:
    """(record, code) rows: every record gets the codes of its group, which are
    flat[offset:offset + length] of the group's length, groups in order."""
    lengths = np.append(lengths, 0).astype(np.int64)
    offsets = np.cumsum(lengths) - lengths
    per_record = lengths[group]
    rows = np.repeat(np.arange(len(group), dtype=np.int64), per_record)
    within = np.arange(len(rows)) - np.repeat(np.cumsum(per_record) - per_record, per_record)
    return Exploded(rows, flat[np.repeat(offsets[group], per_record) + within])


def _spellings(
    names: tuple[tuple[np.ndarray, np.ndarray], ...],
    email_rows: Exploded,
    email_values: np.ndarray,
):
    """(record, code) rows of name spellings and of mail local parts, in one code space.

    Computed once per distinct name and per distinct address: a million records that
    repeat a few hundred thousand names cost what those cost.

    Args:
        names: (codes, distinct values) of given_name, given_key, family_key, name_key.
        email_rows: (record, address code) rows of personal addresses.
        email_values: the distinct addresses.

    Returns:
        All spellings, the spellings with the whole given name, those of the given
        name alone, the local parts, and per address code its local part's code (-1).
    """
    (gn, gn_v), (gk, gk_v), (fk, fk_v), (nk, nk_v) = names
    # The given and the family spellings depend on two columns each: done per distinct
    # pair, then combined per distinct name.
    given_of, given_member = distinct_combinations(gn, gk)
    family_of, family_member = distinct_combinations(fk, nk)
    givens = [
        _given_spellings(x, y)
        for x, y in zip(
            _strings_at(gn_v, gn[given_member]).tolist(),
            _strings_at(gk_v, gk[given_member]).tolist(),
            strict=True,
        )
    ]
    later = [_later_words(x) for x in nk_v.tolist()] + [()]
    families = [
        _family_spellings(x, later[y])
        for x, y in zip(
            _strings_at(fk_v, fk[family_member]).tolist(), nk[family_member].tolist(), strict=True
        )
    ]
    group, member = distinct_combinations(gn, gk, fk, nk)
    local_of = _local_letters(email_values)
    has_local = np.array([x is not None for x in local_of], dtype=bool)
    codes, n_forms, n_full, n_alone, n_plain = _forms_of_groups(
        givens,
        families,
        given_of[member],
        family_of[member],
        _strings_at(fk_v, fk[member]).tolist(),
        [x for x in local_of if x is not None],
    )
    total_forms, total_alone = int(n_forms.sum()), int(n_alone.sum())
    form_codes = codes[:total_forms]
    local_code = np.full(len(local_of) + 1, -1, dtype=np.int64)
    local_code[np.flatnonzero(has_local)] = codes[total_forms + total_alone :]

    form_rows = _exploded_groups(group, form_codes, n_forms)
    # The spellings with the whole given name are the first ones of each name.
    rank = np.arange(total_forms) - np.repeat(np.cumsum(n_forms) - n_forms, n_forms)
    full_rows = _exploded_groups(group, form_codes[rank < np.repeat(n_full, n_forms)], n_full)
    given_rows = _exploded_groups(group, codes[total_forms : total_forms + total_alone], n_alone)
    lc = local_code[email_rows.codes] if len(email_rows.codes) else np.empty(0, np.int64)
    local_rows = Exploded.of(email_rows.rows, lc)
    # The given name alone comes first among a name's given spellings, then with the
    # family initial: per record how many are alone.
    given_plain = np.append(n_plain, 0)[group].astype(np.int8)
    return form_rows, full_rows, given_rows, local_rows, local_code[:-1], given_plain


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
    own = _isin(
        email_rows.rows[valid] * width + lc[valid], full_rows.rows * width + full_rows.codes
    )
    out[email_rows.codes[valid][own]] = True
    return out


def _nameless_spellers(
    full: np.ndarray, full_rows: Exploded, local_rows: Exploded, bare: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per full-name code, how many records without a name have an address that spells
    it whole (takashi.ishiyama@ for Takashi Ishiyama): records of the name too. And the
    local parts that spell a name (sorted codes) with the name each spells (the one on
    most records where several)."""
    out = np.zeros(int(full.max(initial=0)) + 1, dtype=np.int64)
    none = np.empty(0, dtype=np.int64)
    mine = bare[local_rows.rows]
    rows, codes = local_rows.rows[mine], local_rows.codes[mine]
    spelled = _isin(full_rows.codes, codes) & (full[full_rows.rows] >= 0)
    if not spelled.any():
        return out, none, none
    names = pd.DataFrame({"code": full_rows.codes[spelled], "full": full[full_rows.rows[spelled]]})
    names = names.drop_duplicates()
    found = pd.DataFrame({"row": rows, "code": codes}).merge(names, on="code")
    found = found.drop_duplicates(["row", "full"])
    out += np.bincount(found["full"].to_numpy(), minlength=len(out))
    on = np.bincount(full[full >= 0], minlength=len(out)) + out
    names = names.assign(records=on[names["full"].to_numpy()])
    names = names.sort_values(["code", "records", "full"], ascending=[True, False, True])
    names = names.drop_duplicates("code")
    return out, names["code"].to_numpy(np.int64), names["full"].to_numpy(np.int64)


def _initials_mask(given_values: np.ndarray) -> np.ndarray:
    """Per given key, bit i set when letter a+i may be written as its initial."""
    diminutives: dict[str, set[str]] = {}
    for nick, canonical in nickname_table().items():
        diminutives.setdefault(canonical, set()).add(nick)
    masks = []
    for g in given_values.tolist():
        mask = 0
        for word in (g, *diminutives.get(g, ())):
            if "a" <= word[0] <= "z":
                mask |= 1 << (ord(word[0]) - ord("a"))
        masks.append(mask)
    return np.array(masks, dtype=np.int64)


def _second_family(name: str) -> str | None:
    """The word before the last of a name of three words or more, else None."""
    words = name.split()
    return words[-2] if len(words) >= 3 and len(words[-2]) > 1 else None


def _canonical_words(name: str) -> str:
    """The name's words, nickname-canonical (Pepe -> jose)."""
    return " ".join(canonical_given(w) for w in name.split())


# The columns ``RecordFeatures.from_records`` reads (``Addresses.from_records`` and
# ``_mail_displays`` included), and no other: resolve reorders only these, not the raw
# columns it never reads (2 s of copying at a million records).
FEATURE_COLUMNS = (
    "linkedin_url",
    "given_key",
    "family_key",
    "name_key",
    "name_phonetic",
    "company_key",
    "org_keys",
    "phones",
    "email_keys",
    "given_name",
    "birthday",
    "postcodes",
    "street_keys",
    "localities",
    "name_raw",
    "source",
    "source_file",
    "locator",
)


@dataclass
class RecordFeatures:
    """Matching keys of n records as integer codes (row i = record i).

    Strings are kept once per distinct value: a code indexes its value array (the
    ``*_str`` properties give a string per record where one is wanted).

    Attributes:
        n: number of records.
        url: LinkedIn URL code.
        given, family: codes of given_key and family_key, in one code space whose
            values are ``names`` (so that swapped names compare).
        alt_family: in that code space, the word before the last of a name of three
            words or more (the first part of a double surname), else -1.
        full: code of the full-name key (given and family in sorted order).
        written, written_values: code of the name as written (given, family or both,
            -1 when neither) and those strings, for similarity scores.
        given_initials: per record a bit per letter a-z that an initial standing for
            its given name may be: its own, or a diminutive's (B. for Bill = William).
        initial, family_initial: code point of the given / family key's first letter
            (-1 / -2 when missing); given_length: its length in letters (0: none).
        phonetic: name_phonetic code.
        name, name_values: code of the folded whole name (name_key) and the names;
            name_words: its word count.
        words, words_values: code of name_key with every word nickname-canonical (Pepe
            -> jose), for comparing names as sets of words, and those strings.
        company, company_values: company_key codes and strings; org: organisation
            codes (n x k).
        email, phone: personal e-mail key and phone codes (n x k).
        email_shared, phone_shared: per code, True when the value is a shared mailbox
            or line (a role address, or seen with given names that cannot be one
            person's, a name written family name first aside).
        local, forms: e-mail local parts and name spellings, in one code space.
        full_forms: the spellings with the whole given name (sorenlarsen, not slarsen).
        given_forms: the given name alone or with the family initial (soren, sorenl).
        given_plain: per record how many of its ``given_forms`` (the first ones) are the
            given name alone; the rest carry the family initial.
        bare_rows, bare_values: (record, code) rows of the personal addresses of the
            records without a name, and those addresses as written.
        spelled_local, spelled_full: the local parts (codes, sorted) of records without
            a name that spell a named record's whole name, and per local part that
            name's full-name code (the one on most records where several).
        *_count: per code, how many records carry it (term frequency); a full name's
            also counts the records without a name whose address spells it whole.
        full_profiles: per full-name code, how many distinct LinkedIn profiles carry it:
            at least that many people have the name (LinkedIn lists each once).
        domain, domain_values: the organisation of each work address (n x k codes, the
            ``email_org`` keys), to compare with the other record's company name.
        domain_initial, company_initial: per domain / company value its first letter's
            code point (-1 for an empty one).
        given_share, family_share: per code of ``names``, the share of people in the
            world with that given / family name (``transforms.name_frequency``).
        family_from_address: per record, its family name was read from its address
            (a lone given name completed: ``_completed_family``).
        given_from_address: per record, its given name was read from its address (an
            initial completed: ``_completed_given``).
        birthdays: day of the year and year per record (phone-book cards only).
        postcode, postcode_rows: postal code codes (n x k) and their (record, code) rows.
        file, mail_file, listing_file: per record its source file's code, per mail
            record (-1 for other sources), and per record of a file that lists each
            person once (``LISTING_SOURCES``; -1 for other sources) (``_source_files``).
        connections_file: per LinkedIn connections row its file's code (-1 for other
            records): two rows of one export are two people, with or without the
            profile URL (LinkedIn's exports of 2018 have no URL column).
        source: per record its kind of source's code (``_record_sources``).
    """

    n: int
    url: np.ndarray
    given: np.ndarray
    family: np.ndarray
    alt_family: np.ndarray
    names: np.ndarray
    full: np.ndarray
    written: np.ndarray
    written_values: np.ndarray
    given_initials: np.ndarray
    initial: np.ndarray
    family_initial: np.ndarray
    given_length: np.ndarray
    phonetic: np.ndarray
    name: np.ndarray
    name_values: np.ndarray
    name_words: np.ndarray
    words: np.ndarray
    words_values: np.ndarray
    company: np.ndarray
    company_values: np.ndarray
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
    given_plain: np.ndarray
    form_rows: Exploded
    local_rows: Exploded
    bare_rows: Exploded
    bare_values: np.ndarray
    spelled_local: np.ndarray
    spelled_full: np.ndarray
    full_count: np.ndarray
    full_profiles: np.ndarray
    given_count: np.ndarray
    family_count: np.ndarray
    org_count: np.ndarray
    email_count: np.ndarray
    phone_count: np.ndarray
    birthdays: Birthdays
    postcode: np.ndarray
    postcode_rows: Exploded
    postcode_count: np.ndarray
    domain: np.ndarray
    domain_values: np.ndarray
    domain_initial: np.ndarray
    company_initial: np.ndarray
    given_share: np.ndarray
    family_share: np.ndarray
    address: Addresses | None = None
    given_spelling: np.ndarray | None = None
    family_from_address: np.ndarray | None = None
    given_from_address: np.ndarray | None = None
    display: np.ndarray | None = None
    display_share: np.ndarray | None = None
    mail_file: np.ndarray | None = None
    listing_file: np.ndarray | None = None
    connections_file: np.ndarray | None = None
    file: np.ndarray | None = None
    source: np.ndarray | None = None

    # Per-record flags of the keys, for comparing pairs by indexing alone.

    @cached_property
    def has_name(self) -> np.ndarray:
        """Per record: it has a given or a family name."""
        return self.written >= 0

    @cached_property
    def has_local(self) -> np.ndarray:
        """Per record: one of its addresses has a local part that may spell a name."""
        return self.local[:, 0] >= 0

    @cached_property
    def given_alone(self) -> np.ndarray:
        """Per record: it has a given name and no family name."""
        return (self.family < 0) & (self.given >= 0)

    @cached_property
    def initial_bit(self) -> np.ndarray:
        """Per record whose given name is an initial a-z, its bit in a
        ``given_initials`` mask; else 0."""
        letter = self.initial.astype(np.int64) - ord("a")
        ok = (self.given_length == 1) & (letter >= 0) & (letter < 26)
        return np.where(ok, np.left_shift(1, np.clip(letter, 0, 25)), 0)

    @property
    def given_str(self) -> np.ndarray:
        return _strings_at(self.names, self.given)

    @property
    def family_str(self) -> np.ndarray:
        return _strings_at(self.names, self.family)

    @property
    def full_str(self) -> np.ndarray:
        return _strings_at(self.written_values, self.written)

    @property
    def name_str(self) -> np.ndarray:
        return _strings_at(self.name_values, self.name)

    @property
    def words_str(self) -> np.ndarray:
        return _strings_at(self.words_values, self.words)

    @property
    def company_str(self) -> np.ndarray:
        return _strings_at(self.company_values, self.company)

    @classmethod
    def from_records(cls, records: pd.DataFrame) -> RecordFeatures:
        n = len(records)
        url, _ = string_codes(records["linkedin_url"], values=False)
        # Role addresses (info@, sales@) are left out; the personal ones are coded as
        # if they were all there is.
        rows, codes, values = list_items(records["email_keys"])
        role = np.append(role_addresses(pa.array(values, pa.string())), False)
        personal = ~role[codes]
        codes, email_values = _recode(codes[personal], values)
        email_rows = Exploded.of(rows[personal], codes)
        family_key = string_codes(records["family_key"])
        # An initial whose address spells the given name beside the family name ("H. Li"
        # <hui.li@...>), and a lone given name whose address spells it with a family
        # name ("Anil" <anil.das90@yahoo.com>), are read as the whole name from here on.
        readings: dict[int, Reading | None] = {}  # each address read once for both
        given_name, given_key, (name, name_values), given_from_address = _completed_given(
            string_codes(records["given_name"]),
            string_codes(records["given_key"]),
            family_key,
            string_codes(records["name_key"]),
            email_rows,
            email_values,
            readings,
        )
        family_key, family_from_address = _completed_family(
            given_name, given_key, family_key, email_rows, email_values, readings
        )
        # A double surname (Ramírez Flores) may be written with its first part only.
        alt, alt_values = _map_codes(name, name_values, _second_family)
        # One code space for given and family names, so that swapped names compare:
        # coding the distinct values given, family, alternative in turn numbers them as
        # coding all the records' given names, then family names, then alternatives.
        space, names = factorize_objects(np.concatenate([given_key[1], family_key[1], alt_values]))
        cut = np.cumsum([len(given_key[1]), len(family_key[1])])
        given = np.append(space[: cut[0]], -1)[given_key[0]]
        family = np.append(space[cut[0] : cut[1]], -1)[family_key[0]]
        alt_family = np.append(space[cut[1] :], -1)[alt]

        # The name as written, and the full-name key, which ignores the order of the
        # two parts: "Naidu Anjali" and "Mike Fairwick" written family name first are
        # the same name as the other way round.
        written, wg, wf = _pair_codes(given, family)
        gs, fs = _strings_at(names, wg).tolist(), _strings_at(names, wf).tolist()
        written_values = np.array(
            [f"{g} {f}" if g and f else (g or f) for g, f in zip(gs, fs, strict=True)],
            dtype=object,
        )
        unordered = [
            " ".join(sorted((g, canonical_given(f)))) if g and f else None
            for g, f in zip(gs, fs, strict=True)
        ]
        full_of, _ = factorize_objects(unordered)
        full = np.append(full_of, -1)[written]

        first_letter = np.array([ord(x[0]) for x in names.tolist()] + [-1], dtype=np.int32)
        lengths = np.array([len(x) for x in names.tolist()] + [0], dtype=np.int32)
        phonetic, _ = string_codes(records["name_phonetic"], values=False)
        company, company_values = string_codes(records["company_key"])
        org_rows = Exploded.of(*list_items(records["org_keys"])[:2])
        phone_rows = Exploded.of(*list_items(records["phones"])[:2])

        # The organisation of each work address (free mail has none), once per domain.
        domain_of, domain_values = factorize_objects(
            email_orgs(pa.array(email_values, pa.string())).to_pylist()
        )
        domain_rows = Exploded.of(email_rows.rows, np.append(domain_of, -1)[email_rows.codes])
        given_codes = (given_key[0], given_key[1])
        email_shared = _shared_values(email_rows, given_codes, family_key, len(email_values))
        # The personal addresses of the records without a name, as written: two of
        # them are compared by what their local parts spell (``transforms.nameless``).
        bare = (written < 0)[email_rows.rows]
        bare_codes, bare_values = _recode(email_rows.codes[bare], email_values)
        phone_shared = _shared_values(
            phone_rows, given_codes, family_key, int(phone_rows.codes.max(initial=-1)) + 1
        )

        words, words_values = _map_codes(name, name_values, _canonical_words)
        word_count = [len(x.split()) for x in name_values.tolist()]
        name_words = np.array(word_count + [0], dtype=np.int64)[name]
        # A LinkedIn profile's URL spells its owner's name as first registered
        # (chinedu-nwasola-693d4c), a second spelling beside the name on the row
        # ("Chinedu Nwaola"): it takes part as one more local part of the record.
        slug_rows, slug_values = _profile_slugs(records["linkedin_url"], len(email_values))
        given_spelling = _given_spellings_of(
            given_name, given_key, family_key, email_rows, email_values
        )
        form_rows, full_rows, given_rows, local_rows, local_code, given_plain = _spellings(
            (given_name, given_key, family_key, (name, name_values)),
            _merged_rows(email_rows, slug_rows),
            np.concatenate([email_values, slug_values]),
        )
        local_code = local_code[: len(email_values)]
        # An address that spells one of its holders' whole names is that holder's own,
        # whoever else signs with it (a short form the nickname table does not know).
        email_shared[: len(email_values)] &= ~_spelled_by_holder(
            email_rows, full_rows, local_code, len(email_values)
        )

        spellers, spelled_local, spelled_full = _nameless_spellers(
            full, full_rows, local_rows, written < 0
        )
        birthdays = Birthdays.from_codes(*string_codes(records["birthday"]))
        postcode_rows = Exploded.of(*list_items(records["postcodes"])[:2])

        # Arrow's allocator keeps what the column reading freed (hundreds of MB at a
        # million records); what follows allocates through numpy, not Arrow.
        pa.default_memory_pool().release_unused()

        def counts(values: np.ndarray) -> np.ndarray:
            # at least one slot: code arrays are indexed with -1 clipped to 0
            return np.bincount(values[values >= 0], minlength=int(values.max(initial=0)) + 1)

        return cls(
            n=n,
            url=url,
            given=given,
            family=family,
            alt_family=alt_family,
            names=names,
            full=full,
            written=written,
            written_values=written_values,
            given_initials=np.append(_initials_mask(given_key[1]), 0)[given_key[0]],
            initial=first_letter[given],
            family_initial=np.where(family >= 0, first_letter[family], -2).astype(np.int32),
            given_length=lengths[given],
            phonetic=phonetic,
            name=name,
            name_values=name_values,
            name_words=name_words,
            words=words,
            words_values=words_values,
            company=company,
            company_values=company_values,
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
            given_plain=given_plain,
            form_rows=form_rows,
            local_rows=local_rows,
            bare_rows=Exploded(email_rows.rows[bare], bare_codes),
            bare_values=np.asarray(bare_values, dtype=object),
            full_count=counts(full) + spellers,
            spelled_local=spelled_local,
            spelled_full=spelled_full,
            full_profiles=_distinct_per_code(full, url),
            given_count=counts(given),
            family_count=counts(family),
            org_count=counts(org_rows.codes),
            email_count=counts(email_rows.codes),
            phone_count=counts(phone_rows.codes),
            birthdays=birthdays,
            postcode=postcode_rows.matrix(n, 3),
            postcode_rows=postcode_rows,
            postcode_count=counts(postcode_rows.codes),
            domain=domain_rows.matrix(n, 3),
            domain_initial=_first_letters(np.asarray(domain_values, dtype=object)),
            company_initial=_first_letters(
                np.array([company_initial(c) for c in company_values.tolist()], dtype=object)
            ),
            domain_values=np.asarray(domain_values, dtype=object),
            given_share=np.append(name_shares("given", names), np.nan),
            family_share=np.append(name_shares("family", names), np.nan),
            address=Addresses.from_records(records),
            given_spelling=given_spelling,
            family_from_address=family_from_address,
            given_from_address=given_from_address,
            **_mail_displays(records),
            **_source_files(records),
            source=_record_sources(records),
        )


@dataclass(eq=False)
class Addresses:
    """Street addresses per record, coded (``transforms.addresses``).

    Attributes:
        street, street_name, locality: n x k codes of the house number + street key,
            of the street without the number, and of the locality (-1 padded).
        street_count, street_name_count, locality_count: per code, how many records
            carry it (term frequency).
        street_values: per street code its key; house_number: per street code the code
            of its house number (-1 without one), for telling a mistyped street name
            at the same number from another house. locality_values: per locality code
            its key (a mistyped locality is spelled alike).
    """

    street: np.ndarray
    street_name: np.ndarray
    locality: np.ndarray
    street_count: np.ndarray
    street_name_count: np.ndarray
    locality_count: np.ndarray
    street_values: np.ndarray
    house_number: np.ndarray
    locality_values: np.ndarray

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Addresses) and all(
            np.array_equal(getattr(self, k), getattr(other, k)) for k in self.__dataclass_fields__
        )

    __hash__ = None  # mutable arrays

    @classmethod
    def from_records(cls, records: pd.DataFrame) -> Addresses:
        """From the ``street_keys`` and ``localities`` columns (none: no addresses)."""
        n = len(records)
        empty = pd.Series([[]] * n, dtype=object)
        rows, codes, values = list_items(records.get("street_keys", empty))
        street = Exploded.of(rows, codes)
        name_of, _ = factorize_objects([street_name(v) for v in values.tolist()])
        names = Exploded.of(rows, np.append(name_of, -1)[codes])
        locality_rows, locality_codes, locality_values = list_items(
            records.get("localities", empty)
        )
        locality = Exploded.of(locality_rows, locality_codes)
        return cls(
            street=street.matrix(n, 3),
            street_name=names.matrix(n, 3),
            locality=locality.matrix(n, 3),
            street_count=_code_counts(street.codes),
            street_name_count=_code_counts(names.codes),
            locality_count=_code_counts(locality.codes),
            street_values=np.asarray(values, dtype=object),
            house_number=factorize_objects([house_number(v) for v in values.tolist()])[0],
            locality_values=np.asarray(locality_values, dtype=object),
        )


def _code_counts(codes: np.ndarray) -> np.ndarray:
    """Per code, how many rows carry it (at least one slot: -1 is clipped to 0)."""
    return np.bincount(codes, minlength=int(codes.max(initial=0)) + 1)


def _first_letters(values: np.ndarray) -> np.ndarray:
    """Per string its first character's code point (-1 for an empty one)."""
    return np.array([ord(v[0]) if v else -1 for v in values.tolist()], dtype=np.int32)


def _distinct_per_code(code: np.ndarray, other: np.ndarray) -> np.ndarray:
    """Per code (>= 0) of ``code``, how many distinct values >= 0 of ``other`` its records
    carry (at least one slot, as ``counts`` gives)."""
    keep = (code >= 0) & (other >= 0)
    size = int(code.max(initial=0)) + 1
    if not keep.any():
        return np.zeros(size, dtype=np.int64)
    pairs = pd.DataFrame({"c": code[keep], "o": other[keep]}).drop_duplicates()
    return np.bincount(pairs["c"].to_numpy(), minlength=size)


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
