"""Cluster benchmark: the `make bench` corpus on a shared warehouse with one and two Dask workers,
against the single-machine default, measured in one run.

Starts, on loopback: a Prefect server, PostgreSQL (the catalog), moto's S3 server (the data files) and
a Dask scheduler. Then runs `newslake run` on the same corpus:
  default   the embedded warehouse and the local worker pool (run.workers = 2), as `make run` does;
  dask-1    the shared warehouse, batches on one `dask worker` (one process, one thread);
  dask-2    the same with two workers (a fresh database and bucket each time).
It measures pages/s for each, the scaling efficiency pps(2) / (2 x pps(1)), and the CPU seconds the
run's own process (the coordinator: planning, handing out batches, the summary) spent per 1,000 pages.
On a 2-core machine the two workers share the cores with the coordinator, PostgreSQL, the S3 server
and the scheduler, so the efficiency here is a floor for machines with a core per worker.
Then it measures the ceiling that many workers meet first, the warehouse's commits: 1, 2 and 4
processes load batches of `--batch-size` articles (with entities, mentions and quotes, like the
corpus's) into one PostgreSQL + S3 warehouse as fast as they can for `--seconds`, and it prints the
batches committed per second, the mean time of one load, and how many data files and requests one
batch costs.
The last line is:
bench-cluster pages=N default_pps=A dask1_pps=B dask2_pps=C efficiency=E coordinator_cpu_s_per_1000=S dask2_vs_default=R
Usage: python -m tests.bench.bench_cluster [--pages 2000] [--batch-size 100] [--seconds 20] [--eval DIR]
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

from newslake.warehouse.lake import LakeLocation, connect
from newslake.warehouse.load import load_batch
from newslake.warehouse.migrate import migrate
from tests.bench.bench_pipeline import build_corpus, start_prefect
from tests.lakes import sample_batch
from tests.services import S3, Postgres, dask_cluster, postgres_server, s3_server

BIN = Path(sys.executable).parent


def timed_run(args: list[str], env: dict[str, str]) -> tuple[float, float]:
    """Run `newslake run ARGS`; give back (wall seconds, CPU seconds of the newslake process and the
    processes it waited for)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    result = subprocess.run(
        [str(BIN / "newslake"), "run", *args, "--no-progress"], env=env, capture_output=True, text=True
    )
    seconds = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if result.returncode != 0:
        sys.exit(f"newslake run failed:\n{result.stderr[-3000:]}")
    return seconds, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def _load_loop(
    location: LakeLocation, environ: dict[str, str], writer: int, batch_size: int, until: float
) -> list[float]:
    """Load batches of `batch_size` new articles until the clock passes `until`; give back each load's seconds."""
    os.environ.update(environ)
    con = connect(location)
    seconds = []
    n = 0
    while time.time() < until:
        batch = sample_batch(doc_id=f"w{writer}-{n}", run_id=f"bench-{writer}")
        article = batch.articles[0][1]
        batch.articles = [
            (f"w{writer}-{n}-{i}", replace(article, doc_id=f"w{writer}-{n}", source_uri=f"file:///w{writer}/{n}/{i}"))
            for i in range(batch_size)
        ]
        batch.mentions = [(a, m) for a, _ in batch.articles for _, m in batch.mentions[:2]]
        batch.spans = [(a, s) for a, _ in batch.articles for _, s in batch.spans[:2]]
        batch.quotes = [(a, q) for a, _ in batch.articles for _, q in batch.quotes[:1]]
        started = time.perf_counter()
        load_batch(con, batch)
        seconds.append(time.perf_counter() - started)
        n += 1
    con.close()
    return seconds


