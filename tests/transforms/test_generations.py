"""Two dates a generation apart at one home: a parent and child, or a wrong date, as the
data say."""

from itertools import combinations

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from tests.transforms.helpers import records
from transforms.generations import (
    Generations,
    generation_apart,
    generation_bits,
    learn_generations,
    random_generation_share,
)
from transforms.personal_details import Birthdays
from transforms.resolve import resolve

STREETS = ["48 Goldfinch Circuit", "7 Wattle St", "12 Banksia Rd", "3 Acacia Ave", "9 Elm Pl"]
NAMES = ["Deakin Sondergeld", "Ilsa Marrable", "Coen Whitlock", "Tamsin Oderberg", "Jarrah Pell"]


def _home_cards(i: int, first: str, second: str) -> list[dict]:
    """Two cards of one name at one house, with two birth dates."""
    home = {
        "name_raw": NAMES[i],
        "streets_raw": [STREETS[i]],
        "localities_raw": ["Canterbury"],
        "postcodes_raw": [f"27{i}6"],
    }
    return [
        {"id": f"{i}a", "birthday_raw": first, **home},
        {"id": f"{i}b", "birthday_raw": second, **home},
    ]


def _same(res, a, b):
    return res.cluster_of[a] == res.cluster_of[b]


def test_an_address_book_whose_dates_are_often_wrong_joins_a_generation_apart():
    # Four people carry a wrong date a few years off, one 28 years off: as often a
    # generation apart as wrong dates fall, so no parent and child is needed.
    cards = [
        *_home_cards(0, "1960-02-10", "1988-07-30"),
        *_home_cards(1, "1951-05-03", "1957-11-21"),
        *_home_cards(2, "1972-08-14", "1965-01-09"),
        *_home_cards(3, "1980-03-22", "1984-12-30"),
        *_home_cards(4, "1945-06-17", "1939-10-02"),
    ]
    res = resolve(records(*cards))
    assert all(_same(res, f"{i}a", f"{i}b") for i in range(5))
    m = res.matches
    row = m[(m["record_id_a"] == "0a") & (m["record_id_b"] == "0b")]
    evidence = dict(row["evidence"].iloc[0])
    assert evidence["relatives"] < 0 and evidence["birthday"] < 0


def test_an_address_book_with_only_a_generation_apart_keeps_father_and_son():
    # The same book where the dates a generation apart are all there is: no wrong date
    # shown, so the two Deakin Sondergelds are a father and son.
    cards = [
        *_home_cards(0, "1960-02-10", "1988-07-30"),
        *_home_cards(1, "1951-05-03", "1979-11-21"),
    ]
    res = resolve(records(*cards))
    assert not _same(res, "0a", "0b") and not _same(res, "1a", "1b")
    assert set(res.matches["rule"]) == {"conflict_birthday"}


def _birthdays(years: list[int]) -> Birthdays:
    return Birthdays.from_iso([f"{y:04d}-06-15" for y in years])


@given(st.lists(st.integers(1900, 2020), max_size=40))
def test_random_generation_share_counts_every_pair(years):
    expected = [15 <= abs(x - y) <= 50 for x, y in combinations(years, 2)]
    share = random_generation_share(_birthdays(years))
    assert np.isclose(share, np.mean(expected) if expected else 0.0)


def test_a_slip_of_one_digit_of_the_year_is_no_generation():
    born = Birthdays.from_iso(["1960-02-10", "1980-02-10", "1985-03-01", None])
    a, b = np.array([0, 0, 0]), np.array([1, 2, 3])
    assert generation_apart(born, a, b).tolist() == [False, True, False]


def test_parents_and_children_beyond_the_wrong_dates_are_counted():
    # Years spread evenly: half of random pairs are a generation apart.
    born = Birthdays.from_iso([f"{1930 + y}-01-0{1 + y % 9}" for y in range(0, 70)])
    r = random_generation_share(born)
    a = np.array([0, 1, 2, 3, 4, 5])
    b = np.array([30, 31, 32, 6, 7, 8])  # three a generation apart, three six years
    sure = np.full(6, 30.0)
    learned = learn_generations(born, a, b, sure)
    assert np.allclose((learned.apart, learned.other), (3.0, 3.0))
    wrong = 3.0 * r / (1 - r)
    assert np.isclose(learned.relatives_per_wrong_date, (max(3.0 - wrong, 0) + 1.0) / wrong)
    # Only dates a generation apart: families.
    assert learn_generations(born, a[:3], b[:3], sure[:3]).is_family


def test_generation_bits_share_the_odds_with_a_parent_and_child():
    gen = Generations(apart=5.0, other=5.0, random_share=0.5, relatives_per_wrong_date=0.2)
    bits = generation_bits(gen, np.array([4.0, 4.0]), np.array([True, False]))
    assert np.isclose(bits[0], -np.log2(1 + 16 * 0.2)) and bits[1] == 0.0
    family = Generations(1.0, 0.0, 0.5, float("inf"))
    assert not generation_bits(family, np.array([4.0]), np.array([True])).any()


def test_sparse_bits_are_zero_where_no_pair_lost_any():
    from transforms.sparse import SparseColumn

    sparse = SparseColumn(10, np.array([2, 5, 9]), np.array([-1.0, -2.0, -3.0]), fill=0.0)
    assert sparse[np.array([0, 2, 3, 9])].tolist() == [0.0, -1.0, 0.0, -3.0]
    assert sparse[np.array([], dtype=np.int64)].tolist() == []
    assert np.asarray(sparse).sum() == -6.0
