"""Blocking: the pairs of records that share a key, all of them in small groups and
a sorted neighbourhood in large ones."""

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from transforms.blocking import block_pairs


def _reference(rows, keys, order, max_block, window, kinds):
    """block_pairs written out group by group."""
    groups: dict[int, list[tuple[int, int, int]]] = {}
    for i, key in enumerate(keys):
        kind = kinds[i] if kinds is not None else 0
        if key >= 0:
            groups.setdefault(key, []).append((kind, order[i] if order is not None else 0, rows[i]))
    pairs = set()
    for members in groups.values():
        if kinds is not None and len({k for k, _, _ in members}) < 2:
            continue
        members.sort()
        reach = len(members) - 1 if len(members) <= max_block else window
        for i, (kind, _, row) in enumerate(members):
            for other_kind, _, other in members[i + 1 : i + 1 + reach]:
                if row != other and (kinds is None or kind != other_kind):
                    pairs.add((min(row, other), max(row, other)))
    return pairs


_ROWS = st.lists(
    st.tuples(st.integers(0, 30), st.integers(-1, 5), st.integers(-1, 4), st.integers(0, 1)),
    max_size=60,
)


@settings(max_examples=200, deadline=None)
@given(
    _ROWS, st.booleans(), st.booleans(), st.sampled_from([1, 10**12]), st.sampled_from([1, 2**57])
)
def test_block_pairs_are_the_pairs_of_each_group(table, with_order, with_kinds, scale, spread):
    # Keys of a large scale are ranked to pack into one int64 with the rest; rows
    # spread this far cannot be packed at all (np.lexsort then).
    rows = np.array([r * spread for r, _, _, _ in table], dtype=np.int64)
    keys = np.array([k * scale if k >= 0 else -1 for _, k, _, _ in table], dtype=np.int64)
    order = np.array([o for _, _, o, _ in table], dtype=np.int64) if with_order else None
    kinds = np.array([t for _, _, _, t in table], dtype=np.int64) if with_kinds else None
    a, b = block_pairs(rows, keys, order, max_block=4, window=2, kinds=kinds)
    assert (a <= b).all()
    got = set(zip(a.tolist(), b.tolist(), strict=True))
    want = _reference(
        rows.tolist(),
        keys.tolist(),
        None if order is None else order.tolist(),
        4,
        2,
        None if kinds is None else kinds.tolist(),
    )
    assert got == want


def test_a_home_and_a_given_name_at_a_postcode_are_blocking_keys():
    from tests.transforms.helpers import records
    from transforms.blocking import candidate_pairs
    from transforms.features import RecordFeatures

    recs = records(
        # one house, no name in common
        {"id": "a", "name_raw": "Kyle Brain", "streets_raw": ["3 Elm Road"]},
        {"id": "b", "name_raw": "Rosie Reid", "streets_raw": ["3 elm rd"]},
        # a typo in the family name at one postcode
        {"id": "c", "name_raw": "Ruby Reid", "postcodes_raw": ["4350"]},
        {"id": "d", "name_raw": "Ruby Reip", "postcodes_raw": ["4350"]},
        # another house in the street (and another initial), another postcode
        {"id": "e", "name_raw": "Tom Zed", "streets_raw": ["5 Elm Road"]},
        {"id": "f", "name_raw": "Ruby Quist", "postcodes_raw": ["4351"]},
    )
    ids = recs["record_id"].tolist()
    a, b = candidate_pairs(RecordFeatures.from_records(recs))
    pairs = {frozenset((ids[x], ids[y])) for x, y in zip(a.tolist(), b.tolist(), strict=True)}
    assert frozenset("ab") in pairs and frozenset("cd") in pairs
    assert not any("e" in p or "f" in p for p in pairs)


def test_a_slip_past_the_first_letters_of_a_street_is_still_one_home():
    from tests.transforms.helpers import records
    from transforms.blocking import candidate_pairs
    from transforms.features import RecordFeatures

    recs = records(
        # one card of a home with slips in the family name, the street and the postcode
        {"id": "a", "name_raw": "Georgia Asher", "streets_raw": ["38 Onslow St"]},
        {"id": "b", "name_raw": "Georgia Ashe", "streets_raw": ["38 onslow sreet"]},
        {"id": "c", "name_raw": "Tayla Donalfson", "streets_raw": ["8 Stobiemplace"]},
        {"id": "d", "name_raw": "Nicholas Donaldson", "streets_raw": ["8 Stobie Pl"]},
        # another house number, another street
        {"id": "e", "name_raw": "Ruby Zed", "streets_raw": ["39 Onslow St"]},
        {"id": "f", "name_raw": "Ruby Quist", "streets_raw": ["8 Ons St"]},
    )
    ids = recs["record_id"].tolist()
    a, b = candidate_pairs(RecordFeatures.from_records(recs))
    pairs = {frozenset((ids[x], ids[y])) for x, y in zip(a.tolist(), b.tolist(), strict=True)}
    assert frozenset("ab") in pairs and frozenset("cd") in pairs
    assert not any("e" in p or "f" in p for p in pairs)


