"""Street addresses in resolution: evidence for one person, none between relatives."""

import pytest

from tests.transforms.helpers import card_at_home, records
from transforms.resolve import resolve


def _evidence(res, a, b):
    m = res.matches
    rows = m[
        ((m["record_id_a"] == a) & (m["record_id_b"] == b))
        | ((m["record_id_a"] == b) & (m["record_id_b"] == a))
    ]
    return [dict(e) for e in rows["evidence"]]


def test_the_same_house_joins_a_mistyped_name():
    recs = records(
        {
            "id": "a",
            "name_raw": "Katherine Lindqvist",
            "streets_raw": ["14 Harbour Street"],
            "localities_raw": ["Kellyville"],
        },
        {
            "id": "b",
            "name_raw": "Katherine Lindqvsit",
            "streets_raw": ["14 harbour st."],
            "localities_raw": ["KELLYVILLE"],
        },
    )
    res = resolve(recs)
    assert res.cluster_of["a"] == res.cluster_of["b"]
    (evidence,) = _evidence(res, "a", "b")
    assert evidence["address"] > 5  # bits


def test_relatives_at_one_house_get_no_evidence_from_it():
    recs = records(
        {"id": "a", "name_raw": "Mary Whitford", "streets_raw": ["3 Elm Road"]},
        {"id": "b", "name_raw": "Timothy Whitford", "streets_raw": ["3 Elm Rd"]},
    )
    res = resolve(recs)
    assert res.cluster_of["a"] != res.cluster_of["b"]
    for evidence in _evidence(res, "a", "b"):
        assert "address" not in evidence


def test_a_postcode_and_an_address_that_agree_count_once():
    recs = records(
        *(
            {
                "id": f"r{i}",
                "name_raw": name,
                "streets_raw": ["3 Elm Road"],
                "postcodes_raw": ["2150"],
            }
            for i, name in enumerate(["Kate Lindqvist", "Katherine Lindqvist"])
        )
    )
    (evidence,) = _evidence(resolve(recs), "r0", "r1")
    assert ("address" in evidence) != ("postcode" in evidence)


def test_one_house_and_one_birth_date_outweigh_a_wholly_different_name():
    # No family: neither name agrees, so the house and the date are weighed as evidence
    # (a card filled in under the wrong name), not explained away as relatives.
    res = resolve(
        records(
            card_at_home("a", "Kyle Brain", "1977-07-14"),
            card_at_home("b", "Rosie Reid", "1977-07-14"),
        )
    )
    assert res.cluster_of["a"] == res.cluster_of["b"]
    (evidence,) = _evidence(res, "a", "b")
    assert evidence["name"] < 0 < evidence["address"]


def test_a_mistyped_street_at_the_same_number_is_one_house():
    recs = records(
        *(
            {"id": id_, "name_raw": name, "streets_raw": [street], "birthday_raw": "1971-07-18"}
            for id_, name, street in (
                ("a", "Stephanie Rumbal", "26 Tullaroop Street"),
                ("b", "Stephanie Rumbal", "26 Tullarop Street"),
                ("c", "Stephanie Rumbal", "62 Tullarop Street"),
            )
        )
    )
    levels = {}
    for pair in (("a", "b"), ("a", "c")):
        (evidence,) = _evidence(resolve(recs), *pair)
        levels[pair] = evidence["address"]
    assert levels[("a", "b")] > 5  # bits: one house
    assert levels[("a", "c")] < levels[("a", "b")]  # another house on a street spelled alike


def test_a_postcode_slip_at_one_house_in_one_town_says_nothing():
    from transforms.resolve import score_candidates

    def card(id_, name, locality, postcode):
        return {
            "id": id_,
            "name_raw": name,
            "streets_raw": ["23 Bacchus Cct"],
            "localities_raw": [locality],
            "postcodes_raw": [postcode],
        }

    sc = score_candidates(
        records(
            card("a", "Timothy Coffey", "Werrington", "2405"),
            card("b", "Timothy Coffey", "Werrington", "2450"),
            # the same number and street in another town: another house
            card("c", "Timothy Coffey", "Currambine", "3016"),
        )
    )
    postcode = {
        frozenset((sc.ids[x], sc.ids[y])): level
        for x, y, level in zip(sc.a, sc.b, sc.comparison.levels["postcode"], strict=True)
    }
    assert postcode[frozenset("ab")] == -1  # not compared: the house is weighed
    assert postcode[frozenset("ac")] == 0 and postcode[frozenset("bc")] == 0


