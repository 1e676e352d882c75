"""Validation benchmark: the cost of Great Expectations in a small run.

A run's validation has a cost that hardly depends on its size: a GX context, and a data asset, suite and
checkpoint for each suite, then GX's work per expectation. Two things keep it down, each timed here
against the same work without it, in alternation:
- `tasks.validate` keeps contexts in a pool, so the next runner of the process (the warm process's
  forked runs, Dask workers, the tests) takes one with its checkpoints built. Baseline: an empty pool
  each time (a context built anew, as before the pool).
- A batch that passes whole is validated once without the lists of failing rows (GX's BASIC result
  format); only a batch with a failing row is validated again in full. Baseline: every batch validated
  in full (COMPLETE), as before.
Each round is a runner's life as a run of 20 clean articles lives it: the documents, articles, entities
and links suites, the runs suite, Data Docs rendered. The last two lines are:
validation pooled_s=A fresh_s=B ratio=B/A
validation two_pass_s=A complete_s=B ratio=B/A
Usage: python -m tests.bench.bench_validation [--rounds 8]
"""

from __future__ import annotations

import argparse
import hashlib
import statistics
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from newslake.expectations import load_suite
from newslake.flows.quality import ROW_IDS, suite_parameters
from newslake.flows.settings import Settings
from newslake.tasks import validate


def _sha(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


ARTICLES = 20
FRAMES: dict[str, list[dict[str, Any]]] = {
    "documents": [
        {"doc_id": _sha(str(n)), "source_uri": f"file:///news/{n}.html", "kind": "html", "byte_size": 40_000}
        for n in range(ARTICLES)
    ],
    "articles": [
        {
            "article_id": _sha(f"a{n}")[:32],
            "doc_id": _sha(str(n)),
            "source_uri": f"file:///news/{n}.html",
            "title": f"The harbour reopens after the storm, part {n}",
            "text": "The harbour reopened on Monday after the storm. " * 40,
            "word_count": 320,
            "published_at": datetime(2026, 11, 30, 8, 0, tzinfo=UTC),
            "language": "en",
            "url": f"https://news.example/{n}",
        }
        for n in range(ARTICLES)
    ],
    "entities": [
        {
            "key": _sha(f"m{n}-{k}"),
            "article_id": _sha(f"a{n}")[:32],
            "entity_id": _sha(f"e{k}")[:32],
            "name": name,
            "label": label,
            "mention_count": 2,
        }
        for n in range(ARTICLES)
        for k, (name, label) in enumerate([("Ada Lovelace", "PERSON"), ("Rotterdam", "GPE"), ("Port Authority", "ORG")])
    ],
    "links": [
        {
            "key": _sha(f"l{n}-{k}"),
            "article_id": _sha(f"a{n}")[:32],
            "url": f"https://news.example/related/{k}",
            "anchor_text": "Related story",
        }
        for n in range(ARTICLES)
        for k in range(3)
    ],
    "runs": [{"run_id": "r", "documents_processed": ARTICLES, "articles_loaded": ARTICLES, "quarantine_share": 0.0}],
}
PARAMETERS = suite_parameters(Settings(), datetime(2026, 12, 1, tzinfo=UTC))


def one_run(folder: Path) -> float:
    """Time one runner's life: five suites, Data Docs, close. Every expectation must pass."""
    started = time.perf_counter()
    runner = validate.SuiteRunner(folder, run_name="20261203T101010Z-abcdef12")
    for suite, rows in FRAMES.items():
        failed = [
            o.expectation for o in runner.run(load_suite(suite), rows, ROW_IDS[suite], PARAMETERS) if not o.success
        ]
        if failed:
            raise SystemExit(f"the benchmark's {suite} rows fail {failed}: fix them to match the suite")
    runner.build_docs()
    runner.close()
    return time.perf_counter() - started


def alternate(folder: Path, rounds: int, name: str, baseline: Callable[[], Any]) -> tuple[float, float]:
    """Median seconds of one_run as it is and with baseline() undone after each run, in alternation."""
    measured: list[float] = []
    base: list[float] = []
    for n in range(rounds):
        measured.append(one_run(folder / f"{name}-{n}"))
        undo = baseline()
        try:
            base.append(one_run(folder / f"{name}-baseline-{n}"))
        finally:
            undo()
    return statistics.median(measured), statistics.median(base)


def empty_pool() -> Callable[[], None]:
    validate._IDLE.clear()  # no context to take
    return lambda: None


def complete_only() -> Callable[[], None]:
    whole = validate._whole
    validate._whole = lambda result: False  # type: ignore[assignment]  # every batch validated in full
    return lambda: setattr(validate, "_whole", whole)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=8)
    rounds = parser.parse_args().rounds
    with tempfile.TemporaryDirectory() as tmp:
        one_run(Path(tmp) / "first")  # imports, templates
        pooled, fresh = alternate(Path(tmp), rounds, "pool", empty_pool)
        two_pass, complete = alternate(Path(tmp), rounds, "pass", complete_only)
    print(f"runner with a pooled context: median {pooled:.3f} s; with a context built anew: {fresh:.3f} s")
    print(
        f"batches that pass validated once, BASIC: median {two_pass:.3f} s; in full: {complete:.3f} s ({rounds} rounds)"
    )
    print(f"validation pooled_s={pooled:.3f} fresh_s={fresh:.3f} ratio={fresh / pooled:.2f}")
    print(f"validation two_pass_s={two_pass:.3f} complete_s={complete:.3f} ratio={complete / two_pass:.2f}")


if __name__ == "__main__":
    main()
