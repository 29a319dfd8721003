"""Entity resolution: which source records are the same person.

block -> compare -> score -> cluster, each step vectorised over all records:

1. ``transforms.blocking``: candidate pairs from shared keys (LinkedIn URL, e-mail
   match key, phone, canonical name, phonetic name, a mail local part spelling the
   name, organisation + family name), near-linear in the number of records.
2. ``transforms.scoring``: a comparison level per feature and a Fellegi-Sunter
   match probability, with m/u estimated from the data and term-frequency weights.
3. ``transforms.clustering``: pairs with probability >= ``MERGE_PROBABILITY`` are
   joined, guarded against two LinkedIn profiles in one person, user cannot-links,
   oversized clusters, groups whose pairs mostly say "different people" and a record
   bridging two entries of an address book or connections export (it is merged with
   the entry it fits best).

The threshold is even odds on calibrated probabilities: merge when one person is
likelier than two (p >= 0.5). A wrong merge mixes two people's histories and a missed
one splits a person's in two: each gives one relationship a wrong last contact, and the
review queue lists the uncertain pairs on both sides of the line. (Until 2026-12-04 it
was 0.8, a wrong merge taken as four times as costly, on a prior that the candidates'
EM made 1.8x too high at 2,000 people and 4x at 20,000: 0.8 meant about 0.7 in a small
network and 0.5 in a large one. docs/benchmarks.md, "Session 9: the prior over all
pairs".)

Overrides file (TOML), read by ``load_overrides`` and applied on every run::

    # Each side is a record_id, an e-mail address or a LinkedIn profile URL
    # (a phone number in any spelling works too). All records carrying the
    # identifier are meant.
    must_link = [
      ["bsmith@acme.com", "https://www.linkedin.com/in/william-smith-4a1b2c"],
    ]
    cannot_link = [
      ["john@smith.org", "https://www.linkedin.com/in/jsmith1"],
    ]

    # The same, one table per pair, with an optional note:
    [[cannot_link]]
    a = "4f1c2a9d0e7b3c21"
    b = "info@acme.com"
    note = "shared inbox"

Must-links are merged first and may join two LinkedIn profiles (the user knows
better); cannot-links win over everything, must-links included.

``matches`` holds every pair merged, every pair a guard kept apart, and compared pairs
with probability >= ``NEAR_MISS_PROBABILITY``: score is the probability, evidence maps
each compared feature (``scoring.MATCH_FEATURES``: linkedin_url, email, phone, name,
address_name, company, ...) to its weight in bits (log2 of m/u; positive says "same
person"), ``rival_profiles`` to the bits lost to another LinkedIn profile the record fits
as well (``clustering.rival_profile_bits``), ``relatives`` to the bits lost to a parent
and child of one name at one home (``generations.generation_bits``), ``prior`` to the
prior log-odds, and
``name_similarity`` / ``company_similarity`` to 0..1 similarities. The score is the
probability of the prior plus every weight.
"""

from __future__ import annotations

import tomllib
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from transforms.blocking import candidate_pairs
from transforms.clustering import Guards, JoinEvidence, cluster, rival_profile_bits
from transforms.features import FEATURE_COLUMNS, RecordFeatures
from transforms.generations import (
    Generations,
    generation_apart,
    generation_bits,
    learn_generations,
)
from transforms.normalise import (
    email_match_key,
    normalise_email,
    normalise_linkedin_url,
    normalise_phone,
)
from transforms.record_order import content_order
from transforms.scoring import FEATURES, MATCH_FEATURES, Comparison, Model, compare, estimate
from transforms.sparse import SparseColumn
from warehouse import schema

# The evidence key of the bits lost to rival LinkedIn profiles (rival_profile_bits).
RIVALS = "rival_profiles"
# The evidence key of the bits lost to a parent and child of one name at one home
# (``generations.generation_bits``).
RELATIVES = "relatives"
# Pairs whose evidence is laid out at a time (``_evidence``): the matrix of their
# values, 20 keys by this, is 2.6 MB: small enough for the processor's cache.
EVIDENCE_CHUNK = 16_384
MERGE_PROBABILITY = 0.5
NEAR_MISS_PROBABILITY = 0.05
MERGE_BITS = float(np.log2(MERGE_PROBABILITY / (1 - MERGE_PROBABILITY)))
NEAR_MISS_BITS = float(np.log2(NEAR_MISS_PROBABILITY / (1 - NEAR_MISS_PROBABILITY)))


