"""Which connector reads which input: discovery of files, folders and zips by content.

Adding a source is adding one module with ``sniff`` and ``read`` and one line in
CONNECTORS.
"""

from __future__ import annotations

import importlib
import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from connectors.base import Extract, ReadOptions

# Order matters: the first connector whose sniff accepts a file reads it.
CONNECTORS: dict[str, str] = {
    "linkedin": "connectors.linkedin",
    "vcard": "connectors.vcard",
    "calendar": "connectors.calendar",
    "journal": "connectors.journal",
    "mail": "connectors.mail",
}
HEAD_BYTES = 64 * 1024
_LINKEDIN_FOLDER_MARKERS = {"connections.csv", "messages.csv", "invitations.csv"}


@dataclass(frozen=True)
class Input:
    """One unit of extraction: a file, or a folder a connector reads as a whole."""

    path: Path
    connector: str


@dataclass
class Discovery:
    inputs: list[Input] = field(default_factory=list)
    unknown: list[tuple[Path, str]] = field(default_factory=list)  # (path, why not read)


def reader(connector: str) -> Callable[[Path, ReadOptions], Extract]:
    return importlib.import_module(CONNECTORS[connector]).read


def user_identifiers(connector: str, path: Path) -> list[str]:
    """The user's own identifiers an input names, read cheaply before any extraction.

    A connector that can name the user (LinkedIn: Profile and Email Addresses) has a
    ``user_identifiers(path)`` that never raises; the others give [].
    """
    read_ids = getattr(importlib.import_module(CONNECTORS[connector]), "user_identifiers", None)
    return list(read_ids(path)) if read_ids else []


def _loose(name: str) -> str:
    return name.casefold().replace(" ", "").replace("_", "")


# How deep a tree of Maildirs is looked into (mbsync: account/folder/sub-folder).
_MAILDIR_TREE_DEPTH = 6


def _is_maildir(path: Path) -> bool:
    """A Maildir: cur/ and new/, or one of them holding mail (git, zip and cloud sync
    drop the empty new/ and tmp/ of a copied Maildir)."""
    cur, new = path / "cur", path / "new"
    if cur.is_dir() and new.is_dir():
        return True
    for sub in (cur, new):
        if sub.is_dir():
            first = next((p for p in sorted(sub.iterdir()) if _visible_file(p)), None)
            return first is not None and _detect_quietly(first) == "mail"
    return False


def _visible_file(path: Path) -> bool:
    return not path.name.startswith(".") and path.is_file()


def _detect_quietly(path: Path) -> str | None:
    try:
        return detect_file(path)
    except OSError:
        return None


def _is_maildir_tree(path: Path, depth: int = 0) -> bool:
    """A Maildir, or a folder holding nothing but Maildirs (the mbsync, offlineimap, mu
    and notmuch layouts): read whole as one input, so each message is counted once and
    the user is the same person in all its folders. Hidden entries (.notmuch,
    .mbsyncstate, Maildir++ .Folders) do not count against it."""
    if _is_maildir(path):
        return True
    if depth >= _MAILDIR_TREE_DEPTH:
        return False
    try:
        entries = [p for p in path.iterdir() if not p.name.startswith(".")]
    except OSError:
        return False
    return bool(entries) and all(
        p.is_dir() and not p.is_symlink() and _is_maildir_tree(p, depth + 1) for p in entries
    )


def _is_linkedin_folder(path: Path) -> bool:
    try:
        return any(
            _loose(p.name) in _LINKEDIN_FOLDER_MARKERS for p in path.iterdir() if p.is_file()
        )
    except OSError:
        return False


def detect_file(path: Path) -> str | None:
    """The connector that reads this file, judged by its first bytes, or None."""
    with open(path, "rb") as f:
        head = f.read(HEAD_BYTES)
    for name, module in CONNECTORS.items():
        if importlib.import_module(module).sniff(path, head):
            return name
    return None


def _utf8(path: Path) -> bool:
    try:
        str(path).encode("utf-8")
    except UnicodeEncodeError:  # undecodable bytes, kept by Python as lone surrogates
        return False
    return True


def printable_path(path: Path) -> Path:
    """The path with bytes that are not UTF-8 shown as \\xNN: safe to print and store."""
    return Path(os.fsencode(path).decode("utf-8", "backslashreplace"))


def _why_unknown(path: Path) -> str:
    if path.suffix.lower() in (".pst", ".ost", ".msg"):
        return "Outlook PST/MSG files are not supported; export the mailbox as mbox or .eml"
    if path.suffix.lower() == ".zip":
        return "a zip without a LinkedIn export inside"
    if path.suffix.lower() in (".eml", ".mbox"):
        return (
            f"not a mail file: named {path.suffix}, but it starts with neither mail header "
            "lines nor an mbox 'From ' line (judged by content)"
        )
    return "not a LinkedIn export, vCard, calendar or mail file (judged by content)"


def discover(paths: Iterable[str | os.PathLike]) -> Discovery:
    """Expand the user's paths into inputs, each with the connector that reads it.

    A Maildir (with all its sub-folders, Maildir++ or nested), a folder holding only
    Maildirs, and an unpacked LinkedIn export are one input each; other folders are
    walked (hidden entries skipped). Files no connector recognises are listed in
    ``unknown`` with the reason, never silently dropped.

    Raises:
        FileNotFoundError: a named path does not exist.
    """
    found = Discovery()
    seen: set[Path] = set()

    def visit(path: Path, named: bool) -> None:
        path = path.resolve()
        if path in seen:
            return
        seen.add(path)
        if not _utf8(path):
            # Every table and the state file hold paths as UTF-8: such a name cannot be
            # stored, so it is a reject, its name shown with the bad bytes escaped.
            found.unknown.append((printable_path(path), "the file name is not valid UTF-8"))
            return
        if path.is_dir():
            try:
                if _is_maildir_tree(path):
                    found.inputs.append(Input(path, "mail"))  # with its sub-folders, once
                    return
                linkedin = _is_linkedin_folder(path)
                children = sorted(path.iterdir())
            except OSError as exc:
                found.unknown.append((path, f"folder cannot be read: {exc.strerror or exc}"))
                return
            if linkedin:
                found.inputs.append(Input(path, "linkedin"))
            for child in children:
                if child.name.startswith("."):
                    continue
                if linkedin and child.is_file() and child.suffix.lower() == ".csv":
                    continue  # read as part of the export folder
                visit(child, False)
            return
        if not path.is_file():
            found.unknown.append((path, "not a regular file"))
            return
        try:
            connector = detect_file(path)
        except OSError as exc:
            found.unknown.append((path, f"cannot be read: {exc.strerror or exc}"))
            return
        if connector is None:
            found.unknown.append((path, _why_unknown(path)))
        else:
            found.inputs.append(Input(path, connector))

    for p in paths:
        path = Path(p).expanduser()
        if not path.exists():
            raise FileNotFoundError(f"{p}: no such file or folder")
        visit(path, True)
    return found
