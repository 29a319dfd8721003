"""Ids and stable hashes: one definition that connectors, transforms and warehouse all use.

Record, interaction and contact ids, extract keys and resolution keys are all
``stable_id`` of their parts, so the same inputs give the same ids on every machine
and in every run. This module imports nothing but the standard library: the mbox
shard processes use it without paying for pandas.
"""

from __future__ import annotations

import hashlib


def stable_id(*parts: object, length: int = 16) -> str:
    """A short deterministic id from the parts (None and '' are distinct)."""
    h = hashlib.blake2b(digest_size=16)
    for p in parts:
        h.update(b"\x1f" if p is None else str(p).encode("utf-8", "surrogatepass") + b"\x1e")
    return h.hexdigest()[:length]