def test_a_street_and_a_given_initial_pair_two_house_numbers():
    pairs = _candidate_pairs_of(
        # one person's cards at two numbers of one street, slips in both names
        {"id": "a", "name_raw": "Riley Breheny", "streets_raw": ["14 Barritt St"]},
        {"id": "b", "name_raw": "Riley Bteheny", "streets_raw": ["42 Barritt St"]},
        {"id": "c", "name_raw": "Kynan Dooley", "streets_raw": ["92 McIntyre St"]},
        {"id": "d", "name_raw": "Kynzn Doolqey", "streets_raw": ["14 McIntyre St"]},
        # another initial on the street, the same initial on another street
        {"id": "e", "name_raw": "Tom Zed", "streets_raw": ["3 Barritt St"]},
        {"id": "f", "name_raw": "Kara Quist", "streets_raw": ["5 Onslow St"]},
    )
    assert frozenset("ab") in pairs and frozenset("cd") in pairs
    assert not any("e" in p or "f" in p for p in pairs)


def _candidate_pairs_of(*specs: dict) -> set[frozenset]:
    """The candidate pairs of the records of the specs, by their two ids."""
    from tests.transforms.helpers import records
    from transforms.blocking import candidate_pairs
    from transforms.features import RecordFeatures

    recs = records(*specs)
    ids = recs["record_id"].tolist()
    a, b = candidate_pairs(RecordFeatures.from_records(recs))
    return {frozenset((ids[x], ids[y])) for x, y in zip(a.tolist(), b.tolist(), strict=True)}


def test_a_double_surname_meets_its_first_part_at_one_company_among_other_names():
    from tests.transforms.helpers import records
    from transforms.blocking import candidate_pairs
    from transforms.features import RecordFeatures

    # Other family names at other companies: the family names' and the companies'
    # codes reach further than the double surnames' first parts do.
    others = [
        {"id": f"o{i}", "name_raw": f"Ann {name}", "company_raw": f"Acme {name}"}
        for i, name in enumerate(["Zeller", "Yost", "Xu", "Quill", "Voss", "Ueda"])
    ]
    recs = records(
        *others,
        {"id": "a", "name_raw": "Marta Mendoza", "company_raw": "Zenith"},
        {"id": "b", "name_raw": "Marta Mendoza Corillo", "company_raw": "Zenith"},
    )
    f = RecordFeatures.from_records(recs)
    assert f.family.max() > f.alt_family.max()
    assert f.org[f.org[:, 0] >= 0, 0].max() > 0
    ids = recs["record_id"].tolist()
    a, b = candidate_pairs(f)
    pairs = {frozenset((ids[x], ids[y])) for x, y in zip(a.tolist(), b.tolist(), strict=True)}
    assert frozenset("ab") in pairs


def test_a_slip_in_the_family_name_at_one_organisation_is_a_candidate():
    from tests.transforms.helpers import records
    from transforms.blocking import candidate_pairs
    from transforms.features import RecordFeatures

    recs = records(
        {"id": "a", "name_raw": "Amit Sharja", "company_raw": "Woodgrove GmbH"},
        {"id": "b", "name_raw": "Amit Sharma", "company_raw": "Woodgrove GmbH"},
        # another firm, another initial: neither with the slip
        {"id": "c", "name_raw": "Amit Sharpe", "company_raw": "Fabrikam"},
        {"id": "d", "name_raw": "Bela Sharja", "company_raw": "Woodgrove GmbH"},
    )
    ids = recs["record_id"].tolist()
    a, b = candidate_pairs(RecordFeatures.from_records(recs))
    pairs = {frozenset((ids[x], ids[y])) for x, y in zip(a.tolist(), b.tolist(), strict=True)}
    assert frozenset("ab") in pairs
    assert not {frozenset("bc"), frozenset("bd")} & pairs
