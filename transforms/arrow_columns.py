"""Per-distinct-value transforms of pandas columns, with the per-row work done by Arrow.

A column is dictionary-encoded by Arrow's C++ hashing into codes (one per row, -1 where
missing) and its distinct values. A Python function then runs once per distinct value,
and the rows are rebuilt with ``take``: a million rows cost what their distinct values
cost, and no Python object is created per row. List columns are flattened to (row,
element) pairs first and rebuilt from offsets.

``string_codes`` and ``list_items`` read columns the same way into integer codes for
matching (``transforms.features``); they accept object columns of Python values too,
as tests and older callers build them.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

STR_LIST = pa.list_(pa.string())


def string_array(series: pd.Series) -> pa.Array:
    """A column as an Arrow string array; anything but a str (None, NaN, NA) is null."""
    data = column_array(series)
    if data is not None and (pa.types.is_string(data.type) or pa.types.is_large_string(data.type)):
        return data
    values = data.to_pylist() if data is not None else series.tolist()
    return pa.array([v if isinstance(v, str) else None for v in values], type=pa.string())


def list_array(series: pd.Series) -> pa.Array:
    """A column of string lists as an Arrow list array (missing lists stay null)."""
    data = column_array(series)
    if (
        data is not None
        and pa.types.is_list(data.type)
        and pa.types.is_string(data.type.value_type)
    ):
        return data
    values = data.to_pylist() if data is not None else series.tolist()
    return pa.array(
        [list(v) if isinstance(v, list | tuple | np.ndarray) else None for v in values],
        type=STR_LIST,
    )


# --- reading columns for matching (transforms.features) ---------------------------

_UNCONVERTIBLE = (pa.ArrowInvalid, pa.ArrowTypeError, pa.ArrowNotImplementedError)
_LIST_TYPES = (
    pa.types.is_list,
    pa.types.is_large_list,
    pa.types.is_fixed_size_list,
    pa.types.is_list_view,
    pa.types.is_large_list_view,
)


def column_array(series: pd.Series) -> pa.Array | None:
    """The column as one Arrow array; None when Arrow cannot type its values.

    An Arrow-backed column is used as it is; an object column (Python strings or
    lists, None, NaN) is converted in one call, missing values becoming nulls.
    """
    array = getattr(series.array, "_pa_array", None)
    if array is None:
        try:
            array = pa.array(series.to_numpy(dtype=object), from_pandas=True)
        except _UNCONVERTIBLE:
            return None
    if isinstance(array, pa.ChunkedArray):  # one chunk: no copy
        array = array.chunk(0) if array.num_chunks == 1 else array.combine_chunks()
    if pa.types.is_dictionary(array.type):
        array = array.dictionary_decode()
    return array


def text_array(array: pa.Array) -> pa.Array | None:
    """The array as Arrow strings (all nulls for a null array); None if not text."""
    if pa.types.is_string(array.type) or pa.types.is_large_string(array.type):
        return array
    if pa.types.is_string_view(array.type) or pa.types.is_null(array.type):
        return array.cast(pa.large_string())
    return None


def encode_objects(array: pa.Array) -> tuple[np.ndarray, np.ndarray]:
    """Codes by first occurrence (-1 for null) and the distinct values (object array)."""
    codes, dictionary = encode_array(array)
    return codes, object_values(dictionary)


def encode_array(array: pa.Array) -> tuple[np.ndarray, pa.Array]:
    """Codes by first occurrence (-1 for null) and the distinct values, in Arrow."""
    encoded = pc.dictionary_encode(array)
    codes = encoded.indices.fill_null(-1).to_numpy(zero_copy_only=False).astype(np.int64)
    return codes, encoded.dictionary


def object_values(array: pa.Array) -> np.ndarray:
    """An Arrow array as an object array of Python values."""
    return np.asarray(array.to_numpy(zero_copy_only=False), dtype=object)


def factorize_objects(values: list) -> tuple[np.ndarray, np.ndarray]:
    """pd.factorize of Python values: codes by first occurrence, -1 for None / NaN."""
    codes, uniques = pd.factorize(pd.Series(values, dtype=object), use_na_sentinel=True)
    return codes.astype(np.int64), np.asarray(uniques, dtype=object)


def without_code(codes: np.ndarray, e: int) -> np.ndarray:
    """Codes as if value e had been missing: -1 for it, later codes move down one."""
    return np.where(codes == e, -1, codes - (codes > e)) if e >= 0 else codes


def string_codes(series: pd.Series, values: bool = True) -> tuple[np.ndarray, np.ndarray]:
    """Per record the code of its string (-1: missing, empty or not a string), codes
    numbered by first occurrence; and the distinct strings (None unless ``values``)."""
    array = column_array(series)
    text = text_array(array) if array is not None else None
    if text is None:  # values Arrow cannot type (a stray number among strings): missing
        codes, distinct = factorize_objects(
            [v if isinstance(v, str) else None for v in series.tolist()]
        )
        empty = np.flatnonzero(distinct == "")
        e = int(empty[0]) if len(empty) else -1
        return without_code(codes, e), (np.delete(distinct, e) if e >= 0 else distinct)
    codes, dictionary = encode_array(text)
    # An empty string is no value.
    e = pc.index(dictionary, pa.scalar("", dictionary.type)).as_py()
    codes = without_code(codes, e)
    if not values:
        return codes, None
    distinct = object_values(dictionary)
    return codes, (np.delete(distinct, e) if e >= 0 else distinct)


def list_items(series: pd.Series) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The items of a list column: per item its record and its code (-1: null item),
    codes numbered by first occurrence; and the distinct items.

    A cell that is not a list (None, NaN) has no items; an empty string is an item.
    Accepts Arrow list columns and object columns of Python lists alike.
    """
    array = column_array(series)
    if array is not None and pa.types.is_null(array.type):
        return np.empty(0, np.int64), np.empty(0, np.int64), np.empty(0, dtype=object)
    if array is not None and any(is_list(array.type) for is_list in _LIST_TYPES):
        items = text_array(pc.list_flatten(array))
        if items is not None:
            rows = pc.list_parent_indices(array).to_numpy(zero_copy_only=False)
            codes, values = encode_objects(items)
            return rows.astype(np.int64), codes, values
    lists = [list(v) if isinstance(v, list | tuple | np.ndarray) else [] for v in series.tolist()]
    rows = np.repeat(np.arange(len(lists), dtype=np.int64), [len(v) for v in lists])
    codes, values = factorize_objects([x for v in lists for x in v])
    return rows, codes, values


