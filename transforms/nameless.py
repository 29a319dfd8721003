"""Two nameless mail addresses: what their local parts say about one person.

A mail client that sends no display name leaves a record with an address alone. Two
such records at two domains (takashi.ishiyama@work.com and takashi.ishiyama@proton.me,
rlopez@gmail.com and rlopez@umbrelladata.com) share nothing but their local parts,
which are evidence as what they spell: a whole name is that name agreeing, weighed by
how common the name is; an initial and a family name by the initial's and the family
name's shares; a local part that spells no name by how often it is seen itself.

Two addresses of one domain are never one person's by their local parts alone: a mail
file holds one record per address, and jdunwood@ and jdunwood2@ at one firm are two
colleagues as often as one person's aliases.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from transforms.name_frequency import UNRANKED_SHARE, name_share
from transforms.normalise import NAME_DECORATIONS, ROLE_LOCAL_PARTS, fold

# A local part shorter than this ("js", "a") says too little to match a name with.
MIN_LOCAL_LETTERS = 4
# The levels of the ``local_part`` feature (``scoring.MATCH_FEATURES``), worst first.
DIFFER, SAME, SHORT, SPELLED = 0, 1, 2, 3
_WORD = re.compile(r"[a-z]+")
_VOWEL = re.compile(r"[aeiouy]")
# Words that make a divided local part a household's or a role's mailbox, not a
# person's name (the.smiths@, nelson.home@, sales.team@): such a local part is compared
# by its letters alone.
NOT_NAME_WORDS = frozenset(ROLE_LOCAL_PARTS) | {"the", "home", "family", "house", "our", "my"}
# Two words a separator divides (wei.li, yu.xie) are a name from two letters on.
MIN_NAME_LETTERS = 2
# A run of letters split into two names needs three letters a side: the world's tables
# rank syllables as names somewhere (jp + erez, mh + an), which read jperez@ and mhan@
# as rare whole names (measured: 300,000 generated records, 2026-12-04).
MIN_SPLIT_LETTERS = 3


@dataclass(frozen=True)
class Reading:
    """A personal address as its local part reads.

    Attributes:
        letters: the local part's letters (before any "+tag"; digits, dots and other
            separators out): john.smith-2@ -> johnsmith.
        words: the two words a separator divides it into (john.smith, smith_john,
            ama.asante94), else None (and for a household's or a role's: the.smiths).
        domain: the address's domain.
    """

    letters: str
    words: tuple[str, str] | None
    domain: str


def read_address(address: str | None) -> Reading | None:
    """How an address's local part reads; None without one of ``MIN_LOCAL_LETTERS``
    letters (js@, a1@) or without a domain."""
    if not address or "@" not in address:
        return None
    local, _, domain = address.rpartition("@")
    words = _WORD.findall(fold(local.split("+", 1)[0]))
    letters = "".join(words)
    if len(letters) < MIN_LOCAL_LETTERS or not domain:
        return None
    pair = (words[0], words[1]) if len(words) == 2 and NOT_NAME_WORDS.isdisjoint(words) else None
    return Reading(letters, pair, fold(domain))


def bare_readings(f) -> list[Reading | None]:
    """``read_address`` of every address of the records without a name
    (``RecordFeatures.bare_values``), read once and kept on ``f``: blocking and
    comparing both read them (0.5 s a pass at a million records)."""
    if (cached := f.__dict__.get("_bare_value_readings")) is None:
        cached = [read_address(v) for v in f.bare_values.tolist()]
        f.__dict__["_bare_value_readings"] = cached
    return cached


def spellings(reading: Reading) -> tuple[str, ...]:
    """The blocking keys of a reading: its letters and, where it divides into two words
    of a name, the name whole in either order (so that galani.francesca@ meets
    francescagalani@).

    Not the name with an initial (chinedu.nwasola@ against cnwasola@): measured on
    300,000 generated records (2026-12-04), such pairs were 2,955 false against 239 true
    and 2 reached the threshold, while EM counted the rest as near matches and raised
    every pair's prior (F1 0.7650 -> 0.7618); on the harness they gave 2 true pairs.
    """
    keys = [reading.letters]
    if reading.words and min(map(len, reading.words)) >= MIN_NAME_LETTERS:
        a, b = reading.words
        keys += [a + b, b + a]
    return tuple(dict.fromkeys(keys))


def _ranked(kind: str, word: str) -> float:
    """The world's share of a given or family name, 0 where the tables do not rank it."""
    share = name_share(kind, word)
    return share if share > UNRANKED_SHARE else 0.0


