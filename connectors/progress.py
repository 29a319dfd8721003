"""Progress of reading large inputs, reported by connectors and shown by whoever listens.

Connectors call ``advance(nbytes)`` as they consume a big file; the CLI shows the sum.
With nobody listening it costs one function call per block. Process-local: work done
on Dask workers or in a connector's own process pool is reported when it returns.
"""

from __future__ import annotations

import threading

_lock = threading.Lock()
_bytes_done = 0


def advance(nbytes: int) -> None:
    """Count ``nbytes`` more of input as read."""
    global _bytes_done
    with _lock:
        _bytes_done += nbytes


def bytes_done() -> int:
    return _bytes_done


def reset() -> None:
    global _bytes_done
    with _lock:
        _bytes_done = 0
