"""Maildir folders: every message file of cur/ and new/, dated by its file name if need be."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import Path

from connectors.base import UnreadableInput
from connectors.mail.files import header_block, read_header_bytes
from connectors.mail.headers import MessageSummary
from connectors.mail.mbox import (
    BOM,
    separator_date,
)
from connectors.mail.summary import summarize_safely

_MAILDIR_TIME_RE = re.compile(r"^(\d{9,10})[.\d]*\.")


# Folders of a Maildir tree that hold no sub-Maildirs: the message folders themselves
# and notmuch's index.
_NOT_SUBFOLDERS = frozenset({"cur", "new", "tmp", ".notmuch"})
_MAX_DEPTH = 8


def maildir_folders(path: Path) -> list[Path]:
    """Every Maildir in the tree at ``path``: itself, its Maildir++ ``.Folders`` and the
    nested folders mbsync, offlineimap, mu and notmuch keep (each once, symlinks not
    followed), in path order."""
    found: list[Path] = []

    def walk(folder: Path, depth: int) -> None:
        if (folder / "cur").is_dir() or (folder / "new").is_dir():
            found.append(folder)
        if depth >= _MAX_DEPTH:
            return
        for child in sorted(folder.iterdir(), key=lambda p: p.name):
            if child.name not in _NOT_SUBFOLDERS and child.is_dir() and not child.is_symlink():
                walk(child, depth + 1)

    walk(path, 0)
    return found


def summarize_maildir(path: Path) -> list[MessageSummary]:
    """Summaries of every message file in the cur/ and new/ of every Maildir of the tree
    at ``path`` (see ``maildir_folders``), sorted by relative file name.

    Raises:
        UnreadableInput: no folder of the tree has cur/ or new/.
    """
    folders = maildir_folders(path)
    if not folders:
        raise UnreadableInput(
            f"{path}: a folder but not a Maildir: expected cur/ and new/ subfolders "
            "(or give an mbox or .eml file)"
        )
    files = []
    for folder in folders:
        for sub in ("cur", "new"):
            d = folder / sub
            if d.is_dir():
                files.extend(p for p in d.iterdir() if p.is_file() and not p.name.startswith("."))
    files.sort(key=lambda p: p.relative_to(path).as_posix())
    return [_summarize_maildir_file(path, p) for p in files]


def _summarize_maildir_file(root: Path, file: Path) -> MessageSummary:
    # A file name that is not UTF-8 must still make a valid locator string.
    locator = file.relative_to(root).as_posix().encode("utf-8", "surrogateescape")
    locator = locator.decode("utf-8", "replace")
    try:
        data = read_header_bytes(file)
    except OSError as exc:
        return MessageSummary(locator, "reject", f"cannot be opened ({exc.strerror or exc})")
    if not data.strip():
        return MessageSummary(locator, "reject", "empty message file")
    if data.startswith(BOM):
        data = data[len(BOM) :]
    separator = b""
    # Some tools store a message with its mbox "From " line; it is no header.
    if data.startswith(b"From "):
        le = data.find(b"\n")
        separator, data = data[5:le].strip(), data[le + 1 :] if le >= 0 else b""
    # Maildir names start with the delivery time and carry flags after ":2," (D = draft).
    name = file.name
    flags = name.rsplit(":2,", 1)[1] if ":2," in name else ""

    def fallback() -> datetime | None:
        if separator:
            found = separator_date(separator)
            if found is not None:
                return found
        m = _MAILDIR_TIME_RE.match(name)
        return datetime.fromtimestamp(int(m.group(1)), UTC) if m else None

    return summarize_safely(header_block(data), locator, fallback_date=fallback, draft="D" in flags)