@dataclass
class Overrides:
    """A user's corrections, applied on every run.

    Attributes:
        must_link: (a, b) identifier pairs that are one person.
        cannot_link: (a, b) identifier pairs that are different people.
    """

    must_link: list[tuple[str, str]] = field(default_factory=list)
    cannot_link: list[tuple[str, str]] = field(default_factory=list)


class OverridesError(ValueError):
    """An overrides file that cannot be read; the message names the file and entry."""


def load_overrides(path: str | Path) -> Overrides:
    """Read a TOML overrides file (format in the module docstring).

    Raises:
        OverridesError: the file is not TOML or an entry is not a pair of strings.
    """
    path = Path(path)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise OverridesError(f"{path}: cannot read overrides: {exc}") from exc
    out = Overrides()
    for kind in ("must_link", "cannot_link"):
        for i, entry in enumerate(data.get(kind, [])):
            pair = (entry.get("a"), entry.get("b")) if isinstance(entry, dict) else entry
            if not (
                isinstance(pair, list | tuple)
                and len(pair) == 2
                and all(isinstance(x, str) and x.strip() for x in pair)
            ):
                raise OverridesError(f"{path}: {kind}[{i}] is not a pair of identifiers")
            getattr(out, kind).append((pair[0].strip(), pair[1].strip()))
    return out


def _toml_string(value: str) -> str:
    escaped = value.replace("\\", "\\\\").replace('"', '\\"')
    return '"' + "".join(c if c.isprintable() else f"\\u{ord(c):04x}" for c in escaped) + '"'


def _table(kind: str, a: str, b: str, note: str | None) -> str:
    lines = [f"[[{kind}]]", f"a = {_toml_string(a)}", f"b = {_toml_string(b)}"]
    if note:
        lines.append(f"note = {_toml_string(note)}")
    return "\n".join(lines) + "\n"


def append_overrides(path: str | Path, entries: list[tuple[str, str, str, str | None]]) -> None:
    """Add (kind, a, b, note) entries to an overrides file, kind must_link or cannot_link.

    Entries are written as ``[[must_link]]`` / ``[[cannot_link]]`` tables at the end, so
    the user's own lines and comments stay as they were. A file that writes a kind as
    an inline array (``must_link = [...]``) cannot take tables of that kind too: it is
    rewritten with every entry as a table (its comments are lost; said in the return).
    The file is written whole to a temporary file and renamed, owner-only.

    Raises:
        OverridesError: the existing file cannot be read.
    """
    path = Path(path)
    text = path.read_text(encoding="utf-8") if path.exists() else ""
    if text:
        current = load_overrides(path)  # raises on a broken file: never write over it
        data = tomllib.loads(text)
        inline = any(
            isinstance(e, list) for kind in ("must_link", "cannot_link") for e in data.get(kind, [])
        )
        if inline:
            text = "# Rewritten by ties review: every pair as a table.\n" + "".join(
                "\n" + _table(kind, x, y, None)
                for kind in ("must_link", "cannot_link")
                for x, y in getattr(current, kind)
            )
    if text and not text.endswith("\n"):
        text += "\n"
    text += "".join("\n" + _table(kind, a, b, note) for kind, a, b, note in entries)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_text(text, encoding="utf-8")
    tmp.chmod(0o600)
    tmp.replace(path)


@dataclass
class Resolution:
    """Result of resolving records.

    Attributes:
        cluster_of: record_id -> the cluster's representative (smallest) record_id.
        matches: pairs merged, kept apart by a guard, or near misses (schema.MATCHES).
        candidate_pairs: how many pairs blocking gave to be compared.
    """

    cluster_of: dict[str, str]
    matches: pd.DataFrame
    candidate_pairs: int = 0

    def clusters(self) -> dict[str, list[str]]:
        groups: dict[str, list[str]] = defaultdict(list)
        for record_id, root in self.cluster_of.items():
            groups[root].append(record_id)
        return {root: sorted(members) for root, members in groups.items()}


