"""Shared fixtures: the demo warehouse built with the plain pipeline steps (no Prefect)."""

from datetime import UTC, datetime

import pytest

from connectors.base import ReadOptions
from pipelines import steps
from pipelines.cli import DEMO_INPUTS, DEMO_ME

AS_OF = datetime(2026, 11, 1, tzinfo=UTC)


def build_plain(
    inputs,
    warehouse,
    me=tuple(DEMO_ME),
    incremental=False,
    overrides_file=None,
    relationship_settings=None,
):
    """Plan, extract and commit like the flow does, as plain calls; returns the summary."""
    options = ReadOptions(me=frozenset(me))
    plan = steps.plan_inputs([str(p) for p in inputs], warehouse, incremental, options)
    results = [steps.extract_input(p, warehouse, options) for p in plan.inputs + plan.carried]
    started = datetime.now(UTC)
    return steps.build_snapshot(
        warehouse=warehouse,
        run_id=steps.new_run_id(started),
        flow="plain",
        started_at=started,
        results=results,
        unknown=plan.unknown,
        me=tuple(me),
        default_region="US",
        keep_snapshots=5,
        as_of=AS_OF,
        overrides_file=overrides_file,
        incremental=incremental,
        relationship_settings=relationship_settings,
    )


@pytest.fixture(scope="session")
def plain_demo_warehouse(tmp_path_factory):
    wh = tmp_path_factory.mktemp("plain-demo") / "wh"
    build_plain(DEMO_INPUTS, wh)
    return wh
