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


def summarize_maildir(path: Path) -> list[MessageSummary]:
    """Summaries of every message file in a Maildir's cur/ and new/ (and Maildir++
    ``.Folder`` subfolders), sorted by relative file name.

    Raises:
        UnreadableInput: the folder has neither cur/ nor new/.
    """
    folders = [path] + sorted(
        (p for p in path.iterdir() if p.name.startswith(".") and p.is_dir()),
        key=lambda p: p.name,
    )
    folders = [f for f in folders if (f / "cur").is_dir() or (f / "new").is_dir()]
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