def _identifier_index(
    records: pd.DataFrame, position: np.ndarray | None = None
) -> dict[str, list[int]]:
    """Identifier (record_id, e-mail key, URL, phone) -> record positions (row i's
    position is ``position[i]`` when given, else i)."""
    at = position.tolist() if position is not None else range(len(records))
    index: dict[str, list[int]] = defaultdict(list)
    for i, rid in enumerate(records["record_id"].tolist()):
        index[rid].append(at[i])
    for column in ("email_keys", "phones"):
        for i, values in enumerate(records[column].tolist()):
            for v in values if isinstance(values, list | tuple | np.ndarray) else []:
                index[v].append(at[i])
    for i, url in enumerate(records["linkedin_url"].tolist()):
        if isinstance(url, str):
            index[url].append(at[i])
    return index


def _lookup(index: dict[str, list[int]], ident: str) -> list[int]:
    if ident in index:
        return index[ident]
    for key in (
        normalise_linkedin_url(ident),
        email_match_key(normalise_email(ident)),
        normalise_phone(ident),
    ):
        if key and key in index:
            return index[key]
    return []


def _override_pairs(
    index: dict[str, list[int]], pairs: list[tuple[str, str]]
) -> list[tuple[int, int]]:
    """Record position pairs (i < j) meant by identifier pairs, through ``index``."""
    out = set()
    for x, y in pairs:
        left, right = _lookup(index, x), _lookup(index, y)
        for i in left:
            for j in right:
                if i != j:
                    out.add((min(i, j), max(i, j)))
    return sorted(out)


def _evidence(weights, prior_bits, name_sim, company_sim, levels) -> pa.Array:
    """map<string, double> per pair: weights of compared features, prior (per pair: its
    kind of sources' prior), similarities."""
    k = len(name_sim)
    # The relatives' column only where some pair lost bits to them (few data sets).
    losses = [RIVALS, *([RELATIVES] if (weights[RELATIVES] < 0).any() else [])]
    keys = pa.array([*FEATURES, *losses, "prior", "name_similarity", "company_similarity"])
    # Per key: its values, the decimals they are rounded to, where it is shown (None:
    # every pair).
    columns = [(weights[name], 3, levels[name] >= 0) for name in FEATURES]
    columns += [(weights[key], 3, weights[key] < 0) for key in losses]
    columns.append((prior_bits, 3, None))
    columns += [(np.nan_to_num(sim), 4, ~np.isnan(sim)) for sim in (name_sim, company_sim)]
    counts = np.zeros(k, dtype=np.int64)
    for _, _, shown in columns:
        counts += 1 if shown is None else shown
    offsets = np.concatenate([[0], np.cumsum(counts)])
    values = np.empty(offsets[-1], dtype=np.float64)
    key_index = np.empty(offsets[-1], dtype=np.int32)
    # A pair's entries lie together, the keys in order: EVIDENCE_CHUNK pairs at a time
    # the columns are rounded into the rows of a small matrix, which read transposed
    # gives them pair by pair. (A matrix of every pair written column by column, 0.4
    # GB at a million records, took 0.8-2 s there; this takes 0.5 s.)
    n_keys = len(columns)
    block = np.empty((n_keys, EVIDENCE_CHUNK), dtype=np.float64)
    shows = np.empty((n_keys, EVIDENCE_CHUNK), dtype=bool)
    each_key = np.arange(n_keys, dtype=np.int32)
    for start in range(0, k, EVIDENCE_CHUNK):
        stop = min(start + EVIDENCE_CHUNK, k)
        c = stop - start
        for i, (column, decimals, shown) in enumerate(columns):
            np.round(column[start:stop], decimals, out=block[i, :c])
            shows[i, :c] = True if shown is None else shown[start:stop]
        mask = shows[:, :c].T
        at = slice(offsets[start], offsets[stop])
        values[at] = block[:, :c].T[mask]
        key_index[at] = np.broadcast_to(each_key, (c, n_keys))[mask]
    return pa.MapArray.from_arrays(
        pa.array(offsets.astype(np.int32)),
        keys.take(pa.array(key_index)),
        pa.array(values, pa.float64()),
    )


