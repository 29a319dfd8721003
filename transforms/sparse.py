"""Per-pair columns that hold a value for few of the candidate pairs.

At a million records there are ten million candidate pairs; most per-pair quantities
exist for a small share of them (a term-frequency u only where a pair agrees on a value,
the generations' bits only at one home with two dates). A dense float64 column is 80 MB
each; this keeps the positions and values of the pairs that have one.
"""

from __future__ import annotations

import numpy as np


class SparseColumn:
    """A float64 value per pair, ``fill`` (NaN unless told) for most pairs, kept as the
    positions and values of the others.

    A term-frequency u exists only where a pair agrees on a value: at a million records
    the e-mail's, phone's, postcode's and company's are NaN for 93-99.9% of the ten
    million candidate pairs, and seven dense float64 columns were 0.5 GB. It reads as
    the dense column does: ``column[i]`` is a float, ``column[rows]`` (a slice, a mask
    or positions) an array with ``fill`` where no value is kept, ``np.asarray(column)``
    and iteration the whole column.
    """

    def __init__(self, n: int, where: np.ndarray, values: np.ndarray, fill: float = np.nan):
        # where: sorted positions
        self.n, self.where, self.values, self.fill = n, where, values, fill

    @classmethod
    def of(cls, dense: np.ndarray) -> SparseColumn:
        where = np.flatnonzero(~np.isnan(dense))
        return cls(len(dense), where, dense[where])

    @classmethod
    def concatenate(cls, parts: list[SparseColumn]) -> SparseColumn:
        """Consecutive columns (of one fill) as one."""
        starts = np.cumsum([0] + [p.n for p in parts])
        where = [p.where + start for p, start in zip(parts, starts, strict=False)]
        values = [p.values for p in parts]
        empty = np.empty(0)
        return cls(
            int(starts[-1]),
            np.concatenate([np.empty(0, np.int64), *where]),
            np.concatenate([empty, *values]),
            parts[0].fill if parts else np.nan,
        )

    def __len__(self) -> int:
        return self.n

    @property
    def shape(self) -> tuple[int]:
        return (self.n,)

    @property
    def dtype(self) -> np.dtype:
        return self.values.dtype

    def __array__(self, dtype=None, copy=None) -> np.ndarray:
        out = np.full(self.n, self.fill)
        out[self.where] = self.values
        return out if dtype is None else out.astype(dtype)

    def __iter__(self):
        return iter(np.asarray(self).tolist())

    def tolist(self) -> list[float]:
        return np.asarray(self).tolist()

    def __getitem__(self, key):
        if isinstance(key, slice):
            start, stop, step = key.indices(self.n)
            if step == 1:
                lo, hi = np.searchsorted(self.where, [start, max(start, stop)])
                out = np.full(max(stop - start, 0), self.fill)
                out[self.where[lo:hi] - start] = self.values[lo:hi]
                return out
            key = np.arange(start, stop, step)
        if isinstance(key, int | np.integer):
            return float(self[np.array([key])][0])
        key = np.asarray(key)
        if key.dtype == bool:
            key = np.flatnonzero(key)
        key = np.where(key < 0, key + self.n, key)
        if len(key) and (key.min() < 0 or key.max() >= self.n):
            raise IndexError(f"index out of range for {self.n} pairs")
        out = np.full(key.shape, self.fill)
        if not len(self.where):
            return out
        if len(key) > 1 and (key[1:] > key[:-1]).all():
            # Increasing positions (np.flatnonzero's, as the model reads its pairs): the
            # few kept positions in their range are looked up among them, rather than
            # each of them among the kept (at a million records, 0.6 s of searching).
            lo, hi = np.searchsorted(self.where, [key[0], key[-1] + 1])
            where = self.where[lo:hi]
            at = np.minimum(np.searchsorted(key, where), len(key) - 1)
            found = key[at] == where
            out[at[found]] = self.values[lo:hi][found]
            return out
        at = np.minimum(np.searchsorted(self.where, key), len(self.where) - 1)
        found = self.where[at] == key
        out[found] = self.values[at[found]]
        return out
