"""Integrity of a warehouse: each snapshot against its manifest, `current`, the state files.

Every commit writes a manifest with the row count and sha256 of each table. A run
builds on `current` when its tables still match (row counts, cheap), else on the
newest intact snapshot, with a warning; `ties verify` checks the checksums too, and
``repair`` sets damaged snapshots aside and points `current` at the newest intact one.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from pathlib import Path

import pyarrow.parquet as pq

from warehouse.layout import Layout, manifest_file, table_file
from warehouse.snapshot import file_sha256, list_snapshots, point_current


class DamagedWarehouse(RuntimeError):
    """No intact snapshot to build on, though the warehouse has some: one line, the repair."""


def repair_command(warehouse: Path) -> str:
    return f"ties verify --repair --warehouse {warehouse}"


def check_snapshot(snapshot: Path, checksums: bool = True) -> list[str]:
    """What is wrong with a snapshot, one line per problem, each naming its file.

    Args:
        snapshot: the snapshot directory.
        checksums: compare each file's sha256 with the manifest (reads every byte);
            without, only the parquet footers and row counts are checked.
    """
    manifest_path = manifest_file(snapshot)
    try:
        manifest = json.loads(manifest_path.read_text())
        rows: dict = manifest["rows"]
    except FileNotFoundError:
        return [f"{manifest_path}: missing"]
    except (OSError, ValueError, KeyError, TypeError) as exc:
        return [f"{manifest_path}: unreadable ({type(exc).__name__})"]
    sums: dict = manifest.get("sha256") or {}
    problems = []
    for name, expected in sorted(rows.items()):
        path = table_file(snapshot, name)
        if not path.is_file():
            problems.append(f"{path}: missing")
            continue
        if checksums and name in sums:
            try:
                if file_sha256(path) != sums[name]:
                    problems.append(f"{path}: damaged (checksum differs from the manifest)")
                    continue
            except OSError as exc:
                problems.append(f"{path}: cannot be read ({exc.strerror or exc})")
                continue
        try:
            found = pq.read_metadata(path).num_rows
        except Exception as exc:  # pyarrow raises several types for a damaged footer
            problems.append(f"{path}: damaged (not a readable parquet file: {type(exc).__name__})")
            continue
        if found != expected:
            problems.append(f"{path}: damaged ({found} rows, the manifest says {expected})")
    return problems


@dataclass
class BaseSnapshot:
    """The snapshot a run builds on, and why it is not `current` when it is not."""

    path: Path | None
    warnings: list[str] = field(default_factory=list)


def base_snapshot(warehouse: Path) -> BaseSnapshot:
    """`current` when intact; else the newest intact snapshot, with a warning.

    Raises:
        DamagedWarehouse: the warehouse has snapshots but none is intact.
    """
    link = Layout(warehouse).current
    target = link.resolve() if (link.is_symlink() or link.exists()) else None
    warnings: list[str] = []
    if target is not None:
        if not target.is_dir():
            warnings.append(f"{link}: points at {target}, which is gone")
        elif not (problems := check_snapshot(target, checksums=False)):
            return BaseSnapshot(target)
        else:
            warnings.append(problems[0])
    for run_id in reversed(list_snapshots(warehouse)):
        candidate = Layout(warehouse).snapshot(run_id)
        if candidate == target:
            continue
        if not check_snapshot(candidate, checksums=False):
            if warnings:
                warnings.append(
                    f"building on the newest intact snapshot {run_id} instead; "
                    f"`{repair_command(warehouse)}` sets the damaged one aside"
                )
            return BaseSnapshot(candidate, warnings)
    if warnings:
        raise DamagedWarehouse(
            f"{warnings[0]}, and no intact snapshot is left to fall back on; "
            f"run `{repair_command(warehouse)}`, then import again (contact ids start afresh)"
        )
    return BaseSnapshot(None)


@dataclass
class Verification:
    """What `ties verify` found: per snapshot its problems, and problems of the state."""

    current: str | None
    snapshots: dict[str, list[str]]
    state: list[str]

    @property
    def ok(self) -> bool:
        return not self.state and not any(self.snapshots.values()) and self.current_ok

    @property
    def current_ok(self) -> bool:
        return self.current is None or not self.snapshots.get(self.current, ["gone"])


def verify_warehouse(warehouse: Path) -> Verification:
    """Check every snapshot (checksums included), `current` and state/inputs.json."""
    snapshots = {
        run_id: check_snapshot(Layout(warehouse).snapshot(run_id))
        for run_id in list_snapshots(warehouse)
    }
    link = Layout(warehouse).current
    current = None
    state: list[str] = []
    if link.is_symlink() or link.exists():
        target = link.resolve()
        current = target.name
        if current not in snapshots:
            if target.is_dir():
                snapshots[current] = check_snapshot(target)
            else:
                state.append(f"{link}: points at {target}, which is gone")
    inputs = Layout(warehouse).inputs_state
    if inputs.exists():
        try:
            _check_inputs_state(json.loads(inputs.read_text()))
        except (OSError, ValueError) as exc:
            state.append(f"{inputs}: damaged ({exc})")
    return Verification(current, snapshots, state)


def _check_inputs_state(data) -> None:
    """The shape pipelines.input_state.save_state writes: path -> the input's state."""
    if not isinstance(data, dict):
        raise ValueError("not a JSON object")
    for path, entry in data.items():
        if not isinstance(entry, dict) or not all(
            isinstance(entry.get(k), str) for k in ("connector", "fingerprint", "extract_key")
        ):
            raise ValueError(f"the entry of {path!r} is not an input's state")


