"""Shared fixtures: the demo warehouse built through run_import, the path users take."""

import os
from datetime import UTC, datetime
from pathlib import Path

import pytest
from hypothesis import settings

from pipelines.cli import DEMO_EXTRAS, DEMO_INPUTS, DEMO_ME
from pipelines.importing import run_import
from pipelines.settings import Settings

# No timing thresholds in tests: Hypothesis's per-example deadline (200 ms) fails
# property tests on a loaded two-core machine without saying anything about the code.
settings.register_profile("ties", deadline=None)
settings.load_profile("ties")

# Phone numbers without +CC fall back to the machine's locale (pipelines.phone_region):
# the tests run as on a machine without one, whatever the developer's is.
for _name in ("LC_ALL", "LC_TELEPHONE"):
    os.environ.pop(_name, None)
os.environ["LANG"] = "C.UTF-8"

AS_OF = datetime(2026, 11, 1, tzinfo=UTC)
TESTS = Path(__file__).resolve().parent
# Folders whose every test carries a marker (registered in pyproject.toml).
MARKED_FOLDERS = {"flows": "flows", "browser": "browser"}


def pytest_collection_modifyitems(items):
    """Mark the tests of tests/flows and tests/browser, so `make test-fast` can skip them."""
    for item in items:
        try:
            folder = Path(item.path).resolve().relative_to(TESTS).parts[0]
        except ValueError:
            continue
        if folder in MARKED_FOLDERS:
            item.add_marker(MARKED_FOLDERS[folder])


def build_plain(
    inputs,
    warehouse,
    me=tuple(DEMO_ME),
    incremental=False,
    overrides_file=None,
    relationship_settings=None,
):
    """Import like the flow does, without Prefect; returns the run summary."""
    settings = Settings(
        warehouse=warehouse,
        me=tuple(me),
        inputs=tuple(str(p) for p in inputs),
        as_of=AS_OF,
        overrides=overrides_file,
        relationships=tuple(sorted((relationship_settings or {}).items())),
    )
    return run_import(settings, "import" if incremental else "backfill", flow="plain")


@pytest.fixture(scope="session")
def plain_demo_warehouse(tmp_path_factory):
    wh = tmp_path_factory.mktemp("plain-demo") / "wh"
    build_plain(DEMO_INPUTS, wh)
    return wh


@pytest.fixture(scope="session")
def full_demo_warehouse(tmp_path_factory):
    """What `ties demo` imports: the examples plus the older export, calendar and log."""
    wh = tmp_path_factory.mktemp("full-demo") / "wh"
    build_plain(DEMO_INPUTS + DEMO_EXTRAS, wh)
    return wh
