"""Settings for a run in one typed object.

Precedence: defaults, then the config file, then TIES_* variables, then flags.

Config file: $TIES_CONFIG, else ./ties.toml, else ~/.config/ties/config.toml:

    warehouse = "/data/ties-warehouse"
    me = ["alex@example.com", "https://www.linkedin.com/in/alex"]
    inputs = ["~/exports/linkedin.zip", "~/Mail/takeout.mbox"]
    default_region = "GB"                 # +CC-less numbers: after the LinkedIn profile
                                          # and the locale (pipelines/phone_region.py)
    keep_snapshots = 5
    overrides = "~/ties-overrides.toml"    # default: <warehouse>/overrides.toml if present
    task_runner = "dask"                  # or "threads" (default)
    dask_address = "tcp://scheduler:8786" # empty: a local Dask cluster

    [relationships]                       # thresholds of transforms/relationship.py
    reconnect_after_days = 120            # quiet this long (no known cadence): reconnect
    owed_after_days = 3                   # an unanswered message is owed after 3 days
    weights = { recency = 0.4, frequency = 0.2, reciprocity = 0.2, latency = 0.2 }
    event_weight = 0.25                   # a connection's recency, relative to a message's
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, fields, replace
from datetime import datetime
from pathlib import Path

from transforms.relationship_policy import RelationshipPolicy
from warehouse.layout import Layout

# DESIGN.md said ./warehouse; in the project checkout that is the `warehouse` Python
# package, so the default is ./ties-warehouse instead.
DEFAULT_WAREHOUSE = "ties-warehouse"


class ConfigError(ValueError):
    """The configuration cannot be used; the message says which setting and why."""


@dataclass(frozen=True)
class Settings:
    warehouse: Path = Path(DEFAULT_WAREHOUSE)
    me: tuple[str, ...] = ()
    inputs: tuple[str, ...] = ()
    # The last fallback for phone numbers without +CC (pipelines.phone_region); "" for
    # none: such numbers are then placed by the LinkedIn profile or the locale, or not.
    default_region: str = ""
    keep_snapshots: int = 5
    lock_wait_seconds: float = 0.0
    # "threads" runs extract tasks in a local thread pool; "dask" sends them to a Dask
    # cluster (`dask_address`, e.g. tcp://scheduler:8786; empty starts a local cluster).
    # Must-link / cannot-link corrections (format: transforms/resolve.py); default
    # <warehouse>/overrides.toml when that file exists.
    overrides: Path | None = None
    task_runner: str = "threads"
    dask_address: str = ""
    as_of: datetime | None = None  # "now" for recency; the run's start when unset
    # [relationships] table: RelationshipPolicy fields, checked when loaded
    relationships: tuple[tuple[str, object], ...] = ()
    config_file: Path | None = field(default=None, compare=False)
    # Where `warehouse` came from: "default", "config", "env" or "flag" (for help texts
    # and for the demo fallback of the reading commands).
    warehouse_from: str = field(default="default", compare=False)

    def relationship_policy(self) -> RelationshipPolicy:
        """The relationship thresholds: module defaults with the [relationships] table."""
        return RelationshipPolicy.from_mapping(dict(self.relationships))

    def with_flags(self, *, me: tuple[str, ...] = (), **flags) -> Settings:
        """These settings with a command line's flags applied (flags left unset keep them).

        ``--me`` adds to the configured addresses rather than replacing them: the user's
        addresses are a set that every source may add to.
        """
        values = {k: v for k, v in flags.items() if v not in (None, (), [])}
        try:
            coerced = {k: _coerce(k, v) for k, v in values.items()}
            if me:
                coerced["me"] = tuple(dict.fromkeys(self.me + _coerce("me", me)))
        except (TypeError, ValueError) as exc:
            raise ConfigError(f"invalid setting: {exc}") from None
        if "warehouse" in coerced:
            coerced["warehouse_from"] = "flag"
        return replace(self, **coerced)

    def overrides_file(self) -> Path | None:
        """The overrides file to apply, if any."""
        if self.overrides is not None:
            if not self.overrides.is_file():
                raise ConfigError(f"overrides = {self.overrides}: no such file")
            return self.overrides
        default = Layout(self.warehouse).overrides
        return default if default.is_file() else None


def _config_path() -> Path | None:
    if os.environ.get("TIES_CONFIG"):
        path = Path(os.environ["TIES_CONFIG"]).expanduser()
        if not path.is_file():
            raise ConfigError(f"TIES_CONFIG={path}: no such file")
        return path
    for candidate in (Path("ties.toml"), Path.home() / ".config" / "ties" / "config.toml"):
        if candidate.is_file():
            return candidate
    return None


def _coerce(name: str, value):
    if name in ("warehouse", "overrides"):
        return Path(str(value)).expanduser()
    if name in ("me", "inputs"):
        if isinstance(value, str):
            value = [v for v in value.split(",") if v.strip()]
        return tuple(str(v).strip() for v in value)
    if name == "task_runner":
        if str(value) not in ("threads", "dask"):
            raise ConfigError(f"task_runner={value!r}: use 'threads' or 'dask'")
        return str(value)
    if name == "keep_snapshots":
        return int(value)
    if name == "lock_wait_seconds":
        return float(value)
    if name == "relationships":
        if not isinstance(value, dict):
            raise ConfigError("relationships: give a table, e.g. [relationships]")
        try:
            RelationshipPolicy.from_mapping(value)
        except ValueError as exc:
            raise ConfigError(f"[relationships] {exc}") from None
        return tuple(sorted(value.items()))
    if name == "as_of":
        parsed = value if isinstance(value, datetime) else datetime.fromisoformat(str(value))
        if parsed.tzinfo is None:
            raise ConfigError(f"as_of={value!r}: give a timezone, e.g. 2026-01-01T00:00:00Z")
        return parsed
    return str(value)


def load_settings(**overrides) -> Settings:
    """Settings from defaults, the config file, TIES_* variables, then ``overrides``."""
    known = {f.name for f in fields(Settings)} - {"config_file", "warehouse_from"}
    values: dict = {}
    origin = "default"
    path = _config_path()
    if path is not None:
        try:
            data = tomllib.loads(path.read_text())
        except (OSError, tomllib.TOMLDecodeError) as exc:
            raise ConfigError(f"{path}: cannot read config: {exc}") from None
        unknown = set(data) - known
        if unknown:
            raise ConfigError(
                f"{path}: unknown setting(s) {sorted(unknown)}; known: {sorted(known)}"
            )
        values.update(data)
        if "warehouse" in data:
            origin = "config"
    for name in known - {"relationships"}:  # a table: config file only
        env = os.environ.get(f"TIES_{name.upper()}")
        if env:
            values[name] = env
            if name == "warehouse":
                origin = "env"
    given = {k: v for k, v in overrides.items() if v not in (None, (), [])}
    values.update(given)
    if "warehouse" in given:
        origin = "flag"
    try:
        coerced = {k: _coerce(k, v) for k, v in values.items()}
    except (TypeError, ValueError) as exc:
        raise ConfigError(f"invalid setting: {exc}") from None
    return Settings(config_file=path, warehouse_from=origin, **coerced)


# The settings a command resolved, for the flows it runs in this process (see
# use_settings): a flow run started by a worker has none and loads its own.
_resolved: Settings | None = None


@contextmanager
def use_settings(settings: Settings) -> Iterator[None]:
    """Make ``settings`` the ones flows of this process run with, instead of loading them."""
    global _resolved
    previous, _resolved = _resolved, settings
    try:
        yield
    finally:
        _resolved = previous


def resolved_settings() -> Settings | None:
    """The settings of the command running this flow, if a command started it."""
    return _resolved
