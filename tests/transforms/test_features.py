"""Record features: columns read through Arrow give the codes pd.factorize would, in
whatever form the column comes (object, pandas strings, Arrow strings and lists)."""

import re

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.transforms.helpers import records
from transforms.arrow_columns import distinct_combinations, list_items, string_codes
from transforms.features import (
    FEATURE_COLUMNS,
    MIN_LOCAL_LETTERS,
    Exploded,
    RecordFeatures,
    _family_spellings,
    _forms_of_groups,
    _given_spellings,
    _isin,
    _later_words,
    _local_letters,
    _map_codes,
    _name_forms,
    _pair_codes,
    _recode,
)
from transforms.normalise import fold, normalise_records

# A few short values, so that repeats (and first occurrences after them) are common.
_VALUES = st.sampled_from(["", "ann", "bob", "Åsa", "carl", "ann ", "ßtraße", "x"])
_CELLS = st.lists(st.one_of(st.none(), _VALUES), max_size=30)


def _factorized(values: list) -> tuple[list[int], list]:
    """What the features coded before: non-empty strings factorised, the rest -1."""
    strings = [v if isinstance(v, str) and v else None for v in values]
    codes, uniques = pd.factorize(pd.Series(strings, dtype=object), use_na_sentinel=True)
    return codes.tolist(), list(uniques)


def _string_forms(values: list) -> dict[str, pd.Series]:
    return {
        "object": pd.Series(values, dtype=object),
        "string[python]": pd.Series(values, dtype="string[python]"),
        "string[pyarrow]": pd.Series(values, dtype="string[pyarrow]"),
        "str": pd.Series(values, dtype="str"),
        "arrow string": pd.Series(values, dtype=pd.ArrowDtype(pa.string())),
        "arrow large_string": pd.Series(values, dtype=pd.ArrowDtype(pa.large_string())),
        "arrow chunked": pd.Series(
            pd.arrays.ArrowExtensionArray(
                pa.chunked_array(
                    [pa.array(values[:3], pa.string()), pa.array(values[3:], pa.string())]
                )
            )
        ),
    }


@settings(max_examples=60, deadline=None)
@given(_CELLS)
def test_string_codes_are_factorised_codes_whatever_the_column_type(values):
    want = _factorized(values)
    for form, series in _string_forms(values).items():
        codes, uniques = string_codes(series)
        assert (codes.tolist(), list(uniques)) == want, form


def test_string_codes_of_a_column_with_non_strings_treat_them_as_missing():
    series = pd.Series(["a", 3, None, float("nan"), "", "a", b"x"], dtype=object)
    codes, uniques = string_codes(series)
    assert codes.tolist() == [0, -1, -1, -1, -1, 0, -1]
    assert uniques.tolist() == ["a"]


def _items_reference(cells: list) -> tuple[list[int], list[int], list]:
    lists = [list(v) if isinstance(v, list | tuple | np.ndarray) else [] for v in cells]
    rows = [i for i, v in enumerate(lists) for _ in v]
    codes, uniques = pd.factorize(
        pd.Series([x for v in lists for x in v], dtype=object), use_na_sentinel=True
    )
    return rows, codes.tolist(), list(uniques)


_LIST_CELLS = st.lists(
    st.one_of(st.none(), st.lists(st.one_of(st.none(), _VALUES), max_size=4)), max_size=20
)


@settings(max_examples=60, deadline=None)
@given(_LIST_CELLS)
def test_list_items_are_the_same_from_python_lists_and_arrow_lists(cells):
    want = _items_reference(cells)
    forms = {
        "object": pd.Series(cells, dtype=object),
        "object with NaN": pd.Series(
            [float("nan") if v is None else v for v in cells] or [], dtype=object
        ),
        "arrow list": pd.Series(cells, dtype=pd.ArrowDtype(pa.list_(pa.string()))),
        "arrow large_list": pd.Series(cells, dtype=pd.ArrowDtype(pa.large_list(pa.large_string()))),
    }
    if len(cells) > 2:  # a sliced Arrow array: offsets must be respected
        whole = pa.array([["zz"], *cells], pa.list_(pa.string()))
        forms["arrow slice"] = pd.Series(pd.arrays.ArrowExtensionArray(whole.slice(1)))
    for form, series in forms.items():
        rows, codes, uniques = list_items(series)
        assert (rows.tolist(), codes.tolist(), list(uniques)) == want, form


def test_list_items_of_cells_that_are_not_lists_are_none():
    series = pd.Series([["a"], "b", None, ("c", "a"), np.array(["d"], dtype=object)])
    rows, codes, uniques = list_items(series)
    assert rows.tolist() == [0, 3, 3, 4]
    assert codes.tolist() == [0, 1, 0, 2]
    assert uniques.tolist() == ["a", "c", "d"]


