import numpy as np
import pandas as pd
import pyarrow as pa
from hypothesis import given
from hypothesis import strategies as st

from transforms.arrow_columns import (
    STR_LIST,
    Coded,
    Flat,
    choose,
    concat_flat,
    distinct_combinations,
    fast_or_slow,
    list_series_array,
    string_array,
)


def _arrow_series(values, type_=None):
    return pd.Series(pd.arrays.ArrowExtensionArray(pa.array(values, type=type_ or pa.string())))


def test_map_runs_once_per_distinct_value_and_keeps_missing():
    calls = []

    def upper(text):
        calls.append(text)
        return text.upper() or None

    coded = Coded.of(_arrow_series(["a", None, "b", "a", "", "b"])).map(upper)
    assert sorted(calls) == ["", "a", "b"]
    out = coded.to_pandas()
    assert out.dtype == pd.array(["x"], dtype="string[pyarrow]").dtype
    assert [None if v is pd.NA else v for v in out] == ["A", None, "B", "A", None, "B"]


def test_distinct_merges_values_that_map_alike():
    coded = Coded.of(_arrow_series(["A", "a", None, "B"])).map(lambda v: v.lower() or None)
    assert coded.to_arrow().to_pylist() == ["a", "a", None, "b"]
    merged = coded.distinct()
    assert merged.codes.tolist() == [0, 0, -1, 1] and merged.values.to_pylist() == ["a", "b"]
    assert merged.to_arrow().to_pylist() == coded.to_arrow().to_pylist()


def test_map_skips_null_entries_of_the_table():
    coded = Coded(np.array([0, 1, -1]), pa.array(["a", None]))
    assert coded.map(str.upper).to_arrow().to_pylist() == ["A", None, None]


def test_fast_or_slow_calls_the_slow_function_only_where_fast_has_no_answer():
    calls = []

    def slow(value):
        calls.append(value)
        return value * 2

    values = pa.array(["a", "b", None, "c"])
    fast = pa.array(["A", None, None, "C"])
    assert fast_or_slow(values, fast, slow).to_pylist() == ["A", "bb", None, "C"]
    assert calls == ["b"]


def test_string_array_of_a_python_column_nulls_what_is_not_a_string():
    series = pd.Series(["a", None, float("nan"), 3, pd.NA], dtype=object)
    assert string_array(series).to_pylist() == ["a", None, None, None, None]


def test_distinct_combinations_groups_rows_and_names_the_first_of_each():
    first = np.array([0, 1, 0, -1, 0, -1])
    second = np.array([2, 2, 2, -1, -1, -1])
    group, rows = distinct_combinations(first, second)
    assert group.tolist() == [0, 1, 0, 2, 3, 2]
    assert rows.tolist() == [0, 1, 3, 4]


def test_distinct_combinations_of_nothing():
    group, rows = distinct_combinations(np.array([], dtype=np.int64))
    assert len(group) == 0 and len(rows) == 0


def test_lists_keep_first_occurrence_and_order_and_drop_empties():
    series = _arrow_series(
        [["b", "a", "b", None, "", "c", "a"], None, [], [None, ""], ["x"]], STR_LIST
    )
    lists = Flat.of(series).to_arrow()
    assert lists.type == STR_LIST and lists.null_count == 0
    assert lists.to_pylist() == [["b", "a", "c"], [], [], [], ["x"]]


def test_lists_drop_repeats_made_by_the_mapping():
    series = pd.Series([["B@x.org", "b@x.org", "junk"], ["a@x.org"]], dtype=object)
    lists = Flat.of(series).map(lambda v: v.lower() if "@" in v else None).to_arrow()
    assert lists.to_pylist() == [["b@x.org"], ["a@x.org"]]


def test_lists_of_no_rows():
    lists = Flat.of(_arrow_series([], STR_LIST)).to_arrow()
    assert len(lists) == 0 and lists.type == STR_LIST


def test_concat_flat_puts_the_first_elements_ahead_per_row():
    first = Flat(3, np.arange(3), Coded.encode(["acme", None, "beta"]))
    second = Flat.of(pd.Series([["beta", "acme"], ["zeta"], []], dtype=object))
    assert concat_flat(first, second).to_arrow().to_pylist() == [
        ["acme", "beta"],
        ["zeta"],
        ["beta"],
    ]


def test_choose_takes_per_row_from_one_column_or_the_other():
    first = Coded.encode(["a", None, "b", "c"])
    second = Coded.encode(["x", "y", None, "z"])
    chosen = choose(np.array([True, True, False, False]), first, second)
    assert chosen.to_arrow().to_pylist() == ["a", None, None, "z"]


def test_list_series_array_is_arrow_backed():
    series = pd.Series(list_series_array(pa.array([["a"], []], type=STR_LIST)))
    assert isinstance(series.dtype, pd.ArrowDtype)
    assert series.tolist() == [["a"], []]


_ELEMENT = st.one_of(st.none(), st.sampled_from(["", "a", "b", "A", "c"]))


@given(st.lists(st.one_of(st.none(), st.lists(_ELEMENT, max_size=6)), max_size=12))
def test_regrouped_lists_match_the_plain_python_rule(rows):
    def expected(values):
        mapped = [v.lower() if v else v for v in values or []]
        return list(dict.fromkeys(v for v in mapped if v))

    lists = Flat.of(pd.Series(rows, dtype=object)).map(str.lower).to_arrow()
    assert lists.to_pylist() == [expected(v) for v in rows]