def _with_missing(codes: np.ndarray) -> pa.Array:
    """Codes as Arrow take-indices: -1 becomes null, so take gives null there."""
    return pa.array(codes, mask=codes < 0)


def _strings(values: Sequence[str | None] | pa.Array) -> pa.Array:
    return values if isinstance(values, pa.Array) else pa.array(values, type=pa.string())


@dataclass(frozen=True)
class Coded:
    """A string column as codes into a table of values.

    Attributes:
        codes: per row the position of its value in ``values``; -1 where missing.
        values: the table. Fresh from ``encode`` it holds the distinct values; after
            ``map`` the mapped ones, which may repeat or be null (``distinct`` merges
            them again where that matters).
    """

    codes: np.ndarray
    values: pa.Array

    @classmethod
    def encode(cls, array: Sequence[str | None] | pa.Array) -> Coded:
        """Codes and distinct values of string values (Arrow's hash, not Python's)."""
        encoded = pc.dictionary_encode(_strings(array))
        codes = encoded.indices.fill_null(-1).to_numpy(zero_copy_only=False)
        return cls(codes.astype(np.int64, copy=False), encoded.dictionary.cast(pa.string()))

    @classmethod
    def of(cls, series: pd.Series) -> Coded:
        return cls.encode(string_array(series))

    def map(self, fn: Callable[[str], str | None]) -> Coded:
        """``fn`` once per entry of the table, however many rows have it; null stays null."""
        return self.map_array(
            lambda values: [None if v is None else fn(v) for v in values.to_pylist()]
        )

    def map_array(self, fn: Callable[[pa.Array], Sequence[str | None] | pa.Array]) -> Coded:
        """Like ``map``, with ``fn`` mapping the whole table at once."""
        return Coded(self.codes, _strings(fn(self.values)))

    def distinct(self) -> Coded:
        """The same column with one code per distinct value and no null in the table."""
        table = Coded.encode(self.values)
        return Coded(np.append(table.codes, -1)[self.codes], table.values)

    def to_arrow(self) -> pa.Array:
        return self.values.take(_with_missing(self.codes))

    def to_pandas(self) -> pd.arrays.ArrowStringArray:
        """A ``string[pyarrow]`` array with NA where missing."""
        return pd.arrays.ArrowStringArray(self.to_arrow())


