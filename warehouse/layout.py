"""Every path under a warehouse, named in one place.

```
<warehouse>/
  snapshots/<run_id>/<table>.parquet    one committed snapshot (+ _manifest.json)
  snapshots/.<run_id>.partial/          a snapshot being written (never read)
  current -> snapshots/<run_id>         replaced atomically at commit
  overrides.toml                        the user's must-link / cannot-link corrections
  journal.csv                           the personal log (`ties log`), read on every run
  state/                                owner-only: never read by analysts
    lock                                the writer lock (flock)
    inputs.json                         which inputs the warehouse holds, fingerprints
    extracts/<extract_key>/             cached per-input extracts
    prefect/                            Prefect's home for CLI runs without a server
    runner.sock, runner.json            the warm runner of `ties server` (its socket, pid)
    logs/                               owner-only logs (the private Prefect server's)
```

Modules that need a path ask ``Layout(warehouse)`` for it instead of joining names
themselves, so moving a file (or the whole warehouse to an object store) is a change
here.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

SNAPSHOTS = "snapshots"
CURRENT = "current"
MANIFEST = "_manifest.json"
STATE = "state"


def table_file(snapshot: Path, table: str) -> Path:
    """The parquet file of one table in a snapshot (or extract) directory."""
    return snapshot / f"{table}.parquet"


def manifest_file(snapshot: Path) -> Path:
    """The manifest of a snapshot: its run, schema version and row counts."""
    return snapshot / MANIFEST


@dataclass(frozen=True)
class Layout:
    """The paths of the warehouse at ``root``."""

    root: Path

    @property
    def snapshots(self) -> Path:
        return self.root / SNAPSHOTS

    def snapshot(self, run_id: str) -> Path:
        return self.snapshots / run_id

    def partial_snapshot(self, run_id: str) -> Path:
        """Where a snapshot is written before it is renamed into place."""
        return self.snapshots / f".{run_id}.partial"

    @property
    def current(self) -> Path:
        """The symlink to the current snapshot."""
        return self.root / CURRENT

    @property
    def overrides(self) -> Path:
        """The default overrides file (used when it exists and none is configured)."""
        return self.root / "overrides.toml"

    @property
    def journal(self) -> Path:
        """The personal log: `ties log` appends to it, every import reads it."""
        return self.root / "journal.csv"

    @property
    def state(self) -> Path:
        return self.root / STATE

    @property
    def lock(self) -> Path:
        return self.state / "lock"

    @property
    def extracts(self) -> Path:
        return self.state / "extracts"

    def extract(self, extract_key: str) -> Path:
        return self.extracts / extract_key

    @property
    def logs(self) -> Path:
        """Owner-only logs (the private Prefect server's output)."""
        return self.state / "logs"

    @property
    def inputs_state(self) -> Path:
        """Which inputs the warehouse holds; written only after a successful commit."""
        return self.state / "inputs.json"

    @property
    def prefect_home(self) -> Path:
        return self.state / "prefect"

    @property
    def runner_socket(self) -> Path:
        """The Unix socket of the warm runner (pipelines/warm_runner.py)."""
        return self.state / "runner.sock"

    @property
    def runner_record(self) -> Path:
        """The warm runner's pid and code version, for `ties server stop|status`."""
        return self.state / "runner.json"
