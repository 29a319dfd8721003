"""Prefect flows: `import_contacts` (incremental) and `backfill` (rebuild from the given inputs).

The flows only orchestrate: they wrap pipelines.importing.run_import (the path the
CLI, tests and benchmarks take too), making each extract a task mapped in parallel,
passing paths and small dicts (extracts are cached as parquet under state/), and the
assemble-and-commit step one task; then the run summary becomes Prefect artifacts.
"""

from __future__ import annotations

import os
from dataclasses import asdict
from pathlib import Path

from prefect import flow, get_run_logger, task, unmapped
from prefect.artifacts import create_markdown_artifact, create_table_artifact
from prefect.cache_policies import NO_CACHE
from prefect.futures import as_completed
from prefect.task_runners import ThreadPoolTaskRunner

from connectors.base import ReadOptions
from pipelines import steps
from pipelines.importing import CommitJob, commit_run, run_import
from pipelines.progress import current as current_progress
from pipelines.progress import input_size
from pipelines.settings import Settings, load_settings, resolved_settings
from pipelines.summary import planned_you, summary_markdown


@task(name="extract-input", task_run_name="extract {item.connector}: {item.path}")
def extract_input_task(item: steps.PlannedInput, warehouse: str, options: ReadOptions) -> dict:
    result = steps.extract_input(item, Path(warehouse), options)
    logger = get_run_logger()
    if result.error:
        logger.warning("%s", result.error)
    else:
        logger.info("read %s (%s) in %.2fs", item.path, item.connector, result.seconds)
    return asdict(result)


# Committing writes the warehouse: never answered from a cache.
@task(name="commit-snapshot", cache_policy=NO_CACHE)
def commit_task(job: CommitJob) -> dict:
    return commit_run(job)


def _extract_on_tasks(
    plan: steps.Plan, warehouse: Path, options: ReadOptions
) -> list[steps.InputResult]:
    """One extract task per input, mapped on the flow's task runner, with progress."""
    logger = get_run_logger()
    todo = [p for p in plan.inputs if not p.cached]
    logger.info(
        "%d inputs (%d to read, %d unchanged), %d unknown files",
        len(plan.inputs) + len(plan.carried),
        len(todo),
        len(plan.inputs) - len(todo) + len(plan.carried),
        len(plan.unknown),
    )
    logger.info("%s", planned_you(tuple(options.me), plan.me_hints))
    progress = current_progress()
    sizes = {p.path: input_size(Path(p.path)) for p in todo}
    progress.start_reading(len(todo), sum(sizes.values()))
    futures = extract_input_task.map(
        plan.inputs + plan.carried, warehouse=unmapped(str(warehouse)), options=unmapped(options)
    )
    for future in as_completed(futures):
        done = future.result()
        if not done["from_cache"]:
            progress.input_done(sizes.get(done["path"], 0))
    progress.set_phase("resolving people and committing the snapshot")
    # In plan order, for a deterministic run.
    return [steps.InputResult(**f.result()) for f in futures]


def _run(
    flow_name: str,
    inputs: list[str] | None,
    warehouse: str | None,
    me: list[str] | None,
    mode: str,
) -> dict:
    # A `ties` command passes the settings it resolved; a worker's flow run loads its own.
    settings = resolved_settings() or load_settings(
        warehouse=warehouse, me=tuple(me or ()), inputs=tuple(inputs or ())
    )
    summary = run_import(
        settings, mode, flow=flow_name, extract_all=_extract_on_tasks, commit=commit_task
    )
    create_markdown_artifact(
        summary_markdown(summary),
        key="ties-run-summary",
        description=f"ties {flow_name} run {summary['run_id']}",
    )
    create_table_artifact(
        [
            {
                k: r[k]
                for k in (
                    "source_file",
                    "connector",
                    "items_read",
                    "items_accepted",
                    "items_skipped",
                    "items_rejected",
                    "from_cache",
                )
            }
            for r in summary["inputs"]
        ],
        key="ties-inputs",
        description="items per input",
    )
    return summary


def task_runner_for(settings: Settings):
    """The task runner the settings ask for; Dask is imported only when asked for."""
    if settings.task_runner == "dask":
        try:
            from prefect_dask import DaskTaskRunner
        except ImportError:  # pragma: no cover - the dask extra is part of `make setup`
            raise RuntimeError(
                "task_runner = 'dask' needs the dask extra: uv sync --extra dask"
            ) from None
        if settings.dask_address:
            return DaskTaskRunner(address=settings.dask_address)
        return DaskTaskRunner(
            cluster_kwargs={"n_workers": os.cpu_count() or 2, "threads_per_worker": 1}
        )
    return ThreadPoolTaskRunner(max_workers=max(2, os.cpu_count() or 2))


def _task_runner():
    """Chosen when this module is imported, so deployments honour the config file and
    TIES_TASK_RUNNER / TIES_DASK_ADDRESS too; the CLI may override per run."""
    try:
        return task_runner_for(resolved_settings() or load_settings())
    except Exception:  # a broken config is reported when the flow runs, not at import
        return ThreadPoolTaskRunner(max_workers=max(2, os.cpu_count() or 2))


@flow(name="import_contacts", task_runner=_task_runner(), log_prints=True)
def import_contacts(
    inputs: list[str] | None = None, warehouse: str | None = None, me: list[str] | None = None
) -> dict:
    """Incremental import: new and changed inputs are read, unchanged ones come from cache."""
    return _run("import_contacts", inputs, warehouse, me, "import")


@flow(name="backfill", task_runner=_task_runner(), log_prints=True)
def backfill(
    inputs: list[str] | None = None, warehouse: str | None = None, me: list[str] | None = None
) -> dict:
    """Rebuild the warehouse from exactly these inputs, ignoring caches; ids are kept."""
    return _run("backfill", inputs, warehouse, me, "backfill")
