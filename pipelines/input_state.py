"""Incremental state: which inputs the warehouse holds, their fingerprints and cached extracts.

Kept in <warehouse>/state/inputs.json and written only after a successful commit, so
a crashed run leaves the state of the last good snapshot.
"""

from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass
from pathlib import Path

from connectors.base import ReadOptions, stable_id

STATE_FILE = "inputs.json"


@dataclass(frozen=True)
class InputState:
    connector: str
    fingerprint: str
    extract_key: str


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

    The user's addresses decide directions and the region decides phone numbers, so a
    change of either must not reuse an extract made with the old ones.
    """
    options = options or ReadOptions()
    return stable_id(
        str(path), connector, fp, *sorted(options.me), options.default_region, length=24
    )


def load_state(state_dir: Path) -> dict[str, InputState]:
    path = state_dir / STATE_FILE
    if not path.exists():
        return {}
    data = json.loads(path.read_text())
    return {k: InputState(**v) for k, v in data.items()}


def save_state(state_dir: Path, inputs: dict[str, InputState]) -> None:
    state_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
    tmp = state_dir / (STATE_FILE + ".tmp")
    tmp.write_text(json.dumps({k: asdict(v) for k, v in sorted(inputs.items())}, indent=1))
    os.chmod(tmp, 0o600)
    os.replace(tmp, state_dir / STATE_FILE)
