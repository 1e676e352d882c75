"""Runs on a real Dask cluster (a `dask scheduler` and two `dask worker` processes on loopback), writing
to a shared warehouse on a real PostgreSQL server and a real S3-compatible server."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import BIN, CliRunner
from tests.services import S3, DaskCluster, Postgres, dask_cluster, free_port
from tests.site import article_html

KEYS = {
    "articles": "article_id",
    "documents": "doc_id",
    "entities": "entity_id",
    "entity_aliases": "(alias, entity_id)",
    "mentions": "(article_id, entity_id)",
    "entity_mentions": "(article_id, start_offset)",
    "quotes": "(article_id, start_offset)",
    "links": "(article_id, url)",
}


@pytest.mark.parametrize("address", ["tcp://127.0.0.1:abc", "tcp://127.0.0.1"])
def test_a_scheduler_address_without_host_and_port_is_told_in_one_line(
    newslake: CliRunner, tmp_path: Path, address: str
) -> None:
    catalog = f"postgres:dbname=lake host=127.0.0.1 port={free_port()} user=newslake"
    result = newslake("run", str(tmp_path), "--catalog", catalog, "--dask", address, check=False)
    assert result.returncode == 1
    assert f"the Dask scheduler address {address} is not a host and port" in result.stderr


def test_a_cluster_needs_a_shared_catalog(newslake: CliRunner, tmp_path: Path) -> None:
    result = newslake("run", str(tmp_path), "--dask", "tcp://127.0.0.1:8786", check=False)
    assert result.returncode != 0
    assert "shared catalog" in result.stderr


def test_a_scheduler_that_does_not_answer_is_told_in_one_line(newslake: CliRunner, tmp_path: Path) -> None:
    catalog = f"postgres:dbname=lake host=127.0.0.1 port={free_port()} user=newslake"
    address = f"tcp://127.0.0.1:{free_port()}"
    result = newslake("run", str(tmp_path), "--catalog", catalog, "--dask", address, check=False)
    assert result.returncode == 1
    assert f"the Dask scheduler at {address} does not answer" in result.stderr
    assert "refused" in result.stderr  # nothing listens there: told at once, not after Dask's retries


@pytest.fixture(scope="module")
def cluster(s3: S3) -> Iterator[DaskCluster]:
    # The workers reach the object store with their own credentials, as on a real cluster.
    with dask_cluster(2, s3.environ) as running:
        yield running


def _pages(folder: Path, count: int) -> Path:
    folder.mkdir()
    for n in range(count):
        (folder / f"page-{n:03}.html").write_text(article_html(n), encoding="utf-8")
    return folder


def _shared_env(postgres: Postgres, s3: S3) -> dict[str, str]:
    return {
        **s3.environ,
        "NEWSLAKE_CATALOG": postgres.catalog(postgres.new_database()),
        "NEWSLAKE_DATA_PATH": f"s3://{s3.new_bucket()}/news/",
    }


def _rows(newslake: CliRunner, env: dict[str, str], sql: str) -> list[dict[str, object]]:
    return json.loads(newslake("sql", "--format", "json", sql, env=env).stdout)  # type: ignore[no-any-return]


def _duplicated_keys(newslake: CliRunner, env: dict[str, str]) -> dict[str, object]:
    checks = " UNION ALL ".join(
        f"SELECT '{table}' AS t, count(*) - count(DISTINCT {key}) AS d FROM {table}" for table, key in KEYS.items()
    )
    return {row["t"]: row["d"] for row in _rows(newslake, env, checks) if row["d"]}  # type: ignore[misc]


@pytest.mark.cluster
@pytest.mark.slow
def test_batches_run_and_load_on_the_cluster_workers(
    newslake: CliRunner, postgres: Postgres, s3: S3, cluster: DaskCluster, tmp_path: Path
) -> None:
    env = _shared_env(postgres, s3)
    folder = _pages(tmp_path / "pages", 24)
    # A team's own suite goes to the workers with the run's settings, and they apply it.
    checks = tmp_path / "checks"
    checks.mkdir()
    first = {"column": "source_uri", "regex": r"page-00[0-3]\.html"}
    suite = {
        "type": "expect_column_values_to_not_match_regex",
        "kwargs": first,
        "meta": {"name": "x", "severity": "warn"},
    }
    (checks / "articles.json").write_text(json.dumps({"expectations": [suite]}))
    args = ["run", str(folder), "--dask", cluster.address, "--batch-size", "4", "--no-progress"]
    newslake(*args, env={**env, "NEWSLAKE_SUITES_DIR": str(checks)})
    assert _rows(newslake, env, "SELECT count(*) AS n FROM articles") == [{"n": 24}]
    sql = "SELECT count(*) AS n, sum(unexpected_count) AS u FROM validation_results WHERE suite = 'local.articles'"
    assert _rows(newslake, env, sql) == [{"n": 6, "u": 4}]
    assert _duplicated_keys(newslake, env) == {}
    # Both workers took batches: each loaded the entity model to process its documents.
    from distributed import Client

    with Client(cluster.address, timeout=20, set_as_default=False) as client:  # type: ignore[no-untyped-call]
        loaded = client.run(lambda: __import__("newslake.flows.workers", fromlist=["_MODEL"])._MODEL is not None)
    assert list(loaded.values()) == [True, True]
    runs = _rows(newslake, env, "SELECT status, documents_new, articles_loaded FROM runs")
    assert runs == [{"status": "completed", "documents_new": 24, "articles_loaded": 24}]
    # Again: every page unchanged, nothing sent to the cluster, nothing written twice.
    newslake(*args, env=env)
    assert _rows(newslake, env, "SELECT count(*) AS n FROM articles") == [{"n": 24}]
    assert _duplicated_keys(newslake, env) == {}


@pytest.mark.cluster
@pytest.mark.slow
def test_a_worker_killed_mid_batch_leaves_every_row_exactly_once(
    newslake: CliRunner, postgres: Postgres, s3: S3, cluster: DaskCluster, tmp_path: Path, prefect_api: str
) -> None:
    env = _shared_env(postgres, s3)
    folder = _pages(tmp_path / "pages", 40)
    run_env = {**os.environ, **env, "PREFECT_API_URL": prefect_api, "PREFECT_HOME": str(tmp_path / "prefect")}
    run = subprocess.Popen(
        [str(BIN / "newslake"), "run", str(folder), "--dask", cluster.address, "--batch-size", "2", "--no-progress"],
        cwd=tmp_path,
        env=run_env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    from distributed import Client

    with Client(cluster.address, timeout=20, set_as_default=False) as client:  # type: ignore[no-untyped-call]
        killed = None
        deadline = time.monotonic() + 300
        while killed is None and run.poll() is None and time.monotonic() < deadline:
            # Once batches are running, SIGKILL the process of a worker that holds one.
            busy = [worker for worker, tasks in client.processing().items() if tasks]
            if busy:
                pids = client.run(os.getpid, workers=busy[:1])
                killed = next(iter(pids.values()))
                os.kill(killed, signal.SIGKILL)
            time.sleep(0.2)
        _, err = run.communicate(timeout=600)
        assert killed is not None, "no batch was seen running on a worker"
        assert run.returncode == 0, err[-3000:]
        assert "Traceback" not in err
        # The nanny started a new worker process in place of the killed one.
        client.wait_for_workers(2, timeout=120)
        assert killed not in client.run(os.getpid).values()
    assert _rows(newslake, env, "SELECT count(*) AS n FROM articles") == [{"n": 40}]
    assert _duplicated_keys(newslake, env) == {}
    runs = _rows(newslake, env, "SELECT status, articles_loaded FROM runs")
    assert runs == [{"status": "completed", "articles_loaded": 40}]
