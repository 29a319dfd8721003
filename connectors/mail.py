"""Mail connector: an mbox file, a single .eml message or a Maildir folder, read from headers
only, to one record per correspondent address and one interaction per message and counterpart.
"""

from __future__ import annotations

import logging
import multiprocessing
import multiprocessing.spawn as mp_spawn
import os
import re
import threading
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

from connectors import progress
from connectors.base import Extract, ExtractBuilder, ReadOptions, UnreadableInput
from connectors.mail_headers import HEADER_LINE_RE, MessageSummary, summarize_safely
from connectors.mail_mbox import (
    BOM,
    MAX_HEADER_BYTES,
    data_start,
    looks_like_mbox,
    separator_date,
    shard_ranges,
    summarize_mbox_range,
)

CONNECTOR = "mail"
SOURCE = "mail"
HEAD_BYTES = 64 << 10

# A large mbox is read as byte-range shards by worker processes. Below PARALLEL_MIN_BYTES
# it is read in-process: the first pool of a process costs ~0.2 s to start (the forkserver
# and its imports), later ones ~0.07 s; measured on 2 cores, two workers only beat one
# from about 128 MiB (docs/benchmarks.md). Shards of SHARD_BYTES keep both cores busy to
# the end and let the parent unpickle finished shards while others run; a shard reads at
# most one header (MAX_HEADER_BYTES) past its end.
WORKERS_ENV = "TIES_MAIL_WORKERS"
PARALLEL_MIN_BYTES = 128 << 20
SHARD_BYTES = 32 << 20

log = logging.getLogger(__name__)

# Outlook's binary formats: an OLE compound file (.msg) and a PST/OST store.
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_PST_MAGIC = b"!BDN"
_OUTLOOK_SUFFIXES = frozenset({".msg", ".pst", ".ost"})

_FIELD_NAME_RE = re.compile(rb"(?m)^([!-9;-~]{1,100})[ \t]*:")
_MAIL_FIELDS = frozenset(
    {
        b"from",
        b"to",
        b"cc",
        b"subject",
        b"date",
        b"received",
        b"message-id",
        b"return-path",
        b"mime-version",
        b"delivered-to",
        b"sender",
        b"reply-to",
        b"in-reply-to",
        b"references",
        b"x-mailer",
        b"user-agent",
        b"content-type",
        b"newsgroups",
    }
)
_CORE_FIELDS = frozenset(
    {b"from", b"to", b"received", b"message-id", b"return-path", b"delivered-to"}
)
_MAILDIR_TIME_RE = re.compile(r"^(\d{9,10})[.\d]*\.")


# -- public surface ----------------------------------------------------------------------


def sniff(path: Path, head: bytes) -> bool:
    """Whether this connector reads the file: an mbox or a single RFC 822 message.

    Judged by content: an mbox starts with a ``From `` separator line followed by a
    header; a message starts with header lines that include mail fields. Outlook
    ``.msg``/``.pst`` files are not read.

    Args:
        path: the file (only its suffix is looked at).
        head: its first 64 KiB.

    Returns:
        True if ``read`` should be given this file.
    """
    if Path(path).suffix.lower() in _OUTLOOK_SUFFIXES or _is_outlook(head):
        return False
    if looks_like_mbox(head):
        return True
    block = _header_block(head[data_start(head) :])
    if not HEADER_LINE_RE.match(block) or b"\0" in block:
        return False
    names = {m.group(1).lower() for m in _FIELD_NAME_RE.finditer(block)}
    return len(names & _MAIL_FIELDS) >= 2 and bool(names & _CORE_FIELDS)


def read(path: Path, options: ReadOptions) -> Extract:
    """Read one mbox file, .eml file or Maildir folder into an Extract.

    Each message is one item: a direct exchange becomes one interaction per counterpart
    (each counterpart a record); drafts, spam, mailing-list posts, automated mail and
    notes to self are skipped by reason; a message without a usable From address or
    any date is rejected. The user's addresses come from ``options.me``, else from
    ``options.me_hints`` (a LinkedIn export's addresses) with Gmail's ``Sent`` label or
    the address taking part in most direct messages (see ``infer_me``).

    Args:
        path: an mbox or .eml file, or a Maildir folder (with cur/ and new/).
        options: the user's own addresses (``me``) if known.

    Returns:
        The Extract, with ``me_hints`` naming the addresses taken as the user's.

    Raises:
        UnreadableInput: the file is not mail (nor an mbox, a message or a Maildir).
    """
    path = Path(path)
    try:
        summaries = summarize_maildir(path) if path.is_dir() else summarize_file(path)
    except OSError as exc:
        raise UnreadableInput(f"{path}: cannot be read ({exc.strerror or exc})") from exc
    return build_extract(path, summaries, options)


# -- pass 1: summaries -------------------------------------------------------------------


