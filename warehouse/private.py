"""Owner-only folders: a warehouse holds personal data, so it, state/ and the caches in it
are 0700 however they came to exist (an older ties made them 0755) and whatever the umask."""

from __future__ import annotations

import contextlib
import os
from pathlib import Path

from warehouse.layout import Layout


def private_folders(warehouse: Path) -> tuple[Path, ...]:
    """The folders a run creates (warehouse/layout.py names them): the first two always,
    the others when they are first written (and made private here when they exist)."""
    layout = Layout(warehouse)
    return (
        layout.root,
        layout.state,
        layout.extracts,
        layout.logs,
        layout.prefect_home,
        layout.snapshots,
    )


def private_dir(path: Path) -> Path:
    """Create ``path`` (and missing parents) owner-only; make it 0700 if it exists and is ours."""
    missing = []
    probe = path
    while not probe.exists() and probe != probe.parent:
        missing.append(probe)
        probe = probe.parent
    for folder in reversed(missing):
        with contextlib.suppress(FileExistsError):  # another process made it meanwhile
            folder.mkdir(mode=0o700)
        os.chmod(folder, 0o700)  # mkdir's mode is filtered by the umask
    st = path.stat()
    if st.st_uid == os.getuid() and st.st_mode & 0o077:
        os.chmod(path, 0o700)
    return path


def private_warehouse(warehouse: Path) -> Path:
    """The warehouse and its state/ present and owner-only, like the other private folders
    that exist already (an older ties made them 0755)."""
    always = 2  # the warehouse and its state/
    for i, folder in enumerate(private_folders(warehouse)):
        if i < always or folder.is_dir():
            private_dir(folder)
    return warehouse