# The rules a match may name, numbered: a pair's rule is kept as its number until the
# column is made (numpy arrays of the names took 0.9 s at a million records). The
# guards' refusals (transforms.clustering) are numbered after these as they come.
RULES = (
    "probabilistic",
    "similar_name_same_company",
    "name_spelled_in_email",
    "similar_name_same_birthday",
    "same_phone",
    "same_email",
    "same_linkedin_url",
    "transitive",
    "below_threshold",
    "conflict_linkedin_url",
    "cannot_link_override",
    "must_link_override",
)
RULE = {name: i for i, name in enumerate(RULES)}


def _join_evidence(model: Model, cmp: Comparison, rivals, relatives) -> JoinEvidence:
    """The columns clustering weighs two groups of records by (``JoinEvidence``): the
    pair's prior, each feature's weight (NaN where not compared or at a level that says
    nothing at a join: ``Feature.no_evidence_at_a_join``) and the bits lost to rival
    profiles and to a parent and child, which are conflicts."""
    worst = np.array([False, *(f.worst_at_a_join for f in MATCH_FEATURES), True, True], dtype=bool)

    def of(rows: np.ndarray) -> np.ndarray:
        out = np.empty((len(rows), len(worst)))
        out[:, 0] = model.prior(cmp, rows)
        for j, feature in enumerate(MATCH_FEATURES, start=1):
            level = cmp.levels[feature.name][rows]
            out[:, j] = model.weight(cmp, feature.name, rows)
            silent = level < 0
            for name in feature.no_evidence_at_a_join:
                silent |= level == feature.levels.index(name)
            out[silent, j] = np.nan
        out[:, -2] = rivals[rows]
        out[:, -1] = relatives[rows]
        return out

    return JoinEvidence(of, worst)


def _merge_rule(levels: dict[str, np.ndarray]) -> np.ndarray:
    """The strongest evidence of a merged pair, as a rule's number in ``RULES``."""
    rule = np.full(len(levels["name"]), RULE["probabilistic"], dtype=np.int16)
    strong_name = (levels["name"] == 3) | (levels["name"] == 4)
    rule[strong_name & (levels["company"] >= 1)] = RULE["similar_name_same_company"]
    spelled = (levels["name"] == 5) | (levels["address_name"] == 2) | (levels["local_part"] == 3)
    rule[spelled] = RULE["name_spelled_in_email"]
    same_birthday = (levels["birthday"] == 1) | (levels["birthday"] == 2)
    rule[strong_name & same_birthday] = RULE["similar_name_same_birthday"]
    rule[levels["phone"] == 2] = RULE["same_phone"]
    rule[levels["email"] == 2] = RULE["same_email"]
    rule[levels["linkedin_url"] == 1] = RULE["same_linkedin_url"]
    return rule


def _pair_positions(a: np.ndarray, b: np.ndarray, n: int, pairs) -> tuple[np.ndarray, np.ndarray]:
    """Where the (x, y) pairs (x < y) sit among the candidate pairs, which are unique and
    sorted by (a, b): (position, found) per pair, by bisection."""
    width = np.int64(max(n, 1))
    codes = a * width + b
    pairs = np.array(list(pairs), dtype=np.int64).reshape(-1, 2)
    wanted = pairs[:, 0] * width + pairs[:, 1]
    where = np.minimum(np.searchsorted(codes, wanted), max(len(codes) - 1, 0))
    found = codes[where] == wanted if len(codes) else np.zeros(len(wanted), dtype=bool)
    return where, found


