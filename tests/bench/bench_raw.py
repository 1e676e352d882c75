"""Raw-bytes retention benchmark: what `lake.keep_raw_days` costs a run, and what it gives back.

A migrated embedded warehouse gets N documents of incompressible bytes, stored by runs a day apart (one
Parquet file each, as scheduled runs write). Timed in the same process, best of five:
- the check each run makes once `lake.keep_raw_days` is set, with nothing due (the documents' times,
  joined to their runs), against a query that reads the bytes (`count(content)`): the check must stay
  clear of the bytes, or a large warehouse would pay for reading them after every run;
- dropping the bytes of the older half, once.
Then `warehouse.maintain.maintain` with a retention that expires the snapshots before the drop, so the
files that held the bytes are deleted: the Parquet bytes on disk before and after. The last line is:
raw documents=N check_s=A read_bytes_s=B ratio=B/A drop_s=C disk_before_mb=D disk_after_mb=E
Usage: python -m tests.bench.bench_raw [--documents 4000] [--size 20000]
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import duckdb
import pyarrow as pa

from newslake.warehouse.lake import connect, read_sql, write
from newslake.warehouse.maintain import drop_raw, maintain
from tests.lakes import new_lake

RUNS = 20


def best_of(work: Callable[[], object], rounds: int = 5) -> float:
    best = float("inf")
    for _ in range(rounds):
        started = time.perf_counter()
        work()
        best = min(best, time.perf_counter() - started)
    return best


def fill(con: duckdb.DuckDBPyConnection, documents: int, size: int, now: datetime) -> None:
    """Store the documents in RUNS runs, one a day, the newest an hour ago."""
    per_run = documents // RUNS
    for run in range(RUNS):
        run_id = f"run-{run:02d}"
        started = now - timedelta(days=RUNS - run, hours=-23)
        rows = pa.table(
            {
                "doc_id": [f"{run_id}-{n}" for n in range(per_run)],
                "source_uri": [f"https://news.example/{run_id}/{n}" for n in range(per_run)],
                "discovered_at": [started] * per_run,
                "byte_size": [size] * per_run,
                "content": [os.urandom(size) for _ in range(per_run)],
                "run_id": [run_id] * per_run,
            }
        )

        def work(rows: pa.Table = rows, run_id: str = run_id, started: datetime = started) -> None:
            con.register("staged", rows)
            con.execute("INSERT INTO runs (run_id, started_at) VALUES (?, ?)", [run_id, started])
            con.execute("INSERT INTO documents BY NAME SELECT * FROM staged")
            con.unregister("staged")

        write(con, work)


def disk_mb(root: Path) -> float:
    return sum(f.stat().st_size for f in root.rglob("*.parquet")) / 1e6


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--documents", type=int, default=4000)
    parser.add_argument("--size", type=int, default=20_000, help="bytes per document")
    args = parser.parse_args()
    now = datetime.now(UTC)
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "lake"
        con = connect(new_lake(root))
        fill(con, args.documents, args.size, now)
        nothing_due = {"older_than": now - timedelta(days=RUNS + 1)}
        check = best_of(lambda: con.execute(read_sql("raw_due"), nothing_due).fetchone())
        read_bytes = best_of(lambda: con.execute("SELECT count(content) FROM documents").fetchone())
        before = disk_mb(root)
        started = time.perf_counter()
        dropped = drop_raw(con, timedelta(days=RUNS // 2), now=now)
        drop = time.perf_counter() - started
        later = now + timedelta(days=3)  # the drop's snapshot is then older than a retention of one day
        done = maintain(con, keep_snapshots=timedelta(days=1), now=later)
        kept = con.execute("SELECT count(content) FROM documents").fetchone()
        con.close()
        after = disk_mb(root)
    assert kept == (args.documents - dropped,), kept
    print(f"{args.documents} documents of {args.size:,} bytes in {RUNS} runs; dropped the bytes of {dropped}")
    print(f"check with nothing due: {check * 1000:.1f} ms; a query reading the bytes: {read_bytes * 1000:.1f} ms")
    print(f"drop: {drop:.2f} s; then {done.describe()}")
    print(
        f"raw documents={args.documents} check_s={check:.4f} read_bytes_s={read_bytes:.4f} "
        f"ratio={read_bytes / check:.1f} drop_s={drop:.2f} disk_before_mb={before:.1f} disk_after_mb={after:.1f}"
    )


if __name__ == "__main__":
    main()
