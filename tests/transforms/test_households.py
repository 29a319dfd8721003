"""Given names that cannot be one person's at one home: relatives, or one person with
another given name on a card, as the birth dates say."""

import numpy as np

from tests.transforms.helpers import records
from transforms.households import HOUSEHOLD_PSEUDO_PAIRS, TWIN_SHARE, learn_households
from transforms.resolve import resolve

FAMILIES = ["Whitford", "Oderberg", "Marrable", "Sondergeld", "Pellinore"]


def _house(i: int, given: tuple[str, str], dates: tuple[str, str]) -> list[dict]:
    home = {
        "streets_raw": [f"{20 + i} Goldfinch Circuit"],
        "localities_raw": ["Canterbury"],
        "postcodes_raw": [f"27{i}6"],
    }
    return [
        {"id": f"{i}{k}", "name_raw": f"{g} {FAMILIES[i]}", "birthday_raw": d, **home}
        for k, g, d in zip("ab", given, dates, strict=True)
    ]


def _same(res, a, b):
    return res.cluster_of[a] == res.cluster_of[b]


def test_relatives_of_one_household_stay_apart():
    cards = [
        *_house(0, ("Mary", "Timothy"), ("1961-03-02", "1990-07-14")),
        *_house(1, ("Ilsa", "Coen"), ("1972-05-30", "1975-01-09")),
        *_house(2, ("Tamsin", "Jarrah"), (None, None)),
    ]
    res = resolve(records(*cards))
    assert not any(_same(res, f"{i}a", f"{i}b") for i in range(3))


def test_a_book_whose_cards_carry_replaced_given_names_weighs_their_home():
    # Four pairs at one house share their full birth date though their given names
    # conflict: one person each, another given name typed on a card. So the fifth pair,
    # without dates, is weighed on its house too.
    cards = [
        *_house(0, ("Mary", "Timothy"), ("1961-03-02", "1961-03-02")),
        *_house(1, ("Ilsa", "Coen"), ("1972-05-30", "1972-05-30")),
        *_house(2, ("Tamsin", "Jarrah"), ("1948-11-21", "1948-11-21")),
        *_house(3, ("Daniel", "Matilda"), ("1983-08-25", "1983-08-25")),
        *_house(4, ("Holly", "Talia"), (None, None)),
    ]
    res = resolve(records(*cards))
    m = res.matches
    row = m[(m["record_id_a"] == "4a") & (m["record_id_b"] == "4b")]
    assert dict(row["evidence"].iloc[0])["address"] > 0
    assert _same(res, "0a", "0b")


def test_the_share_of_one_person_comes_from_shared_birth_dates():
    level = np.array([2, 2, 2, 0, 1])
    years = np.array([True, True, True, True, True])
    learned = learn_households(level, years, m=0.95)
    assert (learned.dated, learned.same_date) == (4, 3)  # a day without a year: neither
    share = (3 + HOUSEHOLD_PSEUDO_PAIRS * TWIN_SHARE) / (4 + HOUSEHOLD_PSEUDO_PAIRS)
    assert np.isclose(learned.one_person, (share - TWIN_SHARE) / (0.95 - TWIN_SHARE))
    assert not learned.are_relatives
    # Nothing dated: relatives, as presumed; two dates each: relatives.
    assert learn_households(np.array([], dtype=np.int8), np.array([], bool), 0.95).are_relatives
    assert learn_households(np.array([0, 0, 0]), np.ones(3, bool), 0.95).are_relatives


def test_a_slip_in_a_relatives_family_name_keeps_them_a_household():
    # "Timothy Whitfrod": the family name mistyped on a relative's card is still the
    # family's, so their shared house is still no evidence between them.
    home = {"streets_raw": ["20 Goldfinch Circuit"], "postcodes_raw": ["2706"]}
    res = resolve(
        records(
            {"id": "a", "name_raw": "Mary Whitford", **home},
            {"id": "b", "name_raw": "Timothy Whitfrod", **home},
        )
    )
    assert not _same(res, "a", "b")
    for evidence in res.matches["evidence"]:
        assert "address" not in dict(evidence) and "postcode" not in dict(evidence)
