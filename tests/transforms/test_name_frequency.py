"""Population name frequencies and their use as the u of agreeing on a name."""

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from tests.transforms.helpers import records
from transforms.name_frequency import UNRANKED_SHARE, name_share, name_shares
from transforms.resolve import resolve


def test_common_names_have_larger_shares_than_rare_ones():
    assert name_share("given", "john") > name_share("given", "denny") > UNRANKED_SHARE / 2
    assert name_share("family", "smith") > name_share("family", "stadelmann")
    assert name_share("family", "qzxwvortle") == UNRANKED_SHARE
    assert np.isnan(name_share("given", None))


@given(st.lists(st.text(alphabet="abcdefghijklmnopqrstuvwxyz", max_size=12), max_size=20))
def test_shares_are_probabilities(keys):
    shares = name_shares("family", np.array(keys, dtype=object))
    known = shares[~np.isnan(shares)]
    assert ((known > 0) & (known <= 1)).all()


def _phone_book(pair: tuple[dict, dict], size: int = 300):
    """``size`` cards of different people (rare made-up names), the pair among them."""
    others = [
        {"id": f"c{i:03d}", "name_raw": f"Person{chr(97 + i % 26)}{i} Family{i}x"}
        for i in range(size - 2)
    ]
    return records(*others, *pair)


def test_a_rare_full_name_twice_in_a_small_phone_book_is_strong_evidence():
    pair = (
        {"id": "a", "name_raw": "Denny Stadelmann", "emails_raw": ["denny.s@gmail.com"]},
        {"id": "b", "name_raw": "Denny Stadelmann", "company_raw": "Globex"},
    )
    res = resolve(_phone_book(pair))
    assert res.cluster_of["a"] == res.cluster_of["b"]


def test_a_common_full_name_twice_is_not_enough():
    pair = (
        {"id": "a", "name_raw": "John Smith", "emails_raw": ["js1980@gmail.com"]},
        {"id": "b", "name_raw": "John Smith", "company_raw": "Globex"},
    )
    res = resolve(_phone_book(pair))
    assert res.cluster_of["a"] != res.cluster_of["b"]
