"""Street and locality keys: one key however the street type and unit are written."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from transforms.addresses import house_number, locality_key, street_key, street_name


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("6 Tullaroop Street", "6 tullaroop st"),
        ("6 tullaroop st.", "6 tullaroop st"),
        ("Unit 3, 14 Smith Road", "14 smith rd"),
        ("2/14 Smith Rd", "14 smith rd"),
        ("Apt 4B 221 Baker St", "221 baker st"),
        ("maltby circuit", "maltby cct"),
        ("Flat 2, 14 Rue de la Paix", "14 rue de la paix"),
        ("Königstraße 5", "5 konigstrasse"),
        ("12", None),
        ("", None),
        (None, None),
    ],
)
def test_street_key(raw, expected):
    assert street_key(raw) == expected


def test_street_name_drops_the_house_number():
    assert street_name("14 smith rd") == "smith rd"
    assert street_name("maltby cct") == "maltby cct"


def test_locality_key():
    assert locality_key("Mount  Immaney") == "mount immaney"
    assert locality_key("ST. JAMES") == "st james"
    assert locality_key(" ") is None


@given(st.text(max_size=40))
def test_street_key_never_raises_and_is_idempotent(raw):
    key = street_key(raw)
    assert key is None or street_key(key) == key


@given(st.text(max_size=30))
def test_locality_key_never_raises_and_is_idempotent(raw):
    key = locality_key(raw)
    assert key is None or locality_key(key) == key


def test_house_number():
    assert house_number("14 smith rd") == "14"
    assert house_number("maltby cct") is None
    assert house_number("12b high st") == "12b"