def distinct_combinations(*codes: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Group rows by the combination of several code columns (-1 allowed for missing).

    Returns:
        group: per row its combination, 0..k-1 in order of first appearance;
        rows: per combination the first row that has it.
    """
    group = np.zeros(len(codes[0]), dtype=np.int64)
    for code in codes:
        # Mixed-radix pairing, compressed again after every column so it cannot overflow.
        span = int(code.max(initial=-1)) + 2
        group, _ = pd.factorize(group * span + (code.astype(np.int64) + 1))
    group = group.astype(np.int64, copy=False)
    # Groups are numbered in order of appearance: a row starts one where the number rises.
    seen = np.maximum.accumulate(group) if len(group) else group
    starts = np.flatnonzero(np.diff(seen, prepend=-1) > 0)
    return group, starts


@dataclass(frozen=True)
class Flat:
    """A list column flattened: per element its row and its (coded) value."""

    n_rows: int
    parents: np.ndarray
    elements: Coded

    @classmethod
    def of(cls, series: pd.Series) -> Flat:
        lists = list_array(series)
        parents = pc.list_parent_indices(lists).to_numpy(zero_copy_only=False)
        elements = Coded.encode(pc.list_flatten(lists))
        return cls(len(lists), parents.astype(np.int64, copy=False), elements)

    def map(self, fn: Callable[[str], str | None]) -> Flat:
        return Flat(self.n_rows, self.parents, self.elements.map(fn))

    def map_array(self, fn: Callable[[pa.Array], pa.Array]) -> Flat:
        return Flat(self.n_rows, self.parents, self.elements.map_array(fn))

    def to_arrow(self) -> pa.ListArray:
        """One list per row, never null.

        Missing and empty strings are dropped, and so are repeats within a row after
        their first occurrence; the order is kept.
        """
        return regroup(self.n_rows, self.parents, self.elements)


def _one_table(first: Coded, second: Coded) -> tuple[np.ndarray, np.ndarray, pa.Array]:
    """Codes of both columns into one table: ``first``'s values, then ``second``'s."""
    offset = len(first.values)
    second_codes = np.where(second.codes < 0, -1, second.codes + offset)
    return first.codes, second_codes, pa.concat_arrays([first.values, second.values])


def choose(use_first: np.ndarray, first: Coded, second: Coded) -> Coded:
    """Per row the value of ``first`` where ``use_first``, else that of ``second``."""
    first_codes, second_codes, values = _one_table(first, second)
    return Coded(np.where(use_first, first_codes, second_codes), values)


def concat_flat(first: Flat, second: Flat) -> Flat:
    """Both element sets per row, ``first``'s elements ahead of ``second``'s."""
    first_codes, second_codes, values = _one_table(first.elements, second.elements)
    codes = np.concatenate([first_codes, second_codes])
    parents = np.concatenate([first.parents, second.parents])
    order = np.argsort(parents, kind="stable")
    return Flat(first.n_rows, parents[order], Coded(codes[order], values))


def regroup(n_rows: int, parents: np.ndarray, elements: Coded) -> pa.ListArray:
    """Lists per row from (row, value) pairs sorted by row; see ``Flat.to_arrow``."""
    elements = elements.distinct()
    non_empty = pc.greater(pc.binary_length(elements.values), 0).to_numpy(zero_copy_only=False)
    keep = np.append(non_empty, False)[elements.codes]
    parents, codes = parents[keep], elements.codes[keep]
    if len(codes):
        pair = parents * len(elements.values) + codes
        first = ~pd.Series(pair).duplicated().to_numpy()
        parents, codes = parents[first], codes[first]
    counts = np.bincount(parents, minlength=n_rows)
    offsets = np.concatenate([[0], np.cumsum(counts)]).astype(np.int32)
    return pa.ListArray.from_arrays(
        pa.array(offsets), elements.values.take(pa.array(codes)), type=STR_LIST
    )


def fast_or_slow(values: pa.Array, fast: pa.Array, slow: Callable[[str], str | None]) -> pa.Array:
    """``fast`` where it is not null, else ``slow`` of the value, called in Python.

    For vectorised fast paths that answer the common spellings and leave the rest
    (null) to the full per-value function.
    """
    todo = pc.and_(pc.is_null(fast), pc.is_valid(values))
    results = [slow(v) for v in values.filter(todo).to_pylist()]
    return pc.replace_with_mask(fast, todo, pa.array(results, type=fast.type))


def list_series_array(lists: pa.ListArray) -> pd.arrays.ArrowExtensionArray:
    """A pandas array of ``list<string>`` (ArrowDtype) over the Arrow lists, no copy."""
    return pd.arrays.ArrowExtensionArray(lists)
