"""One writer at a time: an advisory lock on <warehouse>/state/lock.

flock is released by the kernel when the holder dies, so a killed run never leaves
a stale lock behind.
"""

from __future__ import annotations

import fcntl
import os
import time
from contextlib import contextmanager
from pathlib import Path

from warehouse.layout import Layout
from warehouse.private import private_warehouse


class WarehouseBusy(RuntimeError):
    """Another run holds the warehouse."""


@contextmanager
def warehouse_lock(warehouse: Path, wait_seconds: float = 0.0):
    """Hold the warehouse's writer lock for the duration of the block.

    Args:
        warehouse: the warehouse directory.
        wait_seconds: how long to wait for another writer before giving up.

    Raises:
        WarehouseBusy: another run still holds the lock after ``wait_seconds``.
    """
    path = Layout(private_warehouse(warehouse)).lock
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    deadline = time.monotonic() + wait_seconds
    try:
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    holder = os.pread(fd, 200, 0).decode("utf-8", "replace").strip()
                    raise WarehouseBusy(
                        f"{warehouse}: another ties run is writing this warehouse"
                        + (f" ({holder})" if holder else "")
                        + "; wait for it to finish"
                    ) from None
                time.sleep(0.2)
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"pid {os.getpid()}".encode(), 0)
        yield
    finally:
        os.close(fd)