def one_name_share(letters: str) -> float:
    """The world's share of people with this given or family name (the larger), 0 where
    the tables rank it as neither."""
    return max(_ranked("given", letters), _ranked("family", letters))


def name_of_letters(letters: str) -> tuple[int, tuple[str, str]] | None:
    """An undivided local part read as a name with the world's tables: an initial and a
    ranked family name (rlopez, lopezr, janderson), else a given and a family name both
    ranked somewhere (takashiishiyama), the commoner reading where there are several
    (the weaker evidence). (SHORT, (initial, family)), (SPELLED, (given, family)) or
    None.

    The initial comes first: a run of letters splits into two ranked names far more
    often than people are named so (j + anderson, not jan + derson). A local part that
    is one name itself (james@, nguyen@) is not split: "ja" and "mes" are names
    somewhere in the world's tables, and a given name alone is common.
    """
    if one_name_share(letters):
        return None
    for initial, family in ((letters[0], letters[1:]), (letters[-1], letters[:-1])):
        if _ranked("family", family) and family not in NOT_NAME_WORDS:
            return SHORT, (initial, family)
    best, best_share = None, 0.0
    for i in range(MIN_SPLIT_LETTERS, len(letters) - MIN_SPLIT_LETTERS + 1):
        x, y = letters[:i], letters[i:]
        if x in NOT_NAME_WORDS or y in NOT_NAME_WORDS:  # thelees, nelsonhome
            continue
        for given, family in ((x, y), (y, x)):
            share = _ranked("given", given) * _ranked("family", family)
            if share > best_share:
                best, best_share = (given, family), share
    return (SPELLED, best) if best else None


def compare_readings(x: Reading, y: Reading) -> tuple[int, tuple[str, str] | None]:
    """The ``local_part`` level of two addresses at two domains, and the name it agrees
    on (given and family, either order; for SHORT the initial and the family name; None
    for SAME and DIFFER). -1 for one domain.

    SPELLED: both spell one whole name (john.smith / smith.john / johnsmith, or two
    undivided ones the world's tables read as a name); SHORT: one gives the other's name
    with an initial (cnwasola / chinedu.nwasola), or both are one initial and family
    name (rlopez); SAME: the same letters that spell no name; else DIFFER.
    """
    if x.domain == y.domain:
        return -1, None
    for p, q in ((x, y), (y, x)):
        if p.words and min(map(len, p.words)) >= MIN_NAME_LETTERS:
            a, b = p.words
            if q.letters in (a + b, b + a):
                return SPELLED, (a, b)
    for p, q in ((x, y), (y, x)):
        if p.words and min(map(len, p.words)) >= MIN_NAME_LETTERS:
            a, b = p.words
            if q.letters == a[0] + b:
                return SHORT, (a[0], b)
            if q.letters == b[0] + a:
                return SHORT, (b[0], a)
    if x.letters != y.letters:
        return DIFFER, None
    # The same letters, neither divided into a whole name: "r.lopez" or "rlopez".
    for p in (x, y):
        if p.words and len(p.words[0]) == 1 and len(p.words[1]) >= MIN_NAME_LETTERS:
            return SHORT, p.words
        if p.words and len(p.words[1]) == 1 and len(p.words[0]) >= MIN_NAME_LETTERS:
            return SHORT, (p.words[1], p.words[0])
    read = name_of_letters(x.letters)
    return (SAME, None) if read is None else read


