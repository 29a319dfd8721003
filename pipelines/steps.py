"""The first two steps of an import as plain functions: plan the inputs, extract one input.

pipelines.importing.run_import calls them (and the flows' extract tasks call
``extract_input``); assembling and committing the tables is pipelines.importing's job.
"""

from __future__ import annotations

import logging
import time
import traceback
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path

from connectors.base import AccountingError, ReadOptions, UnreadableInput
from connectors.identity import Me
from connectors.registry import Input, discover, reader, user_identifiers
from pipelines.input_state import extract_key, fingerprint, load_state
from warehouse.extract_store import is_complete, save_extract
from warehouse.faults import is_storage_error, write_failure
from warehouse.layout import Layout

log = logging.getLogger("ties")


@dataclass
class PlannedInput:
    """An input of this run: where it is, who reads it, and whether its cache is fresh.

    ``me_hints`` are the run's hints of who the user is (no --me given): part of the
    extract key and handed to the connector. ``user_ids`` are those this input names
    itself (a LinkedIn export), remembered for the runs after it is gone.
    """

    path: str
    connector: str
    fingerprint: str
    extract_key: str
    cached: bool
    me_hints: tuple[str, ...] = ()
    user_ids: tuple[str, ...] = ()
    # (extract_key, fingerprint) of the input's last good import, when it has one: what
    # the run keeps if the input cannot be read now (an interrupted re-download).
    last_good: tuple[str, str] | None = None
    # Why the input cannot be kept at all (gone, and its cached extract damaged).
    lost: str | None = None


@dataclass
class InputResult:
    """What extracting one input gave: counts and where the extract was cached."""

    path: str
    connector: str
    fingerprint: str
    extract_key: str
    from_cache: bool
    error: str | None = None
    seconds: float = 0.0
    user_ids: tuple[str, ...] = ()
    # Set when the input could not be read and its last good import was kept instead.
    warning: str | None = None
    # A mailbox read again once the run settled who the user is: its first read's
    # extract, kept in the cache for the next run (pipelines.user_settlement).
    guess_key: str | None = None


@dataclass
class Plan:
    inputs: list[PlannedInput]
    unknown: list[tuple[str, str]]
    # Inputs of earlier runs that were not named again: kept from their cached extract.
    carried: list[PlannedInput] = field(default_factory=list)
    # Who the user is by the LinkedIn exports of the run, when no --me is given.
    me_hints: tuple[str, ...] = ()


def new_run_id(now: datetime | None = None) -> str:
    now = now or datetime.now(UTC)
    return now.strftime("%Y%m%dT%H%M%S%fZ")


def plan_inputs(
    paths: list[str], warehouse: Path, incremental: bool, options: ReadOptions | None = None
) -> Plan:
    """Discover the inputs and decide which can be taken from the cache.

    Incremental runs also re-check every input imported before: one that still exists
    is read again if it changed (and keeps its last extract if it cannot be read now,
    even when discovery no longer recognises it); one that is gone keeps its last
    extract until a backfill. Backfills read exactly the given inputs, ignoring caches.
    A gone input whose cached extract is damaged is planned as lost, never dropped
    silently.

    Without ``options.me``, the user's identifiers named by the run's LinkedIn exports
    (Profile and Email Addresses, read again each run; those of a carried export as
    remembered) are hints for every connector, sorted so that the same inputs give the
    same extract keys. They change the keys, so a new hint re-reads what it may change.
    """
    options = options or ReadOptions()
    # The personal log (`ties log`) lives in the warehouse and is read on every run.
    journal = Layout(warehouse).journal
    if journal.is_file() and str(journal.resolve()) not in {str(Path(p).resolve()) for p in paths}:
        paths = [*paths, str(journal)]
    found = discover(paths)
    # A warehouse inside an input folder must not import its own state and snapshots
    # (its journal, the user's own file, is an input like any other).
    own = (Layout(warehouse.resolve()).state, Layout(warehouse.resolve()).snapshots)

    def _own(path) -> bool:
        return any(_inside(path, folder) for folder in own)

    found.inputs = [i for i in found.inputs if not _own(i.path)]
    found.unknown = [(p, why) for p, why in found.unknown if not _own(p)]
    layout = Layout(warehouse)
    previous = load_state(layout.inputs_state) if incremental else {}
    items: list[Input] = list(found.inputs)
    named = {str(i.path) for i in items}
    # A file imported before that discovery no longer recognises (a truncated zip) is
    # still that input: its connector tries, and if it fails the last import is kept.
    unknown_now = [(p, why) for p, why in found.unknown if str(p) not in previous]
    items += [Input(p, previous[str(p)].connector) for p, _ in found.unknown if str(p) in previous]
    named.update(str(p) for p, _ in found.unknown)
    carried: list[PlannedInput] = []
    for path, st in sorted(previous.items()):
        if path in named:
            continue
        if Path(path).exists():
            items.append(Input(Path(path), st.connector))
        elif is_complete(layout.extract(st.extract_key)):
            carried.append(
                PlannedInput(
                    path, st.connector, st.fingerprint, st.extract_key, True, user_ids=st.me_hints
                )
            )
        else:
            lost = (
                f"{path}: gone, and its last good extract ({layout.extract(st.extract_key)}) is "
                "damaged: its people are no longer in the warehouse; restore the file and "
                "import again"
            )
            carried.append(
                PlannedInput(path, st.connector, st.fingerprint, st.extract_key, False, lost=lost)
            )
    items = _outermost(items)
    user_ids = {str(i.path): tuple(user_identifiers(i.connector, i.path)) for i in items}
    gathered = {h for ids in user_ids.values() for h in ids}
    gathered.update(h for c in carried for h in c.user_ids)
    hints = tuple(sorted(gathered | options.me_hints))
    options = _with_hints(options, hints)
    for c in carried:
        c.me_hints = hints
    planned: list[PlannedInput] = []
    for item in items:
        fp = fingerprint(item.path)
        key = extract_key(item.path, item.connector, fp, options)
        cached = incremental and is_complete(layout.extract(key))
        ids = user_ids.get(str(item.path), ())
        before = previous.get(str(item.path))
        last_good = (
            (before.extract_key, before.fingerprint)
            if before is not None and is_complete(layout.extract(before.extract_key))
            else None
        )
        planned.append(
            PlannedInput(str(item.path), item.connector, fp, key, cached, hints, ids, last_good)
        )
    unknown = [(str(p), why) for p, why in unknown_now]
    return Plan(inputs=planned, unknown=unknown, carried=carried, me_hints=hints)


