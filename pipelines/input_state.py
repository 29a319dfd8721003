"""Incremental state: which inputs the warehouse holds, their fingerprints and cached extracts.

Kept in <warehouse>/state/inputs.json (warehouse.layout) and written only after a
successful commit, so a crashed run leaves the state of the last good snapshot.
"""

from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass
from pathlib import Path

from connectors.base import ReadOptions
from warehouse.ids import stable_id
from warehouse.private import private_dir


@dataclass(frozen=True)
class InputState:
    connector: str
    fingerprint: str
    extract_key: str
    # The user's identifiers the input names (a LinkedIn export's Profile and Email
    # Addresses), still hints for the other inputs once the file is gone.
    me_hints: tuple[str, ...] = ()


def fingerprint(path: Path) -> str:
    """Cheap change detector: size and mtime of the file, or of every file in a folder.

    Reading content would cost as much as extracting a 30 GB mbox; size+mtime is what
    rsync and make trust too.
    """
    if path.is_dir():
        entries = sorted(
            (str(p.relative_to(path)), st.st_size, st.st_mtime_ns)
            for p in path.rglob("*")
            if p.is_file() and (st := p.stat())
        )
        return stable_id("dir", *entries, length=24)
    st = path.stat()
    return stable_id("file", st.st_size, st.st_mtime_ns, length=24)


def extract_key(path: Path, connector: str, fp: str, options: ReadOptions | None = None) -> str:
    """Names a cached extract: the same file read with the same options.

    The user's addresses (given, or hinted by a LinkedIn export) decide directions and
    the region decides phone numbers, so a change of any must not reuse an extract made
    with the old ones. Without hints the key is what it was before hints existed.
    """
    options = options or ReadOptions()
    hints = [f"hint:{h}" for h in sorted(options.me_hints)]
    return stable_id(
        str(path), connector, fp, *sorted(options.me), *hints, options.default_region, length=24
    )


def load_state(path: Path) -> dict[str, InputState]:
    """The inputs of the last good snapshot, from the state file at ``path`` (none if missing).

    Raises:
        DamagedState: the file is not what save_state writes; the message names it and
            the command that rebuilds it.
    """
    if not path.exists():
        return {}
    try:
        data = json.loads(path.read_text())
        return {
            k: InputState(**{**v, "me_hints": tuple(v.get("me_hints", ()))})
            for k, v in data.items()
        }
    except (ValueError, TypeError, AttributeError) as exc:
        warehouse = path.parent.parent  # <warehouse>/state/inputs.json
        raise DamagedState(
            f"{path}: damaged ({type(exc).__name__}: {str(exc)[:80]}); run "
            f"`ties verify --repair --warehouse {warehouse}` to rebuild it from the cached extracts"
        ) from None


class DamagedState(RuntimeError):
    """state/inputs.json cannot be read back."""


def save_state(path: Path, inputs: dict[str, InputState]) -> None:
    """Replace the state file at ``path`` atomically, owner-only."""
    private_dir(path.parent)
    tmp = path.with_name(path.name + ".tmp")
    # me_hints only where there are any: the file of a run without them is as before.
    rows = {
        k: {f: x for f, x in asdict(v).items() if f != "me_hints" or x}
        for k, v in sorted(inputs.items())
    }
    tmp.write_text(json.dumps(rows, indent=1))
    os.chmod(tmp, 0o600)
    os.replace(tmp, path)