def summarize_file(path: Path) -> list[MessageSummary]:
    """Summaries of every message of an mbox or .eml file, in file order.

    Raises:
        UnreadableInput: the file cannot be opened or is not mail.
    """
    try:
        with open(path, "rb") as f:
            head = f.read(HEAD_BYTES)
    except OSError as exc:
        raise UnreadableInput(f"{path}: cannot be opened ({exc.strerror or exc})") from exc
    if _is_outlook(head):
        raise UnreadableInput(
            f"{path}: an Outlook .msg/.pst file, which ties does not read; "
            "export the mail as mbox or .eml"
        )
    start = data_start(head)
    if not head[start:].strip():
        return []
    if looks_like_mbox(head):
        return summarize_mbox(path)
    block = _header_block(_read_header_bytes(path, start))
    if not HEADER_LINE_RE.match(block) or b"\0" in block:
        raise UnreadableInput(
            f"{path}: not mail: expected an mbox file (starting with a 'From ' line) "
            "or a single .eml message (starting with header lines)"
        )
    return [summarize_safely(block, f"byte {start}")]


def summarize_mbox(path: Path, workers: int | None = None) -> list[MessageSummary]:
    """Summaries of every message of an mbox file, in file order, read in parallel if large.

    A file of at least ``PARALLEL_MIN_BYTES`` is split into byte-range shards that a pool
    of ``workers`` processes reads; the summaries are exactly those of reading it whole.
    The pool uses the ``forkserver`` start method (``spawn`` where there is none): the
    caller may be a thread of Prefect's pool, and forking a multi-threaded process can
    leave a lock held forever in the child. A pool that cannot start, or dies, leaves the
    file to be read in-process.

    Args:
        path: the mbox file.
        workers: processes to use; None reads ``TIES_MAIL_WORKERS``, else the CPU count.

    Returns:
        One MessageSummary per message.
    """
    workers = mail_workers() if workers is None else max(1, workers)
    size = path.stat().st_size
    if (
        workers == 1
        or size < PARALLEL_MIN_BYTES
        # A daemon process (a worker of some other pool) may not start children.
        or multiprocessing.current_process().daemon
    ):
        return summarize_mbox_range(path, 0, None)
    shards = shard_ranges(size, max(workers, -(-size // SHARD_BYTES)))
    starts, ends = [a for a, _ in shards], [b for _, b in shards]
    try:
        with ProcessPoolExecutor(min(workers, len(shards)), mp_context=_pool_context()) as pool:
            # The pool starts its processes as the shards are submitted, in this thread.
            with _workers_leave_out_main():
                parts = pool.map(summarize_mbox_range, [path] * len(shards), starts, ends)
            summaries = []
            for (start, end), part in zip(shards, parts, strict=True):
                summaries.extend(part)
                progress.advance((end if end is not None else size) - start)
            return summaries
    except (OSError, BrokenProcessPool) as exc:
        log.warning("%s: parallel read failed (%s); reading it in one process", path, exc)
        return summarize_mbox_range(path, 0, None)


def mail_workers() -> int:
    """How many processes read a large mbox: ``TIES_MAIL_WORKERS``, else the usable CPUs.

    Raises:
        ValueError: the variable is set but not a whole number.
    """
    raw = os.environ.get(WORKERS_ENV, "").strip()
    if not raw:
        if hasattr(os, "sched_getaffinity"):
            return max(1, len(os.sched_getaffinity(0)))
        return os.cpu_count() or 1
    try:
        return max(1, int(raw))
    except ValueError:
        raise ValueError(f"{WORKERS_ENV} must be a number of processes, not {raw!r}") from None


def _pool_context() -> multiprocessing.context.BaseContext:
    if "forkserver" not in multiprocessing.get_all_start_methods():
        return multiprocessing.get_context("spawn")
    context = multiprocessing.get_context("forkserver")
    # Workers are forked from the server with what it imported: a pool then starts in
    # ~0.07 s instead of ~0.2 s. Takes effect when the server starts (once per process).
    context.set_forkserver_preload(["connectors.mail_mbox", "concurrent.futures.process"])
    return context


# A spawned or forkserver worker first imports the parent's __main__ module again. (The
# forkserver means to do it once, for all its children, but never does: it looks for a
# "main_path" key that multiprocessing.spawn.get_preparation_data does not write.) Under
# `ties` that main module is the CLI and imports pandas; under a Prefect worker it is
# Prefect's engine: seconds per worker, more than a worker saves on a 1 GB file. The
# shard workers need nothing from __main__, so the workers this module starts are told
# to leave it out; every other process is started as before.
_leave_out_main = threading.local()
_patch_lock = threading.Lock()


@contextmanager
def _workers_leave_out_main() -> Iterator[None]:
    """Processes started by this thread inside the block do not import __main__ again."""
    with _patch_lock:
        if not getattr(mp_spawn.get_preparation_data, "_ties_leaves_out_main", False):
            mp_spawn.get_preparation_data = _preparation_data(mp_spawn.get_preparation_data)
    _leave_out_main.active = True
    try:
        yield
    finally:
        _leave_out_main.active = False


def _preparation_data(original: Callable[[str], dict]) -> Callable[[str], dict]:
    def get_preparation_data(name: str) -> dict:
        data = original(name)
        if getattr(_leave_out_main, "active", False):
            data.pop("init_main_from_path", None)
            data.pop("init_main_from_name", None)
        return data

    get_preparation_data._ties_leaves_out_main = True
    return get_preparation_data


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


# -- pass 2: who is me, then records and interactions ------------------------------------


def infer_me(summaries: Iterable[MessageSummary], hints: Iterable[str] = ()) -> set[str]:
    """The user's addresses as the messages show them.

    Gmail Takeout marks the user's own messages with the ``Sent`` label; without it the
    user is the address taking part (as sender or recipient) in most direct messages,
    ties going to the more frequent sender. That holds for a Sent folder as well as an
    Inbox, where the most frequent sender is a correspondent. One message alone proves
    nothing, so an address seen in fewer than two messages is not taken.

    ``hints`` are the user's addresses as another input names them (a LinkedIn export):
    they are the user's, and the owner the messages show is added to them only when the
    Sent label names it or it takes part in more direct messages than the hinted
    addresses do, as the work address of a mailbox where the export lists only a
    private one (a correspondent never takes part in more messages than the user).
    """
    known = {h.lower() for h in hints if "@" in h}
    direct = [s for s in summaries if s.status == "direct"]
    sent = {s.sender.key for s in direct if s.gmail_sent and s.sender is not None}
    if sent:
        return known | sent
    taking_part: Counter[str] = Counter()
    sending: Counter[str] = Counter()
    hinted = 0
    for s in direct:
        keys = {s.sender.key, *(r.key for r in s.recipients)}
        taking_part.update(keys)
        sending[s.sender.key] += 1
        hinted += bool(known & keys)
    if not taking_part:
        return known
    best = min(taking_part, key=lambda k: (-taking_part[k], -sending[k], k))
    return known | {best} if taking_part[best] >= 2 and taking_part[best] > hinted else known


def build_extract(path: Path, summaries: list[MessageSummary], options: ReadOptions) -> Extract:
    """Decide the user's addresses, then turn the summaries into an Extract."""
    builder = ExtractBuilder(CONNECTOR, SOURCE, path)
    me = {a.lower() for a in options.me} if options.me else infer_me(summaries, options.me_hints)
    seen = set()
    for s in summaries:
        if s.status == "direct":
            seen.add(s.sender.key)
            seen.update(r.key for r in s.recipients)
    builder.me_hints.extend(sorted(me & seen))

    seen_interactions: set[str] = set()
    for s in summaries:
        builder.count_read()
        if s.status == "reject":
            builder.reject(s.locator, s.reason, s.excerpt)
            continue
        if s.status == "skip":
            builder.skipped(s.reason)
            continue
        if s.sender.key in me:
            direction = "outbound"
            counterparts = list({r.key: r for r in s.recipients if r.key not in me}.values())
            if not counterparts:
                builder.skipped("to_self" if s.recipients else "no_recipients")
                continue
        else:
            direction = "inbound"
            counterparts = [s.sender]
        new = False
        for c in counterparts:
            record_id = builder.record(c.key, locator=s.locator, name=c.name, emails=[c.key])
            interaction_id = builder.interaction(
                record_id,
                occurred_at=s.occurred_at,
                channel="email",
                direction=direction,
                identity=(s.identity_key, c.key),
                thread_key=s.thread_key,
            )
            if interaction_id not in seen_interactions:
                seen_interactions.add(interaction_id)
                new = True
        if new:
            builder.accepted()
        else:
            builder.skipped("duplicate")
    return builder.build()


# -- helpers -----------------------------------------------------------------------------


def _is_outlook(head: bytes) -> bool:
    return head.startswith(_OLE_MAGIC) or head.startswith(_PST_MAGIC)


def _header_block(data: bytes) -> bytes:
    """The header block of a single message: everything before the first blank line."""
    if data.startswith(BOM):
        data = data[len(BOM) :]
    ends = [i for i in (data.find(b"\n\n"), data.find(b"\n\r\n")) if i >= 0]
    if ends:
        return data[: min(ends) + 1]
    if data[:1] in (b"\n", b"\r"):
        return b""
    return data[:MAX_HEADER_BYTES]


def _read_header_bytes(path: Path, start: int = 0) -> bytes:
    """The start of a message file, enough to hold its header block (bodies stay unread)."""
    chunks = []
    size = 0
    with open(path, "rb") as f:
        f.seek(start)
        while size < MAX_HEADER_BYTES:
            chunk = f.read(HEAD_BYTES)
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
            if b"\n\n" in chunk or b"\n\r\n" in chunk:
                break
    return b"".join(chunks)


def _summarize_maildir_file(root: Path, file: Path) -> MessageSummary:
    # A file name that is not UTF-8 must still make a valid locator string.
    locator = file.relative_to(root).as_posix().encode("utf-8", "surrogateescape")
    locator = locator.decode("utf-8", "replace")
    try:
        data = _read_header_bytes(file)
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

    return summarize_safely(
        _header_block(data), locator, fallback_date=fallback, draft="D" in flags
    )
