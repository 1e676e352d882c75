"""Maintenance benchmark: what small files cost a query, and what `newslake maintain` gives back.

A migrated embedded warehouse gets a table written in many small transactions (each like a scheduled
run's batch: two rows, one Parquet file). A day-by-day aggregate over it is timed (best of five) with
the small files, then after `warehouse.maintain.maintain`, in the same process. The last line is:
maintain batches=N files_before=A files_after=B query_small_s=C query_merged_s=D maintain_s=E ratio=C/D
Usage: python -m tests.bench.bench_maintain [--batches 1000]
"""

from __future__ import annotations

import argparse
import tempfile
import time
from datetime import timedelta
from pathlib import Path

import duckdb

from newslake.warehouse.lake import connect, write
from newslake.warehouse.maintain import maintain
from tests.lakes import new_lake

QUERY = "SELECT day, count(*), max(length(body)) FROM notes GROUP BY day ORDER BY day"


def best_of(con: duckdb.DuckDBPyConnection, rounds: int = 5) -> float:
    best = float("inf")
    for _ in range(rounds):
        started = time.perf_counter()
        con.execute(QUERY).fetchall()
        best = min(best, time.perf_counter() - started)
    return best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--batches", type=int, default=1000)
    batches = parser.parse_args().batches
    with tempfile.TemporaryDirectory() as tmp:
        con = connect(new_lake(Path(tmp) / "lake"))
        con.execute("CREATE TABLE notes (n INTEGER, day DATE, body VARCHAR)")
        for n in range(batches):
            write(
                con,
                lambda n=n: con.execute(
                    "INSERT INTO notes SELECT ? + range, DATE '2026-01-01' + (? % 30)::INTEGER, repeat('x', 500) "
                    "FROM range(2)",
                    [2 * n, n],
                ),
            )
        answer = con.execute(QUERY).fetchall()
        small = best_of(con)
        started = time.perf_counter()
        done = maintain(con, keep_snapshots=timedelta(days=30))
        took = time.perf_counter() - started
        merged = best_of(con)
        assert con.execute(QUERY).fetchall() == answer
        con.close()
    print(f"{batches} small batches: {done.describe()}")
    print(f"query over them: {small:.3f} s with the small files, {merged:.3f} s merged; maintenance {took:.2f} s")
    print(
        f"maintain batches={batches} files_before={done.files_before} files_after={done.files_after} "
        f"query_small_s={small:.3f} query_merged_s={merged:.3f} maintain_s={took:.2f} ratio={small / merged:.1f}"
    )


if __name__ == "__main__":
    main()
