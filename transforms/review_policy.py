"""The review queue's band of uncertain match probabilities, on its own.

Kept apart from transforms/review.py (numpy, pandas) so that `ties review --help` shows
the default without importing them, and the parser and the queue share one value.
"""

from __future__ import annotations

# Merged with less than 90% certainty, or kept apart at 30% or more.
DEFAULT_BAND = (0.3, 0.9)