def _with_hints(options: ReadOptions, hints) -> ReadOptions:
    """The options a connector reads with, given the run's hints of who the user is.

    --me (or the config) adds to what the run's LinkedIn exports name, never replaces
    it: the given identifiers and the hints together are the user. Without --me the
    hints stay hints (a mailbox may still add its own sender).
    """
    if options.me:
        return replace(options, me=frozenset(options.me | Me.of(hints).identifiers))
    return replace(options, me_hints=frozenset(hints))


def _outermost(items: list[Input]) -> list[Input]:
    """The inputs without those inside another input's folder (a LinkedIn export folder).

    Importing Connections.csv and later the export folder holding it (or the other way
    round) must count its rows once: the folder's read covers the file.
    """
    folders = [i.path for i in items if i.path.is_dir()]
    return [i for i in items if not any(i.path != f and i.path.is_relative_to(f) for f in folders)]


def _inside(path: Path, folder: Path) -> bool:
    path = Path(path).resolve()
    return path == folder or path.is_relative_to(folder)


def extract_input(item: PlannedInput, warehouse: Path, options: ReadOptions) -> InputResult:
    """Read one input with its connector and cache the extract; never raises for bad data.

    A file no connector can read, or a connector bug, becomes an error result that
    names the file; the rest of the run goes on. An input imported before keeps its last
    good extract instead, with a warning. Without ``options.me`` the connector gets the
    hints the input was planned with, as its extract key does.

    Raises:
        WarehouseWriteError: the extract cache cannot be written (a full disk): the
            warehouse's fault, which ends the run, never the input's.
    """
    started = time.perf_counter()
    result = InputResult(
        item.path,
        item.connector,
        item.fingerprint,
        item.extract_key,
        from_cache=item.cached,
        user_ids=tuple(item.user_ids),
    )
    if item.lost is not None:
        result.error = item.lost
        return result
    if item.cached:
        return result
    options = _with_hints(options, item.me_hints)
    extract = None
    try:
        extract = reader(item.connector)(Path(item.path), options)
    except UnreadableInput as exc:
        result.error = str(exc)
    except AccountingError as exc:
        result.error = f"internal error, items not accounted for: {exc}"
    except OSError as exc:
        if is_storage_error(exc):  # a connector's scratch space: the machine's fault
            raise write_failure(warehouse, exc, f"reading {item.path}") from None
        result.error = f"{item.path}: cannot be read: {exc.strerror or exc}"
    except Exception as exc:  # a connector bug must not take the run down with it
        log.debug("connector failure on %s\n%s", item.path, traceback.format_exc())
        result.error = (
            f"{item.path}: internal error in the {item.connector} connector: "
            f"{type(exc).__name__}: {exc}"
        )
    if extract is not None:
        try:
            save_extract(extract, Layout(warehouse).extract(item.extract_key))
        except OSError as exc:
            raise write_failure(warehouse, exc, f"caching the extract of {item.path}") from None
    elif item.last_good is not None:
        key, fp = item.last_good
        result.warning = f"{result.error}; kept its last good import until it can be read again"
        result.error = None
        result.extract_key, result.fingerprint, result.from_cache = key, fp, True
    result.seconds = round(time.perf_counter() - started, 3)
    return result
