"""Transforms: pure functions over DataFrames: normalise, resolve people, build golden records,
derive relationship signals."""
