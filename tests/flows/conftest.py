"""Harness for the end-to-end tests: one real (temporary) Prefect server for the session."""

import json
import os
from pathlib import Path

import pytest

from pipelines.cli import DEMO_INPUTS, DEMO_ME

REPO = Path(__file__).resolve().parents[2]
EXAMPLES = REPO / "examples"
INPUTS = [str(p) for p in DEMO_INPUTS]
AS_OF = "2026-11-01T00:00:00+00:00"
ME = DEMO_ME


@pytest.fixture(scope="session")
def prefect_harness(tmp_path_factory):
    os.environ["PREFECT_HOME"] = str(tmp_path_factory.mktemp("prefect-home"))
    os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    os.environ["TIES_AS_OF"] = AS_OF  # recency is measured from a fixed "now"
    from prefect.testing.utilities import prefect_test_harness

    with prefect_test_harness(server_startup_timeout=180):
        yield


@pytest.fixture(scope="session")
def truth():
    return json.loads((EXAMPLES / "truth.json").read_text())