def _pair_mask(a, b, n: int, pairs: list[tuple[int, int]]) -> np.ndarray:
    """Per candidate pair: is it one of ``pairs``."""
    out = np.zeros(len(a), dtype=bool)
    if pairs:
        where, found = _pair_positions(a, b, n, pairs)
        out[where[found]] = True
    return out


@dataclass
class ScoredCandidates:
    """The candidate pairs of a set of records and the model's log-odds for each.

    Positions are those of the records in their content's order
    (``transforms.record_order``: the same records give the same positions whatever
    their ids); ``records`` is that ordered frame, made from the records as given when asked for:
    kept, the sorted copy of every column was alive through scoring wherever the
    records do not come sorted (a third of a gigabyte at a million).
    """

    source: pd.DataFrame  # the records as given
    order: np.ndarray  # source positions of the ordered records
    ids: np.ndarray
    features: RecordFeatures
    a: np.ndarray
    b: np.ndarray
    comparison: Comparison
    model: Model
    log_odds: np.ndarray  # rival profiles' share and relatives' included
    rivals: np.ndarray
    relatives: SparseColumn  # the bits lost to a parent and child, at the pairs that lose any
    generations: Generations

    @property
    def records(self) -> pd.DataFrame:
        """The records in the content's order (a new frame at each call)."""
        return self.source.iloc[self.order].reset_index(drop=True)


def _profiles(f: RecordFeatures) -> np.ndarray:
    """Per record the LinkedIn profile it is (-1: none): its URL's code, or for a row
    of a connections export without one (LinkedIn's exports of 2018) a code of its own,
    since each row is one profile all the same."""
    profiles = f.url.copy()
    if f.connections_file is not None:
        rows = np.flatnonzero((f.connections_file >= 0) & (profiles < 0))
        profiles[rows] = int(f.url.max(initial=-1)) + 1 + np.arange(len(rows))
    return profiles


def _one_home(levels: dict[str, np.ndarray]) -> np.ndarray:
    """Per pair: are the two records of one home? An address in common, or a postcode
    where the addresses do not differ: a postcode covers several suburbs, and two
    records in it on other streets of other suburbs are not one home."""
    address = levels["address"]
    return (address >= 1) | ((levels["postcode"] == 1) & (address != 0))


def score_candidates(records: pd.DataFrame) -> ScoredCandidates:
    """Block, compare, fit the model and score every candidate pair (no clustering)."""
    order = content_order(records)
    # Only the columns the features read are reordered.
    read = [c for c in FEATURE_COLUMNS if c in records]
    ordered = records[read].iloc[order].reset_index(drop=True)
    ids = records["record_id"].to_numpy(dtype=object)[order]
    f = RecordFeatures.from_records(ordered)
    del ordered
    a, b = candidate_pairs(f)
    cmp = compare(f, a, b)
    model = estimate(f, cmp, len(a))
    log_odds = model.log_odds(cmp)
    rivals = rival_profile_bits(f.n, a, b, log_odds, _profiles(f))
    # Two dates at one home: what the other features say, learned, then weighed.
    one_home = _one_home(cmp.levels)
    rows = np.flatnonzero(one_home & (cmp.levels["birthday"] == 0))
    without = log_odds[rows] - model.weight(cmp, "birthday", rows)
    generations = learn_generations(f.birthdays, a[rows], b[rows], without)
    log_odds += rivals
    # Only the few pairs at one home with two dates can lose bits: kept by position.
    apart = rows[generation_apart(f.birthdays, a[rows], b[rows])]
    bits = generation_bits(generations, log_odds[apart], np.ones(len(apart), dtype=bool))
    log_odds[apart] += bits
    relatives = SparseColumn(len(a), apart, bits, fill=0.0)
    return ScoredCandidates(
        records, order, ids, f, a, b, cmp, model, log_odds, rivals, relatives, generations
    )