def commit_ceiling(postgres: Postgres, s3: S3, batch_size: int, duration: float) -> None:
    """Print batches committed per second by 1, 2 and 4 concurrent writers, and what one batch costs."""
    context = multiprocessing.get_context("spawn")
    for writers in (1, 2, 4):
        bucket = s3.new_bucket()
        location = LakeLocation(
            Path(tempfile.mkdtemp()), postgres.catalog(postgres.new_database()), f"s3://{bucket}/c/"
        )
        os.environ.update(s3.environ)
        con = connect(location)
        migrate(con)
        before = con.execute("SELECT count(*) FROM __ducklake_metadata_lake.ducklake_data_file").fetchone()[0]  # type: ignore[index]
        until = time.time() + duration
        with context.Pool(writers) as pool:
            loads = pool.starmap(_load_loop, [(location, s3.environ, w, batch_size, until) for w in range(writers)])
        batches = sum(len(x) for x in loads)
        files = con.execute("SELECT count(*) FROM __ducklake_metadata_lake.ducklake_data_file").fetchone()[0] - before  # type: ignore[index]
        known = con.execute(
            "SELECT (SELECT count(*) FROM __ducklake_metadata_lake.ducklake_data_file) + "
            "(SELECT count(*) FROM __ducklake_metadata_lake.ducklake_delete_file)"
        ).fetchone()[0]  # type: ignore[index]
        con.close()
        orphans = len(s3.keys(bucket)) - known  # written by a transaction that conflicted and was redone
        mean = statistics.fmean(s for x in loads for s in x)
        print(
            f"commits: {writers} writer(s): {batches / duration:.2f} batches/s "
            f"({batches * batch_size / duration:.0f} articles/s), one load {mean:.2f} s, "
            f"{files / max(batches, 1):.1f} data files per batch, {orphans} files left by redone transactions",
            flush=True,
        )


def shared_env(base: dict[str, str], postgres: Postgres, s3: S3) -> dict[str, str]:
    return {
        **base,
        **s3.environ,
        "NEWSLAKE_CATALOG": postgres.catalog(postgres.new_database()),
        "NEWSLAKE_DATA_PATH": f"s3://{s3.new_bucket()}/news/",
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--pages", type=int, default=2000)
    parser.add_argument("--batch-size", type=int, default=100, help="documents per batch on the cluster")
    parser.add_argument("--seconds", type=float, default=20.0, help="length of each commit measurement")
    parser.add_argument("--eval", type=Path, default=Path(__file__).resolve().parents[3] / "shared" / "eval")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        corpus = tmp / "corpus"
        build_corpus(args.eval, corpus, args.pages)
        server, api = start_prefect(tmp / "prefect")
        base = {**os.environ, "PREFECT_API_URL": api, "PREFECT_HOME": str(tmp / "ph")}
        base["NEWSLAKE_KEEP_WARM_MINUTES"] = "0"  # each run cold, as before the warm process
        try:
            with postgres_server() as postgres, s3_server() as s3:
                default_s, _ = timed_run([str(corpus), "--lake", str(tmp / "default")], base)
                print(f"default: {args.pages / default_s:.1f} pages/s ({default_s:.0f} s)", flush=True)
                dask_s: dict[int, float] = {}
                coordinator: dict[int, float] = {}
                for workers in (1, 2):
                    with dask_cluster(workers, s3.environ) as cluster:
                        env = shared_env(base, postgres, s3)
                        batch = ["--batch-size", str(args.batch_size), "--lake", str(tmp / f"local-{workers}")]
                        dask_s[workers], coordinator[workers] = timed_run(
                            [str(corpus), "--dask", cluster.address, *batch], env
                        )
                    print(
                        f"dask-{workers}: {args.pages / dask_s[workers]:.1f} pages/s ({dask_s[workers]:.0f} s), "
                        f"coordinator {coordinator[workers]:.1f} CPU s",
                        flush=True,
                    )
                commit_ceiling(postgres, s3, args.batch_size, args.seconds)
        finally:
            server.terminate()
            server.wait(timeout=30)
    pps = {w: args.pages / s for w, s in dask_s.items()}
    default_pps = args.pages / default_s
    cpu_per_1000 = max(coordinator.values()) / args.pages * 1000
    print(
        f"bench-cluster pages={args.pages} default_pps={default_pps:.1f} dask1_pps={pps[1]:.1f} "
        f"dask2_pps={pps[2]:.1f} efficiency={pps[2] / (2 * pps[1]):.2f} "
        f"coordinator_cpu_s_per_1000={cpu_per_1000:.1f} dask2_vs_default={pps[2] / default_pps:.2f}"
    )


if __name__ == "__main__":
    main()
