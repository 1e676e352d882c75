"""Load benchmark: the warehouse's fixed cost per batch, as a scheduled run's small batches meet it.

Two copies of a migrated embedded warehouse take the same small batches (one article with entities,
a quote, a link, a refusal and the batch's quality results; no page fetch, as in a run over a
folder), in alternation: one through `warehouse.load.load_batch`, the other by the plain way, its
tables registered outside the transaction and load_batch.sql run as one script. The same rows land
in both (checked). The last line is:
load batches=N newslake_ms=A plain_ms=B ratio=B/A   (median milliseconds per batch)
Usage: python -m tests.bench.bench_load [--batches 40]
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

import duckdb

from newslake.tasks.validate import ExpectationOutcome
from newslake.warehouse.clusters import cluster_articles
from newslake.warehouse.lake import connect, read_sql, staged, write
from newslake.warehouse.load import LoadBatch, already_loaded, load_batch, staged_tables
from newslake.warehouse.migrate import table_names
from tests.lakes import new_lake, sample_batch


def batch(n: int) -> LoadBatch:
    loaded = sample_batch(doc_id=f"d{n}", run_id=f"r{n}")
    loaded.articles = [(f"art{n}", loaded.articles[0][1])]
    loaded.mentions = [(f"art{n}", m) for _, m in loaded.mentions]
    loaded.spans = [(f"art{n}", s) for _, s in loaded.spans]
    loaded.quotes = [(f"art{n}", q) for _, q in loaded.quotes]
    loaded.batch_number = 1
    loaded.validation = [ExpectationOutcome("articles", "title_present", "error", True, 0, 0.0, (), "{}", 1)]
    return loaded


def plain_load(con: duckdb.DuckDBPyConnection, loaded: LoadBatch) -> None:
    """Load a batch with its tables staged outside the transaction and every statement run."""
    tables = staged_tables(loaded)
    with staged(con, tables):

        def load() -> None:
            with staged(con, already_loaded(con, tables)):
                con.execute(read_sql("load_batch"))
            cluster_articles(con, loaded.run_id, loaded.extracted_at, loaded.signatures)

        write(con, load)


def contents(con: duckdb.DuckDBPyConnection) -> dict[str, list[str]]:
    return {t: sorted(map(repr, con.execute(f"SELECT * FROM {t}").fetchall())) for t in table_names()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--batches", type=int, default=40)
    batches = parser.parse_args().batches
    times: dict[str, list[float]] = {"newslake": [], "plain": []}
    with tempfile.TemporaryDirectory() as tmp:
        cons = {name: connect(new_lake(Path(tmp) / name)) for name in times}
        loaders = {"newslake": load_batch, "plain": plain_load}
        for n in range(batches):
            for name in ("newslake", "plain") if n % 2 else ("plain", "newslake"):
                started = time.perf_counter()
                loaders[name](cons[name], batch(n))
                times[name].append(time.perf_counter() - started)
        assert contents(cons["newslake"]) == contents(cons["plain"]), "the two ways loaded different rows"
        for con in cons.values():
            con.close()
    ours, plain = (statistics.median(times[name]) * 1000 for name in ("newslake", "plain"))
    print(f"{batches} small batches into a warehouse each: {ours:.0f} ms per batch, {plain:.0f} ms the plain way")
    print(f"load batches={batches} newslake_ms={ours:.0f} plain_ms={plain:.0f} ratio={plain / ours:.2f}")


if __name__ == "__main__":
    main()