def family_in_address(givens: tuple[str, ...], reading: Reading) -> str | None:
    """The family name a personal address adds to a lone given name: "Anil"
    <anil.das90@yahoo.com> is Anil Das, "Dieter" <dhernandez@pinnaclelabs.io> Dieter
    Hernandez. None where the local part spells no family name beside the given name
    (juan@, dance4ever@).

    Where a separator divides the local part into two words (given.family, family_given,
    d.hernandez), the word beside the given name or its initial is the family name,
    unless it is a household's or a role's (``NOT_NAME_WORDS``: ``read_address`` gives
    no words then). Undivided (anildas, dasanil, dhernandez), the rest must be a family
    name the world's tables rank, of ``MIN_SPLIT_LETTERS`` letters or more and no less
    a family name than a given one there (annabelle is not "Anna Belle", nor johnpaul
    "John Paul"), and commoner than the local part read whole as one name: christian@ is
    Christian, not "Chris Tian", where spark@ is "Soo-jin Park".

    Args:
        givens: the given name's spellings (``features._given_spellings``: as written,
            its words joined, its nickname-canonical key), folded letters.
        reading: the address's ``read_address``.
    """
    whole = [g for g in givens if len(g) >= MIN_NAME_LETTERS]
    initials = {g[0] for g in givens if g}
    if reading.words:
        a, b = reading.words
        for mine, other in ((a, b), (b, a)):
            if (mine in whole or (len(mine) == 1 and mine in initials)) and (
                len(other) >= MIN_NAME_LETTERS and other not in givens
            ):
                return other
        return None
    letters = reading.letters
    rests = [letters[len(g) :] for g in whole if letters.startswith(g)]
    rests += [letters[: -len(g)] for g in whole if letters.endswith(g)]
    if letters[0] in initials:
        rests.append(letters[1:])
    whole_share = one_name_share(letters)
    for rest in rests:
        if rest not in givens and _family_word(rest, whole_share):
            return rest
    return None


def _family_word(word: str, whole_share: float) -> bool:
    """An undivided rest of a local part reads as a family name (``family_in_address``):
    ranked as one, commoner than ``whole_share`` (the local part read as one name)."""
    return (
        len(word) >= MIN_SPLIT_LETTERS
        and word not in NOT_NAME_WORDS
        and _ranked("family", word) > whole_share
        and name_share("family", word) >= name_share("given", word)
    )


def given_in_address(initial: str, families: tuple[str, ...], reading: Reading) -> str | None:
    """The given name a personal address spells for an initial: "H. Li" <hui.li@...>
    is Hui Li, "Y. Zhao" <zhaoyu@...> Yu Zhao. None where the local part spells no
    given name with that initial beside the family name (h.li@, hlin@, wei.li@).

    Divided (hui.li, li_hui), the word beside the family name is the given name where
    it starts with the initial and is two letters or more (two only with a vowel and
    where the world's tables rank it as a given name: jp.morgan@ holds two initials,
    which the tables rank as a name too). Undivided (huili, lihui), the rest beside the
    family name must be a given name the tables rank, and commoner than the local part
    read whole as one name (christian@ is no "C. Tian"); else the local part, or all of
    it but the family initial (rohan@, huil@), must be such a given name of
    ``MIN_SPLIT_LETTERS`` letters or more. Never a household's or a role's word, nor a
    decoration (smith.jr@).

    Args:
        initial: the record's given name, one letter.
        families: the family name's spellings (the family key, the later words of the
            name), folded letters.
        reading: the address's ``read_address``.
    """
    if reading.words:
        a, b = reading.words
        for mine, other in ((a, b), (b, a)):
            ranked = len(other) <= MIN_NAME_LETTERS
            if mine in families and _given_word(other, initial, families, 0.0, ranked):
                return other
        return None
    letters = reading.letters
    rests = [letters[len(f) :] for f in families if letters.startswith(f)]
    rests += [letters[: -len(f)] for f in families if letters.endswith(f)]
    whole_share = one_name_share(letters)
    for rest in rests:
        if _given_word(rest, initial, families, whole_share, True):
            return rest
    # The given name alone or with the family initial (hui@, huil@), as many employers
    # spell their staff's addresses; the commoner reading where both are ranked
    # (franciscoa@ for "F. Ararte" is Francisco).
    alone = [letters] + [letters[:-1]] * any(letters.endswith(f[0]) for f in families)
    alone = [
        g
        for g in alone
        if len(g) >= MIN_SPLIT_LETTERS and _given_word(g, initial, families, 0.0, True)
    ]
    return max(alone, key=lambda g: _ranked("given", g), default=None)


def _given_word(
    word: str, initial: str, families: tuple[str, ...], whole_share: float, ranked: bool
) -> bool:
    """A word beside the family name reads as the given name its initial stands for
    (``given_in_address``): ranked as a given name where ``ranked``, then commoner than
    ``whole_share``."""
    return (
        len(word) >= MIN_NAME_LETTERS
        and word[0] == initial
        and word not in families
        and word not in NOT_NAME_WORDS
        and word not in NAME_DECORATIONS
        and (len(word) > MIN_NAME_LETTERS or _VOWEL.search(word) is not None)
        and (not ranked or _ranked("given", word) > whole_share)
    )
