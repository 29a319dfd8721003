"""Who the user is, settled once per run over every mailbox, after the extract cache.

Each mailbox is first read (or taken from the cache) with its own guess of the user,
and keeps the evidence of who takes part in its mail. The run then decides the user
once over all that evidence and the LinkedIn export's addresses
(connectors.mail.user.settle_me), and reads again, with the settled addresses, every
mailbox whose guess differs where it matters: an address of the mailbox that one
calls the user and the other does not. That extract is cached under a key made with
the settled addresses, so an incremental run with nothing new reads nothing, and gives
what a backfill gives. With --me (or the config) the user is given and nothing is
settled.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from connectors.base import ReadOptions
from connectors.mail.user import settle_me
from pipelines.input_state import extract_key
from pipelines.steps import InputResult, Plan, PlannedInput
from warehouse.extract_store import is_complete, load_extract, record_keys
from warehouse.layout import Layout


def settle_user(
    plan: Plan,
    results: list[InputResult],
    warehouse: Path,
    options: ReadOptions,
    incremental: bool,
    extract_all,
) -> list[InputResult]:
    """The run's results, each mailbox's extract read with the user settled for the run.

    Args:
        plan: the run's plan (its ``me_hints`` are the LinkedIn export's addresses).
        results: what extracting the plan gave, in plan order.
        warehouse: the warehouse (its extract cache).
        options: the run's read options; with ``me`` given nothing is settled.
        incremental: whether cached extracts may be used for the second read.
        extract_all: how inputs are read (the flows map them on tasks).

    Returns:
        ``results``, with the mailboxes read again replaced by their second read; the
        first read's key is kept in ``guess_key`` so its cache is not dropped.
    """
    if options.me:
        return results
    layout = Layout(warehouse)
    mail = {
        i: load_extract(layout.extract(r.extract_key), tables=False)
        for i, r in enumerate(results)
        if r.connector == "mail" and r.error is None
    }
    if not mail:
        return results
    settled = settle_me((e.user_evidence for e in mail.values()), plan.me_hints)
    planned = {p.path: p for p in plan.inputs}
    settled_options = replace(options, me=frozenset(settled), me_hints=frozenset())
    again: dict[int, PlannedInput] = {}
    for i, extract in mail.items():
        result = results[i]
        item = planned.get(result.path)
        if item is None or not Path(result.path).exists():
            continue  # carried from an earlier run: nothing to read again
        if not _differs(extract.user_evidence, settled, layout.extract(result.extract_key)):
            continue
        key = extract_key(Path(item.path), item.connector, result.fingerprint, settled_options)
        cached = incremental and is_complete(layout.extract(key))
        again[i] = replace(item, extract_key=key, cached=cached, me_hints=(), last_good=None)
    if not again:
        return results
    second = extract_all(Plan(list(again.values()), []), warehouse, settled_options)
    out = list(results)
    for (i, _), redone in zip(again.items(), second, strict=True):
        if redone.error is None:  # unreadable now: the first read stands
            out[i] = replace(redone, guess_key=results[i].extract_key, user_ids=results[i].user_ids)
    return out


def _differs(evidence: dict, settled: set[str], extract_dir: Path) -> bool:
    """Whether the mailbox was read with other user addresses than those settled, as far
    as its own addresses go (the tracked ones and its counterparts)."""
    used = set(evidence.get("me", ()))
    if used - settled:
        return True
    extra = settled - used
    if not extra:
        return False
    tracked = {k for keys, _ in evidence.get("groups", ()) for k in keys}
    return bool(extra & tracked) or bool(extra & record_keys(extract_dir))
