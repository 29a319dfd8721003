"""sparse.SparseColumn reads exactly as the dense float64 column it keeps sparse."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from transforms.sparse import SparseColumn

# Mostly NaN, as term-frequency u's are; a few values, some repeated.
_VALUES = st.lists(st.one_of(st.just(np.nan), st.floats(1e-9, 1.0)), max_size=40)


def _same(x, y) -> bool:
    return np.array_equal(np.asarray(x), np.asarray(y), equal_nan=True)


@given(_VALUES, st.data())
def test_every_kind_of_index_reads_as_the_dense_column(values, data):
    dense = np.array(values, dtype=np.float64)
    column = SparseColumn.of(dense)
    n = len(dense)
    assert len(column) == n and column.shape == dense.shape
    assert _same(column, dense)
    assert _same(list(column), dense)
    start = data.draw(st.integers(-n - 2, n + 2))
    stop = data.draw(st.integers(-n - 2, n + 2))
    step = data.draw(st.sampled_from([1, 1, 2, 3, -1]))
    assert _same(column[start:stop:step], dense[start:stop:step])
    if n:
        rows = np.array(data.draw(st.lists(st.integers(-n, n - 1), max_size=20)), dtype=np.int64)
        assert _same(column[rows], dense[rows])
        # increasing positions, as np.flatnonzero gives them (read the other way round)
        picked = data.draw(st.lists(st.integers(0, n - 1), max_size=20))
        increasing = np.array(sorted(set(picked)), dtype=np.int64)
        assert _same(column[increasing], dense[increasing])
        mask = np.array(data.draw(st.lists(st.booleans(), min_size=n, max_size=n)))
        assert _same(column[mask], dense[mask])
        i = data.draw(st.integers(-n, n - 1))
        assert _same([column[i]], [dense[i]])
        with pytest.raises(IndexError):
            column[np.array([n])]


@given(st.lists(_VALUES, max_size=5))
def test_chunks_put_together_are_the_whole(chunks):
    dense = [np.array(c, dtype=np.float64) for c in chunks]
    whole = SparseColumn.concatenate([SparseColumn.of(d) for d in dense])
    assert _same(whole, np.concatenate([np.empty(0), *dense]))
    # Only the values are kept: the NaN are not stored.
    assert len(whole.values) == sum(int((~np.isnan(d)).sum()) for d in dense)


def test_numpy_reads_it_as_an_array():
    column = SparseColumn.of(np.array([np.nan, 0.25, np.nan, 0.5]))
    assert np.isnan(column).tolist() == [True, False, True, False]
    assert np.where(np.isnan(column), 1.0, column).tolist() == [1.0, 0.25, 1.0, 0.5]
    assert column[1] == 0.25 and np.isnan(column[-2])


def test_a_column_with_a_value_for_most_pairs_stays_a_plain_array():
    from transforms.scoring import _dense_if_full

    full = _dense_if_full(SparseColumn.of(np.array([0.1, 0.2, np.nan, 0.3])))
    assert isinstance(full, np.ndarray)
    assert _same(full, [0.1, 0.2, np.nan, 0.3])
    sparse = _dense_if_full(SparseColumn.of(np.array([0.1, np.nan, np.nan, np.nan])))
    assert isinstance(sparse, SparseColumn)
