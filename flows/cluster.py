"""Batches on an existing Dask cluster, through Prefect's Dask task runner (prefect-dask).

The flow's process only plans: it reads or fetches the documents, asks the warehouse which are new,
and hands each batch to the cluster. A Dask worker then does the whole batch itself: it decodes and
extracts the documents, finds their entities and quotations, validates them and commits the batch to
the shared warehouse, then gives back only its counts. Batches do not funnel through the flow's process.

A worker killed mid-batch is replaced by Dask, which runs its batch again elsewhere. Loading a batch a
second time changes nothing (warehouse/sql/load_batch.sql), and commits from many workers are kept
apart by the warehouse's write token (warehouse.lake.write), so the rows end up exactly once.
"""

from __future__ import annotations

import pickle
import socket
import threading
from typing import Any, TypeVar, cast

import duckdb
from prefect import task
from prefect.cache_policies import NO_CACHE

from newslake.flows.batches import BatchWork, InputBatch
from newslake.flows.errors import ClusterUnavailableError
from newslake.flows.settings import Settings
from newslake.flows.workers import init_worker, process_chunk
from newslake.tasks.validate import SuiteRunner
from newslake.warehouse.lake import LakeLocation, connect

# Per worker thread: one warehouse connection and one Great Expectations context, kept between
# batches (a Dask worker runs many tasks; opening the lake and building the context cost seconds).
_LOCAL = threading.local()
F = TypeVar("F")


def cluster_workers(address: str, timeout: float = 20.0) -> int:
    """Give back how many workers the Dask scheduler at address has, or raise ClusterUnavailableError.

    An address where nothing listens is told at once: Dask's client retries a refused connection
    until its timeout, since a scheduler may still be starting. So is one with no host and port."""
    from distributed import Client
    from distributed.comm.addressing import get_address_host_port

    try:
        host, port = get_address_host_port(address)
    except ValueError as exc:  # Dask's client raises it too, with a traceback, after a long wait
        raise ClusterUnavailableError(
            f"the Dask scheduler address {address} is not a host and port ({exc}): write it as "
            "tcp://HOST:PORT in --dask / NEWSLAKE_DASK_ADDRESS"
        ) from exc
    try:
        socket.create_connection((host, port), timeout=timeout).close()
        with Client(address, timeout=timeout, set_as_default=False) as client:  # type: ignore[no-untyped-call]
            workers = len(client.scheduler_info(n_workers=-1)["workers"])
    except OSError as exc:
        raise ClusterUnavailableError(
            f"the Dask scheduler at {address} does not answer ({exc}): start it with `dask scheduler`, "
            "or fix --dask / NEWSLAKE_DASK_ADDRESS"
        ) from exc
    if workers == 0:
        raise ClusterUnavailableError(f"the Dask scheduler at {address} has no workers: start some with `dask worker`")
    return workers


def on_cluster(flow_object: F, address: str | None) -> F:
    """Give back the flow set to run its submitted tasks on the Dask cluster at address (unchanged
    without one)."""
    if not address:
        return flow_object
    from prefect_dask.task_runners import DaskTaskRunner  # imported only when a cluster is used

    return cast(F, flow_object.with_options(task_runner=DaskTaskRunner(address=address)))  # type: ignore[attr-defined]


def batch_payload(given: InputBatch, work: BatchWork) -> bytes:
    """Give back a batch as one opaque value for ingest_batch. Prefect walks a task's parameters
    looking for futures, which for a batch's documents costs a third of a run, and passes
    `quote`-marked values to tasks on Dask still wrapped: bytes are neither walked nor wrapped."""
    return pickle.dumps((given, work), protocol=pickle.HIGHEST_PROTOCOL)


@task(name="ingest-batch", cache_policy=NO_CACHE)
def ingest_batch(settings: Settings, run_id: str, number: int, payload: bytes) -> Any:
    """Process, validate and load one batch (from batch_payload) on a cluster worker; give back its
    BatchOutcome."""
    from newslake.flows.ingest import complete_batch  # the flow module imports this one

    given, work = pickle.loads(payload)  # made by batch_payload in the run's own flow
    init_worker(settings.entities.model, settings.run.max_document_bytes, settings.run.document_timeout)
    processed = process_chunk(work.process)
    return complete_batch(
        _connection(settings.location()),
        _runner(),
        settings,
        run_id,
        number,
        given,
        work,
        processed,
        mark_search=False,
    )


def _connection(location: LakeLocation) -> duckdb.DuckDBPyConnection:
    cached = getattr(_LOCAL, "connection", None)
    if cached is None or cached[0] != location:
        if cached is not None:
            cached[1].close()
        cached = (location, connect(location))
        _LOCAL.connection = cached
    return cached[1]


def _runner() -> SuiteRunner:
    # No Data Docs on workers: the results are in the warehouse's validation tables, and the flow's
    # process renders the run-level suite's.
    runner = getattr(_LOCAL, "runner", None)
    if runner is None:
        runner = _LOCAL.runner = SuiteRunner()
    return runner