def repair_warehouse(warehouse: Path) -> list[str]:
    """Set damaged snapshots aside, point `current` at the newest intact one, rebuild
    state/inputs.json from the cached extracts when it is damaged. Returns what was done.

    The caller holds the warehouse lock.
    """
    done: list[str] = []
    found = verify_warehouse(warehouse)
    for run_id, problems in sorted(found.snapshots.items()):
        path = Layout(warehouse).snapshot(run_id)
        if problems and path.is_dir():
            aside = path.with_name(f".damaged-{run_id}")
            os.rename(path, aside)
            done.append(f"set aside damaged snapshot {run_id} as {aside} ({problems[0]})")
    intact = list_snapshots(warehouse)
    link = Layout(warehouse).current
    current = link.resolve().name if (link.is_symlink() or link.exists()) else None
    if intact and current != intact[-1] and current not in intact:
        point_current(warehouse, intact[-1])
        done.append(f"{link} now points at snapshot {intact[-1]}")
    elif not intact and (link.is_symlink() or link.exists()):
        link.unlink()
        done.append(f"{link} removed: no intact snapshot is left; the next import starts afresh")
    if any("inputs.json" in p for p in found.state):
        done.append(_rebuild_inputs_state(warehouse))
    return done


def _rebuild_inputs_state(warehouse: Path) -> str:
    """inputs.json again from the extracts' own metadata: each input is then read again if
    it still exists (its fingerprint is unknown), or kept from its extract if it is gone."""
    layout = Layout(warehouse)
    damaged = layout.inputs_state
    aside = damaged.with_name(damaged.name + ".damaged")
    os.replace(damaged, aside)
    rows: dict[str, dict] = {}
    newest: dict[str, float] = {}
    extracts = layout.extracts
    for meta_path in sorted(extracts.glob("*/extract.json")) if extracts.is_dir() else []:
        try:
            meta = json.loads(meta_path.read_text())
            source, connector = meta["source_file"], meta["connector"]
        except (OSError, ValueError, KeyError, TypeError):
            continue
        mtime = meta_path.stat().st_mtime
        if source in rows and newest[source] >= mtime:
            continue
        newest[source] = mtime
        rows[source] = {
            "connector": connector,
            "fingerprint": "unknown (rebuilt by ties verify --repair)",
            "extract_key": meta_path.parent.name,
            # A LinkedIn export's hints are the user's own profile, as the state keeps them.
            **(
                {"me_hints": meta["me_hints"]}
                if connector == "linkedin" and meta.get("me_hints")
                else {}
            ),
        }
    tmp = damaged.with_name(damaged.name + ".tmp")
    tmp.write_text(json.dumps(dict(sorted(rows.items())), indent=1))
    os.chmod(tmp, 0o600)
    os.replace(tmp, damaged)
    return (
        f"{damaged} rebuilt from {len(rows)} cached extract(s); the damaged file is kept as {aside}"
    )
