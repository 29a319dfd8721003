"""The import flow with its extract tasks on a real Dask cluster (distributed.LocalCluster)."""

import pytest

from tests.flows.conftest import INPUTS, ME
from warehouse.read import connect

pytestmark = pytest.mark.usefixtures("prefect_harness")


def test_import_on_a_local_dask_cluster(tmp_path, truth):
    distributed = pytest.importorskip("distributed")
    from pipelines.flows import import_contacts, task_runner_for
    from pipelines.settings import Settings

    with distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
    ) as cluster:
        runner = task_runner_for(
            Settings(task_runner="dask", dask_address=cluster.scheduler_address)
        )
        assert type(runner).__name__ == "DaskTaskRunner"
        flow = import_contacts.with_options(task_runner=runner)
        summary = flow(inputs=INPUTS, warehouse=str(tmp_path / "wh"), me=ME)
        workers = cluster.scheduler_info["workers"]
        assert len(workers) == 2
    con = connect(tmp_path / "wh")
    assert con.execute("select count(*) from contacts").fetchone()[0] == truth["people"]
    assert summary["counts"]["inputs_failed"] == 0
