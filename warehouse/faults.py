"""Faults of the warehouse itself (a full disk, a read-only folder), as one line naming it.

An input that cannot be read is that input's problem and the run goes on; a warehouse
that cannot be written ends the run with nothing committed and the previous snapshot
kept. The two must never be confused: a full disk while caching an extract is not an
unreadable input.
"""

from __future__ import annotations

import errno
import os
from pathlib import Path

from warehouse.layout import Layout


class WarehouseWriteError(OSError):
    """The warehouse could not be written: the run ends, nothing is committed."""

    def __str__(self) -> str:  # the message alone, without OSError's "[Errno 28]"
        return self.strerror or super().__str__()


def is_storage_error(exc: BaseException) -> bool:
    """A full disk, an exhausted quota or a read-only file system: the machine's fault."""
    return isinstance(exc, OSError) and exc.errno in (errno.ENOSPC, errno.EDQUOT, errno.EROFS)


def write_failure(
    warehouse: Path, exc: OSError, doing: str, committed: bool = False
) -> WarehouseWriteError:
    """The one-line error for ``exc`` while ``doing`` something to ``warehouse``."""
    reason = exc.strerror or str(exc)
    if exc.errno == errno.ENOSPC:
        reason = "no space left on the device"
    elif exc.errno == errno.EDQUOT:
        reason = "disk quota exceeded"
    elif exc.errno == errno.EROFS:
        reason = "the file system is read-only"
    outcome = (
        "the snapshot was committed; the next run reads its inputs again"
        if committed
        else "nothing was committed, the previous snapshot stays"
    )
    return WarehouseWriteError(
        exc.errno, f"{warehouse}: cannot write the warehouse ({reason}) while {doing}; {outcome}"
    )


def check_writable(warehouse: Path) -> None:
    """Fail in one line, before any work, when the warehouse cannot be written.

    Raises:
        WarehouseWriteError: the folder (or the nearest existing parent it would be made
            in) refuses a new file.
    """
    probe_dir = warehouse
    while not probe_dir.exists() and probe_dir != probe_dir.parent:
        probe_dir = probe_dir.parent
    state = Layout(warehouse).state
    if state.is_dir():
        probe_dir = state
    probe = probe_dir / f".ties-write-check.{os.getpid()}"
    try:
        fd = os.open(probe, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        try:
            os.write(fd, b"x")
        finally:
            os.close(fd)
            os.unlink(probe)
    except OSError as exc:
        raise write_failure(warehouse, exc, "checking that it can be written") from None