@given(st.lists(st.integers(-1, 6), max_size=40))
def test_recode_numbers_the_codes_left_as_if_they_were_all(codes):
    values = np.array(list("abcdefg"), dtype=object)
    new, used = _recode(np.array(codes, dtype=np.int64), values)
    want_codes, want_values = pd.factorize(
        pd.Series([values[c] if c >= 0 else None for c in codes], dtype=object)
    )
    assert new.tolist() == want_codes.tolist()
    assert used.tolist() == list(want_values)


@given(_CELLS)
def test_map_codes_is_factorising_the_mapped_value_of_every_record(values):
    codes, uniques = string_codes(pd.Series(values, dtype=object))

    def last_letter(x):
        return x[-1] if x[-1].isalpha() else None

    mapped, mapped_values = _map_codes(codes, uniques, last_letter)
    want = _factorized([last_letter(v) if isinstance(v, str) and v else None for v in values])
    assert (mapped.tolist(), list(mapped_values)) == want


@given(st.lists(st.tuples(st.integers(-1, 3), st.integers(-1, 3)), max_size=40))
def test_pair_codes_number_distinct_pairs_by_first_occurrence(pairs):
    x = np.array([p for p, _ in pairs], dtype=np.int64)
    y = np.array([q for _, q in pairs], dtype=np.int64)
    codes, px, py = _pair_codes(x, y)
    seen: dict = {}
    for (p, q), c in zip(pairs, codes.tolist(), strict=True):
        if p < 0 and q < 0:
            assert c == -1
        else:
            assert c == seen.setdefault((p, q), len(seen))
    assert list(zip(px.tolist(), py.tolist(), strict=True)) == list(seen)


@given(st.lists(st.tuples(st.integers(-1, 2), st.integers(-1, 2)), min_size=1, max_size=40))
def test_group_numbers_distinct_rows_by_first_occurrence(rows):
    x = np.array([p for p, _ in rows], dtype=np.int64)
    y = np.array([q for _, q in rows], dtype=np.int64)
    group, member = distinct_combinations(x, y)
    seen: dict = {}
    assert group.tolist() == [seen.setdefault(r, len(seen)) for r in rows]
    assert [rows[i] for i in member.tolist()] == list(seen)


@given(st.lists(st.integers(0, 50), max_size=30), st.lists(st.integers(0, 50), max_size=30))
def test_isin_is_numpy_isin(x, y):
    x, y = np.array(x, dtype=np.int64), np.array(y, dtype=np.int64)
    assert _isin(x, y).tolist() == np.isin(x, y).tolist()


_ADDRESS = st.text(alphabet=st.sampled_from("aZ.-_+9@ñØéß\u0301İ"), max_size=16)


@settings(max_examples=200)
@given(st.lists(_ADDRESS, max_size=8))
def test_local_letters_are_the_folded_letters_of_the_local_part(addresses):
    got = _local_letters(np.array(addresses, dtype=object))
    for address, letters in zip(addresses, got, strict=True):
        want = re.sub("[^a-z]", "", fold(address.split("@")[0]))
        assert letters == (want if len(want) >= 4 else None)


def test_exploded_keeps_a_records_first_of_repeated_codes():
    rows = np.array([0, 0, 0, 1, 2, 2], dtype=np.int64)
    codes = np.array([5, -1, 5, 3, 1, 0], dtype=np.int64)
    e = Exploded.of(rows, codes)
    assert e.rows.tolist() == [0, 1, 2, 2]
    assert e.codes.tolist() == [5, 3, 1, 0]


def _people():
    return records(
        {"id": "a", "name_raw": "Bill Smith", "emails_raw": ["bsmith@acme.com", "info@acme.com"]},
        {"id": "b", "source": "mail", "name_raw": "Smith, William", "emails_raw": ["b@x.org"]},
        {"id": "c", "name_raw": "Søren Larsen", "phones_raw": ["+45 20 12 34 56"]},
        {"id": "d", "name_raw": "Dima Ramírez Flores", "company_raw": "Proseware LLP"},
        {"id": "e", "source": "mail", "emails_raw": ["soren.larsen@acme.com"]},
        {"id": "f", "name_raw": "Jung Hyun-woo", "company_raw": "Acme"},
    )


@pytest.mark.parametrize("form", ["object", "arrow"])
def test_features_are_the_same_from_python_and_arrow_columns(form):
    recs = _people()
    want = RecordFeatures.from_records(recs)
    other = recs.copy()
    for column in ("emails", "email_keys", "phones", "org_keys"):
        cells = [list(v) if v is not None else None for v in recs[column].tolist()]
        dtype = pd.ArrowDtype(pa.list_(pa.string())) if form == "arrow" else object
        other[column] = pd.Series(cells, dtype=dtype)
    for column in ("given_key", "family_key", "name_key", "company_key", "linkedin_url"):
        values = recs[column].tolist()
        dtype = pd.ArrowDtype(pa.string()) if form == "arrow" else object
        other[column] = pd.Series([None if v is pd.NA else v for v in values], dtype=dtype)
    got = RecordFeatures.from_records(other)
    for name, value in vars(want).items():
        if isinstance(value, Exploded):
            assert np.array_equal(value.rows, getattr(got, name).rows), name
            assert np.array_equal(value.codes, getattr(got, name).codes), name
        elif isinstance(value, np.ndarray) and value.dtype.kind == "f":
            assert np.array_equal(value, getattr(got, name), equal_nan=True), name
        elif isinstance(value, np.ndarray):
            assert value.tolist() == getattr(got, name).tolist(), name
        else:
            assert value == getattr(got, name), name


