"""A large mbox read as byte-range shards by worker processes."""

from __future__ import annotations

import logging
import multiprocessing
import multiprocessing.spawn as mp_spawn
import os
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from contextlib import contextmanager
from pathlib import Path

from connectors import progress
from connectors.mail.headers import MessageSummary
from connectors.mail.mbox import (
    shard_ranges,
    summarize_mbox_range,
)

log = logging.getLogger(__name__)

# A large mbox is read as byte-range shards by worker processes. Below PARALLEL_MIN_BYTES
# it is read in-process: the first pool of a process costs ~0.2 s to start (the forkserver
# and its imports), later ones ~0.07 s; measured on 2 cores, two workers only beat one
# from about 128 MiB (docs/benchmarks.md). Shards of SHARD_BYTES keep both cores busy to
# the end and let the parent unpickle finished shards while others run; a shard reads at
# most one header (MAX_HEADER_BYTES) past its end.
WORKERS_ENV = "TIES_MAIL_WORKERS"
PARALLEL_MIN_BYTES = 128 << 20
SHARD_BYTES = 32 << 20


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
    context.set_forkserver_preload(["connectors.mail.mbox", "concurrent.futures.process"])
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
