"""Clustering scored pairs into people without chaining strangers together.

Pairs above the merge probability are edges, but a record's merges with the entries
of a file that lists each person once (an address book, a connections export): of
those only the one with the entry it fits best is (``_second_entries``). Connected
components are found with numpy (hook and pointer-jump). A component is re-clustered
with guards when it holds two LinkedIn profiles, a user's cannot-link pair, more than
``MAX_CLUSTER_RECORDS`` records, or any compared pair whose evidence says "different
people". There edges are taken strongest first, and two groups join only when (1) no
cannot-link or second LinkedIn profile would end up in one person, (2) the size stays
within the limit, and (3) the evidence between the two groups says "same person": weighed
as two people's records (``JoinEvidence``), each feature once at its best comparison
between them and each conflict at its worst, plus the prior once; without it, the summed
log-odds of every compared pair between them (positive, or at least the merge
probability's log-odds when the caller gives it). So A~B~C with A and C clearly
different is split at its weaker side, and a name every cross pair shares counts once. Two birthdays
in one person are refused like two LinkedIn profiles, unless one is a slip of the
other (one digit, or day and month swapped), or the link is between records of one
home (an address or postcode in common) and the dates are not a generation apart:
there no parent and child and no sibling (siblings do not share a given name) can
explain them, so one card carries a wrong date and the model's weight decides. A
father and son of one name at one home, a generation apart, stay two people (unless
the data show that such dates are mostly wrong dates: ``transforms.generations``); so do
namesakes elsewhere (measured: letting 10 bits of other evidence override any two
birthdays found 10 more of Febrl1's 500 pairs but merged the couple of
``test_a_shared_mailbox_cannot_join_two_birthdays``; weighing every two birthdays
with no guard, m learned from the other features, cost Febrl2 and Febrl4 precision
0.9994 -> 0.953: namesakes). Summed pair by pair (no ``JoinEvidence``), a pair whose
evidence, prior aside, leans to "same person" counts as at least zero there: too
little evidence (a job change, an old address) is no sign of two people.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

MAX_CLUSTER_RECORDS = 500
# The rule of a merge refused because the record fits another entry of that file better.
SECOND_ENTRY = "another_entry_fits_better"
# Years between a parent's birth and a child's: two such birthdays at one home are a
# father and son of one name, never one person with a wrong date.
GENERATION = (15, 50)


def connected_components(n: int, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Label per node: the smallest node index of its component."""
    labels = np.arange(n, dtype=np.int64)
    if not len(a):
        return labels
    while True:
        la, lb = labels[a], labels[b]
        low = np.minimum(la, lb)
        np.minimum.at(labels, la, low)
        np.minimum.at(labels, lb, low)
        while True:  # pointer jumping until every label is a root
            jumped = labels[labels]
            if np.array_equal(jumped, labels):
                break
            labels = jumped
        if np.array_equal(labels[a], labels[b]):
            return labels