def _address_levels(name: str, *cards: tuple[str, str, str]) -> dict:
    """The address level of every candidate pair of cards (id, street, locality) of
    one name, by the pair's two ids."""
    from transforms.resolve import score_candidates
    from transforms.scoring import LEVELS

    sc = score_candidates(
        records(
            *(
                {"id": id_, "name_raw": name, "streets_raw": [street], "localities_raw": [town]}
                for id_, street, town in cards
            )
        )
    )
    return {
        frozenset((sc.ids[x], sc.ids[y])): LEVELS["address"][lv]
        for x, y, lv in zip(sc.a, sc.b, sc.comparison.levels["address"], strict=True)
    }


def test_a_locality_spelled_alike_is_the_locality():
    level = _address_levels(
        "Stirling Leslie",
        ("a", "6 Mortimer Lewis Dr", "Port Lincoln"),
        ("b", "11 Bednall Pl", "Port Linvoln"),
        ("c", "40 Launceston St", "Coonamble"),
    )
    assert level[frozenset("ab")] == "locality"
    assert level[frozenset("ac")] == "differ" and level[frozenset("bc")] == "differ"


def test_the_alike_streets_share_is_that_of_every_pair():
    from itertools import combinations

    import numpy as np

    from transforms.features import RecordFeatures
    from transforms.scoring import _alike_street_share, compare

    streets = ["12 Bacchus Cct", "12 Bacchus Circuit", "12 Bachus Cct", "12 Elm St", "7 Elm St"]
    cards = [
        {"id": f"r{i}", "name_raw": f"Ann Lee{i}", "streets_raw": [streets[i % 5]]}
        for i in range(13)
    ] + [{"id": "t", "name_raw": "Tom Ree", "localities_raw": ["Werrington"]}]
    f = RecordFeatures.from_records(records(*cards))
    pairs = list(combinations(range(f.n), 2))
    a = np.array([x for x, _ in pairs])
    b = np.array([y for _, y in pairs])
    level = compare(f, a, b).levels["address"]
    want = (level == 3).sum() / (level >= 0).sum()
    assert want > 0
    assert _alike_street_share(f) == pytest.approx(want)
    assert _alike_street_share(f, budget=1) is None


def test_a_card_with_only_the_family_name_joins_the_one_person_at_the_house():
    recs = records(
        card_at_home("a", "Amelia Millar", "1936-12-18"),
        card_at_home("b", None, None, family_name_raw="Millar"),
    )
    res = resolve(recs)
    assert res.cluster_of["a"] == res.cluster_of["b"]
    (evidence,) = _evidence(res, "a", "b")
    assert evidence["name"] > 0 < evidence["address"]


def test_a_card_with_only_the_family_name_does_not_join_two_relatives():
    # Mother and son at one house: the card fits either, and joins neither to the other.
    recs = records(
        card_at_home("a", "Amelia Millar", "1936-12-18"),
        card_at_home("t", "Tom Millar", "1990-03-02"),
        card_at_home("b", None, None, family_name_raw="Millar"),
    )
    res = resolve(recs)
    assert res.cluster_of["a"] != res.cluster_of["t"]


def test_a_street_spelled_alike_in_one_locality_is_the_street():
    level = _address_levels(
        "Alexa Vatavuk",
        ("a", "Tytherleigh St", "Casino"),
        ("b", "113 Tytherleig St", "Casino"),
        ("c", "Tytherleih St", "Coonamble"),  # spelled alike in another town
    )
    assert level[frozenset("ab")] == "street"
    assert level[frozenset("bc")] == "differ" and level[frozenset("ac")] == "differ"


def test_a_postcode_in_common_outweighs_a_locality_spelled_alike():
    # Both say where the two live; only the more specific counts. A locality spelled
    # alike has no frequency of its own: its level's generic u stands for it, and a
    # postcode two records of 200 hold is the more specific.
    from tests.transforms.helpers import in_a_network
    from transforms.resolve import score_candidates

    def card(id_, locality):
        return {
            "id": id_,
            "name_raw": "Keely Coulson",
            "localities_raw": [locality],
            "postcodes_raw": ["5096"],
        }

    sc = score_candidates(in_a_network(card("a", "Toowoon Bay"), card("b", "Toowoon Ubay")))
    (pair,) = [
        i
        for i, (x, y) in enumerate(zip(sc.a, sc.b, strict=True))
        if {sc.ids[x], sc.ids[y]} == {"a", "b"}
    ]
    assert sc.comparison.levels["postcode"][pair] == 1
    assert sc.comparison.levels["address"][pair] == -1
