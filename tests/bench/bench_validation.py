"""Validation benchmark: the fixed cost of Great Expectations in a small run.

A run's validation has a cost that does not depend on its size: a GX context, and a data asset, suite
and checkpoint for each suite. `tasks.validate` keeps contexts in a pool, so the next runner of the
process (the warm process's forked runs, Dask workers, the tests) takes one with its checkpoints built.
This measures a runner's life as a two-document run lives it (the documents suite, the runs suite,
Data Docs rendered) with the pool, against the same with an empty pool each time (a context built
anew, as before the pool), in alternation. The last line is:
validation pooled_s=A fresh_s=B ratio=B/A
Usage: python -m tests.bench.bench_validation [--rounds 8]
"""

from __future__ import annotations

import argparse
import hashlib
import statistics
import tempfile
import time
from pathlib import Path

from newslake.expectations import load_suite
from newslake.flows.quality import ROW_IDS
from newslake.tasks import validate

DOCUMENTS = [
    {
        "doc_id": hashlib.sha256(str(n).encode()).hexdigest(),
        "source_uri": f"file:///seeds/{n}.txt",
        "kind": "text",
        "size_bytes": 2_000,
    }
    for n in range(2)
]
RUN = [{"run_id": "r", "documents_processed": 2, "articles_loaded": 2, "quarantine_share": 0.0}]
PARAMETERS = {"max_document_bytes": 50_000_000, "max_quarantine_share": 0.5}


def one_run(folder: Path) -> float:
    """Time one runner's life: two suites, Data Docs, close."""
    started = time.perf_counter()
    runner = validate.SuiteRunner(folder, run_name="20261203T101010Z-abcdef12")
    runner.run(load_suite("documents"), DOCUMENTS, ROW_IDS["documents"], PARAMETERS)
    runner.run(load_suite("runs"), RUN, ROW_IDS["runs"], PARAMETERS)
    runner.build_docs()
    runner.close()
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=8)
    rounds = parser.parse_args().rounds
    pooled: list[float] = []
    fresh: list[float] = []
    with tempfile.TemporaryDirectory() as tmp:
        one_run(Path(tmp) / "first")  # imports, templates
        for n in range(rounds):
            pooled.append(one_run(Path(tmp) / f"pooled-{n}"))
            validate._IDLE.clear()  # the baseline: no context to take
            fresh.append(one_run(Path(tmp) / f"fresh-{n}"))
    a, b = statistics.median(pooled), statistics.median(fresh)
    print(f"runner with a pooled context: median {a:.3f} s; with a context built anew: {b:.3f} s ({rounds} rounds)")
    print(f"validation pooled_s={a:.3f} fresh_s={b:.3f} ratio={b / a:.2f}")


if __name__ == "__main__":
    main()