def resolve(records: pd.DataFrame, overrides: Overrides | None = None) -> Resolution:
    """Cluster normalised records into people.

    The result depends only on what the records say, not on their order nor on their
    ids (``transforms.record_order``): the same address book resolves alike from any
    folder.

    Args:
        records: normalised records (columns of schema.SOURCE_RECORDS except contact_id).
        overrides: user must-link / cannot-link pairs, applied before any guard.

    Returns:
        The clusters, the evidence of the pairs worth explaining, and the number of
        candidate pairs compared.
    """
    overrides = overrides or Overrides()
    sc = score_candidates(records)
    # One pass over the records serves both lists (none at all without overrides).
    wanted = overrides.must_link or overrides.cannot_link
    index = {}
    if wanted:  # read in the given order, each row at its sorted position: no copy
        position = np.empty(len(sc.order), dtype=np.int64)
        position[sc.order] = np.arange(len(sc.order))
        index = _identifier_index(sc.source, position)
    ids, f, a, b = sc.ids, sc.features, sc.a, sc.b
    cmp, model, log_odds, rivals = sc.comparison, sc.model, sc.log_odds, sc.rivals
    relatives, generations = sc.relatives, sc.generations
    # Each part is let go as soon as it has served (the comparison of every candidate
    # pair is 0.8 GB at a million records, the record features 0.5 GB): held by ``sc``
    # they would all be alive at the end, where the matches table is built.
    del sc
    n, n_candidates = f.n, len(a)
    # The record ids compared once, as ranks: which id of a pair and of a cluster is the
    # smaller is then integer work (as strings, 3 s at a million records). Arrow orders
    # strings by their UTF-8 bytes, which is the order of their code points, Python's.
    id_array = pa.array(ids, pa.string())
    by_id = pc.sort_indices(id_array).to_numpy()
    id_rank = np.empty(n, dtype=np.int64)
    id_rank[by_id] = np.arange(n)
    merge = log_odds >= MERGE_BITS

    must = _override_pairs(index, overrides.must_link)
    cannot = _override_pairs(index, overrides.cannot_link)
    del index
    user_apart = _pair_mask(a, b, n, cannot)
    # The pairs worth explaining are near misses and better (merges and the merges a
    # guard refused are among them) and the user's overrides: their evidence is kept,
    # the comparison of the other pairs (four fifths at a million) let go.
    near = np.flatnonzero((log_odds >= NEAR_MISS_BITS) | user_apart | _pair_mask(a, b, n, must))
    # Clustering needs four of the record features: the rest go before the weights come.
    url, birth_day, birth_year = f.url, f.birthdays.month_day, f.birthdays.year
    listing, connections, profiles = f.listing_file, f.connections_file, _profiles(f)
    del f
    weights = model.weights(cmp, near)
    weights[RIVALS] = rivals[near]
    weights[RELATIVES] = relatives[near]
    levels = {k: v[near] for k, v in cmp.levels.items()}
    name_sim, company_sim = cmp.name_similarity[near], cmp.company_similarity[near]
    one_home = _one_home(cmp.levels)
    # An entry found through an identifier is its record's whatever else fits (two cards
    # holding one profile or address are one person's): never a second entry.
    identified = np.zeros(n_candidates, dtype=bool)
    for feature in MATCH_FEATURES:
        if feature.identifier_level is not None:
            identified |= cmp.levels[feature.name] == feature.identifier_level
    # The prior of each near pair's kind of sources (one number where the file has one
    # kind), for the matches' evidence. (Clustering weighs the prior in ``join``.)
    near_prior = np.broadcast_to(model.prior(cmp, near), near.shape)
    # (The comparison, rivals and relatives stay for the joins clustering weighs.)
    join = _join_evidence(model, cmp, rivals, relatives)
    result = cluster(
        n,
        a,
        b,
        log_odds,
        merge,
        Guards(
            url=url,
            cannot_link=cannot,
            must_link=must,
            birth_day=birth_day,
            birth_year=birth_year,
            one_home=one_home,
            generation_is_family=generations.is_family,
            listing=listing,
            identified=identified,
            connections=connections,
            profiles=profiles,
        ),
        merge_bits=MERGE_BITS,
        join=join,
    )
    del url, birth_day, birth_year, one_home, listing, identified, connections, profiles
    del join, cmp, rivals, relatives
    labels = result.labels
    same = labels[a] == labels[b]
    guarded = _pair_mask(a, b, n, list(result.refused))
    keep = (merge & same) | guarded | user_apart | (log_odds >= NEAR_MISS_BITS)
    idx = np.flatnonzero(keep)
    del keep
    at = np.searchsorted(near, idx)  # kept pairs are among the near ones: where there
    if len(idx) and (at[-1] >= len(near) or not np.array_equal(near[at], idx)):
        raise AssertionError("a kept pair is not among the pairs whose evidence was kept")
    ka, kb, same, merge, guarded, user_apart = (
        x[idx] for x in (a, b, same, merge, guarded, user_apart)
    )
    kept_log_odds = log_odds[idx]
    del a, b, log_odds, near
    levels = {k: v[at] for k, v in levels.items()}
    # One feature's weights at a time: the kept pairs' copy replaces the near pairs'.
    for k in list(weights):
        weights[k] = weights[k][at]
    rule_names = [*RULES, *sorted(set(result.refused.values()) - set(RULES))]
    number = {name: i for i, name in enumerate(rule_names)}
    refused = np.zeros(len(idx), dtype=np.int16)
    refused[guarded] = [
        number[result.refused[pair]]
        for pair in zip(ka[guarded].tolist(), kb[guarded].tolist(), strict=True)
    ]
    rule = np.where(
        same,
        np.where(merge, _merge_rule(levels), RULE["transitive"]),
        np.where(guarded, refused, RULE["below_threshold"]),
    )
    conflict = (levels["linkedin_url"] == 0) & ~same & merge & ~guarded
    rule[conflict] = RULE["conflict_linkedin_url"]
    rule[user_apart & ~same] = RULE["cannot_link_override"]
    # A merge the user asked for says so, even where the model would have merged too.
    rule[_pair_mask(ka, kb, n, must) & same] = RULE["must_link_override"]
    score = 1.0 / (1.0 + np.exp2(-np.clip(kept_log_odds, -1000, 1000)))
    evidence = _evidence(weights, near_prior[at], name_sim[at], company_sim[at], levels)
    del weights
    swap = id_rank[ka] > id_rank[kb]
    columns = {
        # Each pair smaller record_id first, as before records were ordered by content.
        "record_id_a": id_array.take(np.where(swap, kb, ka)),
        "record_id_b": id_array.take(np.where(swap, ka, kb)),
        "score": pa.array(np.round(score, 6), pa.float64()),
        # By Arrow from the flags: a numpy array of the two words took 0.8-2 s to
        # convert at a million records.
        "decision": pc.if_else(pa.array(same), "merge", "keep_apart"),
        "rule": pa.array(rule_names, pa.string()).take(pa.array(rule)),
        "evidence": evidence,
    }
    table = pa.table(columns, schema=schema.MATCHES)
    kept = set(zip(ka.tolist(), kb.tolist(), strict=True)) if must else set()
    must_rows = [(x, y) for x, y in must if (x, y) not in kept]
    if must_rows:
        extra = pa.table(
            {
                "record_id_a": [min(ids[x], ids[y]) for x, y in must_rows],
                "record_id_b": [max(ids[x], ids[y]) for x, y in must_rows],
                "score": [1.0] * len(must_rows),
                "decision": [
                    "merge" if labels[x] == labels[y] else "keep_apart" for x, y in must_rows
                ],
                "rule": ["must_link_override"] * len(must_rows),
                "evidence": [[] for _ in must_rows],
            },
            schema=schema.MATCHES,
        )
        table = pa.concat_tables([table, extra])
    matches = table.to_pandas(types_mapper=pd.ArrowDtype)
    # The representative is the cluster's smallest record_id, whatever the positions.
    first = np.full(int(labels.max(initial=0)) + 1, n, dtype=np.int64)
    np.minimum.at(first, labels, id_rank)
    smallest = ids[by_id[first[labels]]]
    cluster_of = dict(zip(ids.tolist(), smallest.tolist(), strict=True))
    return Resolution(cluster_of=cluster_of, matches=matches, candidate_pairs=n_candidates)
