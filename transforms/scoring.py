"""Pair scoring: per-feature comparison levels combined by a Fellegi-Sunter model.

Each candidate pair gets one level per feature (``LEVELS``; -1 when a side lacks
the data, which is then no evidence either way). A level's Bayes factor is m/u:
m = P(level | same person), u = P(level | different people). u comes from random
record pairs of the data itself; m is estimated by EM over the candidate pairs.
Both are shrunk towards generic defaults, so a file of ten records still gets sane
weights while a million records speak for themselves.

Agreement on a value is weighted by how common the value is (term frequency): u for
"same full name" is the share of other records with that name, so agreeing on
"John Smith" is weak evidence and on "Xavi Okonkwo" strong. The prior odds that two
records are one person are c / (N - 1), c being the number of other records a
record has on average for its person, N the number of records: the share of the
file's pairs that EM counts as matches, shrunk towards a reference network's share
(``PRIOR_PAIRS``), so that a file of two cards does not take its one pair for a likely
match and a small network still speaks for itself. How rare a name is comes from
the data and from the world (``transforms.name_frequency``), each scaled by the
namesakes the data's LinkedIn profiles show: a rare name in a small file is the strong
evidence it is. An exact name's u then asks how many people the name's records belong
to: two records of a rare name are one person's, four may be two people's.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from rapidfuzz import fuzz, process
from rapidfuzz.distance import JaroWinkler, Levenshtein, Prefix

from transforms.addresses import street_name
from transforms.features import GIVEN_SIMILARITY, RecordFeatures
from transforms.households import Households, learn_households
from transforms.name_frequency import UNRANKED_SHARE, name_share
from transforms.nameless import (
    SHORT,
    SPELLED,
    Reading,
    bare_readings,
    compare_readings,
    name_of_letters,
    one_name_share,
)
from transforms.organisation import company_matches_domain
from transforms.sparse import SparseColumn


@dataclass(frozen=True)
class Feature:
    """One match feature, declared once: scoring, estimation and the evidence in
    ``matches`` iterate over ``MATCH_FEATURES``.

    Attributes:
        name: the key in comparison levels, weights and ``matches.evidence``.
        levels: names of the comparison levels, worst first (level i is ``levels[i]``;
            -1, not comparable, is no evidence).
        m, u: generic P(level | same person) and P(level | different people), the
            start of estimation and the target it is shrunk towards.
        term_frequency: agreement is weighted by how common the agreed value is.
        identifier_level: the level at which the feature is a personal identifier (u
            is ``IDENTIFIER_U``; pairs at it anchor the m of the other features).
        neutral_level: a level that is no evidence either way (a shared mailbox).
        learn_m: m is estimated from the data (else the generic m is kept).
        not_anchored_by: identifier features whose links do not anchor this feature's m,
            because agreeing on them makes this one agree too.
        compare: how its level is decided (the code is in ``_compare``).
        worst_at_a_join: where clustering weighs two groups of records as two people
            (``clustering.JoinEvidence``), the feature counts at its worst comparison
            between them, not its best: a conflict one person's records cannot have.
        no_evidence_at_a_join: levels that say nothing there. "No address, phone or
            employer in common" between two groups still apart: one person's records
            hold several, and two groups that shared an identifier were joined by it
            first (the strongest links go first).
    """

    name: str
    levels: tuple[str, ...]
    m: tuple[float, ...]
    u: tuple[float, ...]
    term_frequency: bool = True
    identifier_level: int | None = None
    neutral_level: int | None = None
    learn_m: bool = True
    compare: str = ""
    not_anchored_by: tuple[str, ...] = ()
    worst_at_a_join: bool = False
    no_evidence_at_a_join: tuple[str, ...] = ()


MATCH_FEATURES: tuple[Feature, ...] = (
    Feature(
        "linkedin_url",
        ("differ", "agree"),
        m=(0.01, 0.99),
        u=(1.0 - 1e-6, 1e-6),
        term_frequency=False,
        identifier_level=1,
        # Not learned: two profiles are two people bar a rare duplicate account, and a
        # data set with many namesakes would teach EM that one person has several.
        learn_m=False,
        compare="the same profile URL",
        worst_at_a_join=True,
    ),
    Feature(
        "email",
        ("differ", "shared_mailbox", "agree"),
        m=(0.30, 0.05, 0.65),
        u=(1.0 - 2e-6, 1e-6, 1e-6),
        identifier_level=2,
        neutral_level=1,  # a shared mailbox says nothing about which reader a record is
        compare="an address in common; shared when a role address or read by several",
        no_evidence_at_a_join=("differ",),
    ),
    Feature(
        "phone",
        ("differ", "shared_line", "agree"),
        m=(0.35, 0.05, 0.60),
        u=(1.0 - 2e-6, 1e-6, 1e-6),
        identifier_level=2,
        neutral_level=1,
        compare="a number in common; shared when several given names use it",
        no_evidence_at_a_join=("differ",),
    ),
    Feature(
        "name",
        # spelled: one side has no name but its mail address spells the other's name;
        # given: the same given name under another family name (a married name, a
        # family name replaced on a card), weighed by how common the given name is
        # (last so that the other levels keep their numbers); surname: one side has no
        # given name and the family names agree, weighed by how common the family name
        # is; given_only: its mirror, one side has no family name and the given names
        # agree, weighed by how common the given name is
        (
            "differ",
            "partial",
            "family",
            "close",
            "exact",
            "spelled",
            "given",
            "surname",
            "given_only",
        ),
        m=(0.05, 0.05, 0.05, 0.20, 0.56, 0.03, 0.02, 0.02, 0.02),
        u=(0.98, 0.005, 0.009, 0.0005, 0.0005, 0.0001, 0.005, 0.00005, 0.00005),
        compare="_compare_names: nicknames, initials, order, typos, spelled addresses",
    ),
    Feature(
        "address_name",
        # One record has no name, only a mail address; the other has a name. Weighed
        # apart from "name" because how often an address spells its owner's name is a
        # question about nameless records only: as a level of "name" its m was diluted
        # by every pair of two named records (0.07 where it is 0.7 here), and an address
        # that does not spell the name weighed as two different names (-6 bits).
        # short: the given name alone or with the family initial (linda@, lindar@), the
        # way many employers spell their staff's addresses.
        ("unspelled", "short", "spelled"),
        m=(0.30, 0.10, 0.60),  # bigfan1984@, or the initials: many addresses spell no name
        u=(0.999, 0.0005, 0.0005),
        compare="_address_name: does the nameless record's mail address spell the name",
    ),
    Feature(
        "local_part",
        # Two records without a name, at two domains: what their addresses' local parts
        # say (``transforms.nameless``). same: the same letters, spelling no name, weighed
        # by how many records have them; short: an initial and a family name agree
        # (rlopez@ twice, r.lopez@), by the initial's and the family name's shares;
        # spelled: one whole name in any order (takashi.ishiyama@ twice,
        # galani.francesca@ and francescagalani@), by the name's share and records (as
        # an exact name where named records carry it: ``_compare_local_parts``). Not
        # learned: nothing else links two nameless records (no identifier is shared
        # across two domains).
        ("differ", "same", "short", "spelled"),
        # A person's second address often spells nothing of the first (a nickname, a
        # work scheme): m of "differ" is high, and the agreeing levels' m low enough
        # that the name's share, not m, decides.
        m=(0.40, 0.05, 0.15, 0.40),
        u=(0.9999, 1e-4, 1e-5, 1e-6),
        learn_m=False,
        compare="_compare_local_parts: two nameless records' local parts at two domains",
    ),
    Feature(
        "company",
        ("differ", "similar", "agree"),
        m=(0.30, 0.10, 0.60),
        u=(0.975, 0.005, 0.02),
        compare="organisation keys, company against work domain, similar names",
        # A job change: the employers of one person's records differ often enough.
        no_evidence_at_a_join=("differ",),
        # A mail record's company is its address's domain: two records sharing a work
        # address agree on the company by construction, so e-mail links would teach
        # that people never change jobs (m of "differ" 0.07 with them, 0.17 without).
        not_anchored_by=("email",),
    ),
    Feature(
        "birthday",
        # day: the same day of the year, a year unknown on one side; date: the same date;
        # slip: two full dates one digit apart or with day and month swapped (last, so
        # that the other levels keep their numbers)
        ("differ", "day", "date", "slip"),
        m=(0.02, 0.30, 0.67, 0.01),  # a typo or a wrong year now and then
        u=(0.9959, 0.0027, 0.00005, 0.001),  # one stranger in 365 shares the day
        term_frequency=False,
        compare="Birthdays.levels",
    ),
    Feature(
        "postcode",
        ("differ", "agree"),
        m=(0.50, 0.50),  # people move
        u=(0.998, 0.002),
        compare="_compare_postcodes: no evidence between a household's relatives",
    ),
    Feature(
        "address",
        # locality: the same city or suburb; street: the same street, another or no
        # house number; alike: the same house number on a street spelled alike (a
        # typo); number: the same house number and street
        ("differ", "locality", "street", "alike", "number"),
        m=(0.25, 0.10, 0.05, 0.05, 0.55),  # people move; a number left out or mistyped
        u=(0.99, 0.009, 0.0009, 0.0001, 0.0001),
        compare="_compare_addresses: street keys and localities; none between relatives",
    ),
    Feature(
        "mailbox",
        # Both records hold a personal address at one organisation's mail domain: one
        # mailbox there (the e-mail feature weighs it, so no evidence here), or two. An
        # employer gives each employee one mailbox, so two are usually two colleagues
        # (Phillip and Philip Langstone at willowsecu.com, jdunwood@ and jdunwood2@),
        # now and then one person's alias: m says how often, from the pairs linked by a
        # profile or a phone.
        ("two", "one"),
        m=(0.05, 0.95),
        u=(0.99, 0.01),
        term_frequency=False,
        neutral_level=1,
        compare="_compare_mailboxes: an organisation's domain in common, a mailbox or not",
        worst_at_a_join=True,
        # Pairs linked by an address have one mailbox by construction.
        not_anchored_by=("email",),
    ),
    Feature(
        "display",
        # Two mail records of one name (level "exact" of the name): is the display name
        # written the same way, to the letter? A person's mail clients write their one
        # display name on every address (john.smith@work and jsmith@gmail as "Smith,
        # John" both); a namesake writes theirs as they please. u of "same" is the share
        # of mail records whose display name has that shape (a stranger writing "Smith,
        # John" is rarer than one writing "John Smith"); m is learned from the pairs the
        # other features link (mail records share no identifier: one per address).
        ("differ", "same"),
        m=(0.3, 0.7),
        u=(0.6, 0.4),
        compare="_compare_displays: two mail records of one name, its display as written",
    ),
)
FEATURES = tuple(f.name for f in MATCH_FEATURES)
FEATURE = {f.name: f for f in MATCH_FEATURES}
LEVELS: dict[str, tuple[str, ...]] = {f.name: f.levels for f in MATCH_FEATURES}
# u of agreeing on a personal identifier (an address only one person reads): a
# collision between two different people is far rarer than any sample can show.
IDENTIFIER_U = 1e-10
# Pseudo-counts of the shrinkage towards the defaults.
U_PSEUDO_PAIRS = 10_000
M_PSEUDO_PAIRS = 50
# The prior that two records are one person, without a floor on the population: the
# share of a file's pairs that are matches (EM's count over all N(N-1)/2 pairs), shrunk
# towards a reference network's share (each of 1,000 records with one other record of
# its person: 1/999) by PRIOR_PAIRS pseudo-pairs. A file of two cards has one pair and
# gets the reference's share; a network of 300 records (44,850 pairs) mostly its own.
# Measured on 2026-12-04 (bench_calibration.py small files, harness of 50-1,000 people,
# Febrl drawn at random 100-1,000 records, three seeds): 20,000 pseudo-pairs brought the
# small networks' sums of p within 2% of their true pairs (the floor under-counted them
# by 3-4%) and their F1 up (100 people 0.920 -> 0.942, 300 0.946 -> 0.954), Febrl's
# subsets unchanged; 499,500 (the floor's weight) left them where the floor did.
PRIOR_PAIRS = 20_000
PRIOR_MATCH_RATE = 1.0 / 999.0
# A value's term frequency (postcode, address, company) is its share among the data's
# other records, shrunk towards the feature's generic u of agreeing (the expected share
# of the value a record holds, before any data) by this many pseudo-records: in a file
# of three cards a postcode on two is not a common postcode (no floor on N needed).
TF_PSEUDO_RECORDS = 100
# How many records of one person carry their name without saying it is common.
SELF_RECORDS = 4.0
# Of two strangers with one family name, how often the given names could be one
# person's (the same, a nickname, an initial): the "close" name level's share.
COMPATIBLE_GIVEN_SHARE = 0.05
# Pseudo-pairs of the scale of the world's name shares to the data's (world_share_scale).
SCALE_PSEUDO_PAIRS = 10.0
# An exact full name's u from how many people hold it, given how many records carry it
# (``_other_holders_records``), in place of "its records beyond SELF_RECORDS are other
# people's": two records of a name are one person's unless the name is common, four
# may be two people's two. Measured on 2026-12-04 (harness 2,000 people, name-only
# candidate pairs of seeds 0/1 by the name's record count): with SELF_RECORDS, names on
# four records were merged at p 0.97 mean and 83% true (107 pairs), on two records at
# 0.93 and 97% true; with the holders' posterior each count's mean p is within 4% of
# its true share. Side by side (with the two scales of world_share_scale): harness
# seeds 0-4 F1 0.9402 / 0.9465 / 0.9300 / 0.9273 / 0.9288 -> 0.9413 / 0.9451 / 0.9329 /
# 0.9290 / 0.9241, precision up 0.000-0.009; Febrl1/2 unchanged, Febrl4 +0.0003. A
# slip of a known given name counts as one more record of the known name (without that
# record, Febrl2 -0.0005: a slip on a name of one record read as a sure single holder).
# Also for names spelled in an address or a bare address spelling a whole name: no
# better (-0.0034 to +0.0027 per seed), not kept.
# Records per person beyond the first, as the data's names say (``_records_per_name``),
# within these bounds; holders counted up to HOLDERS_MAX; u never below NAME_U_MIN.
MU_MIN, MU_MAX = 0.2, 3.0
HOLDERS_MAX = 12
NAME_U_MIN = 1e-9
RANDOM_PAIRS = 100_000
EM_ITERATIONS = 50
# Whether EM also re-estimates m over the candidate pairs (not only the share of
# matches), shrunk towards the identifier-anchored m by M_EM_PSEUDO_PAIRS. Off: measured
# on 2026-12-03 (harness 2,000 people seeds 0/1, Febrl1/2) it moved F1 by -0.004 to
# +0.003 (pseudo-pairs 50, 200, 2,000), no better than m from identifier-linked pairs.
EM_LEARNS_M = False
# The features whose m is also read off the candidate pairs the other features link,
# pair by pair with their term frequencies (``_m_from_other_pairs``), in M_ROUNDS rounds.
# Measured on 2026-12-04 (side by side with a fixed --workdir; harness seeds 0/1 also
# in memory): birthday alone: harness unchanged, Febrl1/2/4 F1 +0.0021 / +0.0008 /
# +0.0007 (Febrl's duplicates often carry another date, which the data now say); with
# postcode and address too: no better over Febrl; with the name too: harness -0.0002 /
# -0.0003 in memory.
# Read off comparison patterns without the names' frequencies instead, Febrl's
# namesakes passed for matches and taught m(birthday differs) = 0.72.
# The name since 2026-12-04 (session 5), with the identifier-linked pairs left out and
# weighing as many pairs as they are: where identifiers link many pairs (the harness)
# the name's m hardly moves (F1 unchanged on seeds 0-4), where none do (Febrl, an
# address book) the data teach how often names are mistyped or replaced (Febrl1/2/4 F1
# +0.0011 / +0.0013 / +0.0009; m of "differ" 0.05 -> 0.11 on Febrl4).
# The address since 2026-12-04 (session 7): how often one person's cards carry a street
# spelled otherwise, another house or another town is the data's to say (Febrl1/2/4: m
# of "alike" 0.05 -> 0.22-0.25, of "differ" 0.25 -> 0.04-0.08; F1 +0.0011 / +0.0021 /
# 0; the harness has no streets). The postcode too was measured: Febrl4 -0.0001.
M_OTHER_FEATURES = ("birthday", "name", "display", "address")
M_ROUNDS = 2
M_EM_PSEUDO_PAIRS = 2000
NAME_CLOSE_SIMILARITY = 0.94
NAME_PARTIAL_SIMILARITY = 0.85
WORDS_SIMILARITY = 95.0
COMPANY_SIMILARITY = 90.0
# Two spellings of a street at one house number this alike (Jaro-Winkler of the keys)
# are one street mistyped.
STREET_SIMILARITY = 0.9
COMPARE_CHUNK = 1_000_000
CPDIST_CHUNK = 250_000
# Most street comparisons counted exactly for the u of the address level "alike"
# (``_alike_street_share``): a thousand Python-level groups of a few hundred streets.
ALIKE_STREET_BUDGET = 5_000_000


def _dense_if_full(column: SparseColumn) -> SparseColumn | np.ndarray:
    """The plain float64 array where most pairs have a value (the name's u, half the
    pairs): kept sparse it would save little (12 bytes a value against 8 a pair) and
    reading it by positions would be slower."""
    return np.asarray(column) if 3 * len(column.values) > 2 * column.n else column


@dataclass
class Comparison:
    """Comparison of pairs (a[i], b[i]): a level per feature and term-frequency u's.

    Attributes:
        levels: feature -> int8 level per pair (-1: not comparable).
        tf_u: feature -> u of the agreed value per pair (NaN: use the level's u), kept
            sparse (``SparseColumn``, which reads like a float64 array) unless most
            pairs have one.
        name_similarity, company_similarity: 0..1, NaN where not computed.
        households: whether conflicting given names at one home are relatives, as the
            data say (``transforms.households``).
        pair_type: int8 per pair, which two kinds of source the records come from
            (``pair_types``); None where the records do not say.
    """

    levels: dict[str, np.ndarray]
    tf_u: dict[str, SparseColumn | np.ndarray]
    name_similarity: np.ndarray
    company_similarity: np.ndarray
    households: Households | None = None
    pair_type: np.ndarray | None = None


def pair_types(f: RecordFeatures, a: np.ndarray, b: np.ndarray) -> np.ndarray | None:
    """Per pair the code of its two kinds of source, in either order (LinkedIn and mail
    is mail and LinkedIn): ``lo * kinds + hi``, kinds numbered within the file; two
    records of one kind from two files (two phone books) are ``kinds * kinds + kind``."""
    if f.source is None or not len(f.source):
        return None
    kinds = int(f.source.max()) + 1
    width = np.int8 if kinds * (kinds + 1) <= 127 else np.int16
    x, y = f.source[a].astype(width), f.source[b].astype(width)
    out = np.minimum(x, y)
    out *= kinds
    out += np.maximum(x, y)
    if f.file is not None:
        two_files = np.flatnonzero((x == y) & (f.file[a] != f.file[b]))
        out[two_files] = kinds * kinds + x[two_files]
    return out


def _any_equal(x: np.ndarray, y: np.ndarray, count: np.ndarray | None = None):
    """Row-wise: do x[i] and y[i] (-1 padded code rows) share a code; fewest holders."""
    hit = np.zeros(len(x), dtype=bool)
    fewest = np.full(len(x), np.iinfo(np.int64).max, dtype=np.int64)
    for i in range(x.shape[1]):
        xi = x[:, i]
        valid = xi >= 0
        if not valid.any():
            continue
        holders = count[np.maximum(xi, 0)] if count is not None else None
        for j in range(y.shape[1]):
            eq = valid & (xi == y[:, j])
            hit |= eq
            if holders is not None:
                fewest = np.where(eq, np.minimum(fewest, holders), fewest)
    return hit, fewest


def _cpdist(scorer, left: list, right: list) -> np.ndarray:
    """scorer(left[i], right[i]) per i, ``CPDIST_CHUNK`` pairs a call: rapidfuzz converts
    every string of a call up front (about 100 bytes a pair, measured), which for the
    millions of distinct name pairs of a million records was hundreds of megabytes."""
    out = np.empty(len(left), dtype=np.float64)
    for i in range(0, len(left), CPDIST_CHUNK):
        part = slice(i, i + CPDIST_CHUNK)
        out[part] = process.cpdist(left[part], right[part], scorer=scorer, workers=-1)
    return out


def _distinct_pairs(x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The distinct (x[i], y[i]) pairs of codes (>= 0), and per i which one it is."""
    width = np.int64(max(int(x.max(initial=0)), int(y.max(initial=0))) + 1)
    code = x * width
    code += y  # in place: one temporary of the pairs' length, not two
    which, distinct = pd.factorize(code)
    del code
    return distinct // width, distinct % width, which


def _pair_scores(
    scorer, values: np.ndarray, x: np.ndarray, y: np.ndarray, symmetric: bool = False
) -> np.ndarray:
    """scorer(values[x[i]], values[y[i]]) per i, computed once per distinct (x[i], y[i]):
    candidate pairs repeat the same two names or companies many times over.

    ``symmetric``: the scorer gives (x, y) what it gives (y, x), so the two are one
    pair. token_set_ratio does, exactly: its parts are set operations, an Indel
    distance and sums of lengths. Jaro-Winkler's matching window need not.
    """
    if not len(x):
        return np.empty(0, dtype=np.float64)
    if symmetric:
        x, y = np.minimum(x, y), np.maximum(x, y)
    ux, uy, which = _distinct_pairs(x, y)
    return _cpdist(scorer, values[ux].tolist(), values[uy].tolist())[which]


def _name_lengths(f: RecordFeatures) -> np.ndarray:
    """Per name code (given and family names share them), its length; kept on ``f``."""
    if (cached := f.__dict__.get("_name_lengths")) is None:
        cached = np.fromiter(map(len, f.names.tolist()), dtype=np.int64, count=len(f.names))
        f.__dict__["_name_lengths"] = cached
    return cached


def _alike_given(names: np.ndarray, x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Row-wise, for given names x[i] != y[i] (codes into names) of the same initial:
    a short form of the other (Pat / Patricia), a near spelling (Jon / John) or one slip
    of the keyboard in names of four letters or more (Juwn / Juan)? Once per distinct
    pair of names."""
    if not len(x):
        return np.zeros(0, dtype=bool)
    ux, uy, which = _distinct_pairs(x, y)
    left, right = names[ux].tolist(), names[uy].tolist()
    # x starts with y or y with x: their common prefix is the shorter of the two
    lx = np.fromiter(map(len, left), dtype=np.int64, count=len(left))
    ly = np.fromiter(map(len, right), dtype=np.int64, count=len(right))
    alike = _cpdist(Prefix.similarity, left, right) == np.minimum(lx, ly)
    alike |= _cpdist(JaroWinkler.normalized_similarity, left, right) >= GIVEN_SIMILARITY
    long = np.flatnonzero(~alike & (lx >= 4) & (ly >= 4))
    slip = _cpdist(Levenshtein.distance, [left[i] for i in long], [right[i] for i in long]) <= 1
    alike[long[slip]] = True
    return alike[which]


def _tf(count: np.ndarray, n: int, prior_share: float) -> np.ndarray:
    """u of agreeing on a value ``count`` records hold, among ``n``: the data's share of
    other records with it, shrunk towards ``prior_share`` (the feature's generic u of
    agreeing, what a value's share is before any data) by ``TF_PSEUDO_RECORDS``."""
    others = np.maximum(count.astype(np.float64) - 1.0, 1.0)
    return (others + TF_PSEUDO_RECORDS * prior_share) / (max(n - 1, 0) + TF_PSEUDO_RECORDS)


def _name_tf(
    count: np.ndarray,
    share: np.ndarray,
    n: int,
    profiles: np.ndarray | None = None,
    others: np.ndarray | None = None,
) -> np.ndarray:
    """u of agreeing on a name: the larger of its frequency in the data and its share of
    people in the world. So "Denny Stadelmann" twice in a 300-card phone book is strong
    evidence, and "John Smith" never is.

    In the data, one person's own records (``SELF_RECORDS``: a LinkedIn row, a card,
    mail from two addresses) say nothing about how common their name is; beyond them a
    name's records are other people's. Where ``others`` is given (an exact full name:
    ``_name_others``), it is the expected count of the name's records other people
    hold, which already weighs the share, and replaces both. Distinct LinkedIn profiles
    with the name (``profiles``) are distinct people for sure, each with about two
    records.
    """
    holders = others is not None
    if not holders:
        others = np.maximum(count.astype(np.float64) - SELF_RECORDS, 0.0)
    if profiles is not None:
        others = np.maximum(others, 2.0 * (profiles.astype(np.float64) - 1.0))
    data = others / max(n - 1, 1)
    fallback = _tf(count, n, FEATURE["name"].u[4])
    if holders:
        return np.where(np.isnan(share), fallback, np.maximum(data, NAME_U_MIN))
    return np.where(np.isnan(share), fallback, np.maximum(data, share))


def _records_per_name(f: RecordFeatures) -> float:
    """How many records carry one full name, on average, less one: the data's own
    measure of how many records a person leaves (each name's holders' records, the
    nameless addresses that spell the name included, as ``full_count`` counts them).

    Measured on 2026-12-04 (session 9, side by side; seeds 2-4 ``--sets harness``):
    counting those addresses in ``full_count`` alone gave precision +0.15 to +0.40
    points on seeds 0-3 (a name's holders' posterior sees the name's every record), F1
    +0.0004 / +0.0002 / +0.0011 / +0.0011 / 0 on seeds 0-4; with them here too, so that
    the records per person are read off the same counts, harness-0 / 1 F1 0.9442 /
    0.9457 -> 0.9457 / 0.9459, seeds 2 / 3 / 4 0.9337 / 0.9306 / 0.9249 -> 0.9369 /
    0.9317 / 0.9255; Febrl has no mail and is unchanged."""
    if (cached := f.__dict__.get("_records_per_name")) is not None:
        return cached
    named = f.full[f.full >= 0]
    distinct = len(np.unique(named))
    mu = float(np.clip(int(f.full_count.sum()) / max(distinct, 1) - 1.0, MU_MIN, MU_MAX))
    f.__dict__["_records_per_name"] = mu
    return mu


def _name_others(f: RecordFeatures, codes: np.ndarray, extra: int | np.ndarray = 0) -> np.ndarray:
    """Per full-name code, how many of its records other people than one record's own
    hold (``_other_holders_records``), worked out once per code and kept on ``f``;
    with ``extra`` records more than the code's own (a slip of its spelling, initials
    read from addresses), for the codes given."""
    if (cached := f.__dict__.get("_name_others")) is None:
        named = np.flatnonzero(f.full >= 0)
        share = np.zeros(len(f.full_count))
        # A code's share: the commoner reading among its records (one name may be read
        # two ways: "Park Min-jun" written family name first).
        np.fmax.at(share, f.full[named], np.nan_to_num(_full_share(f, named), nan=0.0))
        per_code = np.zeros(len(f.full_count))
        several = np.flatnonzero(f.full_count >= 2)  # one record: its own person's
        per_code[several] = _other_holders_records(
            f.full_count[several], share[several], f.n, _records_per_name(f)
        )
        cached = f.__dict__["_name_others"] = (share, per_code)
    share, per_code = cached
    if np.ndim(extra) == 0 and not extra:
        return per_code[codes]
    return _other_holders_records(
        f.full_count[codes] + extra, share[codes], f.n, _records_per_name(f)
    )


def _other_holders_records(count: np.ndarray, share: np.ndarray, n: int, mu: float) -> np.ndarray:
    """Expected records of a name held by people other than one record's own person,
    given ``count`` records carry it: the posterior over how many people hold it.

    Each holder leaves 1 + Poisson(mu) records; the other holders are Poisson(share x
    people). Four records of a name may be one person's four or two people's two each;
    two records are most likely one person's unless the name is common.
    """
    c = count.astype(np.float64)
    whole = count.astype(np.int64)
    log_factorial = np.cumsum(np.log(np.maximum(np.arange(int(whole.max(initial=0)) + 1), 1)))
    people = n / (1.0 + mu)
    lam = np.maximum(np.nan_to_num(share, nan=0.0) * people, 1e-12)
    log_lam = np.log(lam)
    best = np.full(len(c), -np.inf)
    terms = []
    for k in range(1, HOLDERS_MAX + 1):
        ok = c >= k
        # log P(K = k) + log P(count | K = k), up to a constant
        lp = np.where(
            ok,
            (k - 1) * log_lam
            - math.lgamma(k)
            + (c - k) * np.log(k * mu)
            - k * mu
            - log_factorial[np.maximum(whole - k, 0)],
            -np.inf,
        )
        terms.append(lp)
        best = np.maximum(best, lp)
    total = np.zeros(len(c))
    others = np.zeros(len(c))
    for k, lp in enumerate(terms, start=1):
        w = np.exp(lp - best)
        total += w
        others += w * c * (k - 1) / k
    out = others / total
    # Beyond HOLDERS_MAX holders, the name's records are nearly all other people's.
    many = c > HOLDERS_MAX * (1.0 + mu)
    out[many] = np.maximum(c[many] - (1.0 + mu), out[many])
    return out


def _world_full_share(f: RecordFeatures, x: np.ndarray) -> np.ndarray:
    """Share of people with record x's name, before ``world_share_scale``: given x family
    name shares (independent enough), or the one part there is.

    Where other people's records in the data carry both parts (a person's own records
    aside), the data's shares speak for the network: a network of many Koreans holds
    many Seo-yeon Kangs, however rare the romanised name is in the world's tables. The
    world's shares stand in for the names the data has not seen on others: a phone book
    of 300 cards says nothing of how common "Stadelmann" is. (Measured against the
    larger of the two and against the data shrunk towards the world by 300 to 3,000
    records: this was best on the harness's seeds 0-4; Febrl did not move.)

    Worked out once per record and kept on ``f`` (compare asks for it eight times per
    chunk of pairs)."""
    return _world_full_shares(f)[0][x]


def _world_full_shares(f: RecordFeatures) -> tuple[np.ndarray, np.ndarray]:
    """``_world_full_share`` of every record, and per record whether it is the data's
    share (True) or the world's (False). Kept on ``f``."""
    if (cached := f.__dict__.get("_world_full_shares")) is not None:
        return cached
    share, from_data = _shares_of(f, f.given, f.family)
    # An initial ("R. Singh") stands for any given name with its letter: as common as
    # the letter among given names times the family name (read as a given name of its
    # own, "R" would be one of a kind).
    init = np.flatnonzero((f.given_length == 1) & (f.family >= 0) & (f.initial >= 0))
    if len(init):
        letters = _initial_shares(f)
        letter = np.array([letters.get(chr(c), 0.0) for c in f.initial[init].tolist()])
        fam = f.family[init]
        data = np.maximum(_count_at(f.family_count, fam) - SELF_RECORDS, 0.0) / max(f.n, 1)
        world = f.family_share[fam]
        family = np.where(np.isnan(world), data, np.fmax(world, data))
        share[init] = np.fmax(share[init], letter * family)
    cached = (share, from_data)
    f.__dict__["_world_full_shares"] = cached
    return cached


def _shares_of(f: RecordFeatures, g: np.ndarray, fam: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``_world_full_shares`` of the names with given name codes g and family name
    codes fam (-1: that part missing)."""
    gs = f.given_share[g]
    fs = f.family_share[fam]
    world = np.where(np.isnan(gs), fs, np.where(np.isnan(fs), gs, gs * fs))
    both = (g >= 0) & (fam >= 0)
    # As in _name_tf, one person's own records say nothing about how common a name is.
    # (A record without one part reads a count at code -1: ``both`` discards it.)
    counts = (_count_at(f.given_count, g), _count_at(f.family_count, fam))
    data = np.where(both, _independent_share(*counts, f.n), 0.0)
    from_data = data > 0
    return np.where(from_data, data, world), from_data


def _count_at(counts: np.ndarray, codes: np.ndarray) -> np.ndarray:
    """counts[codes], 0 for a code it does not reach (a family name's code among the
    given names' counts)."""
    inside = (codes >= 0) & (codes < len(counts))
    return np.where(inside, counts[np.clip(codes, 0, max(len(counts) - 1, 0))], 0)


def _turned_share(f: RecordFeatures, x: np.ndarray) -> np.ndarray:
    """``_full_share`` of record x's name read the other way round: its family name
    as the given name ("Johnson James" is James Johnson written family name first)."""
    share, from_data = _shares_of(f, f.family[x], f.given[x])
    return share * world_share_scale(f)[from_data.astype(np.intp)]


def _independent_share(given_count, family_count, n: int):
    """The data's share of a full name from its given and family names' record counts
    taken as independent, a person's own records (``SELF_RECORDS``) left out."""
    return (
        np.maximum(given_count - SELF_RECORDS, 0.0)
        * np.maximum(family_count - SELF_RECORDS, 0.0)
        / max(n, 1) ** 2
    )


def world_share_scale(f: RecordFeatures) -> np.ndarray:
    """How much commoner full names are in this data than their shares say: one scale
    for the shares read off the world's tables and one for those read off the data
    (index 0 and 1, as ``_world_full_shares``' flag).

    The world's shares err on the safe side (a name's best rank in any country, given
    and family name taken as independent across cultures), and a network is not the
    world; the data's shares take given and family names as independent, which they are
    not within a culture, and leave a person's own records out. Distinct LinkedIn
    profiles are distinct people for sure, so the pairs of profiles with one full name
    are namesakes the data shows: their count against the count the shares expect among
    as many profiles is the scale (shrunk towards 1 by ``SCALE_PSEUDO_PAIRS``: a file
    with few profiles keeps the shares as they are). The two kinds of share err in
    opposite directions (measured on the harness, seeds 0-1: profiles whose name's share
    came from the data had 12x the namesakes it expected, those from the world's tables
    a seventh), so each is scaled by its own profiles. Computed once per records (kept
    on ``f``).
    """
    if (cached := f.__dict__.get("_world_share_scale")) is not None:
        return cached
    has = (f.url >= 0) & (f.full >= 0)
    urls, first = np.unique(f.url[has], return_index=True)
    profiles = np.flatnonzero(has)[first]
    share, from_data = _world_full_shares(f)
    share, from_data = share[profiles], from_data[profiles]
    others = max(len(profiles) - 1, 0) / 2.0
    per_name = np.bincount(f.full[profiles], minlength=1).astype(np.float64)
    # Per profile, the other profiles with its name (halved: each pair counted twice).
    namesakes = (per_name[f.full[profiles]] - 1.0) / 2.0
    scale = np.ones(2)
    for kind in (0, 1):
        sel = from_data == bool(kind)
        expected = float(np.nansum(share[sel])) * others
        observed = float(namesakes[sel].sum())
        scale[kind] = (observed + SCALE_PSEUDO_PAIRS) / (expected + SCALE_PSEUDO_PAIRS)
    f.__dict__["_world_share_scale"] = scale
    return scale


def _full_share(f: RecordFeatures, x: np.ndarray) -> np.ndarray:
    """Share of people with record x's name in a network like this data's: the world's
    or the data's share (``_world_full_share``) times its kind's ``world_share_scale``.
    Scaled once per record and kept on ``f``: compare reads it for every pair of one name
    (most of the pairs)."""
    if (per_record := f.__dict__.get("_full_shares")) is None:
        share, from_data = _world_full_shares(f)
        per_record = share * world_share_scale(f)[from_data.astype(np.intp)]
        f.__dict__["_full_shares"] = per_record
    return per_record[x]


def compare(f: RecordFeatures, a: np.ndarray, b: np.ndarray) -> Comparison:
    """Comparison levels of the pairs (a[i], b[i]) of records.

    String similarities are computed first for all pairs at once, each once per
    distinct pair of strings (ten million candidate pairs hold far fewer). The rest
    is compared ``COMPARE_CHUNK`` pairs at a time: each pair's levels depend on the two
    records only, and the temporaries of ten million pairs at once cost gigabytes.
    """
    k = len(a)
    name_sim, same_words = _name_similarities(f, a, b)
    levels = {name: np.empty(k, dtype=np.int8) for name in FEATURES}
    parts: dict[str, list[SparseColumn]] = {f.name: [] for f in MATCH_FEATURES if f.term_frequency}
    household = np.empty(k, dtype=bool)
    for i in range(0, k, COMPARE_CHUNK):
        part = slice(i, i + COMPARE_CHUNK)
        lv, tf, household[part] = _compare(f, a[part], b[part], name_sim[part], same_words[part])
        for name in FEATURES:
            levels[name][part] = lv[name]
        for name, kept in parts.items():
            kept.append(SparseColumn.of(tf[name]))
    tf_u = {name: _dense_if_full(SparseColumn.concatenate(kept)) for name, kept in parts.items()}
    # Given names that cannot be one person's at one home: relatives, unless the data
    # show they are mostly one person (transforms.households); relatives' home is no
    # evidence either way, as for a shared landline.
    at_home = np.flatnonzero(household & ((levels["address"] >= 1) | (levels["postcode"] == 1)))
    m = FEATURE["birthday"].m
    years = f.birthdays.year
    households = learn_households(
        levels["birthday"][at_home],
        (years[a[at_home]] >= 0) & (years[b[at_home]] >= 0),
        m[2] / (m[0] + m[2]),
    )
    if households.are_relatives:
        levels["address"][household] = -1
        levels["postcode"][household] = -1
    company_sim = _company_similarity(f, a, b, levels["company"])
    return Comparison(levels, tf_u, name_sim, company_sim, households, pair_types(f, a, b))


def _name_similarities(f: RecordFeatures, a, b) -> tuple[np.ndarray, np.ndarray]:
    """Per pair: Jaro-Winkler of the names as written (1 for the same full name, NaN
    when a side has none); do the names have the same words in another order or with
    one more (Jung Hyun-woo, Galarte Barares)?"""
    has = f.has_name[a] & f.has_name[b]
    full_a = f.full[a]
    exact = has & (full_a >= 0) & (full_a == f.full[b])
    del full_a
    sim = np.full(len(a), np.nan)
    todo = np.flatnonzero(has & ~exact)
    written = _narrow(f.written)
    wa, wb = written[a[todo]], written[b[todo]]
    sim[todo] = _pair_scores(JaroWinkler.normalized_similarity, f.written_values, wa, wb)
    del wa, wb
    sim[exact] = 1.0
    several = f.name_words >= 2
    todo = np.flatnonzero(has & ~exact & several[a] & several[b])
    same_words = np.zeros(len(a), dtype=bool)
    words = _narrow(f.words)
    same_words[todo] = (
        _pair_scores(
            fuzz.token_set_ratio, f.words_values, words[a[todo]], words[b[todo]], symmetric=True
        )
        >= WORDS_SIMILARITY
    )
    return sim, same_words


def _narrow(codes: np.ndarray) -> np.ndarray:
    """Per-record codes as int32 when they fit: their copies per pair take half the
    memory (the codes, and so every result, are the same)."""
    if codes.dtype == np.int64 and len(codes) and codes.max() < 2**31 and codes.min() >= -(2**31):
        return codes.astype(np.int32)
    return codes


def _company_similarity(f: RecordFeatures, a, b, level: np.ndarray) -> np.ndarray:
    """token_set_ratio of the company names of pairs that share no organisation (1.0
    for those that do, NaN without both names); sets their level to similar where the
    names are alike."""
    agree = level == 2
    # Masks per record, not company codes per pair: at ten million pairs every
    # temporary of the pairs' length is 80 MB.
    has = f.company >= 0
    todo = np.flatnonzero(~agree & has[a] & has[b])
    sim = np.full(len(a), np.nan)
    # The symmetric scorer's (smaller, larger) codes made here, in place, so that no
    # second copy of the two code arrays is alive meanwhile.
    company = _narrow(f.company)
    x, y = company[a[todo]], company[b[todo]]
    low = np.minimum(x, y)
    np.maximum(x, y, out=y)
    del x
    scores = _pair_scores(fuzz.token_set_ratio, f.company_values, low, y)
    del low, y
    scores /= 100.0
    sim[todo] = scores
    del scores
    sim[agree] = 1.0
    level[~agree & (sim >= COMPANY_SIMILARITY / 100.0)] = 1
    return sim


def _compare(f: RecordFeatures, a, b, name_sim, same_words):
    """Levels and term-frequency u's of a chunk of pairs, string similarities given, and
    per pair whether its given names are a household's (``compare`` decides)."""
    k = len(a)
    population = f.n
    levels: dict[str, np.ndarray] = {}
    tf_u: dict[str, np.ndarray] = {}

    ua, ub = f.url[a], f.url[b]
    levels["linkedin_url"] = np.where((ua >= 0) & (ub >= 0), (ua == ub).astype(np.int8), -1)
    levels["birthday"] = f.birthdays.levels(a, b)
    differ = np.flatnonzero(levels["birthday"] == 0)
    levels["birthday"][differ[f.birthdays.slip(a[differ], b[differ])]] = 3

    levels["name"], tf_u["name"], conflict = _compare_names(
        f, a, b, population, name_sim, same_words
    )
    (
        levels["name"],
        tf_u["name"],
        levels["address_name"],
        tf_u["address_name"],
    ) = _address_name(f, a, b, levels["name"], tf_u["name"])
    levels["local_part"], tf_u["local_part"] = _compare_local_parts(f, a, b)
    levels["company"], tf_u["company"] = _compare_companies(f, a, b, population)
    levels["mailbox"] = _compare_mailboxes(f, a, b)
    levels["display"], tf_u["display"] = _compare_displays(f, a, b, levels["name"])

    for name, matrix, shared, count in (
        ("email", f.email, f.email_shared, f.email_count),
        ("phone", f.phone, f.phone_shared, f.phone_count),
    ):
        has = matrix[:, 0] >= 0
        both = has[a] & has[b]
        lv = np.where(both, 0, -1).astype(np.int8)
        tf = np.full(k, np.nan)
        # Only pairs where both records have a value can share one.
        idx = np.flatnonzero(both)
        xa, xb = matrix[a[idx]], matrix[b[idx]]
        hit, fewest = _any_equal(xa, xb, count)
        # A value seen with many given names is a shared mailbox or line, whatever it is;
        # so is one two records with different given names share (a family's landline).
        personal, _ = _any_equal(np.where(shared[np.maximum(xa, 0)], -1, xa), xb)
        personal &= ~conflict[idx]
        lv[idx[hit]] = 1
        lv[idx[personal]] = 2
        levels[name] = lv
        some = hit & ~personal
        tf[idx[some]] = _tf(np.minimum(fewest[some], f.n), population, FEATURE[name].u[1])
        tf_u[name] = tf
    # A mail file gives one record per correspondent address: two of its records hold
    # two addresses whether they are one person (work and personal) or two, so their
    # differing addresses are no evidence (they weighed -1.9 bits against every pair).
    # Nor are their two work domains: one person's work and former work address there
    # are two companies by construction.
    if f.mail_file is not None:
        ma, mb = f.mail_file[a], f.mail_file[b]
        one_file = (ma >= 0) & (ma == mb)
        levels["email"][one_file & (levels["email"] == 0)] = -1
        levels["company"][one_file & (levels["company"] == 0)] = -1
    # Given names that cannot be one person's at one address are a household's, when
    # the family names do not say otherwise: relatives share a family name. Two records
    # whose given and family names both differ are no family; where they live is
    # evidence, weighed against their names like any other.
    fa, fb = f.family[a], f.family[b]
    # (A family name with a slip is the family name: the name's level "family".)
    other_family = (fa >= 0) & (fb >= 0) & (fa != fb) & (levels["name"] != 2)
    household = conflict & ~other_family
    # Compared as for anyone here; ``compare`` leaves a household's home out, or not.
    nobody = np.zeros(k, dtype=bool)
    levels["postcode"], tf_u["postcode"] = _compare_postcodes(f, a, b, population, nobody)
    levels["address"], tf_u["address"] = _compare_addresses(f, a, b, population, nobody)
    # An agreeing postcode and an agreeing address say one thing twice (where the two
    # live; they are not independent): only the more specific of the two counts.
    both = (levels["address"] >= 1) & (levels["postcode"] == 1)
    # (A street or locality spelled alike has no frequency of its own: its level's
    # generic u stands for it, as it does before any data.)
    address_u = tf_u["address"]
    address_u = np.where(
        np.isnan(address_u),
        np.asarray(FEATURE["address"].u)[np.maximum(levels["address"], 0)],
        address_u,
    )
    postcode_wins = both & (tf_u["postcode"] < address_u)
    levels["address"][postcode_wins] = -1
    levels["postcode"][both & ~postcode_wins] = -1
    # At one house (number and street, or a street spelled alike, in one locality) a
    # differing postcode is a slip on one card, as likely between two people of the
    # house as between one person's cards: the house is weighed, the postcode says
    # nothing more. (Not across localities: 105 Hawker St is in many towns.)
    slip = np.flatnonzero((levels["address"] >= 3) & (levels["postcode"] == 0))
    if len(slip) and f.address is not None:
        town = f.address.locality
        same_town, _ = _any_equal(town[a[slip]], town[b[slip]], f.address.locality_count)
        levels["postcode"][slip[same_town]] = -1
    return levels, tf_u, household


def _compare_addresses(f: RecordFeatures, a, b, population, conflict):
    """Address levels (``address`` feature), weighted by how many records share the
    agreed locality, street or house; no evidence between records whose given names
    cannot be one person's (a household), as for postcodes."""
    k = len(a)
    level = np.full(k, -1, dtype=np.int8)
    tf = np.full(k, np.nan)
    addr = f.address
    if addr is None:
        return level, tf
    has = (addr.street[:, 0] >= 0) | (addr.locality[:, 0] >= 0)
    idx = np.flatnonzero(has[a] & has[b] & ~conflict)
    level[idx] = 0
    # Worst level first, so that a better one overwrites it.
    for lv, codes, count in (
        (1, addr.locality, addr.locality_count),
        (2, addr.street_name, addr.street_name_count),
        (4, addr.street, addr.street_count),
    ):
        agree, fewest = _any_equal(codes[a[idx]], codes[b[idx]], count)
        level[idx[agree]] = lv
        tf[idx[agree]] = _tf(np.minimum(fewest[agree], f.n), population, FEATURE["address"].u[lv])
    # The first streets of the two at the same house number, spelled alike: no term
    # frequency (the typo has none), the level's u.
    sa, sb = addr.street[a[idx], 0], addr.street[b[idx], 0]
    hn = np.append(addr.house_number, -1)
    todo = np.flatnonzero((level[idx] < 3) & (sa >= 0) & (sb >= 0) & (hn[sa] >= 0))
    todo = todo[hn[sa[todo]] == hn[sb[todo]]]
    alike = _pair_scores(JaroWinkler.normalized_similarity, addr.street_values, sa[todo], sb[todo])
    hit = idx[todo[alike >= STREET_SIMILARITY]]
    level[hit] = 3
    tf[hit] = np.nan
    # A locality spelled alike ("port lihcoln", "st kild aeast") is the locality with a
    # typo: the level "locality", weighed by the level's u (the typo has no frequency).
    la, lb = addr.locality[a[idx], 0], addr.locality[b[idx], 0]
    todo = np.flatnonzero((level[idx] == 0) & (la >= 0) & (lb >= 0))
    alike = _pair_scores(
        JaroWinkler.normalized_similarity, addr.locality_values, la[todo], lb[todo]
    )
    level[idx[todo[alike >= STREET_SIMILARITY]]] = 1
    # In one locality, a street spelled alike ("tytherleigh st" / "tytherleig st", "178
    # graves pl" / "113 gravse pl") is the street with a typo: the level "street", by
    # the level's u (the typo has no frequency).
    sa, sb = addr.street[a[idx], 0], addr.street[b[idx], 0]
    names = _street_names(f)
    todo = np.flatnonzero((level[idx] == 1) & (sa >= 0) & (sb >= 0))
    todo = todo[(names[sa[todo]] != "") & (names[sb[todo]] != "")]
    alike = _pair_scores(JaroWinkler.normalized_similarity, names, sa[todo], sb[todo])
    hit = idx[todo[alike >= STREET_SIMILARITY]]
    level[hit] = 2
    tf[hit] = np.nan
    return level, tf


def _street_names(f: RecordFeatures) -> np.ndarray:
    """Per street code, the street without its house number (kept on ``f``)."""
    if (cached := f.__dict__.get("_street_names")) is None:
        values = f.address.street_values.tolist()
        cached = np.array([street_name(v) or "" for v in values] + [""], dtype=object)[:-1]
        f.__dict__["_street_names"] = cached
    return cached


def _compare_postcodes(f: RecordFeatures, a, b, population, conflict):
    """Postal code levels; weighted by how many records share the code.

    Records whose given names cannot be one person's share a postcode as a household
    does: no evidence either way (level -1), as for a shared landline.
    """
    has = f.postcode[:, 0] >= 0
    both = has[a] & has[b]
    level = np.where(both, 0, -1).astype(np.int8)
    tf = np.full(len(a), np.nan)
    idx = np.flatnonzero(both)
    agree, fewest = _any_equal(f.postcode[a[idx]], f.postcode[b[idx]], f.postcode_count)
    level[idx[agree]] = 1
    tf[idx[agree]] = _tf(np.minimum(fewest[agree], f.n), population, FEATURE["postcode"].u[1])
    level[both & conflict] = -1
    return level, tf


def _compare_names(f: RecordFeatures, a, b, population, sim, same_words):
    k = len(a)
    has_name = f.has_name
    has = has_name[a] & has_name[b]
    ga, gb, fa, fb = f.given[a], f.given[b], f.family[a], f.family[b]
    full_a = f.full[a]
    exact = has & (full_a >= 0) & (full_a == f.full[b])
    # Two names of their own spelled alike that share a canonical key (Steven and
    # Stephen Fenmore, colleagues at one firm) are compared as Sara and Sarah are, by
    # the levels below ("close"), not as one name written twice: a person writes their
    # own name one way. A diminutive (Steve) stays the same name as either.
    spelled_apart = np.zeros(k, dtype=bool)
    if f.given_spelling is not None:
        sa, sb = f.given_spelling[a], f.given_spelling[b]
        spelled_apart = (sa >= 0) & (sb >= 0) & (sa != sb)
    exact &= ~spelled_apart
    fam_eq = has & (fa >= 0) & (fa == fb)
    giv_eq = (ga >= 0) & (ga == gb)
    both_given = (ga >= 0) & (gb >= 0)
    initial_a, initial_b = f.initial[a], f.initial[b]
    same_initial = initial_a == initial_b
    initial_only_a, initial_only_b = f.given_length[a] == 1, f.given_length[b] == 1
    # An initial may stand for a diminutive: "P. Bradwick" for Pepe (José) Bradwick.
    # (Only an initial has a bit: the pairs with one are all that are looked at.)
    nick_initial = np.zeros(k, dtype=bool)
    todo = np.flatnonzero(initial_only_a | initial_only_b)
    ia, ib = a[todo], b[todo]
    nick_initial[todo] = ((f.initial_bit[ia] & f.given_initials[ib]) != 0) | (
        (f.initial_bit[ib] & f.given_initials[ia]) != 0
    )
    # Given names that differ but start alike may be one (Pat / Patricia, Jon / John).
    alike = np.zeros(k, dtype=bool)
    todo = np.flatnonzero(both_given & ~giv_eq & same_initial & ~initial_only_a & ~initial_only_b)
    alike[todo] = _alike_given(f.names, ga[todo], gb[todo])
    compatible = both_given & (
        giv_eq | nick_initial | (same_initial & (initial_only_a | initial_only_b | alike))
    )
    conflict = both_given & ~compatible
    # Family name first, against the name in order or an initial ("Chen Xin" / "X. Chen").
    fam_initial_a, fam_initial_b = f.family_initial[a], f.family_initial[b]
    swapped = (
        has
        & (ga >= 0)
        & (fa >= 0)
        & (
            ((ga == fb) & ((fa == gb) | (initial_only_b & (fam_initial_a == initial_b))))
            | ((fa == gb) & initial_only_a & (fam_initial_b == initial_a))
        )
    )
    # Family name first with a slip in the other part: "Musolino, Maxin" against
    # "Maxni Musolino" (one word the same in crossed places, the other alike).
    crossed = (ga == fb) != (fa == gb)
    todo = np.flatnonzero(has & ~swapped & (ga >= 0) & (fa >= 0) & (gb >= 0) & (fb >= 0) & crossed)
    if len(todo):
        first = ga[todo] == fb[todo]
        x = np.where(first, fa[todo], ga[todo])
        y = np.where(first, gb[todo], fb[todo])
        slip = _pair_scores(JaroWinkler.normalized_similarity, f.names, x, y)
        swapped[todo[slip >= NAME_CLOSE_SIMILARITY]] = True
    # ... and with slips in both parts ("Cooxn, Jonh" / "John Coxon"): the name read in
    # order is compared as two names in order are, by the whole name's similarity.
    todo = np.flatnonzero(
        has
        & ~swapped
        & ~exact
        & (ga >= 0)
        & (fa >= 0)
        & (gb >= 0)
        & (fb >= 0)
        & (ga != fb)
        & (fa != gb)
        & (ga != gb)
        & (fa != fb)
        & (initial_a == fam_initial_b)
        & (fam_initial_a == initial_b)
    )
    # (Each crossed word at least partly alike first, once per distinct pair of names:
    # a few in a hundred pairs cross their initials, and few of those their names.)
    for x, y in ((ga, fb), (fa, gb)):
        word = _pair_scores(JaroWinkler.normalized_similarity, f.names, x[todo], y[todo])
        todo = todo[word >= NAME_PARTIAL_SIMILARITY]
    if len(todo):
        words = f.names.astype(object)
        in_order = [f"{x} {y}" for x, y in zip(words[ga[todo]], words[fa[todo]], strict=True)]
        turned = [f"{x} {y}" for x, y in zip(words[fb[todo]], words[gb[todo]], strict=True)]
        read = _cpdist(JaroWinkler.normalized_similarity, in_order, turned)
        swapped[todo[read >= NAME_CLOSE_SIMILARITY]] = True
    # A single name against a name written family name first: "Takashi" and
    # "Hashiuchi Takashi" agree on the one word they share.
    single = has & (((fa < 0) & (ga >= 0) & (ga == fb)) | ((fb < 0) & (gb >= 0) & (gb == fa)))
    conflict &= ~(exact | swapped | same_words | single)
    # An address that spells one holder's whole name is that holder's: "Esera, Alex
    # <alejandro.esera@...>" is Alejandro Esera, whatever short form he signs with.
    for x, y in ((a, b), (b, a)):
        todo = np.flatnonzero(conflict & fam_eq & f.has_local[x])
        if len(todo):
            conflict[todo[_any_equal(f.local[x[todo]], f.full_forms[y[todo]])[0]]] = False
    close = (
        ~exact
        & has
        & ((fam_eq & compatible) | swapped | same_words | (sim >= NAME_CLOSE_SIMILARITY))
    )
    family = ~exact & ~close & fam_eq
    one_part = (fa < 0) | (fb < 0)
    # The given name alone against a whole name: the given name in common, or alike
    # (a slip, "Baiely" / "Bailey Thrussell", or a short form).
    partial = (
        ~exact
        & ~close
        & ~family
        & has
        & ((sim >= NAME_PARTIAL_SIMILARITY) | ((giv_eq | alike) & one_part) | single)
    )
    level = np.where(has, 0, -1).astype(np.int8)
    level[partial] = 1
    level[family] = 2
    level[close] = 3
    level[exact] = 4
    tf = np.full(k, np.nan)
    # The same full name may be read two ways ("Park Min-jun" written family name
    # first reads as given name Park): its share is the commoner of the two records'
    # readings, so that a pair's weight does not depend on which record comes first.
    tf[exact] = _full_name_u(
        f, full_a[exact], np.fmax(_full_share(f, a[exact]), _full_share(f, b[exact]))
    )
    if f.given_from_address is not None and f.given_from_address.any():
        # An initial's name as written is on the records whose initial was read from
        # their addresses too: "D. Medina" twice where a third D. Medina is Diego.
        rows = np.flatnonzero(exact & initial_only_a)
        extra = _completed_initials(f, _initial_name_key(f, a[rows]))
        rows, extra = rows[extra > 0], extra[extra > 0]
        code = full_a[rows]
        tf[rows] = _full_name_u(
            f, code, np.fmax(_full_share(f, a[rows]), _full_share(f, b[rows])), extra
        )
    # Relatives share rare family names far more than strangers do: no term-frequency
    # bonus for the family name alone, only when the given names agree too.
    fam = close & (fa >= 0) & (fa == fb)
    tf[fam] = _name_tf(
        f.family_count[fa[fam]], f.family_share[fa[fam]] * COMPATIBLE_GIVEN_SHARE, f.n
    )
    # A slip of the keyboard in a given name ("Nichooas" / "Nicholas Campbell") is not
    # any compatible given name: where one spelling is a given name the world knows and
    # the other is none, a stranger shares it about as often as the known spelling's
    # whole name. Two known names (Brian / Bryan, Sara / Sarah) are two names.
    known = tuple(f.given_share[np.maximum(g, 0)] > UNRANKED_SHARE for g in (ga, gb))
    # (Not where the two write two names spelled alike: "Pilip <philip.halworth@...>"
    # against "Phillip Halworth".)
    typo = np.flatnonzero(
        fam
        & alike
        & ~giv_eq
        & ~spelled_apart
        & (known[0] != known[1])
        & (f.given_length[a] >= 4)
        & (f.given_length[b] >= 4)
    )
    if len(typo):
        shorter = np.minimum(f.given_length[a[typo]], f.given_length[b[typo]])
        prefix = _pair_scores(Prefix.similarity, f.names, ga[typo], gb[typo]) == shorter
        typo = typo[~prefix]
        name = np.where(known[0][typo], a[typo], b[typo])
        # (The slipped spelling is one more record of the known name.)
        code = f.full[name]
        others = _name_others(f, code, extra=1)
        u = _name_tf(f.full_count[code] + 1, _full_share(f, name), f.n, None, others)
        tf[typo] = np.minimum(tf[typo], u)
    # An initial read from its address against one as written ("D. Medina"
    # <diego.medina@...> and "D. Medina" <dmedina@...>): the second does not say which
    # D it stands for, and the two compare as written, one name.
    if f.given_from_address is not None:
        done = f.given_from_address
        rows = np.flatnonzero(has & fam_eq & ~exact & same_initial & (done[a] != done[b]))
        plain = np.where(done[a[rows]], b[rows], a[rows])
        keep = (f.given_length[plain] == 1) & (f.full[plain] >= 0)
        rows, plain = rows[keep], plain[keep]
        level[rows] = 4
        code = f.full[plain]
        # The initial's name as written is on the completed records too.
        extra = _completed_initials(f, _initial_name_key(f, plain))
        tf[rows] = _full_name_u(f, code, _full_share(f, plain), extra)
        exact[rows] = True
    # "S. Larsen <soren.larsen@...>" names himself in full in his address: against
    # "Søren Larsen" the names agree as if both were written out. (Not for two names
    # spelled alike: the spellings of a name include its canonical key's, so
    # philip.langstone@ would spell "Phillip Langstone".)
    for x, y in ((a, b), (b, a)):
        todo = np.flatnonzero(
            has
            & ~exact
            & ~spelled_apart
            & ~conflict
            & (level >= 1)
            & f.has_local[x]
            & (f.full[y] >= 0)
        )
        if not len(todo):
            continue
        spelled = _any_equal(f.local[x[todo]], f.full_forms[y[todo]])[0]
        # "J. Burwick <john@...>" against "John Burwick": the address gives the initial.
        spelled |= (fa[todo] == fb[todo]) & _any_equal(f.local[x[todo]], f.given_forms[y[todo]])[0]
        spelled = todo[spelled]
        level[spelled] = 4
        share = _full_share(f, y[spelled])
        # As for an exact name, the commoner reading of the two (where x writes its
        # given name out: an initial has no share of its own).
        whole = (f.full[x[spelled]] >= 0) & (f.given_length[x[spelled]] > 1)
        share[whole] = np.fmax(share[whole], _full_share(f, x[spelled][whole]))
        # "J. Johnson <james.johnson@...>" against "Johnson James": y is James Johnson
        # written family name first, as common as James Johnson (read in y's order,
        # given name Johnson, the name would look one of a kind).
        turned = swapped[spelled]
        share[turned] = np.fmax(share[turned], _turned_share(f, y[spelled][turned]))
        tf[spelled] = _name_tf(f.full_count[f.full[y[spelled]]], share, f.n)
        # "Timothy <timothya@globex.com>" against "Timothy Ashcombe": a given name alone
        # whose address adds the family initial is close, weighed by the given name and
        # the initial.
        todo = np.flatnonzero(has & ~conflict & (level >= 1) & (level < 3) & f.given_alone[x])
        todo = todo[f.has_local[x[todo]] & (f.full[y[todo]] >= 0)]
        _, initialled = _given_spelled(f, x[todo], y[todo])
        rows = todo[initialled]
        level[rows] = 3
        tf[rows] = _given_u(f, y[rows], np.ones(len(rows), dtype=bool))

    # A nameless record (a bare mail address) against a named one: does the address
    # spell the name (jsmith@, john.smith@)? Weighted by how common the family name is.
    for named, bare in ((a, b), (b, a)):
        weak = (level < 2) & ~conflict & has_name[named] & f.has_local[bare]
        todo = np.flatnonzero(weak)
        if not len(todo):
            continue
        spelled = _any_equal(f.local[bare[todo]], f.forms[named[todo]])[0]
        level[todo] = np.where(spelled, 5, level[todo])
        nameless = todo[~has_name[bare[todo]]]
        level[nameless] = np.maximum(level[nameless], 0)
        fam_code = f.family[named[todo]]
        hit = todo[spelled & (fam_code >= 0)]
        fam_hit = f.family[named[hit]]
        tf[hit] = _name_tf(
            f.family_count[fam_hit], f.family_share[fam_hit] * COMPATIBLE_GIVEN_SHARE, f.n
        )
    # A family name with one slip of the keyboard ("Prieaux" / "Prideaux", four letters
    # or more, the same initial) is the family name all the same: what is left of the
    # two names is weighed as for one family name.
    todo = np.flatnonzero(
        (level >= 0)
        & (level <= 1)
        & (fa >= 0)
        & (fb >= 0)
        & (fa != fb)
        & (f.family_initial[a] == f.family_initial[b])
    )
    if len(todo):
        length = _name_lengths(f)
        todo = todo[(length[fa[todo]] >= 4) & (length[fb[todo]] >= 4)]
        slip = _pair_scores(Levenshtein.distance, f.names, fa[todo], fb[todo]) <= 1
        level[todo[slip]] = 2
    # The same given name under two family names: one person under a married name or
    # with the family name replaced on a card, or a stranger who shares the given name
    # (as many as the given name is common).
    other_family = (level == 0) & has & ~conflict & (fa >= 0) & (fb >= 0) & (fa != fb)
    rows = np.flatnonzero(other_family & giv_eq)
    # A given name with one slip of the keyboard ("Amberr" / "Amber", four letters or
    # more) is the given name all the same, as for a family name: weighed by the
    # commoner of the two spellings.
    todo = np.flatnonzero(other_family & ~giv_eq & alike)
    if len(todo):
        length = _name_lengths(f)
        todo = todo[(length[ga[todo]] >= 4) & (length[gb[todo]] >= 4)]
        slip = _pair_scores(Levenshtein.distance, f.names, ga[todo], gb[todo]) <= 1
        rows = np.sort(np.concatenate([rows, todo[slip]]))
    if len(rows):
        level[rows] = 6
        commoner = np.where(f.given_share[ga[rows]] >= f.given_share[gb[rows]], ga[rows], gb[rows])
        tf[rows] = _name_tf(f.given_count[commoner], f.given_share[commoner], f.n)
    _surname_only(f, ga, gb, fa, fb, level, tf)
    _given_only(f, a, b, level, tf)
    return level, tf, conflict


def _full_name_u(f: RecordFeatures, code: np.ndarray, share: np.ndarray, extra=0) -> np.ndarray:
    """u of agreeing on the whole names of codes ``code``: ``_name_tf`` with the name's
    records (``extra`` more: initials read from addresses), its profiles and its other
    holders' records (``_name_others``)."""
    return _name_tf(
        f.full_count[code] + extra, share, f.n, f.full_profiles[code], _name_others(f, code, extra)
    )


def _initial_name_key(f: RecordFeatures, x: np.ndarray) -> np.ndarray:
    """Per record, its initial and family name as one key (``_completed_initials``)."""
    return (f.initial[x].astype(np.int64) - ord("a")) * (len(f.names) + 1) + f.family[x]


def _completed_initials(f: RecordFeatures, keys: np.ndarray) -> np.ndarray:
    """Per key (``_initial_name_key``), how many records written with that initial and
    family name had their given name read from their addresses (``given_from_address``),
    counted once and kept on ``f``."""
    if (cached := f.__dict__.get("_completed_initials")) is None:
        done = np.flatnonzero(f.given_from_address)
        cached = f.__dict__["_completed_initials"] = np.unique(
            _initial_name_key(f, done), return_counts=True
        )
    values, counts = cached
    if not len(values):
        return np.zeros(len(keys), dtype=np.int64)
    at = np.minimum(np.searchsorted(values, keys), len(values) - 1)
    return np.where(values[at] == keys, counts[at], 0)


def _surname_only(f: RecordFeatures, ga, gb, fa, fb, level, tf) -> None:
    """The level "surname": one record has no given name ("Campbell" on a card at Jack
    Campbell's house) and the family names agree (or are one slip apart).

    As the level "family" such a pair weighed as two given names that differ, which a
    person's cards rarely show (Febrl4: 2 of 10 true at p 0.01-0.8 there); with the
    given name unknown the family name is all there is to compare. u is the share of
    named pairs where exactly one side writes no given name, times the family name's
    share (the commoner spelling): the name's m, learned from the pairs the other
    features link, says how often one person's cards leave the given name out.
    """
    rows = np.flatnonzero((level == 2) & ((ga < 0) != (gb < 0)))
    if not len(rows):
        return
    share = tuple(_name_tf(f.family_count[c], f.family_share[c], f.n) for c in (fa[rows], fb[rows]))
    level[rows] = 7
    tf[rows] = _without_given_share(f) * np.fmax(*share)


def _given_only(f: RecordFeatures, a, b, level, tf) -> None:
    """The level "given_only": one record has a given name and no family name ("Nicholas
    <nicholas@orionbank.com>", a card saying "Jennifer") and the other's given name is
    that name.

    As the level "partial" such a pair weighed as a slip in a whole name (+1 bit
    whatever the name), where it is the mirror of "surname": u is the share of named
    pairs where exactly one side writes no family name, times the given name's share
    (``_given_u``); the name's m, learned from the pairs the other features link, says
    how often one person's records leave the family name out.

    Measured on 2026-12-04 (session 8, side by side with a fixed --workdir; held-out
    seeds in memory): harness-0 / 1 F1 0.9429 / 0.9428 -> 0.9429 / 0.9430, Febrl1 / 2
    unchanged, Febrl4 0.9910 -> 0.9911; seeds 2 / 3 / 4 0.9278 / 0.9291 / 0.9302 ->
    0.9273 / 0.9294 / 0.9302 (seed 2: two name-only pairs at +2.0 bits moved below the
    threshold with the name's m). The world's commonest given names have shares of 0.08
    (Michael, Juan), so such a name alone at its employer stays below the threshold
    ("Michael <michael2@relecloud-ivy-energy.com>": +1.0 bits).
    """
    ga, gb, fa, fb = f.given[a], f.given[b], f.family[a], f.family[b]
    one_sided = (fa < 0) != (fb < 0)
    rows = np.flatnonzero((level == 1) & one_sided & (ga >= 0) & (ga == gb))
    if not len(rows):
        return
    alone = np.where(fa[rows] < 0, a[rows], b[rows])
    rows = rows[f.given_length[alone] > 1]  # an initial alone names nobody
    if not len(rows):
        return
    named = np.where(fa[rows] < 0, b[rows], a[rows])
    level[rows] = 8
    tf[rows] = _without_family_share(f) * _given_u(f, named, np.zeros(len(rows), dtype=bool))


def _without_family_share(f: RecordFeatures) -> float:
    """Of the pairs of named records, the share of a record with a given name and no
    family name and one with both."""
    return _lone_part_share(f, f.given, f.family)


def _without_given_share(f: RecordFeatures) -> float:
    """Of the pairs of named records (the pairs the name compares), the share of a
    record with a family name and no given name and one with both."""
    return _lone_part_share(f, f.family, f.given)


def _lone_part_share(f: RecordFeatures, kept: np.ndarray, left_out: np.ndarray) -> float:
    """Of the pairs of named records, the share of a record with the name part ``kept``
    and without ``left_out`` and a record with both."""
    n = int(f.has_name.sum())
    with_kept = f.has_name & (kept >= 0)
    without = int((with_kept & (left_out < 0)).sum())
    both = int((with_kept & (left_out >= 0)).sum())
    return 2.0 * without * both / max(n * (n - 1), 1)


def _address_name(f: RecordFeatures, a, b, name_level, name_tf):
    """Split the pairs of a nameless record and a named one off the name levels.

    ``_compare_names`` gives them "spelled" (5) when the nameless record's address
    spells the name and "differ" (0) when it does not; here they become the levels of
    ``address_name`` and the name is not compared (-1). An address that spells the
    whole name (john.smith@, smithjohn@) is weighed by how common the full name is,
    as an exact name would be; a short form (jsmith@) by the family name, as before.
    """
    one_nameless = f.has_name[a] != f.has_name[b]
    level = np.full(len(a), -1, dtype=np.int8)
    tf = np.full(len(a), np.nan)
    moved = one_nameless & (name_level >= 0)
    level[moved] = np.where(name_level[moved] == 5, 2, 0)
    tf[moved] = name_tf[moved]
    name_level = np.where(moved, -1, name_level).astype(np.int8)
    name_tf = np.where(moved, np.nan, name_tf)
    slug = _slug_spelled(f, a, b, level)
    level[slug] = 2
    _short_address(f, a, b, level, tf)
    spelled = np.flatnonzero(level == 2)
    named = np.where(f.has_name[a[spelled]], a[spelled], b[spelled])
    bare = np.where(f.has_name[a[spelled]], b[spelled], a[spelled])
    whole = _any_equal(f.local[bare], f.full_forms[named])[0] & (f.full[named] >= 0)
    whole |= np.isin(spelled, slug) & (f.full[named] >= 0)
    rows, who = spelled[whole], named[whole]
    tf[rows] = _name_tf(f.full_count[f.full[who]], _full_share(f, who), f.n)
    return name_level, name_tf, level, tf


def _slug_spelled(f: RecordFeatures, a, b, level) -> np.ndarray:
    """Pairs (positions) of "unspelled" where the nameless record's address spells the
    named one's profile URL, the name as its owner registered it: chinedu.nwasola@
    against "Chinedu Nwaola" at /in/chinedu-nwasola-693d4c. Only a profile row without
    addresses, whose one local part is the URL's."""
    todo = np.flatnonzero(level == 0)
    named = np.where(f.has_name[a[todo]], a[todo], b[todo])
    bare = np.where(f.has_name[a[todo]], b[todo], a[todo])
    profile = (f.url[named] >= 0) & (f.email[named, 0] < 0)
    todo, named, bare = todo[profile], named[profile], bare[profile]
    return todo[_any_equal(f.local[bare], f.local[named])[0]]


def _short_address(f: RecordFeatures, a, b, level, tf) -> None:
    """Set ``address_name`` "short" where a nameless record's address is the named
    one's given name alone or with the family initial (linda@, lindar@acme.com against
    Linda Radridge): u is how many people share the given name (world, else data),
    times how many share the family initial when the address has it."""
    todo = np.flatnonzero(level == 0)
    named = np.where(f.has_name[a[todo]], a[todo], b[todo])
    bare = np.where(f.has_name[a[todo]], b[todo], a[todo])
    alone, initialled = _given_spelled(f, bare, named)
    short = alone | initialled
    rows, who = todo[short], named[short]
    level[rows] = 1
    tf[rows] = _given_u(f, who, initialled[short] & ~alone[short])


def _given_spelled(f: RecordFeatures, x, y) -> tuple[np.ndarray, np.ndarray]:
    """Row-wise: is a local part of x's addresses y's given name alone, or the given
    name with the family initial?"""
    local, forms, plain = f.local[x], f.given_forms[y], f.given_plain[y]
    alone = np.zeros(len(x), dtype=bool)
    initialled = np.zeros(len(x), dtype=bool)
    for j in range(forms.shape[1]):
        hit = (forms[:, j] >= 0) & (local == forms[:, j][:, None]).any(axis=1)
        alone |= hit & (j < plain)
        initialled |= hit & (j >= plain)
    return alone, initialled


def _given_u(f: RecordFeatures, who: np.ndarray, initialled: np.ndarray) -> np.ndarray:
    """u of agreeing on record who's given name (the world's share, else the data's),
    times the share of its family initial where ``initialled``."""
    g = f.given[who]
    share = f.given_share[g]
    data = np.maximum(f.given_count[np.maximum(g, 0)] - SELF_RECORDS, 1.0) / max(f.n - 1, 1)
    share = np.where(np.isnan(share), data, share)
    # The family initial's share among the data's family names (one pseudo-name per
    # letter a-z: a small file's few names say little).
    letters = f.family_initial[f.family_initial >= 0]
    by_letter = np.bincount(letters, minlength=128).astype(np.float64)
    by_letter[ord("a") : ord("z") + 1] += 1.0
    by_letter /= by_letter.sum()
    fam_letter = np.minimum(np.maximum(f.family_initial[who], 0), len(by_letter) - 1)
    return np.where(initialled, share * by_letter[fam_letter], share)


def _bare_readings(f: RecordFeatures) -> dict:
    """Per record without a name, the ``Reading`` of each of its personal addresses
    (records with none left out), and per spelled name, short form and letters how many
    such records carry it (``_name_keys``). Kept on ``f``."""
    if (cached := f.__dict__.get("_bare_readings")) is not None:
        return cached
    values = bare_readings(f)
    readings: dict[int, tuple[Reading, ...]] = {}
    for row, code in zip(f.bare_rows.rows.tolist(), f.bare_rows.codes.tolist(), strict=True):
        if values[code] is not None:
            readings[row] = (*readings.get(row, ()), values[code])
    holders: dict[tuple, int] = {}
    for own in readings.values():
        for key in {k for r in own for k in _name_keys(r)}:
            holders[key] = holders.get(key, 0) + 1
    cached = f.__dict__["_bare_readings"] = (readings, holders)
    return cached


def _name_keys(r: Reading) -> tuple[tuple, ...]:
    """What a nameless address is counted as: its letters, and the whole name or the
    initial and family name it spells (the keys ``_compare_local_parts`` weighs)."""
    keys: list[tuple] = [("letters", r.letters)]
    if r.words and min(map(len, r.words)) >= 2:
        a, b = r.words
        keys += [(SPELLED, *sorted(r.words)), (SHORT, a[0], b), (SHORT, b[0], a)]
    elif r.words and min(map(len, r.words)) == 1:
        initial, family = sorted(r.words, key=len)
        keys.append((SHORT, initial, family))
    elif (read := name_of_letters(r.letters)) is not None:
        level, (x, y) = read
        keys.append((SPELLED, *sorted((x, y))) if level == SPELLED else (SHORT, x, y))
    return tuple(keys)


def _compare_local_parts(f: RecordFeatures, a, b):
    """``local_part`` levels and u's: two records without a name, each with a personal
    address, at no domain in common (``transforms.nameless``); the best level of their
    addresses' pairs.

    u of "spelled": where named records of the data carry the name the address spells
    (its whole-name spellings), that name's u as an exact name's (its share, records and
    holders' posterior); else the name's share as ``_full_share`` reads one (the data's
    given and family counts where others' records carry both, else the world's tables,
    times the kind's ``world_share_scale``) against its records (the nameless ones that
    spell it and the named ones that carry it), by ``_name_tf``. Of "short" the data's
    share of the initial times the family name's (the larger of the data's and the
    world's), against the records with that initial and family name. Of "same" the
    letters' share among the nameless records (``_tf``), at least the share of the
    given or family name the letters are (james@).

    Measured on 2026-12-04 (session 9) on 100,000 and 300,000 generated records
    (``generate_records``, pairwise against the truth): with the world's shares alone
    (Korean given names such as "sungmin" read from the tables, where the data key them
    "sung") and the holders' posterior for every spelled name, 304 false pairs against
    267 true reached the threshold at 300,000 records; as here 14 against 113 (F1 0.7576
    -> 0.7650, main 0.7638)."""
    k = len(a)
    level = np.full(k, -1, dtype=np.int8)
    tf = np.full(k, np.nan)
    bare = ~f.has_name
    todo = np.flatnonzero(bare[a] & bare[b])
    if not len(todo) or not len(f.bare_values):
        return level, tf
    readings, holders = _bare_readings(f)
    found = []
    for i, x, y in zip(todo.tolist(), a[todo].tolist(), b[todo].tolist(), strict=True):
        rx, ry = readings.get(x), readings.get(y)
        if not rx or not ry:
            continue
        best = (-1, None, None)
        if {r.domain for r in rx}.isdisjoint(r.domain for r in ry):
            for p in rx:
                for q in ry:
                    lv, name = compare_readings(p, q)
                    if lv > best[0]:
                        best = (lv, name, p.letters)
        level[i] = best[0]
        if best[0] >= 1:
            found.append((i, *best))
    if not found:
        return level, tf
    initials = _initial_shares(f)
    rows, counts, shares = [], [], []
    for i, lv, name, letters in found:
        if lv == SPELLED:
            code = _data_name(f, a[i], b[i])
            if code >= 0:
                # A name the data's named records spell: weighed as an exact name is.
                c = np.array([code])
                tf[i] = _name_tf(
                    f.full_count[c], _code_shares(f)[c], f.n, f.full_profiles[c], _name_others(f, c)
                )[0]
                continue
            count = holders.get((SPELLED, *sorted(name)), 2) + _named_holders(f, *name)
            share = _spelled_share(f, *name)
            rows.append(i)
            counts.append(count)
            shares.append(share)
        elif lv == SHORT:
            initial, family = name
            count = holders.get((SHORT, initial, family), 2) + _named_initial(f, initial, family)
            share = initials.get(initial, UNRANKED_SHARE) * _family_share(f, family)
            tf[i] = _name_tf(np.array([count]), np.array([share]), f.n)[0]
        else:
            # A given or family name alone (james@ twice) is as common as the name.
            same = np.array([holders.get(("letters", letters), 2)])
            tf[i] = max(_tf(same, f.n, FEATURE["local_part"].u[1])[0], one_name_share(letters))
    if rows:
        tf[rows] = _name_tf(np.array(counts), np.array(shares), f.n)
    return level, tf


def _data_name(f: RecordFeatures, x: int, y: int) -> int:
    """The full-name code of the named records whose whole-name spellings one of the
    two records' local parts is (``RecordFeatures.spelled_local``), else -1."""
    known = f.spelled_local
    for code in (*f.local[x].tolist(), *f.local[y].tolist()):
        at = int(np.searchsorted(known, code))
        if code >= 0 and at < len(known) and known[at] == code:
            return int(f.spelled_full[at])
    return -1


def _code_shares(f: RecordFeatures) -> np.ndarray:
    """Per full-name code its share (``_name_others``' commoner reading)."""
    _name_others(f, np.zeros(0, dtype=np.int64))
    return f.__dict__["_name_others"][0]


def _spelled_share(f: RecordFeatures, x: str, y: str) -> float:
    """The share of people named x y (either order, the commoner) as ``_full_share``
    reads a record's: from the data's given and family names where other people's
    records carry both, else from the world's tables, each times its kind's
    ``world_share_scale``."""
    codes = _name_pairs(f)[0]
    scale = world_share_scale(f)
    best = 0.0
    for given, family in ((x, y), (y, x)):
        g, fam = codes.get(given, -1), codes.get(family, -1)
        gc = f.given_count[g] if 0 <= g < len(f.given_count) else 0
        fc = f.family_count[fam] if 0 <= fam < len(f.family_count) else 0
        data = _independent_share(gc, fc, f.n)
        world = name_share("given", given) * name_share("family", family)
        best = max(best, data * scale[1] if data > 0 else world * scale[0])
    return best


def _family_share(f: RecordFeatures, family: str) -> float:
    """The larger of the data's and the world's share of a family name (as ``_name_tf``
    weighs one)."""
    codes = _name_pairs(f)[0]
    fam = codes.get(family, -1)
    fc = f.family_count[fam] if 0 <= fam < len(f.family_count) else 0
    return max(max(fc - SELF_RECORDS, 0.0) / max(f.n - 1, 1), name_share("family", family))


def _initial_shares(f: RecordFeatures) -> dict[str, float]:
    """The share of the data's given names (two letters or more) by their initial, one
    pseudo-name per letter a-z (kept on ``f``)."""
    if (cached := f.__dict__.get("_initial_shares")) is not None:
        return cached
    letters = f.initial[(f.given_length > 1) & (f.initial >= 0)]
    by_letter = np.bincount(letters, minlength=128).astype(np.float64)
    by_letter[ord("a") : ord("z") + 1] += 1.0
    by_letter /= by_letter.sum()
    cached = {chr(c): float(by_letter[c]) for c in np.flatnonzero(by_letter).tolist()}
    f.__dict__["_initial_shares"] = cached
    return cached


_CODE_POINTS = 0x110000  # an initial's code point packs below this


def _name_pairs(f: RecordFeatures) -> tuple[dict[str, int], np.ndarray, np.ndarray]:
    """Per name its code in ``f.names``; and the named records' (given, family) pairs of
    codes and (family, initial) pairs as sorted keys with their record counts (numpy,
    not a dictionary: a million records hold a million pairs, 150 MB as Python ints).
    Made once and kept on ``f``."""
    if (cached := f.__dict__.get("_name_pairs")) is None:
        codes = {v: i for i, v in enumerate(f.names.tolist())}
        width = len(codes) + 1
        both = (f.given >= 0) & (f.family >= 0)
        given = f.given[both].astype(np.int64)
        family = f.family[both].astype(np.int64)
        initialled = -(family * _CODE_POINTS + f.initial[both]) - 1
        keys, counts = _unique_counts(np.concatenate([given * width + family, initialled]))
        cached = (codes, keys, counts)
        f.__dict__["_name_pairs"] = cached
    return cached


def _count_of(keys: np.ndarray, counts: np.ndarray, key: int) -> int:
    """The count of ``key`` among sorted ``keys`` (0 where absent)."""
    at = int(np.searchsorted(keys, key))
    return int(counts[at]) if at < len(keys) and keys[at] == key else 0


def _named_holders(f: RecordFeatures, x: str, y: str) -> int:
    """How many named records carry the name x y, in either order."""
    codes, keys, counts = _name_pairs(f)
    gx, gy = codes.get(x), codes.get(y)
    if gx is None or gy is None:
        return 0
    width = len(codes) + 1
    return _count_of(keys, counts, gx * width + gy) + _count_of(keys, counts, gy * width + gx)


def _named_initial(f: RecordFeatures, initial: str, family: str) -> int:
    """How many named records have this family name and a given name of this initial."""
    codes, keys, counts = _name_pairs(f)
    fam = codes.get(family)
    return 0 if fam is None else _count_of(keys, counts, -(fam * _CODE_POINTS + ord(initial)) - 1)


def _compare_companies(f: RecordFeatures, a, b, population):
    """Company levels but "similar", which needs the names' similarity (done after)."""
    has_org = f.org[:, 0] >= 0
    both = has_org[a] & has_org[b]
    level = np.where(both, 0, -1).astype(np.int8)
    # Only pairs where both records have an organisation can share one.
    idx = np.flatnonzero(both)
    agree, fewest = _any_equal(f.org[a[idx]], f.org[b[idx]], f.org_count)
    level[idx[agree]] = 2
    tf = np.full(len(a), np.nan)
    tf[idx[agree]] = _tf(np.minimum(fewest[agree], f.n), population, FEATURE["company"].u[2])
    # "Franklin and Sons" on one record, franklin.io mail on the other: the company and
    # the work domain agree though no key is equal (no term frequency: u of the level).
    # (Read at the pairs where x has a company only, not at every pair three times.)
    has_company = f.company >= 0
    for x, y in ((a, b), (b, a)):
        rows = idx[has_company[x[idx]]]
        cx, y = f.company[x[rows]], y[rows]
        for j in range(f.domain.shape[1]):
            dy = f.domain[y, j]
            todo = np.flatnonzero((level[rows] < 2) & (dy >= 0))
            if len(todo):
                level[rows[todo[_company_domain_agree(f, cx[todo], dy[todo])]]] = 2
    return level, tf


def _compare_displays(f: RecordFeatures, a, b, name_level):
    """``display`` levels: between two mail records whose names agree exactly, is the
    display name written the same (u: the share of its shape), or not?"""
    level = np.full(len(a), -1, dtype=np.int8)
    tf = np.full(len(a), np.nan)
    if f.display is None:
        return level, tf
    da, db = f.display[a], f.display[b]
    compared = (da >= 0) & (db >= 0) & (name_level == LEVELS["name"].index("exact"))
    if f.family_from_address is not None:
        # A name completed from its address is one whose display is the given name
        # alone: two such displays are the same, and one against a whole name differs,
        # for strangers as for one person. (Compared, two namesakes writing "Zhiwei"
        # merged at +2 bits: harness seed 4 precision 0.9422 -> 0.9403, 2026-12-04.)
        compared &= ~f.family_from_address[a] & ~f.family_from_address[b]
    if f.given_from_address is not None:
        # An initial completed ("H. Li" <hui.li@...>) is compared as written, against
        # another initial ("H. Li" twice: one shape chosen twice); against a whole name
        # the shapes differ, for strangers as for one person. (Measured 2026-12-04,
        # harness seeds 0-4 F1 0.9508 / 0.9571 / 0.9426 / 0.9468 / 0.9414 kept; not
        # compared against an initial either, seeds 1 / 4 0.9563 / 0.9406; compared
        # everywhere, seeds 1-4 0.9563 / 0.9421 / 0.9463 / 0.9398.)
        done = f.given_from_address
        initial = done | (f.given_length == 1)
        compared &= ~((done[a] | done[b]) & ~(initial[a] & initial[b]))
    idx = np.flatnonzero(compared)
    same = da[idx] == db[idx]
    level[idx] = same.astype(np.int8)
    tf[idx[same]] = f.display_share[da[idx[same]]]
    return level, tf


def _compare_mailboxes(f: RecordFeatures, a, b) -> np.ndarray:
    """``mailbox`` levels: where both records have a personal address at one
    organisation's domain, do they share an address (one mailbox) or not (two)?"""
    level = np.full(len(a), -1, dtype=np.int8)
    has = f.domain[:, 0] >= 0
    idx = np.flatnonzero(has[a] & has[b])
    at_one_org, _ = _any_equal(f.domain[a[idx]], f.domain[b[idx]])
    idx = idx[at_one_org]
    shared, _ = _any_equal(f.email[a[idx]], f.email[b[idx]])
    level[idx] = shared.astype(np.int8)
    return level


def _company_domain_agree(f: RecordFeatures, company: np.ndarray, domain: np.ndarray):
    """Row-wise ``company_matches_domain``, once per distinct (company, domain) pair.

    Every form of a company's domain starts with its first letter: pairs that differ
    there are settled by numpy (most of them: at 200k records the Python test took 11 s
    over all pairs, measured)."""
    out = np.zeros(len(company), dtype=bool)
    if not len(company):
        return out
    letters = f.company_initial[company] == f.domain_initial[domain]
    todo = np.flatnonzero(letters)
    if not len(todo):
        return out
    uc, ud, which = _distinct_pairs(company[todo], domain[todo])
    names, domains = f.company_values[uc].tolist(), f.domain_values[ud].tolist()
    hit = np.array(
        [company_matches_domain(c, d) for c, d in zip(names, domains, strict=True)], dtype=bool
    )
    out[todo] = hit[which]
    return out


# --- the model ------------------------------------------------------------------------


@dataclass
class Model:
    """Fellegi-Sunter parameters: m and u per feature level, and the prior.

    Attributes:
        m, u: feature -> array of probabilities per level.
        matches_per_record: c, how many other records one record's person has.
        population: N, the records of the file.
        type_bits: per pair type (``pair_types``) the bits its prior differs from
            ``prior_bits`` by; None: one prior for every pair.
    """

    m: dict[str, np.ndarray]
    u: dict[str, np.ndarray]
    matches_per_record: float
    population: int
    type_bits: np.ndarray | None = None
    # (comparison, its evidence) as ``estimate`` summed it; ``log_odds`` takes it over.
    evidence_of: tuple[Comparison, np.ndarray] | None = field(
        default=None, repr=False, compare=False
    )

    @property
    def prior_bits(self) -> float:
        """The prior log-odds of a pair of records, whatever their sources."""
        return float(np.log2(self.matches_per_record / max(self.population - 1, 1)))

    def prior(self, cmp: Comparison, rows: np.ndarray | slice | None = None, dtype=np.float64):
        """The prior log-odds per pair (``prior_bits`` and its pair type's share), or
        the one ``prior_bits`` where every pair has it."""
        if self.type_bits is None or cmp.pair_type is None:
            return self.prior_bits
        kind = cmp.pair_type if rows is None else cmp.pair_type[rows]
        return (self.prior_bits + self.type_bits).astype(dtype)[kind]

    def weight(self, cmp: Comparison, name: str, rows: np.ndarray | None = None) -> np.ndarray:
        """Bayes factor in bits of one feature per pair (0 where not comparable).

        Args:
            rows: only these pairs (positions or a slice), else all.
        """
        level = cmp.levels[name] if rows is None else cmp.levels[name][rows]
        # Each level's bits once, looked up per pair (the same division and logarithm,
        # of the same numbers, as per pair: a fifth of the time at ten million pairs);
        # a pair's own term-frequency u is worked out for the pairs that have one.
        m = self.m[name]
        neutral = FEATURE[name].neutral_level
        table = np.zeros(len(m) + 1)  # position 0: not comparable
        table[1:] = np.log2(m / self.u[name])
        if neutral is not None:
            table[neutral + 1] = 0.0
        w = table[level.astype(np.intp) + 1]
        if (tf := cmp.tf_u.get(name)) is not None:
            tf = tf if rows is None else tf[rows]
            at = np.flatnonzero(~np.isnan(tf))
            lv = level[at]
            at = at[(lv >= 0) & (lv != (-9 if neutral is None else neutral))]
            w[at] = np.log2(m[level[at]] / tf[at])
        return w

    def weights(self, cmp: Comparison, rows: np.ndarray | None = None) -> dict[str, np.ndarray]:
        """``weight`` of every feature."""
        return {name: self.weight(cmp, name, rows) for name in FEATURES}

    def evidence(self, cmp: Comparison) -> np.ndarray:
        """Every feature's weight summed, per pair (the log-odds without the prior); one
        feature's temporaries at a time and ``COMPARE_CHUNK`` pairs at a time (a
        feature's temporaries over ten million pairs are several 80 MB arrays; the sums
        are the same, pair by pair)."""
        k = len(cmp.levels[FEATURES[0]])
        out = np.empty(k)
        for i in range(0, k, COMPARE_CHUNK):
            part = slice(i, i + COMPARE_CHUNK)
            total = 0
            for name in FEATURES:
                total = total + self.weight(cmp, name, part)
            out[part] = total
        return out

    def log_odds(self, cmp: Comparison) -> np.ndarray:
        """Prior plus ``evidence``, per pair. ``estimate`` has summed the evidence of its
        candidates already (for the prior): it is taken over, not summed again."""
        kept, self.evidence_of = self.evidence_of, None
        out = kept[1] if kept is not None and kept[0] is cmp else self.evidence(cmp)
        for i in range(0, len(out), COMPARE_CHUNK):
            part = slice(i, i + COMPARE_CHUNK)
            out[part] = self.prior(cmp, part) + out[part]
        return out


def _unique_counts(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """np.unique(values, return_counts=True) by sorting: numpy's hash-based unique is
    several times slower on millions of integers (measured: 8 s against 0.4 s for 6M)."""
    if not len(values):
        return values, np.empty(0, dtype=np.int64)
    ordered = np.sort(values)
    starts = np.flatnonzero(np.concatenate([[True], ordered[1:] != ordered[:-1]]))
    return ordered[starts], np.diff(np.concatenate([starts, [len(ordered)]]))


def random_pairs(n: int, limit: int = RANDOM_PAIRS) -> tuple[np.ndarray, np.ndarray]:
    """Record pairs drawn at random (all of them for small n); deterministic."""
    if n < 2:
        return np.empty(0, np.int64), np.empty(0, np.int64)
    if n * (n - 1) // 2 <= limit:
        a, b = np.triu_indices(n, 1)
        return a.astype(np.int64), b.astype(np.int64)
    rng = np.random.default_rng(20240611)
    a = rng.integers(0, n, limit)
    b = rng.integers(0, n, limit)
    keep = a != b
    return np.minimum(a, b)[keep], np.maximum(a, b)[keep]


def estimate(f: RecordFeatures, candidates: Comparison, n_candidates: int) -> Model:
    """u from random pairs; m from identifier-linked pairs; the match rate by EM.

    EM over blocked pairs for m is unstable when the blocks are built from the very
    features being weighed (it learns that sharing a family name means a match), so m
    of each feature is read off the pairs that another feature links beyond doubt: a
    shared LinkedIn profile, personal mailbox or personal phone. Only the share of
    matches is left to EM, with m and u held fixed: first among the candidates, by
    comparison pattern (the prior the m rounds weigh pairs with), then among all pairs,
    with every pair's term-frequency evidence (``_prior_over_all_pairs``), the prior
    the model keeps.
    """
    ra, rb = random_pairs(f.n)
    rand = compare(f, ra, rb) if len(ra) else None
    u = {}
    for name in FEATURES:
        u0 = np.array(FEATURE[name].u)
        if name == "birthday":
            # Counted over every pair from the dates' frequencies: a shared date is one
            # pair in ten thousand, which ten or so of the random pairs estimated.
            counts = f.birthdays.level_counts()
        elif rand is not None:
            lv = rand.levels[name]
            counts = np.bincount(lv[lv >= 0], minlength=len(u0)).astype(np.float64)
            if name == "address" and (share := _alike_street_share(f)) is not None:
                # The same, for two streets spelled alike at one house number (three
                # to seven random pairs on Febrl4): its expected count among these.
                counts[3] = share * counts.sum()
        else:
            counts = np.zeros(len(u0))
        est = (counts + U_PSEUDO_PAIRS * u0) / (counts.sum() + U_PSEUDO_PAIRS)
        if (level := FEATURE[name].identifier_level) is not None:
            est[level] = IDENTIFIER_U
        u[name] = est / est.sum()

    lv = candidates.levels
    # A feature's m is read off the pairs another feature links beyond doubt.
    identified = {
        f.name: lv[f.name] == f.identifier_level
        for f in MATCH_FEATURES
        if f.identifier_level is not None
    }
    m = {}
    # Per feature of M_OTHER_FEATURES: its identifier-linked pairs and how many.
    linked_pairs: dict[str, tuple[np.ndarray, float]] = {}
    for feature in MATCH_FEATURES:
        name = feature.name
        m0 = np.array(feature.m, dtype=np.float64)
        if not feature.learn_m:
            m[name] = m0
            continue
        anchor = np.zeros(n_candidates, dtype=bool)
        for other, linked in identified.items():
            if other != name and other not in feature.not_anchored_by:
                anchor |= linked
        sel = lv[name][anchor]
        counts = np.bincount(sel[sel >= 0], minlength=len(m0)).astype(np.float64)
        m[name] = (counts + M_PSEUDO_PAIRS * m0) / (counts.sum() + M_PSEUDO_PAIRS)
        if name in M_OTHER_FEATURES:
            linked_pairs[name] = (anchor, float(counts.sum()))

    # EM for the share of matches among the candidates, over the distinct comparison
    # patterns: the first prior (the m rounds', below), not the model's.
    # One int per pattern, each feature's level + 1 in as many bits as its levels need
    # (three for the name's eight values, two for most), decoded after unique. Half the
    # memory in int32 while the features' bits fit (the patterns are the same in either).
    nbits = [int(len(FEATURE[name].levels)).bit_length() for name in FEATURES]
    shift = np.concatenate([[0], np.cumsum(nbits)[:-1]]).astype(int).tolist()
    # The pair's two kinds of source above the features' bits: EM counts the matches
    # of each kind of pair apart (``_type_bits``).
    types = candidates.pair_type
    type_at = sum(nbits)
    type_width = int(types.max(initial=0)).bit_length() if types is not None else 0
    width = np.int32 if type_at + type_width <= 31 else np.int64
    code = np.zeros(n_candidates, dtype=width)
    for name, at in zip(FEATURES, shift, strict=True):
        bits = lv[name].astype(width)
        bits += 1
        bits <<= at
        code |= bits  # one temporary of the pairs' length, not three
    if type_width:
        bits = types.astype(width)
        bits <<= type_at
        code |= bits
    del bits
    distinct, counts = _unique_counts(code)
    del code
    distinct = distinct.astype(np.int64)
    type_of = (distinct >> type_at) if type_width else np.zeros(len(distinct), dtype=np.int64)
    patterns = np.stack(
        [(distinct >> at) & ((1 << k) - 1) for at, k in zip(shift, nbits, strict=True)]
    )
    levels_of = patterns.astype(np.int64) - 1
    anchored = {name: m[name].copy() for name in FEATURES}

    def log_bayes_factors() -> np.ndarray:
        out = np.zeros(patterns.shape[1])
        for i, name in enumerate(FEATURES):
            level = levels_of[i]
            idx = np.maximum(level, 0)
            out += np.where(level >= 0, np.log(m[name][idx]) - np.log(u[name][idx]), 0.0)
        return out

    log_bf = log_bayes_factors()
    # One share of matches per kind of pair (a single one where all records come from
    # one kind of source), each the share EM finds among that kind's candidates.
    n_types = int(type_of.max(initial=0)) + 1
    per_type = np.bincount(type_of, weights=counts, minlength=n_types)
    lam_of = np.full(n_types, 0.5)
    for _ in range(EM_ITERATIONS):
        lam = lam_of[type_of]
        logit = np.log(lam) - np.log1p(-lam) + log_bf
        post = 1.0 / (1.0 + np.exp(-np.clip(logit, -700, 700)))
        found = np.bincount(type_of, weights=post * counts, minlength=n_types)
        lam_of = np.clip(found / np.maximum(per_type, 1), 1e-6, 1 - 1e-6)
        if EM_LEARNS_M:
            # m of each feature from the pairs EM takes for matches, shrunk towards the
            # identifier-anchored m (u stays what random pairs say).
            weight = post * counts
            for i, name in enumerate(FEATURES):
                if not FEATURE[name].learn_m:
                    continue
                level = levels_of[i]
                seen = np.bincount(
                    level[level >= 0], weights=weight[level >= 0], minlength=len(m[name])
                )
                m[name] = (seen + M_EM_PSEUDO_PAIRS * anchored[name]) / (
                    seen.sum() + M_EM_PSEUDO_PAIRS
                )
            log_bf = log_bayes_factors()
    matched_of = lam_of * per_type
    c, type_bits = _prior(f, matched_of, by_kind=bool(type_width))
    model = Model(m=m, u=u, matches_per_record=c, population=f.n, type_bits=type_bits)
    for _ in range(M_ROUNDS):
        model.m = _m_from_other_pairs(model, candidates, anchored, linked_pairs)
    _prior_over_all_pairs(f, model, candidates)
    return model


def _prior_over_all_pairs(f: RecordFeatures, model: Model, cmp: Comparison) -> None:
    """The share of matches of each kind of pair among all its pairs, by EM over the
    candidates' evidence with its term frequencies (the pairs never compared are taken
    as non-matches). u comes from random pairs, so the share must be one of all pairs
    too. A share among the candidates, weighed with random pairs' u, counts the
    candidates' namesakes as matches, and namesakes grow with the square of the file:
    measured on the harness (seed 0), the candidates' EM found 3,608 matches where
    2,037 are (2,000 people) and 85,712 where 20,587 are (20,000 people), a prior 1.8x
    and 4.2x too high; this EM finds 1,993 and 20,171 (per kind of pair within 3-15% of
    the truth), and the sum of p is within 3.4% of the true pairs at both sizes (it was
    +0% and +20%). The pairs' evidence is summed here once; ``Model.log_odds`` adds
    the prior to it."""
    k = len(cmp.levels[FEATURES[0]])
    evidence = model.evidence(cmp)
    model.evidence_of = (cmp, evidence)
    if model.type_bits is not None and cmp.pair_type is not None:
        types = cmp.pair_type
        all_of = _type_pairs(f)
    else:  # one prior for every pair
        types = np.zeros(k, dtype=np.int8)
        all_of = np.array([f.n * (f.n - 1) / 2.0])
    n_types = len(all_of)
    # Histogram of (kind, evidence to a twentieth of a bit): EM over it, not the pairs.
    # Coded a chunk at a time into int32 (the temporaries of ten million pairs at once
    # are 80 MB each).
    code = np.empty(k, dtype=np.int32)
    for i in range(0, k, COMPARE_CHUNK):
        part = slice(i, i + COMPARE_CHUNK)
        bins = np.rint(np.clip(evidence[part], -200, 200) * 20).astype(np.int32)
        code[part] = types[part].astype(np.int32) * 10_000 + (bins + 5_000)
    distinct, counts = _unique_counts(code)
    distinct = distinct.astype(np.int64)
    del code
    kind = distinct // 10_000
    bits = (distinct % 10_000 - 5_000) / 20.0
    per_type = np.bincount(kind, weights=counts, minlength=n_types)
    found = 0.5 * per_type
    for _ in range(200):
        lam = np.clip(found / np.maximum(all_of, 1), 1e-15, 1 - 1e-9)
        logit = np.log2(lam / (1 - lam))[kind] + bits
        post = 1.0 / (1.0 + np.exp2(-np.clip(logit, -700, 700)))
        found = np.bincount(kind, weights=post * counts, minlength=n_types)
    model.matches_per_record, model.type_bits = _prior(
        f, found, by_kind=model.type_bits is not None
    )


def _prior(f: RecordFeatures, matched_of: np.ndarray, by_kind: bool):
    """(c, the kinds' ``_type_bits`` or None) from the matches EM found per kind of
    pair: the share of all pairs that match, shrunk towards the reference network's
    (``PRIOR_PAIRS``); c is what that share means per record."""
    pairs = f.n * (f.n - 1) / 2.0
    rate = (float(matched_of.sum()) + PRIOR_PAIRS * PRIOR_MATCH_RATE) / (pairs + PRIOR_PAIRS)
    return rate * max(f.n - 1, 1), _type_bits(f, matched_of, rate) if by_kind else None


def _type_pairs(f: RecordFeatures) -> np.ndarray:
    """All pairs of records of each kind of pair (``pair_types``' codes)."""
    kinds = int(f.source.max()) + 1
    sizes = np.bincount(f.source, minlength=kinds).astype(np.float64)
    # Pairs within one file and across files of one kind.
    within = sizes * (sizes - 1) / 2.0
    if f.file is not None:
        # Records by (file, kind): records without a file are one file of their kind.
        group = (f.file.astype(np.int64) + 1) * kinds + f.source
        groups, per_group = _unique_counts(group)
        within = np.zeros(kinds)
        np.add.at(within, groups % kinds, per_group * (per_group - 1) / 2.0)
    pairs = np.zeros(kinds * (kinds + 1))
    for lo in range(kinds):
        pairs[lo * kinds + lo] = within[lo]
        pairs[kinds * kinds + lo] = sizes[lo] * (sizes[lo] - 1) / 2.0 - within[lo]
        for hi in range(lo + 1, kinds):
            pairs[lo * kinds + hi] = sizes[lo] * sizes[hi]
    return pairs


def _type_bits(f: RecordFeatures, matched_of: np.ndarray, rate: float) -> np.ndarray | None:
    """Per kind of pair (``pair_types``), the bits its prior differs from the file's
    (``rate``).

    Which sources two records come from says how likely they are one person before
    anything they hold is compared: LinkedIn lists each connection once, a mail file
    gives one record per address (a second address is a second mailbox), a phone book
    holds a person once or now and then twice, while most people in a LinkedIn export
    also have a card or write mail, and two phone books hold many people twice. The
    share of each kind's pairs that EM counts as matches, shrunk towards the file's
    share by ``PRIOR_PAIRS`` pseudo-pairs (a few cards from another source take the
    file's). None where every pair is of one kind.
    """
    pairs = _type_pairs(f)
    if np.count_nonzero(pairs) < 2:
        return None
    found = np.zeros(len(pairs))
    found[: min(len(matched_of), len(pairs))] = matched_of[: len(pairs)]
    share = (found + PRIOR_PAIRS * rate) / (pairs + PRIOR_PAIRS)
    return np.where(pairs > 0, np.log2(share) - np.log2(rate), 0.0)


def _alike_street_share(f: RecordFeatures, budget: int = ALIKE_STREET_BUDGET) -> float | None:
    """Of all pairs of records with an address, the share whose first streets are two
    spellings alike at one house number (the address level "alike"; a pair that also
    shares a street elsewhere is rare and counted here too). Counted from the streets'
    frequencies, comparing the distinct streets of each house number: None when that
    is more than ``budget`` comparisons (the random pairs' estimate stays)."""
    addr = f.address
    if addr is None:
        return None
    has = (addr.street[:, 0] >= 0) | (addr.locality[:, 0] >= 0)
    comparable = int(has.sum()) * (int(has.sum()) - 1) / 2
    first = addr.street[has, 0]
    first = first[first >= 0]
    streets, count = np.unique(first, return_counts=True)
    number = addr.house_number[streets]
    streets, count, number = streets[number >= 0], count[number >= 0], number[number >= 0]
    if not comparable or not len(streets):
        return None
    order = np.argsort(number, kind="stable")
    streets, count, number = streets[order], count[order], number[order]
    bounds = np.flatnonzero(np.concatenate([[True], number[1:] != number[:-1], [True]]))
    sizes = np.diff(bounds)
    if int((sizes * (sizes - 1) // 2).sum()) > budget:
        return None
    alike = 0.0
    values = addr.street_values
    for start, stop in zip(bounds[:-1].tolist(), bounds[1:].tolist(), strict=True):
        if stop - start < 2:
            continue
        group = values[streets[start:stop]].tolist()
        score = process.cdist(
            group, group, scorer=JaroWinkler.normalized_similarity, dtype=np.float32
        )
        close = np.triu(score >= STREET_SIMILARITY, 1)
        c = count[start:stop].astype(np.float64)
        alike += float((np.outer(c, c) * close).sum())
    return alike / comparable


def _m_from_other_pairs(
    model: Model, cmp: Comparison, anchored: dict, linked: dict | None = None
) -> dict:
    """m of the ``M_OTHER_FEATURES`` from the candidate pairs the other features say are
    one person, pair by pair with their term-frequency weights: each pair weighs in with
    its match probability computed without the feature itself (a feature never vouches
    for itself). The identifier-linked pairs are already in the identifier-anchored m:
    they are left out here, and that m weighs as many pairs as it was read off, plus
    ``M_PSEUDO_PAIRS``."""
    out = dict(model.m)
    linked = linked or {}
    # Per pair, how many features agree at some level (counted once, not per feature).
    agreeing = np.zeros(len(cmp.levels[FEATURES[0]]), dtype=np.int8)
    for other in FEATURES:
        agreeing += cmp.levels[other] >= 1
    for name in M_OTHER_FEATURES:
        # Only the pairs the feature compares (few, where cards carry birthdays).
        compared = cmp.levels[name] >= 0
        anchor, n_anchored = linked.get(name, (None, 0.0))
        if anchor is not None:
            compared &= ~anchor
        if not compared.any():  # (no streets in the file: the anchored m, at no cost)
            out[name] = anchored[name]
            continue
        # A pair no other feature agrees on has the prior's odds at most (every level 0
        # is a difference): a ten-thousandth of a pair or less, left out (nine in ten of
        # the name's pairs at a million records).
        compared &= agreeing > (cmp.levels[name] >= 1)
        got = np.zeros(len(out[name]))
        # The name is compared in nearly every pair: a chunk at a time, so that the
        # weights' temporaries stay small at ten million pairs.
        for start in range(0, len(compared), COMPARE_CHUNK):
            rows = start + np.flatnonzero(compared[start : start + COMPARE_CHUNK])
            without = model.prior(cmp, rows) + sum(
                model.weight(cmp, other, rows) for other in FEATURES if other != name
            )
            post = 1.0 / (1.0 + np.exp2(-np.clip(without, -700, 700)))
            got += np.bincount(cmp.levels[name][rows], weights=post, minlength=len(got))
        weight = M_PSEUDO_PAIRS + n_anchored
        out[name] = (got + weight * anchored[name]) / (got.sum() + weight)
    return out