def rival_profile_bits(
    n: int, a: np.ndarray, b: np.ndarray, log_odds: np.ndarray, url: np.ndarray
) -> np.ndarray:
    """Per pair, the bits (<= 0) its odds lose to rival LinkedIn profiles.

    A record without a profile that matches two profiles matches at most one of them:
    two rows of a Connections.csv are two people. With odds o_y for profile y and o_z
    for z, it is y's with odds o_y / (1 + o_z), not o_y; so a mail from "George Miller"
    with two George Millers among the connections is neither's until something else
    tells them apart. Per record and rival profile the strongest pair counts once.

    Args:
        n: number of records.
        a, b: compared pairs.
        log_odds: evidence per pair in bits, prior included.
        url: LinkedIn URL code per record (-1 none).
    """
    out = np.zeros(len(a))
    width = np.int64(int(url.max(initial=0)) + 1)
    has = url >= 0  # per record: a mask per pair, not a code per pair (80 MB at 10M pairs)
    # A record's profiles are gathered from both sides of its pairs at once (one side at
    # a time, the rivals of a record that came first in one pair and second in the other
    # went unseen: the outcome hung on the records' positions).
    sides = [
        (sel, x[sel], z[sel])
        for x, z in ((a, b), (b, a))
        for sel in [np.flatnonzero(~has[x] & has[z] & (log_odds > 0))]
    ]
    sel = np.concatenate([s for s, _, _ in sides])
    if not len(sel):
        return out
    x = np.concatenate([r for _, r, _ in sides])
    z = np.concatenate([p for _, _, p in sides])
    keys, which = np.unique(x * width + url[z], return_inverse=True)
    best = np.full(len(keys), -np.inf)
    np.maximum.at(best, which, log_odds[sel])
    odds = np.exp2(np.minimum(best, 60.0))
    total = np.bincount(keys // width, weights=odds, minlength=n)
    rivals = np.maximum(total[x] - odds[which], 0.0)
    out[sel] -= np.log2(1.0 + rivals)
    return out


@dataclass
class Guards:
    """What clustering must respect.

    Attributes:
        url: LinkedIn URL code per record (-1 none): one person, one profile.
        birth_day, birth_year: per record (-1 unknown): one person, one birthday; a
            year-less birthday fits a date on the same day.
        cannot_link: record pairs a user said are different people.
        must_link: record pairs a user said are one person (merged before anything).
        max_size: largest cluster that automatic merges may build.
        one_home: per compared pair (as given to ``cluster``), the two records share an
            address or postcode: two birthdays there are weighed, not refused, unless
            a generation apart (``_two_birthdays``).
        generation_is_family: a generation apart at one home is a parent and child
            (refused); False where the data show such dates are mostly wrong dates
            (``transforms.generations``), and they are weighed too.
        listing: per record the code of its file where the file lists each person once
            (an address book, a connections export; -1 for other records): a record of
            another file is merged with the one entry of such a file it fits best
            (``_second_entries``).
        identified: per compared pair (as given to ``cluster``), the two records share
            a personal identifier (an address, a phone, a profile): never a second entry.
        connections: per record the code of its LinkedIn connections export where it
            is a row of one (-1 else): two rows of one export are two people, with or
            without their profile URLs (``two_connections``).
        profiles: per record the LinkedIn profile it is (its URL, or its own code for a
            connections row without one; -1 none), for the rivals of ``ambiguous``;
            ``url`` where not given.
    """

    url: np.ndarray
    cannot_link: list[tuple[int, int]] = field(default_factory=list)
    must_link: list[tuple[int, int]] = field(default_factory=list)
    max_size: int = MAX_CLUSTER_RECORDS
    birth_day: np.ndarray | None = None
    birth_year: np.ndarray | None = None
    one_home: np.ndarray | None = None
    generation_is_family: bool = True
    listing: np.ndarray | None = None
    identified: np.ndarray | None = None
    connections: np.ndarray | None = None
    profiles: np.ndarray | None = None

    def birthdays(self, n: int) -> tuple[np.ndarray, np.ndarray]:
        """Day of the year and year per record (-1: unknown)."""
        none = np.full(n, -1, dtype=np.int32)
        day = self.birth_day if self.birth_day is not None else none
        return day, self.birth_year if self.birth_year is not None else none


@dataclass
class Clustering:
    """labels: smallest record index of each record's cluster; refused: pair -> guard."""

    labels: np.ndarray
    refused: dict[tuple[int, int], str]


@dataclass
class JoinEvidence:
    """The evidence of compared pairs column by column (the prior, each feature, each
    loss), for weighing the join of two groups once per column.

    Attributes:
        of: the rows' columns for some pairs (positions in the pairs given to
            ``cluster``): bits, NaN where the pair does not compare that column.
        worst: per column, whether it counts at its worst among the pairs between two
            groups (a conflict one person cannot have: two mailboxes at one employer, a
            rival profile) rather than at its best.
    """

    of: Callable[[np.ndarray], np.ndarray]
    worst: np.ndarray


def cluster(
    n: int,
    a: np.ndarray,
    b: np.ndarray,
    log_odds: np.ndarray,
    merge: np.ndarray,
    guards: Guards,
    prior_bits: float | None = None,
    merge_bits: float | None = None,
    join: JoinEvidence | None = None,
) -> Clustering:
    """Cluster n records from compared pairs.

    Args:
        n: number of records.
        a, b: compared pairs (a < b).
        log_odds: total evidence per pair in bits (prior included).
        merge: pairs whose probability is enough to merge them.
        guards: cannot-link, must-link, one profile per person, size limit.
        prior_bits: the prior log-odds inside ``log_odds``. When given, a pair whose
            evidence without the prior leans to "same person" never counts against
            joining two groups (too little evidence is not evidence of two people).
        merge_bits: the log-odds of the merge probability. When given, two groups of a
            re-clustered component join only when the evidence summed over every
            compared pair between them reaches it (else only when the sum is positive),
            and a record is not joined to a LinkedIn profile's group while another
            profile's group competes for it so closely that the odds shared between the
            two fall below it.
        join: when given, two groups of a re-clustered component are weighed as two
            people's records, not pair by pair: each column of the evidence counts
            once, at its best among the compared pairs between them (at its worst for
            conflicts), and ``prior_bits`` is not used. Summed pair by pair, one name
            shared by five cross pairs is counted five times, and a conflict is lost
            under the floor of the pairs whose evidence leans to "same person".
    """
    refused: dict[tuple[int, int], str] = {}
    if guards.listing is not None:
        second = _second_entries(a, b, log_odds, merge, guards.listing)
        if guards.identified is not None:
            second &= ~guards.identified
        merge = merge & ~second
        refused.update(
            dict.fromkeys(zip(a[second].tolist(), b[second].tolist(), strict=True), SECOND_ENTRY)
        )
    must = np.array(guards.must_link, dtype=np.int64).reshape(-1, 2)
    ea = np.concatenate([a[merge], must[:, 0]])
    eb = np.concatenate([b[merge], must[:, 1]])
    labels = connected_components(n, ea, eb)

    sizes = np.bincount(labels, minlength=n)
    suspicious = np.zeros(n, dtype=bool)
    suspicious[sizes > guards.max_size] = True
    day, year = guards.birthdays(n)
    for values in (guards.url, day, year):
        has = values >= 0
        if has.any():
            kinds = pd.DataFrame({"c": labels[has], "u": values[has]}).drop_duplicates()
            per = np.bincount(kinds["c"].to_numpy(), minlength=n)
            suspicious[per > 1] = True
    if guards.connections is not None and (guards.connections >= 0).any():
        # Two rows of one connections export in one component (URLs or not).
        has = guards.connections >= 0
        rows = pd.DataFrame({"c": labels[has], "f": guards.connections[has]})
        suspicious[rows["c"].to_numpy()[rows.duplicated().to_numpy()]] = True
    # Each pair's two labels read once (at a million records, ten million pairs).
    label_a, label_b = labels[a], labels[b]
    same = label_a == label_b
    against = ~merge & same & (log_odds < 0)
    suspicious[label_a[against]] = True
    for x, y in guards.cannot_link:
        if labels[x] == labels[y]:
            suspicious[labels[x]] = True

    if not suspicious.any():
        return Clustering(labels, refused)
    nodes = np.flatnonzero(suspicious[labels])
    inside = np.flatnonzero(suspicious[label_a] & same)
    del label_a, label_b, same
    link = log_odds[inside]
    if join is not None:
        link = join.of(inside)
    elif prior_bits is not None:
        bits = prior_bits[inside] if np.ndim(prior_bits) else prior_bits
        link = np.where(link - bits >= 0, np.maximum(link, 0.0), link)
    home = guards.one_home if guards.one_home is not None else np.zeros(len(a), dtype=bool)
    new = _guarded(
        nodes,
        a[inside],
        b[inside],
        link,
        merge[inside],
        home[inside],
        guards,
        [(x, y) for x, y in guards.must_link if suspicious[labels[x]]],
        refused,
        merge_bits,
        None if join is None else join.worst,
    )
    labels = labels.copy()
    labels[nodes] = new
    return Clustering(labels, refused)


def _second_entries(
    a: np.ndarray, b: np.ndarray, log_odds: np.ndarray, merge: np.ndarray, listing: np.ndarray
) -> np.ndarray:
    """Per pair: a merge of a record with an entry of a file that lists each person once
    (``Guards.listing``; the record from another file) that fits the record less well
    than another entry of that file does.

    An address book or a connections export lists a person once: a correspondent that
    fits two of its entries is one of them, and is merged with the one it fits best (both
    where they fit equally well). A second entry of the same person (a duplicate card)
    joins through what it shares with the first, not through the correspondent: a mail
    record of Hao Wang no longer bridges two Hao Wangs' cards. (A merge on an identifier
    the two records share is never a second entry: ``Guards.identified``.)

    Measured on 2026-12-04 (session 8, side by side with a fixed --workdir; held-out
    seeds in memory): harness-0 / 1 F1 0.9429 / 0.9430 -> 0.9433 / 0.9437 (P 0.9609 /
    0.9681 -> 0.9637 / 0.9696; seed 0 loses 4 true pairs of duplicate cards that only a
    mail record joined), Febrl1 / 2 unchanged (one file), Febrl4 0.9911 -> 0.9913 (P
    0.9988 -> 0.9992: its two files list each person once), seeds 2 / 3 / 4 0.9273 /
    0.9294 / 0.9302 -> 0.9293 / 0.9294 / 0.9307 (11 false pairs fewer, no true pair
    lost). Transitive false pairs on seeds 0 / 1: 19 / 17 -> 15 / 15.
    """
    out = np.zeros(len(a), dtype=bool)
    files = int(listing.max(initial=-1)) + 1
    edges = np.flatnonzero(merge)
    if not files or not len(edges):
        return out
    # Each merge once from either end: a record's merges with one file's entries are
    # gathered from both sides of its pairs at once (the record first in one pair and
    # second in another).
    side = np.concatenate([a[edges], b[edges]])
    into = listing[np.concatenate([b[edges], a[edges]])]
    at = np.concatenate([edges, edges])
    crossing = np.flatnonzero((into >= 0) & (listing[side] != into))
    if not len(crossing):
        return out
    bits = log_odds[at[crossing]]
    _, which = np.unique(side[crossing] * np.int64(files) + into[crossing], return_inverse=True)
    best = np.full(int(which.max()) + 1, -np.inf)
    np.maximum.at(best, which, bits)
    out[at[crossing[bits < best[which]]]] = True
    return out


def _digits_apart(x: str, y: str) -> int:
    return sum(p != q for p, q in zip(x, y, strict=True))


def _one_birthday(x: tuple[int, int], y: tuple[int, int]) -> bool:
    """Can two (month * 100 + day, year or -1) birthdays be one person's: equal where
    both are known, or one slip apart (one digit of YYYYMMDD, or day and month
    swapped). A mistyped date is not a second birthday."""
    (mx, yx), (my, yy) = x, y
    dx, dy = f"{mx:04d}", f"{my:04d}"
    swapped = dx[2:] + dx[:2] == dy
    if yx < 0 or yy < 0:
        return mx == my or swapped or _digits_apart(dx, dy) <= 1
    if yx == yy and (mx == my or swapped):
        return True
    return _digits_apart(f"{yx:04d}{dx}", f"{yy:04d}{dy}") <= 1


def _generation_apart(x: tuple[int, int], y: tuple[int, int]) -> bool:
    """Two birthdays a parent and child could have: a year unknown, or ``GENERATION``
    years apart."""
    (_, yx), (_, yy) = x, y
    return yx < 0 or yy < 0 or GENERATION[0] <= abs(yx - yy) <= GENERATION[1]


def _two_birthdays(
    born: set[tuple[int, int]], one_home: bool = False, generation_is_family: bool = True
) -> bool:
    """Two birthdays among a group's records that cannot be one person's.

    ``one_home``: the link that would join them is between records of one home (an
    address or postcode in common). There a date that is no parent's or child's of the
    other is a wrong date on one card (no sibling shares a given name), and the model's
    weight of two birthdays decides; a generation apart is a father and son, unless
    ``generation_is_family`` is False (the data show such dates are wrong dates).
    """
    dates = sorted(born)
    return any(
        not _one_birthday(x, y)
        and (not one_home or (generation_is_family and _generation_apart(x, y)))
        for i, x in enumerate(dates)
        for y in dates[i + 1 :]
    )


def _guarded(
    nodes, a, b, log_odds, merge, home, guards: Guards, must, refused, merge_bits=None, worst=None
) -> np.ndarray:
    """Greedy guarded agglomeration of the suspicious components' records.

    ``log_odds`` is one number per pair, summed between groups, or (with ``worst``) a
    row of columns per pair, combined between groups column by column (``JoinEvidence``).
    """
    parent = {int(x): int(x) for x in nodes}
    size = dict.fromkeys(parent, 1)
    urls = {x: ({int(guards.url[x])} if guards.url[x] >= 0 else set()) for x in parent}
    # The profile each group is, for rivals (a connections row without a URL is one), and
    # the connections exports it has a row of (one row each).
    profile = guards.profiles if guards.profiles is not None else guards.url
    profiles = {x: ({int(profile[x])} if profile[x] >= 0 else set()) for x in parent}
    row_of = guards.connections
    exports = {
        x: ({int(row_of[x])} if row_of is not None and row_of[x] >= 0 else set()) for x in parent
    }
    day, year = guards.birthdays(len(guards.url))
    # One birthday per person (a typo aside): day of the year and year (-1: unknown).
    born = {x: {(int(day[x]), int(year[x]))} if day[x] >= 0 else set() for x in parent}
    cannot: dict[int, set[int]] = defaultdict(set)
    for x, y in guards.cannot_link:
        if x in parent and y in parent:
            cannot[x].add(y)
            cannot[y].add(x)
    if worst is None:
        pair_bits = log_odds

        def combine(u, v):
            return v if u is None else u + v

        def bits_of(link) -> float:
            return link

        rows = log_odds.tolist()
    else:
        pair_bits = np.nansum(log_odds, axis=1)

        def combine(u, v):
            return v if u is None else np.where(worst, np.fmin(u, v), np.fmax(u, v))

        def bits_of(link) -> float:
            return float(np.nansum(link))

        rows = list(log_odds)
    links: dict[int, dict] = defaultdict(dict)
    for x, y, w in zip(a.tolist(), b.tolist(), rows, strict=True):
        links[x][y] = combine(links[x].get(y), w)
        links[y][x] = combine(links[y].get(x), w)

    def find(x: int) -> int:
        root = x
        while parent[root] != root:
            root = parent[root]
        while parent[x] != root:
            parent[x], x = root, parent[x]
        return root

    def union(ra: int, rb: int) -> None:
        keep, gone = (ra, rb) if size[ra] >= size[rb] else (rb, ra)
        parent[gone] = keep
        size[keep] += size.pop(gone)
        urls[keep] |= urls.pop(gone)
        profiles[keep] |= profiles.pop(gone)
        exports[keep] |= exports.pop(gone)
        born[keep] |= born.pop(gone)
        cannot[keep] |= cannot.pop(gone, set())
        for other, w in links.pop(gone, {}).items():
            if other == keep:
                links[keep].pop(gone, None)
                continue
            links[keep][other] = combine(links[keep].get(other), w)
            back = links[other]
            back[keep] = combine(back.get(keep), back.pop(gone))

    def blocked(ra: int, rb: int) -> bool:
        return any(find(x) == rb for x in cannot[ra])

    def ambiguous(ra: int, rb: int, bits: float) -> bool:
        """Is the pair's evidence as good for another person of certain difference?

        A group without a LinkedIn profile may join one with a profile only if no
        other profile's group competes for it: a mail from "George Miller" is one of
        at most two George Millers, so with odds o for each it is either's with odds
        o / (1 + o), not o (the rows of a Connections.csv are different people).
        """
        if merge_bits is None:
            return False
        for side, other in ((ra, rb), (rb, ra)):
            if profiles[side] or not profiles[other]:
                continue
            rivals = [
                w
                for g, w in ((g, bits_of(w)) for g, w in links[side].items())
                if g != other
                and w > 0.0
                and profiles[g]
                and profiles[g].isdisjoint(profiles[other])
            ]
            if rivals and bits - np.log2(1.0 + np.exp2(rivals).sum()) < merge_bits:
                return True
        return False

    for x, y in sorted(must):
        ra, rb = find(x), find(y)
        if ra != rb and not blocked(ra, rb):
            union(ra, rb)
        elif ra != rb:
            refused[(min(x, y), max(x, y))] = "cannot_link_override"

    order = np.lexsort((b, a, -pair_bits))
    for i in order[merge[order]].tolist():
        x, y = int(a[i]), int(b[i])
        ra, rb = find(x), find(y)
        if ra == rb:
            continue
        if blocked(ra, rb):
            refused[(x, y)] = "cannot_link_override"
        elif urls[ra] and urls[rb] and urls[ra].isdisjoint(urls[rb]):
            refused[(x, y)] = "conflict_linkedin_url"
        elif exports[ra] & exports[rb]:
            refused[(x, y)] = "two_connections"
        elif _two_birthdays(born[ra] | born[rb], bool(home[i]), guards.generation_is_family):
            refused[(x, y)] = "conflict_birthday"
        elif size[ra] + size[rb] > guards.max_size:
            refused[(x, y)] = "cluster_too_large"
        elif (bits := bits_of(links[ra][rb])) <= 0.0 or bits < (merge_bits or 0.0):
            refused[(x, y)] = "weak_link"
        elif ambiguous(ra, rb, float(pair_bits[i])):
            refused[(x, y)] = "ambiguous_link"
        else:
            union(ra, rb)

    roots = np.array([find(int(x)) for x in nodes], dtype=np.int64)
    # Label = smallest member index, as connected_components gives.
    smallest = pd.Series(nodes).groupby(roots).transform("min").to_numpy()
    return smallest
