"""Birthdays and postal codes: normalising, coding, comparing."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from transforms.personal_details import Birthdays, normalise_birthday, postcode_key


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("1980-04-12", "1980-04-12"),
        ("19800412", "1980-04-12"),
        (" 1980-04-12 ", "1980-04-12"),
        ("--04-12", "--04-12"),
        ("--0412", "--04-12"),
        ("--02-29", "--02-29"),  # a year-less leap day is a real birthday
        ("1981-02-29", None),
        ("1980-13-01", None),
        ("1604-04-12", None),  # Apple's "no year" marker is turned into --MM-DD upstream
        ("3000-01-01", None),
        ("circa 1800", None),
        ("", None),
        (None, None),
    ],
)
def test_normalise_birthday(raw, expected):
    assert normalise_birthday(raw) == expected


@given(st.text(max_size=20))
def test_normalise_birthday_never_raises_and_is_idempotent(raw):
    out = normalise_birthday(raw)
    assert out is None or normalise_birthday(out) == out


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("sw1a 1aa", "SW1A1AA"),
        ("SW1A1AA", "SW1A1AA"),
        ("94107-1234", "94107"),
        ("941071234", "94107"),
        (" 94043", "94043"),
        ("1000-001", "1000001"),
        ("G1V 2M2", "G1V2M2"),
        ("-", None),
        ("12", None),
        (None, None),
    ],
)
def test_postcode_key(raw, expected):
    assert postcode_key(raw) == expected


@given(st.text(max_size=20))
def test_postcode_key_is_idempotent(raw):
    out = postcode_key(raw)
    assert out is None or postcode_key(out) == out


def test_birthday_levels():
    b = Birthdays.from_iso(
        ["1980-04-12", "1980-04-12", "--04-12", "1981-04-12", "1980-04-13", None, "--04-13"]
    )
    a = np.array([0, 0, 0, 0, 0, 2, 2])
    c = np.array([1, 2, 3, 4, 5, 3, 6])
    # same date; same day without a year; same day, other year; other day; unknown;
    # year-less against a full date of the same day; two year-less different days
    assert b.levels(a, c).tolist() == [2, 1, 0, 0, -1, 1, 0]
    assert b.conflict(a, c).tolist() == [False, False, True, True, False, False, True]
    assert b.month_day.tolist() == [412, 412, 412, 412, 413, -1, 413]
    assert b.year.tolist() == [1980, 1980, -1, 1981, 1980, -1, -1]


_dates = st.dates(min_value=__import__("datetime").date(1900, 1, 1)).map(lambda d: d.isoformat())


@given(_dates, _dates)
def test_a_slip_is_what_clustering_takes_for_one_birthday(x, y):
    from transforms.clustering import _one_birthday

    born = Birthdays.from_iso([x, y])
    a, b = np.array([0, 1]), np.array([1, 0])
    slip = born.slip(a, b)
    assert slip[0] == slip[1]  # symmetric
    days = [(int(born.month_day[i]), int(born.year[i])) for i in (0, 1)]
    assert slip[0] == (x != y and _one_birthday(days[0], days[1]))


def test_a_slip_of_a_digit_or_a_swap_is_the_birthday_level_slip():
    from tests.transforms.helpers import records
    from transforms import scoring
    from transforms.features import RecordFeatures

    recs = records(
        {"id": "a", "name_raw": "Kyo Dixon", "birthday_raw": "1908-04-03"},
        {"id": "b", "name_raw": "Kyo Dixon", "birthday_raw": "1908-04-13"},
        {"id": "c", "name_raw": "Kyo Dixon", "birthday_raw": "1908-03-04"},
        {"id": "d", "name_raw": "Kyo Dixon", "birthday_raw": "1931-11-20"},
    )
    f = RecordFeatures.from_records(recs)
    ids = recs["record_id"].tolist()
    a = np.array([ids.index("a")] * 3)
    b = np.array([ids.index(x) for x in "bcd"])
    levels = scoring.compare(f, a, b).levels["birthday"]
    assert [scoring.LEVELS["birthday"][x] for x in levels] == ["slip", "slip", "differ"]


_DATES = st.one_of(
    st.none(),
    # few distinct values, so that dates repeat, slip a digit and swap day and month
    st.builds(
        lambda y, m, d: f"{y}-{m:02d}-{d:02d}" if y else f"--{m:02d}-{d:02d}",
        st.sampled_from([None, 1960, 1961, 1970, 1971]),
        st.sampled_from([1, 2, 3, 10, 12]),
        st.sampled_from([1, 2, 3, 10, 12, 21]),
    ),
)


@given(st.lists(_DATES, max_size=40))
def test_level_counts_are_the_levels_of_every_pair(values):
    from itertools import combinations

    birthdays = Birthdays.from_iso(values)
    pairs = list(combinations(range(len(values)), 2))
    a = np.array([x for x, _ in pairs], dtype=np.int64)
    b = np.array([y for _, y in pairs], dtype=np.int64)
    level = birthdays.levels(a, b)
    differ = np.flatnonzero(level == 0)
    level[differ[birthdays.slip(a[differ], b[differ])]] = 3
    want = np.bincount(level[level >= 0], minlength=4)
    assert birthdays.level_counts().tolist() == want.tolist()