def test_strings_per_record_come_from_the_codes():
    f = RecordFeatures.from_records(_people())
    assert f.given_str.tolist()[:3] == ["william", "william", "soren"]
    assert f.full_str[2] == "soren larsen"
    assert f.full_str[4] is None and not f.has_name[4]
    assert f.name_words.tolist()[3] == 3
    assert f.family_str[3] == "flores" and f.names[f.alt_family[3]] == "ramirez"
    # a role address is no personal address: only bsmith@ is coded for record 0
    assert (f.email[0] >= 0).sum() == 1


_PART = st.text(alphabet=st.sampled_from("abjsnñø"), min_size=1, max_size=5)


@settings(max_examples=150, deadline=None)
@given(
    st.lists(st.lists(_PART, max_size=3, unique=True).map(tuple), min_size=1, max_size=4),
    st.lists(st.lists(_PART, max_size=3, unique=True).map(tuple), min_size=1, max_size=4),
    st.lists(
        st.tuples(st.integers(0, 3), st.integers(0, 3), st.one_of(st.none(), _PART)),
        max_size=8,
    ),
    st.lists(_PART, max_size=4),
)
def test_forms_of_all_names_at_once_are_each_names_forms(givens, families, names, extra):
    names = [(g % len(givens), f % len(families), k) for g, f, k in names]
    forms = [_name_forms(givens[g], families[f], k) for g, f, k in names]
    sequence = [x for v, _, _ in forms for x in v] + [x for _, _, v in forms for x in v]
    want, _ = pd.factorize(pd.Series(sequence + extra, dtype=object))
    codes, n_forms, n_full, n_alone, n_plain = _forms_of_groups(
        givens,
        families,
        np.array([g for g, _, _ in names], dtype=np.int64),
        np.array([f for _, f, _ in names], dtype=np.int64),
        [k for _, _, k in names],
        extra,
    )
    assert codes.tolist() == want.tolist()
    assert n_forms.tolist() == [len(v) for v, _, _ in forms]
    assert n_full.tolist() == [k for _, k, _ in forms]
    assert n_alone.tolist() == [len(v) for _, _, v in forms]
    # the given name alone comes first, then with the family initial
    plain = [
        [
            x
            for x in dict.fromkeys(g for g in givens[gi] if len(g) >= 2)
            if len(x) >= MIN_LOCAL_LETTERS
        ]
        for gi, _, _ in names
    ]
    assert n_plain.tolist() == [len(v) for v in plain]
    assert all(v[: len(p)] == p for (_, _, v), p in zip(forms, plain, strict=True))


def test_name_forms_spell_a_name_as_local_parts_do():
    givens = _given_spellings("Seo-yeon", "seoyeon")
    families = _family_spellings("park", _later_words("seo yeon park"))
    assert givens == ("seo", "seoyeon")
    assert families == ("park", "yeon")
    forms, k, alone = _name_forms(givens, families, "park")
    assert forms[:4] == ["seopark", "parkseo", "seoyeonpark", "parkseoyeon"]
    assert "yeonseo" in forms[:k]  # the given name, then a later word as family name
    assert "spark" in forms[k:] and "parks" in forms[k:]
    assert alone == ["seoyeon", "seop", "seoyeonp"]


def _same_features(x, y) -> bool:
    """Two RecordFeatures (or Addresses, Exploded, Birthdays) alike field by field."""
    if hasattr(x, "__dataclass_fields__"):
        return type(x) is type(y) and all(
            _same_features(getattr(x, k), getattr(y, k)) for k in x.__dataclass_fields__
        )
    if isinstance(x, np.ndarray):
        return (
            isinstance(y, np.ndarray)
            and x.dtype == y.dtype
            and np.array_equal(x, y, equal_nan=x.dtype.kind == "f")
        )
    return x == y


def test_features_read_only_the_declared_columns():
    """Resolve reorders only FEATURE_COLUMNS: the features of those columns alone are
    the features of the whole records (a column read but not declared fails here)."""
    from benchmarks.resolution_data import generate_population

    cards = records(
        {"name_raw": "Kate Lee", "streets_raw": ["4 Elm St"], "localities_raw": ["Leeds"]},
        {"name_raw": "Kate Lee", "streets_raw": ["4 Elm Street"], "postcodes_raw": ["2000"]},
        {"name_raw": "Kate Lee", "source": "mail", "emails_raw": ["kate@lee.org"]},
    )
    people = normalise_records(generate_population(60, 3).records)
    for frame in (cards, people):
        whole = RecordFeatures.from_records(frame)
        declared = RecordFeatures.from_records(frame[list(FEATURE_COLUMNS)])
        assert _same_features(whole, declared)
